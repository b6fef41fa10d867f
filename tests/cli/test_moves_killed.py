"""`plc meetings announce` killed halfway through its batch of moves: none of it stays.

Announcing a meeting moves each of its requests up to ``scheduled`` a stage at a time,
and marks the meeting announced, in one transaction: a batch of moves. A process
killed outright (power cut, OOM killer, `kill -9`) runs no handler, so only the
database's own transaction keeps the promise that the batch is stored whole or not at
all. Here a real `plc meetings announce` runs in a child process that stops right after
half of the moves went into its open transaction; while it waits there, another
connection sees none of them; then the test kills it with SIGKILL. Afterwards every
request is where it was, its history replays to its stage, the meeting is still only
planned with no calendar file written, and the database is sound; announcing again
stores the whole batch.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from datetime import datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, make_url, select, text
from sqlalchemy.orm import selectinload

from plc_console.db.engine import DB_URL_ENV, transaction
from plc_console.db.models import Event, Meeting, MeetingEvent, Request
from plc_console.domain import EventKind, MeetingStatus, Role, Stage, working_days_after
from plc_console.services import meetings as mt
from plc_console.services import requests as rq
from plc_console.services.clock import utcnow
from plc_console.services.database import Database
from plc_console.services.meetings_flow import calendar_path, local_now
from plc_console.services.meetings_views import MeetingForm

ROOT = Path(__file__).resolve().parents[2]
ZONE = "Europe/Moscow"
#: Requests on the meeting, each at ``received``: two moves each (triage, scheduled).
REQUESTS = 12
MOVES = 2 * REQUESTS
#: Seconds the child waits at its stop before giving up on being killed (no hang), and
#: seconds it may take to get there.
PAUSE, CHILD_TIMEOUT = 120, 180
#: Seconds PostgreSQL may take to notice the killed client and end its session.
SERVER_NOTICES = 30

#: The child: `plc meetings announce` through the console's entry point, with the moves
#: of the announcement wrapped so that right after half of them went in, the process
#: notes what its open transaction holds (in MARKER, as JSON) and waits to be killed.
CHILD = """
import json, sys, time
from pathlib import Path

from sqlalchemy import func, select

from plc_console.db.models import Event
from plc_console.domain import EventKind
from plc_console.services import meetings_flow

marker, half, pause = Path(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
real_move = meetings_flow.move_request
done = []


def move_request(session, *args, **kwargs):
    summary = real_move(session, *args, **kwargs)
    done.append(summary.number)
    if len(done) == half:
        seen = {
            "moves": len(done),
            "moved_events": session.scalar(
                select(func.count()).select_from(Event).where(Event.kind == EventKind.MOVED)
            ),
        }
        connection = session.connection()
        if connection.dialect.name == "postgresql":
            seen["backend_pid"] = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        else:
            seen["in_transaction"] = connection.connection.driver_connection.in_transaction
        marker.write_text(json.dumps(seen))
        time.sleep(pause)
        sys.exit(3)  # not killed: the test failed to
    return summary


meetings_flow.move_request = move_request
sys.argv = ["plc", "meetings", "announce", *sys.argv[4:]]
from plc_console.cli.main import run

run()
"""


def _meeting_on_new_requests(database: Database) -> int:
    """A planned meeting in two weeks on REQUESTS requests, all just received."""
    today = local_now(utcnow(), ZoneInfo(ZONE)).date()
    starts = datetime.combine(working_days_after(today, 10), clock_time(15, 0))
    with transaction(database.sessions) as session:
        meeting = mt.create_meeting(
            session,
            MeetingForm(
                title="Мотивация в 7 классе",
                starts_at=starts,
                place="ЦНППМ, ауд. 204",
                topic_key="engagement",
            ),
            actor="setup",
        )
        for n in range(REQUESTS):
            asked = rq.create_request(
                session,
                rq.NewRequest(
                    received_on=today - timedelta(days=3),
                    full_name=f"Козлов Иван {n}",
                    role=Role.TEACHER,
                    contact=f"kozlov{n}@school.ru",
                    problem=f"Ученики не хотят работать на уроке, случай {n}",
                    consent=True,
                ),
                actor="setup",
            )
            meeting = mt.add_request(session, meeting.id, meeting.version, asked.id, actor="setup")
        return meeting.id


def _what_is_stored(database: Database, meeting_id: int) -> dict[str, Any]:
    """Each request's stage (asserted to be its history's replay), the events by kind, and
    the meeting's status, version and history."""
    with database.sessions() as session:
        query = select(Request).options(selectinload(Request.events)).order_by(Request.id)
        stages = {}
        for request in session.scalars(query):
            stage = None
            for event in request.events:
                assert event.from_stage is stage, (request.number, event.id)
                stage = event.to_stage or stage
            assert request.stage is stage, request.number
            stages[request.number] = request.stage
        kinds = session.execute(select(Event.kind, func.count()).group_by(Event.kind)).all()
        meeting = session.get(Meeting, meeting_id)
        assert meeting is not None
        meeting_events = session.scalar(
            select(func.count())
            .select_from(MeetingEvent)
            .where(MeetingEvent.meeting_id == meeting_id)
        )
        return {
            "stages": stages,
            "events": dict(kinds),
            "meeting": (meeting.status, meeting.version, meeting_events),
        }


