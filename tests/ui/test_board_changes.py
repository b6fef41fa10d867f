"""Changing requests from the board: moves, notes, early closes, WIP limits, conflicts."""

from __future__ import annotations

import pytest
from textual.message import Message

from plc_console.domain import Category, CloseReason, EventKind, Stage
from plc_console.services.board import set_wip_limit, wip_limits
from plc_console.services.database import Database
from plc_console.services.requests import set_triage
from plc_console.tui.screens.board import BoardScreen
from plc_console.tui.screens.dialogs import CloseDialog, ConfirmDialog, LimitDialog, NoteDialog
from plc_console.tui.widgets.board_column import LaneHeader
from tests.ui.board_pilot import (
    RECEIVED,
    SIZE,
    AppFactory,
    column,
    counts,
    current_number,
    detail,
    notes,
    numbers,
    press,
    run,
    screen,
    settle,
)
from tests.ui.conftest import ACTOR, on


def test_forward_moves_the_card_and_the_cursor_stays_for_the_next(
    build_app: AppFactory, ui_db: Database
) -> None:
    async def scenario() -> None:
        app = build_app("en")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "right_square_bracket")
            assert counts(app)[Stage.RECEIVED] == "4"
            assert counts(app)[Stage.TRIAGE] == "3"
            assert numbers(app, Stage.RECEIVED) == RECEIVED[1:]
            assert RECEIVED[0] in numbers(app, Stage.TRIAGE)
            assert current_number(app) == RECEIVED[1]  # triage goes on with the next card
            await press(pilot, "shift+right")  # the other key for the same move
            assert counts(app)[Stage.TRIAGE] == "4"

    run(scenario())
    moved = detail(ui_db, RECEIVED[0])
    assert moved.summary.stage is Stage.TRIAGE
    last = moved.events[-1]
    assert (last.kind, last.from_stage, last.to_stage, last.actor) == (
        EventKind.MOVED,
        Stage.RECEIVED,
        Stage.TRIAGE,
        ACTOR,
    )


def test_back_asks_for_a_note_and_stores_it(build_app: AppFactory, ui_db: Database) -> None:
    async def scenario() -> None:
        app = build_app("en")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "l", "left_square_bracket")
            assert isinstance(app.screen, NoteDialog)
            await press(pilot, "enter")  # an empty note is not enough
            assert isinstance(app.screen, NoteDialog)
            for char in "unclear problem":
                await pilot.press(char)
            await press(pilot, "enter")
            assert isinstance(app.screen, BoardScreen)
            assert counts(app)[Stage.TRIAGE] == "1"
            assert "З-2026-00001" in numbers(app, Stage.RECEIVED)

    run(scenario())
    moved = detail(ui_db, "З-2026-00001")
    assert moved.summary.stage is Stage.RECEIVED
    assert moved.events[-1].note == "unclear problem"


def test_cancelling_the_note_moves_nothing(build_app: AppFactory, ui_db: Database) -> None:
    async def scenario() -> None:
        app = build_app("en")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "l", "shift+left", "escape")
            assert isinstance(app.screen, BoardScreen)
            assert counts(app)[Stage.TRIAGE] == "2"

    run(scenario())
    assert detail(ui_db, "З-2026-00001").summary.stage is Stage.TRIAGE


def test_a_refused_move_is_told_not_raised(build_app: AppFactory) -> None:
    messages: list[Message] = []

    async def scenario() -> None:
        app = build_app("en")
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            await press(pilot, *["right"] * 7)
            assert current_number(app) == "З-2026-00009"
            await press(pilot, "right_square_bracket")
            await press(pilot, *["left"] * 7, "left_square_bracket")
            assert counts(app)[Stage.DONE] == "1"

    run(scenario())
    assert [(n.message, n.severity) for n in notes(messages)] == [
        ("Done is the last column: the card cannot move further", "warning"),
        ("Received is the first column: the card cannot move back", "warning"),
    ]


def test_close_as_a_duplicate_names_the_kept_request(
    build_app: AppFactory, ui_db: Database
) -> None:
    async def scenario() -> None:
        app = build_app("en")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "c")
            assert isinstance(app.screen, CloseDialog)
            await press(pilot, "tab")  # duplicate is the first reason: on to the kept request
            for char in "Z-2026-00006":
                await pilot.press(char)
            await press(pilot, "enter")
            assert isinstance(app.screen, BoardScreen)
            assert counts(app)[Stage.RECEIVED] == "4"
            assert numbers(app, Stage.RECEIVED) == RECEIVED[1:]

    run(scenario())
    closed = detail(ui_db, RECEIVED[0])
    assert closed.summary.stage is Stage.CLOSED
    assert closed.summary.close_reason is CloseReason.DUPLICATE
    assert closed.duplicate_of_number == "З-2026-00006"


