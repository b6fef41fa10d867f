"""`plc privacy purge` and `plc privacy export` as a coordinator types them."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from plc_console.cli.main import app
from plc_console.db.models import Event, Person
from plc_console.domain import CloseReason, EventKind, Role
from plc_console.services import requests as rq
from plc_console.services.database import open_database

runner = CliRunner()
NAME = "Белкина Вера Павловна"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """One request closed in March 2025, one still open."""
    path = tmp_path / "plc.sqlite3"
    database = open_database(f"sqlite:///{path}")
    try:
        with database.sessions() as session:
            for name, contact, closed in (
                (NAME, "belkina@example.ru", True),
                ("Открытова Ода", "oda@example.ru", False),
            ):
                form = rq.NewRequest(
                    received_on=date(2025, 3, 3),
                    full_name=name,
                    role=Role.PARENT,
                    contact=contact,
                    problem=f"Пишет {name}",
                    consent=True,
                )
                made = rq.create_request(session, form, actor="t", now=datetime(2025, 3, 3, 9))
                if closed:
                    rq.close_request(
                        session,
                        made.id,
                        made.version,
                        CloseReason.WITHDRAWN,
                        actor="t",
                        now=datetime(2025, 3, 10, 9),
                    )
            session.commit()
    finally:
        database.engine.dispose()
    return path


def _read(path: Path) -> tuple[set[str], list[tuple[EventKind, str]]]:
    database = open_database(f"sqlite:///{path}")
    try:
        with database.sessions() as session:
            names = set(session.scalars(select(Person.full_name)))
            events = [(e.kind, e.actor) for e in session.scalars(select(Event).order_by(Event.id))]
    finally:
        database.engine.dispose()
    return names, events


def _purge(db: Path, *extra: str, answer: str | None = None) -> tuple[int, str, str]:
    args = ["--actor", "Петрова", "privacy", "purge", "--db", str(db), *extra]
    result = runner.invoke(app, args, input=answer)
    return result.exit_code, result.output, result.stderr


def test_dry_run_counts_and_changes_nothing(db: Path) -> None:
    before = _read(db)
    code, out, _ = _purge(db, "--closed-before", "01.06.2025", "--dry-run")
    assert code == 0
    assert "requests — 1, requesters — 1" in out
    assert "Dry run" in out
    assert _read(db) == before


def test_declining_the_confirmation_changes_nothing(db: Path) -> None:
    before = _read(db)
    code, out, _ = _purge(db, "--closed-before", "2025-06-01", answer="n\n")
    assert code == 0
    assert "cannot be undone" in out
    assert "Nothing was changed." in out
    assert _read(db) == before


@pytest.mark.parametrize("how", [("--yes",), ()])
def test_confirmed_or_yes_purges_and_records_the_actor(db: Path, how: tuple[str, ...]) -> None:
    code, out, _ = _purge(db, "--closed-before", "2025-06-01", *how, answer="y\n")
    assert code == 0, out
    assert "Personal data removed: 1 requests, 1 people." in out
    names, events = _read(db)
    assert NAME not in names
    assert "Открытова Ода" in names
    assert events[-1] == (EventKind.PURGED, "Петрова")
    code, out, _ = _purge(db, "--closed-before", "2025-06-01", "--yes")
    assert code == 0
    assert "Nothing to remove." in out
    assert _read(db)[1] == events


@pytest.mark.parametrize(
    ("day", "message"),
    [("2025/06/01", "is not a date"), ("2999-01-01", "is still ahead")],
)
def test_a_bad_day_is_one_line_and_exit_1(db: Path, day: str, message: str) -> None:
    code, _, err = _purge(db, "--closed-before", day, "--yes")
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ")
    assert message in lines[0]


def test_purge_needs_the_day(db: Path) -> None:
    code, _, err = _purge(db)
    assert code == 2
    assert "--closed-before" in err


def _export(db: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--actor", "Петрова", "privacy", "export", "--db", str(db), *args])
    return result.exit_code, result.output, result.stderr


def test_export_prints_json_and_records_the_event(db: Path) -> None:
    code, out, _ = _export(db, "belkina@example.ru")
    assert code == 0
    data = json.loads(out)
    assert data["full_name"] == NAME
    assert data["exported_by"] == "Петрова"
    assert data["requests"][0]["close_reason"] == "withdrawn"
    assert _read(db)[1][-1] == (EventKind.DATA_EXPORTED, "Петрова")


def test_export_to_a_file_as_text(db: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "belkina.txt"
    code, out, _ = _export(db, NAME, "--out", str(out_file), "--format", "txt")
    assert code == 0
    assert str(out_file) in out
    text = out_file.read_text(encoding="utf-8")
    assert f"Personal data stored about {NAME}" in text
    assert "Consent: yes" in text


def test_export_refusals(db: Path, tmp_path: Path) -> None:
    code, _, err = _export(db, "Никто")
    assert code == 1
    assert err.startswith("Error: nobody is found")
    code, _, err = _export(db, NAME, "--format", "pdf")
    assert code == 2
    events = _read(db)[1]
    code, _, err = _export(db, NAME, "--out", str(tmp_path / "missing" / "x.json"))
    assert code == 1
    assert err.startswith("Error: ")
    assert _read(db)[1] == events  # a file not written records no export
