"""One console's worth of writes, in a process of its own (see test_concurrent_writers.py).

    python -m tests.unit.concurrent_worker SPEC.json

The spec (JSON) names the database, this writer's actor name, the shared requests (a
few, so that writers collide), which of them may be closed, how long to run and at most
how many operations, and three files: ``ready`` (written once connected), ``go`` (waited
for, so every writer starts at once) and ``out`` (the tallies, written at the end).

Like a coordinator at the board, each operation reads a request in one session (the
card on the screen) and then changes it in another, passing the version it read: a move
a stage forward, a move back with a note, an edit of the form or of the triage fields,
or an early close. A refusal as stale (:class:`StaleVersion`) is counted, and its tag
kept, as the writer was told; any other exception is a failure, recorded with its text.
Moves and closes carry their tag (``actor#n``) as the event's note and form edits in the
problem text, so the test can match every event to the operation that wrote it.
"""

from __future__ import annotations

import json
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, selectinload

from plc_console.db.models import Request
from plc_console.domain import WORK_STAGES, Category, CloseReason, EventKind, Stage
from plc_console.services import requests as rq
from plc_console.services.database import Database, open_database
from plc_console.services.errors import StaleVersion
from plc_console.services.request_edit import edit_request

#: Seconds a writer waits for the go file before giving up (the test died, or hangs).
GO_TIMEOUT = 180
#: Longest pause between reading a card and acting on it: another writer gets a chance
#: to change the request in between, as a coordinator's think time gives in real life.
THINK_SECONDS = 0.004


@dataclass(frozen=True)
class Card:
    """What a writer read of a request, as a board card or the request screen shows it."""

    id: int
    version: int
    stage: Stage
    category: Category | None
    topic_keys: tuple[str, ...]
    form: rq.NewRequest


def read_card(database: Database, request_id: int) -> Card:
    with database.sessions() as session:
        request = session.get(
            Request,
            request_id,
            options=[selectinload(Request.person), selectinload(Request.topics)],
        )
        assert request is not None
        person = request.person
        form = rq.NewRequest(
            received_on=request.received_on,
            full_name=person.full_name,
            role=person.role,
            contact=person.contact,
            problem=request.problem,
            consent=True,
            channel=request.channel,
            organization=person.organization,
            subject=person.subject,
            experience_years=person.experience_years,
            grade=person.grade,
            help_wanted=request.help_wanted,
            form_no=request.form_no,
        )
        return Card(
            request.id,
            request.version,
            request.stage,
            request.category,
            tuple(t.key for t in request.topics),
            form,
        )


def choose(card: Card, closable: bool, rng: random.Random) -> str:
    """An operation the stage rules allow for the card as read (a stale card aside)."""
    if card.stage is Stage.CLOSED:
        return rng.choice(("edit_form", "edit_triage"))
    roll = rng.random()
    if closable and card.stage is not Stage.DONE and roll < 0.06:
        return "close"
    if roll < 0.55:
        return "back" if card.stage is Stage.DONE else "forward"
    if roll < 0.75:
        return "forward" if card.stage is Stage.RECEIVED else "back"
    return "edit_form" if roll < 0.88 else "edit_triage"


#: The event kind each operation writes when it succeeds.
KIND = {
    "forward": EventKind.MOVED,
    "back": EventKind.MOVED,
    "close": EventKind.CLOSED,
    "edit_form": EventKind.EDITED,
    "edit_triage": EventKind.EDITED,
}


def perform(
    session: Session, op: str, card: Card, actor: str, tag: str, rng: random.Random
) -> None:
    if op == "forward":
        target = Stage.DONE if card.stage is Stage.FEEDBACK else WORK_STAGES[card.stage.order + 1]
        rq.move_request(session, card.id, card.version, target, actor=actor, note=tag)
    elif op == "back":
        target = rng.choice(WORK_STAGES[: card.stage.order])
        rq.move_request(session, card.id, card.version, target, actor=actor, note=tag)
    elif op == "close":
        rq.close_request(
            session, card.id, card.version, CloseReason.WITHDRAWN, actor=actor, note=tag
        )
    elif op == "edit_form":
        base = card.form.problem.split(" [", 1)[0]
        changed = rq.NewRequest(**{**card.form.__dict__, "problem": f"{base} [{tag}]"})
        edit_request(session, card.id, card.version, changed, actor=actor)
    else:
        others = [c for c in Category if c is not card.category]
        rq.set_triage(
            session,
            card.id,
            card.version,
            category=rng.choice(others),
            topic_keys=card.topic_keys,
            actor=actor,
        )


def run(spec: dict[str, Any]) -> dict[str, Any]:
    actor: str = spec["actor"]
    rng = random.Random(spec["seed"])
    ids: list[int] = spec["requests"]
    closable = set(spec["closable"])
    database = open_database(spec["url"], create=False)
    done: Counter[str] = Counter()
    refused: Counter[str] = Counter()
    stale_at_flush = 0
    #: The tags of the operations, by outcome and operation ("done" → "forward" → tags).
    tags: dict[str, dict[str, list[str]]] = {"done": {}, "refused": {}}
    failures: list[str] = []
    longest_write = 0.0
    attempted = 0
    try:
        read_card(database, ids[0])  # connected and warmed up before the start
        Path(spec["ready"]).write_text("ready", encoding="utf-8")
        _await(Path(spec["go"]))
        deadline = time.monotonic() + spec["seconds"]
        while time.monotonic() < deadline and attempted < spec["max_ops"]:
            attempted += 1
            tag = f"{actor}#{attempted}"
            card = read_card(database, rng.choice(ids))
            op = choose(card, card.id in closable, rng)
            time.sleep(rng.uniform(0, THINK_SECONDS))
            started = time.monotonic()
            try:
                with database.sessions.begin() as session:
                    perform(session, op, card, actor, tag, rng)
            except StaleVersion as refusal:
                refused[op] += 1
                tags["refused"].setdefault(op, []).append(tag)
                stale_at_flush += refusal.__cause__ is not None
            except Exception as exc:  # anything but a stale refusal is the test's failure
                failures.append(f"{tag} {op}: {type(exc).__name__}: {exc}")
            else:
                done[op] += 1
                tags["done"].setdefault(op, []).append(tag)
            longest_write = max(longest_write, time.monotonic() - started)
    finally:
        database.engine.dispose()
    return {
        "actor": actor,
        "attempted": attempted,
        "done": dict(done),
        "done_by_kind": dict(Counter(KIND[op].value for op in done.elements())),
        "refused": dict(refused),
        "stale_at_flush": stale_at_flush,
        "tags": tags,
        "failures": failures,
        "longest_write_seconds": round(longest_write, 3),
    }


def _await(go: Path) -> None:
    deadline = time.monotonic() + GO_TIMEOUT
    while not go.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"no {go} within {GO_TIMEOUT} s")
        time.sleep(0.01)


def main() -> None:
    spec = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    tallies = run(spec)
    Path(spec["out"]).write_text(json.dumps(tallies, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
