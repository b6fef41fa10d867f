"""Driving the board in Pilot tests: keys, waiting for workers, reading what is shown."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from datetime import date
from typing import Any

from textual.message import Message
from textual.notifications import Notification, Notify
from textual.pilot import Pilot
from textual.widgets import Label

from plc_console.domain import BOARD_STAGES, Role, Stage
from plc_console.services.database import Database
from plc_console.services.requests import (
    NewRequest,
    create_request,
    find_request_id,
    get_request,
    move_request,
)
from plc_console.services.views import RequestDetail
from plc_console.tui.app import PlcApp
from plc_console.tui.screens.board import BoardScreen
from plc_console.tui.widgets.board_column import BoardColumn
from tests.ui.conftest import ACTOR, on

AppFactory = Callable[[str], PlcApp]
SIZE = (160, 45)
#: The received column of the seed, oldest in stage first.
RECEIVED = ["З-2026-00003", "З-2026-00006", "З-2026-00010", "З-2026-00011", "З-2026-00012"]


def run(scenario: Coroutine[Any, Any, None]) -> None:
    """Run an async Pilot scenario (plain asyncio: no async plugin is needed)."""
    asyncio.run(scenario)


async def settle(pilot: Pilot[None]) -> None:
    """Let keys start their workers, the workers finish, and their messages be shown.

    A live board's listening worker (PostgreSQL) runs until the board goes: not waited for.
    """
    for _ in range(3):
        await pilot.pause()
        workers = [worker for worker in pilot.app.workers if worker.group != "live"]
        await pilot.app.workers.wait_for_complete(workers)
    await pilot.pause()


async def press(pilot: Pilot[None], *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


def screen(app: PlcApp) -> BoardScreen:
    assert isinstance(app.screen, BoardScreen)
    return app.screen


def column(app: PlcApp, stage: Stage) -> BoardColumn:
    return screen(app).column(stage)


def numbers(app: PlcApp, stage: Stage) -> list[str]:
    """The numbers of the cards read into a column, top to bottom."""
    col = column(app, stage)
    return [card.number for row in range(col.count) if (card := col.card_at(row))]


def counts(app: PlcApp) -> dict[Stage, str]:
    """The count line of every column header, as shown."""
    return {
        stage: str(screen(app).query_one(f"#lane-{stage.value} .lane-count", Label).content)
        for stage in BOARD_STAGES
    }


def current_number(app: PlcApp) -> str | None:
    card = screen(app).active_column.current_card
    return card.number if card else None


def detail(db: Database, number: str) -> RequestDetail:
    with db.sessions() as session:
        return get_request(session, find_request_id(session, number))


def notes(messages: list[Message]) -> list[Notification]:
    return [m.notification for m in messages if isinstance(m, Notify)]


def add_request(db: Database, name: str, day: int, moves: tuple[tuple[Stage, int], ...]) -> str:
    """A request registered on ``day`` and moved on the given days; its number."""
    with db.sessions.begin() as session:
        new = NewRequest(
            received_on=date(2026, 11, day),
            full_name=name,
            role=Role.TEACHER,
            contact=f"{name.split()[0].lower()}@example.ru",
            problem=f"Вопрос от {name}",
            consent=True,
        )
        summary = create_request(session, new, actor=ACTOR, now=on(day))
        for target, when in moves:
            summary = move_request(
                session, summary.id, summary.version, target, actor=ACTOR, now=on(when)
            )
        return summary.number
