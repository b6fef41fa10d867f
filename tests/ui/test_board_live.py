"""A live board on PostgreSQL: another desk's move shows within a second, without a poll."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import text
from textual.message import Message
from textual.pilot import Pilot

from plc_console.config import Settings
from plc_console.domain import Stage
from plc_console.services.database import Database, open_database
from plc_console.services.live import APPLICATION_NAME
from plc_console.services.requests import find_request_id, get_request, move_request
from plc_console.tui.app import make_app
from plc_console.tui.messages import BoardRead
from plc_console.tui.widgets import board_view
from plc_console.tui.widgets.board_view import BoardView
from tests.ui.board_pilot import RECEIVED, SIZE, numbers, run
from tests.ui.conftest import ACTOR, UI_NOW, seed

#: From another desk's commit to the card in its new column, in wall time.
PROMPTLY = 1.5


@pytest.fixture
def pg_ui_db(pg_url: str) -> Iterator[Database]:
    """The UI tests' seed, on a PostgreSQL database of its own."""
    db = open_database(pg_url)
    with db.sessions.begin() as session:
        seed(session)
    try:
        yield db
    finally:
        db.engine.dispose()


def _listening(db: Database) -> int:
    """How many board listeners are connected to the database."""
    query = text(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE application_name = :name AND datname = current_database()"
    )
    with db.engine.connect() as connection:  # a new snapshot of the activity each time
        return int(connection.execute(query, {"name": APPLICATION_NAME}).scalar_one())


async def _until(pilot: Pilot[None], done: Callable[[], bool], seconds: float, what: str) -> None:
    """Let the app run until ``done()`` holds; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, f"not within {seconds} s: {what}"
        await pilot.pause(0.02)


@pytest.mark.postgres
def test_another_desks_move_shows_within_a_second_without_polling(
    pg_ui_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The poll would come only in an hour: a notification is all that can tell the board.
    monkeypatch.setattr(board_view, "LIVE_POLL_SECONDS", 3600.0)
    seen: list[Message] = []

    def reads_after_notice() -> int:
        """Board reads shown since the latest notice."""
        kinds = [type(message) for message in seen]
        if BoardView.ChangedElsewhere not in kinds:
            return 0
        last = len(kinds) - 1 - kinds[::-1].index(BoardView.ChangedElsewhere)
        return kinds[last:].count(BoardRead)

    async def scenario() -> None:
        app = make_app(Settings(lang="en", actor=ACTOR), pg_ui_db.sessions, now=lambda: UI_NOW)
        app.animation_level = "none"
        async with app.run_test(size=SIZE, message_hook=seen.append) as pilot:
            # Listening, and the read its connection asked for is shown: from here on
            # only a notification makes the board read again.
            await _until(pilot, lambda: reads_after_notice() > 0, 5, "listening")
            assert numbers(app, Stage.RECEIVED) == RECEIVED
            assert _listening(pg_ui_db) == 1
            seen.clear()

            with pg_ui_db.sessions.begin() as session:  # another desk
                request_id = find_request_id(session, RECEIVED[0])
                version = get_request(session, request_id).summary.version
                move_request(session, request_id, version, Stage.TRIAGE, actor="other-desk")
            moved_at = time.monotonic()
            await _until(
                pilot,
                lambda: RECEIVED[0] in numbers(app, Stage.TRIAGE),
                PROMPTLY,
                "the move at the other desk",
            )
            assert time.monotonic() - moved_at < PROMPTLY
            assert numbers(app, Stage.RECEIVED) == RECEIVED[1:]
            assert any(isinstance(message, BoardView.ChangedElsewhere) for message in seen)

    run(scenario())
    # The app is gone, and with it the listening thread and its connection.
    deadline = time.monotonic() + 2
    while _listening(pg_ui_db):
        assert time.monotonic() < deadline, "the board's listener outlived the app"
        time.sleep(0.05)
