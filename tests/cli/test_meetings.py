"""`plc meetings …`: list, show with the plan, announce, cancel and record as held."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from typer.testing import CliRunner

from plc_console.cli.main import app
from plc_console.db.engine import transaction
from plc_console.domain import Role, Stage, working_days_after
from plc_console.services import meetings as mt
from plc_console.services import requests as rq
from plc_console.services.clock import utcnow
from plc_console.services.database import open_database
from plc_console.services.meetings_flow import local_now
from plc_console.services.meetings_views import MeetingForm

runner = CliRunner()
ZONE = "Europe/Moscow"


def _local_now() -> datetime:
    return local_now(utcnow(), ZoneInfo(ZONE))


def _fill(target: Path, starts_at: datetime, stage: Stage = Stage.TRIAGE) -> tuple[int, int]:
    """A meeting on one request (moved to ``stage``) with one expert; (meeting, request)."""
    database = open_database(str(target))
    try:
        with transaction(database.sessions) as session:
            asked = rq.create_request(
                session,
                rq.NewRequest(
                    received_on=_local_now().date() - timedelta(days=10),
                    full_name="Козлов Иван Петрович",
                    role=Role.TEACHER,
                    contact="kozlov@school12.ru",
                    problem="Ученики не хотят работать на уроке",
                    consent=True,
                    topic_keys=("engagement",),
                ),
                actor="t",
            )
            for following in (Stage.TRIAGE, Stage.SCHEDULED):
                if following.order <= stage.order:
                    asked = rq.move_request(session, asked.id, asked.version, following, actor="t")
            form = MeetingForm(
                title="Мотивация в 7 классе",
                starts_at=starts_at,
                place="ЦНППМ, ауд. 204",
                topic_key="engagement",
            )
            meeting = mt.create_meeting(session, form, actor="t")
            mt.add_request(
                session, meeting.id, meeting.version, asked.id, actor="t", invite_requester=True
            )
            return meeting.id, asked.id
    finally:
        database.engine.dispose()


def _stage(target: Path, request_id: int) -> Stage:
    database = open_database(str(target))
    try:
        with database.sessions() as session:
            return rq.get_request(session, request_id).summary.stage
    finally:
        database.engine.dispose()


def _soon(working_days: int) -> datetime:
    return datetime.combine(working_days_after(_local_now().date(), working_days), time(15, 0))


def test_help_explains_every_command() -> None:
    result = runner.invoke(app, ["meetings", "--help"])
    assert result.exit_code == 0
    for name in ("list", "show", "announce", "cancel", "held"):
        assert name in result.output
        one = runner.invoke(app, ["meetings", name, "--help"])
        assert one.exit_code == 0 and "Usage:" in one.output
    assert "--out" in runner.invoke(app, ["meetings", "announce", "--help"]).output
    assert "--minutes" in runner.invoke(app, ["meetings", "held", "--help"]).output


def test_list_and_show_with_the_plan(tmp_path: Path) -> None:
    target = tmp_path / "plc.sqlite3"
    db = ["--db", str(target)]
    empty = runner.invoke(app, ["--lang", "en", "meetings", "list", *db])
    assert empty.exit_code == 0, empty.output
    assert empty.output.strip() == "No meetings."
    soon, _ = _fill(target, _soon(2))
    past, _ = _fill(target, _soon(2) - timedelta(days=30))
    listed = runner.invoke(app, ["--lang", "en", "meetings", "list", *db])
    assert [line.split()[0] for line in listed.output.splitlines()] == [str(past), str(soon)]
    upcoming = runner.invoke(app, ["--lang", "en", "meetings", "list", "--upcoming", *db])
    assert [line.split()[0] for line in upcoming.output.splitlines()] == [str(soon)]
    shown = runner.invoke(app, ["--lang", "en", "meetings", "show", str(soon), *db])
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert lines[0] == f"Meeting {soon}: «Мотивация в 7 классе»"
    plan = {line.split("  ")[2].strip(): line for line in lines if line.startswith("  20")}
    # Two working days ahead, every milestone (10, 7 and 3 working days before) is late.
    assert plan["Experts confirmed"].endswith("LATE")
    assert plan["Announcement posted"].endswith("LATE")
    assert plan["Preparation list sent"].endswith("LATE")
    assert "Козлов Иван Петрович (teacher)" in shown.output


def test_announce_cancel_and_held(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "plc.sqlite3"
    db = ["--db", str(target)]
    meeting, asked = _fill(target, _soon(10))
    monkeypatch.chdir(tmp_path)
    announced = runner.invoke(
        app, ["--lang", "en", "meetings", "announce", str(meeting), "--tz", ZONE, *db]
    )
    assert announced.exit_code == 0, announced.output
    ics = tmp_path / "exports" / f"meeting-{meeting}.ics"
    assert f"Written {Path('exports') / ics.name}" in announced.output
    assert "→ Meeting announced" in announced.output
    assert _stage(target, asked) is Stage.SCHEDULED
    calendar = Calendar.from_ical(ics.read_bytes())
    assert calendar["METHOD"] == "REQUEST"
    assert (tmp_path / "exports" / f"meeting-{meeting}.txt").exists()

    out = tmp_path / "elsewhere"
    cancelled = runner.invoke(
        app,
        [
            "--lang",
            "en",
            "meetings",
            "cancel",
            str(meeting),
            "--reason",
            "болезнь",
            "--out",
            str(out),
            "--tz",
            ZONE,
            *db,
        ],
    )
    assert cancelled.exit_code == 0, cancelled.output
    calendar = Calendar.from_ical((out / f"meeting-{meeting}.ics").read_bytes())
    assert calendar["METHOD"] == "CANCEL"
    assert calendar.events[0]["SEQUENCE"] == 1
    again = runner.invoke(app, ["--lang", "en", "meetings", "cancel", str(meeting), *db])
    assert again.exit_code == 1
    assert (
        again.stderr.strip()
        == "Error: the meeting is already cancelled: it can no longer be changed"
    )

    began = _local_now().replace(second=0, microsecond=0) - timedelta(hours=2)
    held_id, held_request = _fill(target, began, Stage.SCHEDULED)
    too_early = runner.invoke(app, ["meetings", "held", str(meeting), *db])
    assert too_early.exit_code == 2  # --minutes is required
    held = runner.invoke(
        app,
        [
            "--lang",
            "ru",
            "meetings",
            "held",
            str(held_id),
            "--minutes",
            "Составили план",
            "--tz",
            ZONE,
            *db,
        ],
    )
    assert held.exit_code == 0, held.output
    assert "отмечена как проведённая" in held.output
    assert _stage(target, held_request) is Stage.SESSION
    shown = runner.invoke(app, ["--lang", "ru", "meetings", "show", str(held_id), *db])
    assert "Итоги: Составили план" in shown.output
    assert "присутствовал(а)" in shown.output


def test_unknown_meetings_and_zones_are_one_line_errors(tmp_path: Path) -> None:
    db = ["--db", str(tmp_path / "plc.sqlite3")]
    missing = runner.invoke(app, ["--lang", "en", "meetings", "show", "999", *db])
    assert missing.exit_code == 1
    assert missing.stderr.strip() == "Error: no meeting 999"
    zone = runner.invoke(app, ["--lang", "en", "meetings", "list", "--tz", "Mars/Olympus", *db])
    assert zone.exit_code == 1
    assert zone.stderr.strip() == "Error: unknown time zone Mars/Olympus"


def test_lead_times_are_shown_and_set_and_the_plan_follows(tmp_path: Path) -> None:
    target = tmp_path / "plc.sqlite3"
    db = ["--db", str(target)]
    shown = runner.invoke(app, ["--lang", "en", "meetings", "leads", *db])
    assert shown.exit_code == 0, shown.output
    assert "Preparation list sent: 3 working days before the meeting" in shown.output
    meeting, _ = _fill(target, _soon(12))
    before = runner.invoke(app, ["--lang", "en", "meetings", "show", str(meeting), *db])
    assert "LATE" not in before.output
    set_ = runner.invoke(app, ["--lang", "en", "meetings", "leads", "experts_confirmed", "15", *db])
    assert set_.exit_code == 0, set_.output
    assert "Experts confirmed: 15 working days before the meeting" in set_.output
    after = runner.invoke(app, ["--lang", "en", "meetings", "show", str(meeting), *db])
    late = [line for line in after.output.splitlines() if line.endswith("LATE")]
    assert len(late) == 1 and "Experts confirmed" in late[0]
    back = runner.invoke(
        app, ["--lang", "en", "meetings", "leads", "experts_confirmed", "default", *db]
    )
    assert "Experts confirmed: 10 working days" in back.output
    for wrong, message in ((["nope", "3"], "no milestone"), (["preparation_sent", "99"], "not 99")):
        refused = runner.invoke(app, ["--lang", "en", "meetings", "leads", *wrong, *db])
        assert refused.exit_code == 1 and message in refused.output
