"""Several consoles writing the same few requests at once, each in a process of its own.

Writers (tests/unit/concurrent_worker.py) move, edit and close a shared set of twelve
requests for some seconds, each change based on a card read just before, as at the
board. Afterwards:

- every request's stage is the replay of its events, and its version moved on exactly
  once per event after its creation (no update overwrote another);
- every event a writer was told succeeded is there, once, and nothing else is: per
  writer and kind, the events equal the successes; moves and closes carry the
  operation's tag, so the tags in the history are exactly the successful ones;
- every refusal as stale reached its writer, and none of the refused changes is stored;
- on PostgreSQL the writers really collided (refusals happened); on SQLite, whose one
  writer at a time shows as waiting (busy timeout, WAL), no writer saw any error.

The figures (writers, operations, conflicts, lost) go to ``concurrency-<backend>.json``
in the test's folder and to a summary line (shown with ``-s``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from plc_console.db.engine import transaction
from plc_console.db.models import Request
from plc_console.domain import Category, CloseReason, EventKind, Role, Stage
from plc_console.services import requests as rq
from plc_console.services.clock import utcnow
from plc_console.services.database import Database, open_database
from plc_console.services.errors import StaleVersion
from plc_console.services.request_edit import edit_request

ROOT = Path(__file__).resolve().parents[2]
#: Requests every writer picks from (few, so that writers collide), and how many of
#: them may be closed early (a closed request can only be edited from then on).
SHARED, CLOSABLE = 12, 3
#: Seconds all writers have to connect, plus their run, before the test gives up.
START_TIMEOUT = 120
#: Events a writer's operations write (created is the setup's).
CHANGES = (EventKind.MOVED, EventKind.CLOSED, EventKind.REOPENED, EventKind.EDITED)


def _shared_requests(database: Database) -> dict[int, int]:
    """The shared requests, registered a while ago: {id: version}."""
    received = utcnow().date() - timedelta(days=10)
    with transaction(database.sessions) as session:
        made = [
            rq.create_request(
                session,
                rq.NewRequest(
                    received_on=received,
                    full_name=f"Петрова Анна {n}",
                    role=Role.TEACHER,
                    contact=f"anna{n}@school.ru",
                    problem=f"Трудность номер {n}",
                    consent=True,
                    topic_keys=("engagement",),
                ),
                actor="setup",
            )
            for n in range(SHARED)
        ]
    return {r.id: r.version for r in made}


def _run_writers(
    url: str, versions: dict[int, int], writers: int, seconds: float, folder: Path
) -> list[dict[str, Any]]:
    """Start the writers, let them begin together, wait for them; their tallies."""
    ids = sorted(versions)
    go = folder / "go"
    specs = []
    for n in range(writers):
        spec = {
            "url": url,
            "actor": f"w{n}",
            "seed": 1000 + n,
            "seconds": seconds,
            "max_ops": 5_000,
            "requests": ids,
            "closable": ids[:CLOSABLE],
            "ready": str(folder / f"ready-{n}"),
            "go": str(go),
            "out": str(folder / f"tallies-{n}.json"),
        }
        path = folder / f"spec-{n}.json"
        path.write_text(json.dumps(spec), encoding="utf-8")
        specs.append(spec)
    children = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.unit.concurrent_worker", str(folder / f"spec-{n}.json")],
            cwd=ROOT,
            env=dict(os.environ),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(writers)
    ]
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not all(Path(s["ready"]).exists() for s in specs):
            dead = [c for c in children if c.poll() is not None]
            assert not dead, [c.communicate() for c in dead]
            assert time.monotonic() < deadline, "writers did not connect in time"
            time.sleep(0.05)
        go.write_text("go", encoding="utf-8")
        for child in children:
            out, err = child.communicate(timeout=START_TIMEOUT + seconds)
            assert child.returncode == 0, (out, err)
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()
    return [json.loads(Path(s["out"]).read_text(encoding="utf-8")) for s in specs]


def _check_and_count(
    database: Database, versions: dict[int, int], tallies: list[dict[str, Any]]
) -> dict[str, Any]:
    """The figures for the record, with every break of the module's invariants listed
    under "broken" (asserted empty after the figures are recorded)."""
    broken: list[str] = []
    refused_tags = _tags(tallies, "refused")
    expected = Counter(
        {(t["actor"], kind): count for t in tallies for kind, count in t["done_by_kind"].items()}
    )
    found: Counter[tuple[str, str]] = Counter()
    noted: list[str] = []
    with database.sessions() as session:
        query = select(Request).options(selectinload(Request.events)).order_by(Request.id)
        requests = list(session.scalars(query))
        for request in requests:
            stage = None
            for event in request.events:
                if event.from_stage is not stage:
                    broken.append(f"{request.number}: event {event.id} from {event.from_stage}")
                stage = event.to_stage or stage
                if event.kind in CHANGES:
                    found[(event.actor, event.kind.value)] += 1
                if event.kind in (EventKind.MOVED, EventKind.CLOSED):
                    noted.append(event.note or "")
            if request.stage is not stage:
                broken.append(f"{request.number}: at {request.stage}, history says {stage}")
            # One version per change: no change was written over another.
            if request.version != versions[request.id] + len(request.events) - 1:
                broken.append(f"{request.number}: version {request.version}")
            if "[" in request.problem:  # the last form edit stored is a successful one
                tag = request.problem.rsplit("[", 1)[1].rstrip("]")
                if tag not in _tags(tallies, "done", ("edit_form",)):
                    broken.append(f"{request.number}: problem from {tag}")
    if sorted(r.id for r in requests) != sorted(versions):
        broken.append("requests appeared or vanished")
    if found != expected:
        broken.append(f"events by writer and kind {dict(found)} != successes {dict(expected)}")
    if len(noted) != len(set(noted)):
        broken.append("an operation wrote two events")
    if set(noted) != _tags(tallies, "done", ("forward", "back", "close")):
        broken.append("the moves and closes stored are not the successful ones")
    if set(noted) & refused_tags:
        broken.append(f"refused changes stored: {sorted(set(noted) & refused_tags)}")
    expected_events, found_events = sum(expected.values()), sum(found.values())
    return {
        "writers": len(tallies),
        "attempted": sum(t["attempted"] for t in tallies),
        "succeeded": sum(sum(t["done"].values()) for t in tallies),
        "conflicts": sum(sum(t["refused"].values()) for t in tallies),
        "conflicts_caught_at_write": sum(t["stale_at_flush"] for t in tallies),
        "failures": [f for t in tallies for f in t["failures"]],
        "expected_events": expected_events,
        "found_events": found_events,
        "lost": expected_events - found_events,
        "broken": broken,
        "longest_write_seconds": max(t["longest_write_seconds"] for t in tallies),
        "by_writer": {t["actor"]: {"done": t["done"], "refused": t["refused"]} for t in tallies},
    }


def _tags(
    tallies: list[dict[str, Any]], outcome: str, ops: tuple[str, ...] | None = None
) -> set[str]:
    """The writers' operation tags with ``outcome`` (done, refused), of ``ops`` or all."""
    return {
        tag
        for t in tallies
        for op, tags in t["tags"][outcome].items()
        if ops is None or op in ops
        for tag in tags
    }


