"""Live boards: PostgreSQL tells listeners of every committed change, and only those."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import text

from plc_console.db.bulk import Same, insert_columns
from plc_console.db.models import Event
from plc_console.domain import EventKind, Role, Stage
from plc_console.services.board import set_wip_limit
from plc_console.services.database import Database, open_database
from plc_console.services.live import APPLICATION_NAME, BoardListener, listener_for
from plc_console.services.requests import NewRequest, create_request, move_request
from tests.conftest import NOW

#: How soon another desk must hear of a commit.
PROMPTLY = 1.0
#: How long to listen before concluding that nothing was said.
QUIET = 0.3


@pytest.fixture
def pg_database(pg_url: str) -> Iterator[Database]:
    db = open_database(pg_url)
    try:
        yield db
    finally:
        db.engine.dispose()


@pytest.fixture
def listener(pg_database: Database) -> Iterator[BoardListener]:
    """A listener that is listening, its "(re)connected, read again" already taken."""
    found = listener_for(pg_database.engine)
    assert found is not None
    assert found.wait(PROMPTLY)
    try:
        yield found
    finally:
        found.close()


def _new_request(db: Database) -> tuple[int, int]:
    """A request stored and committed: (id, version)."""
    new = NewRequest(
        received_on=date(2026, 11, 19),
        full_name="Иванова Анна",
        role=Role.TEACHER,
        contact="anna@example.ru",
        problem="Дети не слушают",
        consent=True,
    )
    with db.sessions.begin() as session:
        summary = create_request(session, new, actor="desk-1", now=NOW)
    return summary.id, summary.version


def _heard_within(listener: BoardListener, seconds: float) -> float | None:
    """Seconds until the listener heard something, None if it heard nothing in time."""
    started = time.monotonic()
    deadline = started + seconds
    while (left := deadline - time.monotonic()) > 0:
        if listener.wait(left):
            return time.monotonic() - started
    return None


@pytest.mark.postgres
def test_another_desks_committed_move_is_heard_within_a_second(
    pg_database: Database, listener: BoardListener
) -> None:
    request_id, version = _new_request(pg_database)
    assert _heard_within(listener, PROMPTLY) is not None  # the registration
    with pg_database.sessions.begin() as session:
        move_request(session, request_id, version, Stage.TRIAGE, actor="desk-2", now=NOW)
    heard = _heard_within(listener, PROMPTLY)
    assert heard is not None and heard < PROMPTLY
    assert _heard_within(listener, QUIET) is None  # one change, one notice: all were taken


@pytest.mark.postgres
def test_uncommitted_and_rolled_back_moves_are_not_heard(
    pg_database: Database, listener: BoardListener
) -> None:
    request_id, version = _new_request(pg_database)
    _heard_within(listener, PROMPTLY)
    with pg_database.sessions() as session:
        move_request(session, request_id, version, Stage.TRIAGE, actor="desk-2", now=NOW)
        session.flush()
        assert _heard_within(listener, QUIET) is None  # written, not committed
        session.rollback()
    assert _heard_within(listener, QUIET) is None


@pytest.mark.postgres
def test_a_bulk_insert_through_the_driver_is_heard_once(
    pg_database: Database, listener: BoardListener
) -> None:
    request_id, _version = _new_request(pg_database)
    _heard_within(listener, PROMPTLY)
    count = 12_000  # three chunks, three statements: still one notice at commit
    with pg_database.engine.begin() as connection:
        insert_columns(
            connection,
            Event.__table__,  # type: ignore[arg-type]
            {
                "request_id": [request_id] * count,
                "at": Same(NOW),
                "actor": Same("import"),
                "kind": Same(EventKind.EDITED),
            },
            repeating=frozenset({"at", "actor", "kind"}),
        )
    assert _heard_within(listener, PROMPTLY) is not None
    assert _heard_within(listener, QUIET) is None


@pytest.mark.postgres
def test_a_changed_wip_limit_is_heard(pg_database: Database, listener: BoardListener) -> None:
    with pg_database.sessions.begin() as session:
        set_wip_limit(session, Stage.TRIAGE, 3)
    assert _heard_within(listener, PROMPTLY) is not None


@pytest.mark.postgres
def test_a_dropped_connection_is_made_again_and_says_read_again(
    pg_database: Database, listener: BoardListener
) -> None:
    with pg_database.engine.begin() as connection:
        killed = connection.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE application_name = :name AND datname = current_database()"
            ),
            {"name": APPLICATION_NAME},
        ).scalar_one()
    assert killed == 1
    # Changes while nobody listened may be lost: reconnecting says "read again".
    assert _heard_within(listener, 2 * PROMPTLY) is not None
    assert listener.connected
    _new_request(pg_database)
    assert _heard_within(listener, PROMPTLY) is not None


@pytest.mark.postgres
def test_closing_the_listener_closes_its_connection(pg_database: Database) -> None:
    listener = listener_for(pg_database.sessions)  # the screens hold the session factory
    assert listener is not None
    assert listener.wait(PROMPTLY)
    listener.close()
    assert not listener.connected
    query = text(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE application_name = :name AND datname = current_database()"
    )
    deadline = time.monotonic() + 2
    while True:
        # A new transaction each time: pg_stat_activity stays as first read within one.
        with pg_database.engine.connect() as connection:
            if not connection.execute(query, {"name": APPLICATION_NAME}).scalar_one():
                break
        assert time.monotonic() < deadline, "the listening connection stayed open"
        time.sleep(0.05)


def test_sqlite_has_no_listener(sqlite_url: str) -> None:
    db = open_database(sqlite_url)
    try:
        assert listener_for(db.engine) is None
        assert listener_for(db.sessions) is None
    finally:
        db.engine.dispose()
