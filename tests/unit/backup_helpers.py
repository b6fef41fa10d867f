"""Helpers for the backup tests: table dumps to compare, demo data, a writer process.

Run as ``python -m tests.unit.backup_helpers URL STOP_FILE`` to keep registering requests
(each one moving the previous one to triage, in the same transaction) until STOP_FILE
appears: another console at work while a backup is taken.
"""

from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from plc_console.db.engine import make_engine, resolve_url, transaction
from plc_console.db.models import Base
from plc_console.domain import Role, Stage
from plc_console.services.database import open_database
from plc_console.services.demo import create_demo
from plc_console.services.requests import NewRequest, create_request, move_request

TODAY = date(2026, 11, 20)


def table_dump(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of ours, in a fixed order, for comparing two databases."""
    engine = make_engine(resolve_url(url))
    try:
        with engine.connect() as connection:
            return {
                table.name: [
                    tuple(row)
                    for row in connection.execute(
                        select(table).order_by(*table.primary_key.columns or table.columns)
                    )
                ]
                for table in Base.metadata.sorted_tables
            }
    finally:
        engine.dispose()


def fill_demo(url: str) -> None:
    """A database full of every kind of record (requests, experts, meetings, products…)."""
    database = open_database(url)
    try:
        with transaction(database.sessions) as session:
            create_demo(session, today=TODAY, db_label=database.label)
    finally:
        database.engine.dispose()


def fill_requests(url: str, count: int = 12) -> None:
    """A few requests with their requesters and events, some moved on (quicker than demo)."""
    database = open_database(url)
    try:
        with transaction(database.sessions) as session:
            for n in range(count):
                created = create_request(session, new_request(n), actor="t", now=datetime.now())
                if n % 2:
                    move_request(session, created.id, created.version, Stage.TRIAGE, actor="t")
    finally:
        database.engine.dispose()


def new_request(n: int) -> NewRequest:
    return NewRequest(
        received_on=date.today(),
        full_name=f"Учитель {n}",
        role=Role.TEACHER,
        contact=f"t{n}@school.ru",
        problem="Как организовать проектную работу? " * 40,
        consent=True,
    )


def keep_writing(url: str, stop: Path) -> None:
    database = open_database(url)
    previous = None
    n = 0
    while not stop.exists():
        with transaction(database.sessions) as session:
            created = create_request(session, new_request(n), actor="writer", now=datetime.now())
            if previous is not None:
                move_request(session, previous.id, previous.version, Stage.TRIAGE, actor="writer")
        previous = created
        n += 1
    database.engine.dispose()


if __name__ == "__main__":
    keep_writing(sys.argv[1], Path(sys.argv[2]))
