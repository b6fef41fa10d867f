"""Finding cards on the board: search as you type, the filter panel, the command palette."""

from __future__ import annotations

from typing import Any

from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input, Label, SelectionList

from plc_console.domain import BOARD_STAGES, Category, Stage
from plc_console.services.board import CardOrder
from plc_console.tui.screens.board import BoardScreen
from plc_console.tui.widgets.filter_panel import FilterPanel
from plc_console.tui.widgets.search_bar import SearchBar
from tests.ui.board_pilot import (
    SIZE,
    AppFactory,
    counts,
    numbers,
    press,
    run,
    screen,
    settle,
)
from tests.ui.conftest import SEED_COUNTS

ALL = {stage: str(SEED_COUNTS[stage]) for stage in BOARD_STAGES}


def only(**shown: int) -> dict[Stage, str]:
    """Every column's count: those named, zero elsewhere."""
    return {stage: str(shown.get(stage.value, 0)) for stage in BOARD_STAGES}


def filter_line(app: Any) -> str:
    line = screen(app).query_one("#filter-line", Label)
    return str(line.content) if line.display else ""


async def type_text(pilot: Pilot[None], text: str) -> None:
    for char in text:
        await press(pilot, "space" if char == " " else char)


def test_search_narrows_the_board_with_every_keystroke(build_app: AppFactory) -> None:
    async def scenario() -> None:
        app = build_app("en")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "slash")
            assert isinstance(app.focused, Input)
            await type_text(pilot, "дн")
            # "дн": Дневник.ру twice, and "дня"/"одн…" nowhere else in the seed
            await type_text(pilot, "евник")
            assert counts(app) == only(received=2)
            assert numbers(app, Stage.RECEIVED) == ["З-2026-00006", "З-2026-00012"]
            assert screen(app).query_one("#search", Input).value == "дневник"
            assert filter_line(app) == ""  # the search line says it; filters are none
            await press(pilot, "enter")  # back to the cards; the search stays
            assert not isinstance(app.focused, Input)
            assert screen(app).query_one(SearchBar).display
            await press(pilot, "down")
            assert screen(app).active_column.current_card is not None
            assert screen(app).active_column.current_card.number == "З-2026-00012"

    run(scenario())


def test_search_ignores_case_and_yo_and_finds_numbers(build_app: AppFactory) -> None:
    async def scenario() -> None:
        app = build_app("ru")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "slash")
            await type_text(pilot, "ФЕДОРОВ")  # stored as «Фёдоров»
            assert counts(app) == only(triage=1)
            assert numbers(app, Stage.TRIAGE) == ["З-2026-00007"]
            await press(pilot, "escape")  # clears the search: everything is back
            assert counts(app) == ALL
            assert filter_line(app) == ""
            assert not screen(app).query_one(SearchBar).display
            await press(pilot, "slash")
            await type_text(pilot, "0001")
            assert counts(app) == only(received=3, triage=1)
            await type_text(pilot, "1")
            assert numbers(app, Stage.RECEIVED) == ["З-2026-00011"]

    run(scenario())


def test_a_search_with_no_match_empties_every_column(build_app: AppFactory) -> None:
    async def scenario() -> None:
        app = build_app("en")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "slash")
            await type_text(pilot, "zzz 100%")
            assert counts(app) == only()
            await press(pilot, "enter", "right_square_bracket")  # no card: nothing moves
            assert counts(app) == only()

    run(scenario())


def test_filters_narrow_the_board_and_stay_when_the_panel_closes(
    build_app: AppFactory,
) -> None:
    async def scenario() -> None:
        app = build_app("en")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "f")
            panel = screen(app).query_one(FilterPanel)
            assert panel.display
            categories = panel.query_one("#filter-categories", SelectionList)
            assert app.focused is categories
            await press(pilot, "down", "space")  # the second category: methodological
            assert screen(app).board_filter.categories == {Category.METHODOLOGICAL}
            assert counts(app) == only(scheduled=1, preparation=1)
            assert filter_line(app) == "Category: methodological"
            await press(pilot, "escape")
            assert not panel.display
            assert counts(app) == only(scheduled=1, preparation=1)
            await press(pilot, "f")
            await press(pilot, "delete")  # clear every filter
            assert counts(app) == ALL
            assert filter_line(app) == ""

    run(scenario())


def test_young_teachers_filter(build_app: AppFactory) -> None:
    async def scenario() -> None:
        app = build_app("en")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "f")
            panel = screen(app).query_one(FilterPanel)
            panel.query_one("#filter-young").focus()
            await press(pilot, "space")
            # Иванова (2 years, triage), Смирнова (1) and Никитина (3: still young).
            assert counts(app) == only(received=2, triage=1)
            assert numbers(app, Stage.RECEIVED) == ["З-2026-00006", "З-2026-00011"]
            assert filter_line(app) == "Young teachers only"

    run(scenario())


def test_search_and_sort_keep_each_other(build_app: AppFactory) -> None:
    async def scenario() -> None:
        app = build_app("en")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "slash")
            await type_text(pilot, "как")
            searched = counts(app)
            await press(pilot, "enter", "s")
            assert screen(app).order is CardOrder.RED_FIRST
            assert counts(app) == searched
            assert screen(app).board_filter.search == "как"

    run(scenario())


def test_the_palette_runs_board_commands(build_app: AppFactory) -> None:
    async def scenario() -> None:
        app = build_app("en")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "ctrl+p")
            assert isinstance(app.screen, CommandPalette)
            await type_text(pilot, "sort")
            await press(pilot, "enter")
            assert isinstance(app.screen, BoardScreen)
            assert screen(app).order is CardOrder.RED_FIRST

    run(scenario())


def test_the_palette_opens_a_request_by_its_number(build_app: AppFactory) -> None:
    from plc_console.tui.screens.request import RequestScreen

    async def scenario() -> None:
        app = build_app("ru")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "ctrl+p")
            await type_text(pilot, "7")
            await pilot.pause(0.3)  # the lookup runs in a thread
            await press(pilot, "enter")
            await settle(pilot)
            assert isinstance(app.screen, RequestScreen)
            shown = " ".join(str(label.content) for label in app.screen.query(Label))
            assert "З-2026-00007" in shown

    run(scenario())


def test_snapshot_filtered_board_in_english(build_app: AppFactory, snap_compare: Any) -> None:
    async def filtered(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await press(pilot, "slash")
        await type_text(pilot, "как")
        await press(pilot, "enter", "f", "down", "space")
        await settle(pilot)

    assert snap_compare(build_app("en"), terminal_size=SIZE, run_before=filtered)
