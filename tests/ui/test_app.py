"""What every screen shares: help, quitting, errors in the user's language."""

from __future__ import annotations

from typing import Any

import pytest
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import Label

from plc_console.locale import Translator
from plc_console.services.errors import NotFound
from plc_console.tui.errors import describe_error
from plc_console.tui.screens.board import BoardScreen
from plc_console.tui.screens.help import HelpScreen
from tests.ui.board_pilot import SIZE, AppFactory, notes, press, run, settle


@pytest.mark.parametrize("close_key", ["escape", "q", "question_mark"])
def test_help_lists_every_board_key_and_closes(build_app: AppFactory, close_key: str) -> None:
    async def scenario() -> None:
        app = build_app("en")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "question_mark")
            assert isinstance(app.screen, HelpScreen)
            shown = [str(label.content) for label in app.screen.query(Label)]
            for line in (
                "←  h",
                "Column to the left",
                "⏎",
                "Open the request: every field, its history, category and topics",
                "n",
                "e",
                "/",
                "Search as you type over number, name and problem text",
                "f",
                "w",
                "Leave the console",
            ):
                assert line in shown
            await press(pilot, close_key)
            assert isinstance(app.screen, BoardScreen)
            assert app.return_code is None  # q closed the help, it did not quit

    run(scenario())


def test_q_quits(build_app: AppFactory) -> None:
    async def scenario() -> None:
        app = build_app("en")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("q")
            assert app.return_code == 0

    run(scenario())


def test_ctrl_c_says_how_to_quit(build_app: AppFactory) -> None:
    messages: list[Message] = []

    async def scenario() -> None:
        app = build_app("ru")
        async with app.run_test(
            size=SIZE, notifications=True, message_hook=messages.append
        ) as pilot:
            await settle(pilot)
            await press(pilot, "ctrl+c")
            assert app.return_code is None

    run(scenario())
    assert [(n.title, n.message) for n in notes(messages)] == [
        ("Выйти из консоли?", "Чтобы выйти, нажмите q")
    ]


def test_our_errors_are_told_in_the_users_language() -> None:
    assert describe_error(NotFound("З-2026-00099"), Translator("ru")) == (
        "заявка З-2026-00099 не найдена"
    )
    assert describe_error(RuntimeError("boom\nstack"), Translator("en")) == (
        "Unexpected error: RuntimeError: boom"
    )


def test_snapshot_help_in_russian(build_app: AppFactory, snap_compare: Any) -> None:
    async def open_help(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await press(pilot, "question_mark")

    assert snap_compare(build_app("ru"), terminal_size=SIZE, run_before=open_help)
