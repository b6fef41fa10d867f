"""`plc experts assign`: the proposal as a table, confirmation, dry run, and what was done."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from plc_console.cli.main import app
from plc_console.db.models import Assignment, Expert
from plc_console.domain import Role, Stage
from plc_console.services import requests as rq
from plc_console.services.database import open_database
from plc_console.services.reference import topics_by_key
from tests.conftest import NOW

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Two triage requests on motivation, one on Dnevnik.ru; two experts on motivation."""
    path = tmp_path / "plc.sqlite3"
    database = open_database(f"sqlite:///{path}")
    try:
        with database.sessions() as session:
            for name, limit in (("Соколова Ирина Викторовна", 1), ("Белов Андрей Николаевич", 3)):
                session.add(
                    Expert(
                        full_name=name,
                        load_limit=limit,
                        competences=topics_by_key(session, ["engagement"]),
                    )
                )
            for n, topic in enumerate(("engagement", "engagement", "dnevnik")):
                form = rq.NewRequest(
                    received_on=date(2026, 11, 2),
                    full_name=f"Учитель {n}",
                    role=Role.TEACHER,
                    contact=f"+7 900 000-00-0{n}",
                    problem="Ученики не хотят работать на уроке.",
                    consent=True,
                )
                made = rq.create_request(session, form, actor="t", now=NOW)
                moved = rq.move_request(session, made.id, made.version, Stage.TRIAGE, actor="t")
                rq.set_triage(
                    session, made.id, moved.version, category=None, topic_keys=[topic], actor="t"
                )
            session.commit()
    finally:
        database.engine.dispose()
    return path


def _assigned(path: Path) -> int:
    database = open_database(f"sqlite:///{path}")
    try:
        with database.sessions() as session:
            return session.scalar(select(func.count()).select_from(Assignment)) or 0
    finally:
        database.engine.dispose()


def _run(db: Path, *args: str, answer: str | None = None, lang: str = "en") -> tuple[int, str]:
    result = runner.invoke(
        app, ["--lang", lang, "experts", "assign", *args, "--db", str(db)], input=answer
    )
    return result.exit_code, result.output


def test_a_dry_run_shows_the_proposal_and_assigns_nobody(db: Path) -> None:
    code, output = _run(db, "--dry-run")
    assert code == 0, output
    assert "Requests without an expert: 3; experts with room: 2." in output
    rows = [line.split() for line in output.splitlines() if line.startswith("З-2026-")]
    assert [row[0] for row in rows] == ["З-2026-00001", "З-2026-00002"]
    assert sorted(row[1] for row in rows) == ["Белов", "Соколова"]  # each takes one
    assert "Assignments: 2; total score" in output
    assert "Left without an expert (1): З-2026-00003" in output
    assert "Dry run" in output
    assert _assigned(db) == 0


def test_yes_assigns_without_asking(db: Path) -> None:
    code, output = _run(db, "--yes")
    assert code == 0, output
    assert "Assigned: 2; skipped: 0." in output
    assert _assigned(db) == 2
    code, output = _run(db, "--yes")  # nothing left to propose at triage
    assert code == 0
    assert "Requests without an expert: 1;" in output and "nothing to assign" in output
    assert _assigned(db) == 2


@pytest.mark.parametrize(("answer", "assigned"), [("n\n", 0), ("y\n", 2)])
def test_the_coordinator_is_asked_first(db: Path, answer: str, assigned: int) -> None:
    code, output = _run(db, answer=answer, lang="ru")
    assert code == 0, output
    assert "Назначить экспертов по этому списку (2)?" in output
    assert ("Никто не назначен." in output) is (assigned == 0)
    assert _assigned(db) == assigned


def test_another_stage_and_an_unknown_one(db: Path) -> None:
    code, output = _run(db, "--stage", "scheduled", "--yes")
    assert code == 0
    assert "Every request at this stage already has an expert" in output
    code, output = _run(db, "--stage", "done")
    assert code == 1
    assert "no stage 'done' takes experts; use one of: received, triage" in output