def test_close_as_withdrawn_with_a_note(build_app: AppFactory, ui_db: Database) -> None:
    async def scenario() -> None:
        app = build_app("ru")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "down", "c", "down", "down", "enter")  # the third reason
            dialog = app.screen
            assert isinstance(dialog, CloseDialog)
            assert dialog.reason is CloseReason.WITHDRAWN
            dialog.query_one("#close-note").focus()
            for char in "by phone":
                await pilot.press(char)
            await press(pilot, "enter")
            assert counts(app)[Stage.RECEIVED] == "4"

    run(scenario())
    closed = detail(ui_db, RECEIVED[1])
    assert closed.summary.close_reason is CloseReason.WITHDRAWN
    assert closed.events[-1].note == "by phone"


@pytest.mark.parametrize(("answer", "moved"), [("y", True), ("n", False)])
def test_a_move_over_the_wip_limit_asks_first(
    build_app: AppFactory, ui_db: Database, answer: str, moved: bool
) -> None:
    with ui_db.sessions.begin() as session:
        set_wip_limit(session, Stage.TRIAGE, 2)

    async def scenario() -> None:
        app = build_app("en")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert counts(app)[Stage.TRIAGE] == "2 / 2"
            header = screen(app).query_one("#lane-triage LaneHeader", LaneHeader)
            assert not header.has_class("-over")
            await press(pilot, "right_square_bracket")
            assert isinstance(app.screen, ConfirmDialog)
            await press(pilot, answer)
            assert isinstance(app.screen, BoardScreen)
            assert counts(app)[Stage.TRIAGE] == ("3 / 2" if moved else "2 / 2")
            assert header.has_class("-over") is moved

    run(scenario())
    stage = detail(ui_db, RECEIVED[0]).summary.stage
    assert stage is (Stage.TRIAGE if moved else Stage.RECEIVED)


def test_w_sets_and_removes_the_wip_limit_of_the_column(
    build_app: AppFactory, ui_db: Database
) -> None:
    async def scenario() -> None:
        app = build_app("en")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "right", "w")
            assert isinstance(app.screen, LimitDialog)
            await press(pilot, "0", "enter")  # below 1: refused, the dialog stays
            assert isinstance(app.screen, LimitDialog)
            await press(pilot, "backspace", "1", "enter")
            assert isinstance(app.screen, BoardScreen)
            await settle(pilot)
            assert counts(app)[Stage.TRIAGE] == "2 / 1"
            header = screen(app).query_one("#lane-triage LaneHeader", LaneHeader)
            assert header.has_class("-over")
            with ui_db.sessions() as session:
                assert wip_limits(session) == {Stage.TRIAGE: 1}
            await press(pilot, "w", "backspace", "enter")  # empty: no limit
            await settle(pilot)
            assert counts(app)[Stage.TRIAGE] == "2"
            assert not header.has_class("-over")

    run(scenario())
    with ui_db.sessions() as session:
        assert wip_limits(session) == {}


def test_a_card_changed_at_another_desk_is_not_overwritten(
    build_app: AppFactory, ui_db: Database
) -> None:
    messages: list[Message] = []

    async def scenario() -> None:
        app = build_app("en")
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            shown = column(app, Stage.RECEIVED).current_card
            assert shown is not None and shown.category is None
            with ui_db.sessions.begin() as session:  # another coordinator triages it
                set_triage(
                    session,
                    shown.id,
                    shown.version,
                    category=Category.THEORETICAL,
                    topic_keys=[],
                    actor="other-desk",
                    now=on(19),
                )
            await press(pilot, "right_square_bracket")
            fresh = column(app, Stage.RECEIVED).current_card
            assert fresh is not None and fresh.id == shown.id
            assert fresh.category is Category.THEORETICAL
            assert fresh.version > shown.version
            assert counts(app)[Stage.RECEIVED] == "5"

    run(scenario())
    assert detail(ui_db, RECEIVED[0]).summary.stage is Stage.RECEIVED
    [note] = notes(messages)
    assert note.severity == "warning"
    assert note.message.startswith("request З-2026-00003 was changed by someone else")
