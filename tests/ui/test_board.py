"""The Kanban board driven like a coordinator would: what it shows, how it reads."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import Label

from plc_console.config import Settings
from plc_console.domain import BOARD_STAGES, Role, Stage
from plc_console.services.board import CardOrder
from plc_console.services.database import Database
from plc_console.services.requests import NewRequest, create_request
from plc_console.tui.app import make_app
from plc_console.tui.screens.help import HelpScreen
from plc_console.tui.widgets.board_column import WINDOW
from plc_console.tui.widgets.card_render import CARD_HEIGHT
from tests.ui.board_pilot import (
    RECEIVED,
    SIZE,
    AppFactory,
    add_request,
    column,
    counts,
    current_number,
    notes,
    numbers,
    press,
    run,
    screen,
    settle,
)
from tests.ui.conftest import ACTOR, SEED_COUNTS, on


def test_the_board_shows_every_column_with_its_count(build_app: AppFactory) -> None:
    async def scenario() -> None:
        app = build_app("en")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert counts(app) == {stage: str(SEED_COUNTS[stage]) for stage in BOARD_STAGES}
            assert numbers(app, Stage.RECEIVED) == RECEIVED
            assert numbers(app, Stage.TRIAGE) == ["З-2026-00001", "З-2026-00007"]
            assert current_number(app) == RECEIVED[0]
            names = [str(label.content) for label in app.screen.query(".lane-name")]
            assert names[:2] == ["Received", "Triage & experts"]
            assert screen(app).query_one("#lane-received").has_class("-active")

    run(scenario())


def test_arrows_and_vim_keys_move_the_cursor(build_app: AppFactory) -> None:
    async def scenario() -> None:
        app = build_app("en")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "j", "down")
            assert current_number(app) == RECEIVED[2]
            await press(pilot, "end")
            assert current_number(app) == RECEIVED[-1]
            await press(pilot, "home", "l")
            assert current_number(app) == "З-2026-00001"
            assert screen(app).query_one("#lane-triage").has_class("-active")
            assert not screen(app).query_one("#lane-received").has_class("-active")
            await press(pilot, "right", "right", "right")  # the empty joint-work column
            assert current_number(app) is None
            await press(pilot, "h", "left", "k")
            assert current_number(app) == "З-2026-00002"

    run(scenario())


def test_s_puts_the_red_zone_first(build_app: AppFactory, ui_db: Database) -> None:
    # In preparation since the 15th, but its chain started on the 2nd: red. The seed's
    # card has been in preparation longer (since the 12th) but is only yellow.
    late = add_request(
        ui_db,
        "Белова Зоя",
        1,
        ((Stage.TRIAGE, 2), (Stage.SCHEDULED, 3), (Stage.PREPARATION, 15)),
    )

    async def scenario() -> None:
        app = build_app("en")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert numbers(app, Stage.PREPARATION) == ["З-2026-00004", late]
            await press(pilot, "s")
            assert screen(app).order is CardOrder.RED_FIRST
            assert numbers(app, Stage.PREPARATION) == [late, "З-2026-00004"]
            await press(pilot, "s")
            assert numbers(app, Stage.PREPARATION)[0] == "З-2026-00004"

    run(scenario())


def test_the_poll_picks_up_what_another_desk_did(
    build_app: AppFactory, another_desk: Callable[[str, str], None]
) -> None:
    async def scenario() -> None:
        app = build_app("en")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            screen(app).poll()
            await settle(pilot)
            assert counts(app)[Stage.RECEIVED] == "5"  # nothing changed, nothing re-read
            another_desk("Соколова Вера", "Как готовить открытый урок")
            screen(app).poll()
            await settle(pilot)
            assert counts(app)[Stage.RECEIVED] == "6"
            assert numbers(app, Stage.RECEIVED) == [*RECEIVED, "З-2026-00013"]
            assert current_number(app) == RECEIVED[0]

    run(scenario())


def test_a_long_column_reads_only_the_cards_in_sight(
    build_app: AppFactory, ui_db: Database
) -> None:
    with ui_db.sessions.begin() as session:
        for serial in range(2 * WINDOW + 30):
            new = NewRequest(
                received_on=date(2026, 11, 19),
                full_name=f"Учитель {serial}",
                role=Role.TEACHER,
                contact=f"t{serial}@example.ru",
                problem=f"Вопрос {serial}",
                consent=True,
            )
            create_request(session, new, actor=ACTOR, now=on(19))
    total = SEED_COUNTS[Stage.RECEIVED] + 2 * WINDOW + 30

    async def scenario() -> None:
        app = build_app("en")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            received = column(app, Stage.RECEIVED)
            assert received.count == total
            assert received.virtual_size.height == total * CARD_HEIGHT
            assert len(numbers(app, Stage.RECEIVED)) == WINDOW  # one chunk, not the column
            await press(pilot, "end")
            last = received.current_card
            assert last is not None and last.first_line == f"Вопрос {2 * WINDOW + 29}"
            assert received.card_at(WINDOW + 5) is None  # the middle was never on screen
            await press(pilot, "pageup")
            assert received.cursor_row == total - 1 - received.page_rows

    run(scenario())


def test_help_lists_the_board_keys(build_app: AppFactory) -> None:
    async def scenario() -> None:
        app = build_app("en")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "question_mark")
            assert isinstance(app.screen, HelpScreen)
            shown = [str(label.content) for label in app.screen.query(Label)]
            for line in ("]  shift+→", "Move the card one stage forward", "c", "s"):
                assert line in shown

    run(scenario())


# --- snapshots: what the user sees, pinned (clock, data, size, no animation) -------------


def test_snapshot_board_in_english(build_app: AppFactory, snap_compare: Any) -> None:
    assert snap_compare(build_app("en"), terminal_size=SIZE, run_before=settle)


def test_snapshot_board_in_russian(build_app: AppFactory, snap_compare: Any) -> None:
    async def on_triage(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await press(pilot, "right", "down")

    assert snap_compare(build_app("ru"), terminal_size=SIZE, run_before=on_triage)


def test_snapshot_close_dialog_in_russian(build_app: AppFactory, snap_compare: Any) -> None:
    async def open_close(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await press(pilot, "c")

    assert snap_compare(build_app("ru"), terminal_size=SIZE, run_before=open_close)


def test_a_failing_database_is_reported_once(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    app = make_app(Settings(lang="en", actor=ACTOR), sessionmaker(engine))
    messages: list[Message] = []

    async def scenario() -> None:
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            for _ in range(3):  # the poll fails too, but says so only once
                screen(app).poll()
                await settle(pilot)
            assert counts(app)[Stage.RECEIVED] == ""

    run(scenario())
    engine.dispose()
    shown = [(n.title, n.severity) for n in notes(messages)]
    assert shown == [("Error", "error"), ("Error", "error")]  # the first read, the first poll
    assert all("no such table" in n.message for n in notes(messages))
