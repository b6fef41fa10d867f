"""Upgrading a filled database from the first schema keeps every row and fills new columns."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, func, select, text

from plc_console.db import schema
from plc_console.db.engine import make_engine
from plc_console.db.models import Event, Person, Request
from plc_console.services.database import open_database
from plc_console.services.requests import list_requests

FIRST = "0001"


def make_first_revision_database(url: str) -> Engine:
    """A database at the first schema with two requests, one of which reached triage."""
    engine = make_engine(url)
    schema.upgrade(engine, FIRST)
    at = datetime(2026, 10, 1, 9, 0)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO people (id, full_name, role, contact, consent_given, created_at)"
                " VALUES (1, 'Ёлкина Анна', 'teacher', 'a@school.ru', true, :at)"
            ),
            {"at": at},
        )
        for request_id, stage in ((1, "triage"), (2, "received")):
            connection.execute(
                text(
                    "INSERT INTO requests (id, number, person_id, received_on, channel, problem,"
                    " stage, stage_since, created_at, updated_at, version)"
                    " VALUES (:id, :number, 1, '2026-10-01', 'box', 'Дети НЕ слушают',"
                    " :stage, :at, :at, :at, 1)"
                ),
                {"id": request_id, "number": f"З-2026-0000{request_id}", "stage": stage, "at": at},
            )
        connection.execute(
            text(
                "INSERT INTO events (request_id, at, actor, kind, from_stage, to_stage) VALUES"
                " (1, :at, 'a', 'created', NULL, 'received'),"
                " (1, :later, 'a', 'moved', 'received', 'triage'),"
                " (2, :at, 'a', 'created', NULL, 'received')"
            ),
            {"at": at, "later": datetime(2026, 10, 2, 11, 30)},
        )
    return engine


def test_upgrade_from_the_first_revision_keeps_every_row(empty_url: str) -> None:
    engine = make_first_revision_database(empty_url)
    schema.upgrade(engine)
    assert schema.current_revision(engine) == schema.head_revision()
    engine.dispose()
    database = open_database(empty_url)
    with database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Person)) == 1
        assert session.scalar(select(func.count()).select_from(Event)) == 3
        requests = {r.number: r for r in session.scalars(select(Request))}
        assert requests["З-2026-00001"].chain_started_at == datetime(2026, 10, 2, 11, 30)
        assert requests["З-2026-00002"].chain_started_at is None
        # Search text is folded: case and ё do not matter.
        assert requests["З-2026-00001"].search_text == "з-2026-00001 елкина анна дети не слушают"
        assert len(list_requests(session)) == 2
    database.engine.dispose()