def _record(figures: dict[str, Any], backend: str, folder: Path) -> None:
    (folder / f"concurrency-{backend}.json").write_text(
        json.dumps(figures, indent=1, ensure_ascii=False), encoding="utf-8"
    )
    print(
        f"\n[concurrency {backend}] writers={figures['writers']} "
        f"operations={figures['attempted']} succeeded={figures['succeeded']} "
        f"conflicts={figures['conflicts']} (at write {figures['conflicts_caught_at_write']}) "
        f"failures={len(figures['failures'])} broken={len(figures['broken'])} "
        f"lost={figures['lost']} "
        f"longest write={figures['longest_write_seconds']}s"
    )


def _exercise(url: str, backend: str, writers: int, seconds: float, folder: Path) -> dict[str, Any]:
    database = open_database(url)
    try:
        versions = _shared_requests(database)
        tallies = _run_writers(url, versions, writers, seconds, folder)
        figures = _check_and_count(database, versions, tallies)
    finally:
        database.engine.dispose()
    _record(figures, backend, folder)
    assert figures["failures"] == []
    assert figures["broken"] == []
    assert figures["lost"] == 0
    assert figures["succeeded"] > 0
    return figures


@pytest.mark.postgres
def test_four_writers_on_postgresql_lose_nothing_and_hear_of_every_conflict(
    pg_url: str, tmp_path: Path
) -> None:
    figures = _exercise(pg_url, "postgresql", writers=4, seconds=8, folder=tmp_path)
    assert figures["conflicts"] > 0  # the writers really collided


def test_two_writers_on_sqlite_wait_for_each_other_and_never_fail(
    sqlite_url: str, tmp_path: Path
) -> None:
    figures = _exercise(sqlite_url, "sqlite", writers=2, seconds=6, folder=tmp_path)
    # "database is locked" or any other error would be in the failures: none.
    assert not any("locked" in f for f in figures["failures"])


#: The changes a writer makes, each given the session, the request and the version read.
CHANGE_WITH: dict[str, Any] = {
    "move": lambda s, r, v: rq.move_request(s, r.id, v, Stage.TRIAGE, actor="a"),
    "close": lambda s, r, v: rq.close_request(s, r.id, v, CloseReason.WITHDRAWN, actor="a"),
    "triage": lambda s, r, v: rq.set_triage(
        s, r.id, v, category=Category.THEORETICAL, topic_keys=(), actor="a"
    ),
    "edit": lambda s, r, v: edit_request(s, r.id, v, _form_with_problem(r, "Другая"), actor="a"),
}


def _form_with_problem(request: Request, problem: str) -> rq.NewRequest:
    person = request.person
    return rq.NewRequest(
        received_on=request.received_on,
        full_name=person.full_name,
        role=person.role,
        contact=person.contact,
        problem=problem,
        consent=True,
        channel=request.channel,
    )


@pytest.mark.parametrize("change", sorted(CHANGE_WITH))
def test_a_change_committed_after_the_version_check_is_refused_as_stale(
    database: Database, change: str
) -> None:
    """The race the writers above run into, made to happen: a session still holding the
    request as it read it changes it after another desk committed a move. The UPDATE
    matches no row, at whichever flush comes first (before the history is loaded to
    append the event, before the promised date is read, …): the writer is told
    StaleVersion, and nothing of its change is stored."""
    versions = _shared_requests(database)
    request_id = min(versions)
    with database.sessions() as stale:
        held = stale.get(Request, request_id)
        assert held is not None and held.person is not None
        with transaction(database.sessions) as other:
            rq.move_request(other, request_id, held.version, Stage.TRIAGE, actor="other")
        with pytest.raises(StaleVersion):
            CHANGE_WITH[change](stale, held, held.version)
        stale.rollback()
    with database.sessions() as session:
        stored = rq.get_request(session, request_id)
    assert stored.summary.stage is Stage.TRIAGE
    assert [e.actor for e in stored.events] == ["setup", "other"]
