"""From the board to one request and back: enter opens it, n registers one, e edits one."""

from __future__ import annotations

from textual.widgets import Checkbox, Select, TextArea

from plc_console.domain import EventKind, Role, Stage
from plc_console.services.database import Database
from plc_console.tui.screens.board import BoardScreen
from plc_console.tui.screens.request import RequestScreen
from plc_console.tui.screens.request_form import RequestFormScreen
from tests.ui.board_pilot import (
    RECEIVED,
    SIZE,
    AppFactory,
    counts,
    current_number,
    detail,
    numbers,
    press,
    run,
    screen,
    settle,
)


def test_enter_opens_the_card_under_the_cursor_and_escape_comes_back(
    build_app: AppFactory,
) -> None:
    async def scenario() -> None:
        app = build_app("en")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "right", "down", "enter")  # triage, second card
            assert isinstance(app.screen, RequestScreen)
            assert app.screen.detail is not None
            assert app.screen.detail.summary.number == "З-2026-00007"
            await press(pilot, "escape")
            assert isinstance(app.screen, BoardScreen)
            assert current_number(app) == "З-2026-00007"  # the cursor stayed on it

    run(scenario())


def test_n_registers_a_request_that_then_shows_on_the_board(
    build_app: AppFactory, ui_db: Database
) -> None:
    async def scenario() -> None:
        app = build_app("ru")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "n")
            form = app.screen
            assert isinstance(form, RequestFormScreen)
            form.query_one("#field-full_name").focus()
            await press(pilot, *"Белова", "space", *"Зоя")
            form.query_one("#field-role", Select).value = Role.PARENT.value
            form.query_one("#field-contact").focus()
            await press(pilot, *"89001234567")
            form.query_one("#field-problem", TextArea).text = "Сын боится отвечать у доски"
            form.query_one("#field-consent", Checkbox).value = True
            await press(pilot, "ctrl+s")
            assert isinstance(app.screen, BoardScreen)
            await settle(pilot)
            assert counts(app)[Stage.RECEIVED] == "6"
            assert numbers(app, Stage.RECEIVED)[-1] == "З-2026-00013"

    run(scenario())
    stored = detail(ui_db, "З-2026-00013")
    assert (stored.summary.requester, stored.summary.role) == ("Белова Зоя", Role.PARENT)


def test_e_edits_the_card_under_the_cursor(build_app: AppFactory, ui_db: Database) -> None:
    async def scenario() -> None:
        app = build_app("en")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "e")
            form = app.screen
            assert isinstance(form, RequestFormScreen)
            problem = form.query_one("#field-problem", TextArea)
            assert problem.text == "Не понимаю, зачем нужен предмет «Технология»"
            problem.text = "Зачем нужна технология в 8 классе"
            await press(pilot, "ctrl+s")
            assert isinstance(app.screen, BoardScreen)
            await settle(pilot)
            card = screen(app).column(Stage.RECEIVED).card_at(0)
            assert card is not None
            assert (card.number, card.first_line) == (
                RECEIVED[0],
                "Зачем нужна технология в 8 классе",
            )

    run(scenario())
    events = detail(ui_db, RECEIVED[0]).events
    assert events[-1].kind is EventKind.EDITED
    assert events[-1].note == "problem"


def test_e_on_the_request_screen_opens_the_form_and_shows_the_change(
    build_app: AppFactory, ui_db: Database
) -> None:
    async def scenario() -> None:
        app = build_app("en")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "enter", "e")
            form = app.screen
            assert isinstance(form, RequestFormScreen)
            form.query_one("#field-contact").focus()
            await press(pilot, "end", *"9")
            await press(pilot, "ctrl+s")
            request = app.screen
            assert isinstance(request, RequestScreen)
            await settle(pilot)
            assert request.detail is not None
            assert request.detail.contact == "сидоров@example.ru9"
            await press(pilot, "escape")
            assert isinstance(app.screen, BoardScreen)

    run(scenario())
    assert detail(ui_db, RECEIVED[0]).contact == "сидоров@example.ru9"


def test_a_double_click_opens_a_card(build_app: AppFactory) -> None:
    async def scenario() -> None:
        app = build_app("en")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            column = screen(app).column(Stage.TRIAGE)
            await pilot.click(column, offset=(2, 1))
            await settle(pilot)
            assert isinstance(app.screen, BoardScreen)  # one click only picks the card
            assert current_number(app) == "З-2026-00001"
            await pilot.double_click(column, offset=(2, 1))
            await settle(pilot)
            assert isinstance(app.screen, RequestScreen)
            assert app.screen.detail is not None
            assert app.screen.detail.summary.number == "З-2026-00001"

    run(scenario())