def _await_session_end(database: Database, backend_pid: int) -> None:
    """PostgreSQL: wait until the server has ended the killed client's session (and so
    rolled back its transaction and let go of its row locks)."""
    deadline = time.monotonic() + SERVER_NOTICES
    query = text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid")
    while True:
        with database.engine.connect() as connection:
            if not connection.scalar(query, {"pid": backend_pid}):
                return
        assert time.monotonic() < deadline, f"backend {backend_pid} outlived its client"
        time.sleep(0.1)


def _await_marker(child: subprocess.Popen[str], marker: Path) -> dict[str, Any]:
    deadline = time.monotonic() + CHILD_TIMEOUT
    while not marker.exists():
        assert child.poll() is None, child.communicate()
        assert time.monotonic() < deadline, "the child never reached half of its moves"
        time.sleep(0.05)
    time.sleep(0.05)  # the marker is written in one go; let it be closed
    return dict(json.loads(marker.read_text(encoding="utf-8")))


def test_a_killed_announcement_leaves_none_of_its_moves(
    db_url: str, database: Database, tmp_path: Path
) -> None:
    """Killed halfway through its moves, `plc meetings announce` leaves every request,
    history and the meeting as they were; announcing again moves them all."""
    sqlite = db_url.startswith("sqlite")
    meeting_id = _meeting_on_new_requests(database)
    before = _what_is_stored(database, meeting_id)
    assert set(before["stages"].values()) == {Stage.RECEIVED}
    assert before["meeting"][0] is MeetingStatus.PLANNED
    out, marker = tmp_path / "exports", tmp_path / "at-kill.json"
    announce = [str(meeting_id), "--tz", ZONE, "--out", str(out)]

    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(marker), str(MOVES // 2), str(PAUSE), *announce],
        cwd=ROOT,
        env={**os.environ, DB_URL_ENV: db_url},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        seen = _await_marker(child, marker)
        # Half of the batch is in the child's open transaction, and only there.
        assert seen["moves"] == seen["moved_events"] == MOVES // 2, seen
        assert seen.get("in_transaction", True), seen
        assert _what_is_stored(database, meeting_id) == before
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=CHILD_TIMEOUT)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL, child.returncode
    if not sqlite:
        _await_session_end(database, seen["backend_pid"])

    # None of the batch: every request where it was, the meeting still planned, no file.
    assert _what_is_stored(database, meeting_id) == before
    assert not calendar_path(out, meeting_id).exists()
    if sqlite:
        path = make_url(db_url).database or ""
        with closing(sqlite3.connect(path)) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]

    # The coordinator announces again: the whole batch is stored.
    again = subprocess.run(
        [sys.executable, "-m", "plc_console", "meetings", "announce", *announce],
        cwd=ROOT,
        env={**os.environ, DB_URL_ENV: db_url},
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT,
        check=False,
    )
    assert again.returncode == 0, again.stdout + again.stderr
    after = _what_is_stored(database, meeting_id)
    assert set(after["stages"]) == set(before["stages"])
    assert set(after["stages"].values()) == {Stage.SCHEDULED}
    assert after["events"] == {**before["events"], EventKind.MOVED: MOVES}
    assert after["meeting"][0] is MeetingStatus.ANNOUNCED
    assert calendar_path(out, meeting_id).exists()
