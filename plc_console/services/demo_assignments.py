"""Experts on the demo's requests, picked at triage from the ranking as a coordinator would.

Most requests that went past triage got an expert there, once their topics were set;
fewer of those still at triage have one yet, so the balanced assignment (``A``) has work
to do. The demo never fills an expert's last free slot, so that proposal has room.
"""

from __future__ import annotations

import random
from datetime import datetime

from sqlalchemy.orm import Session

from plc_console.db.models import Request
from plc_console.domain import CloseReason, Stage
from plc_console.services.assignments import assign_expert, rank_experts

#: Chance that a request got an expert at triage, by where it is now. The demo's 25
#: experts have about 70 slots for 200 open requests: most requests in work are carried
#: by teachers and coordinators alone, and the slots are spread over the stages. Done
#: requests mostly had one (the experts' track record).
CHANCE = {
    Stage.TRIAGE: 0.25,
    Stage.SCHEDULED: 0.3,
    Stage.PREPARATION: 0.3,
    Stage.SESSION: 0.35,
    Stage.PRODUCT: 0.2,
    Stage.FEEDBACK: 0.12,
    Stage.DONE: 0.85,
    Stage.CLOSED: 0.2,
}
#: Free slots the demo leaves every expert.
RESERVE = 1
#: The coordinator picks among this many best candidates, the better more often.
SHORTLIST = 3


def wants_expert(rng: random.Random, final: Stage, reason: CloseReason | None) -> bool:
    """Whether a request's coordinator looks for an expert when its topics are set."""
    if reason in (CloseReason.DUPLICATE, CloseReason.OUT_OF_SCOPE):
        return False
    return rng.random() < CHANCE.get(final, 0.0)


def assign_demo_expert(
    session: Session, request_id: int, rng: random.Random, *, actor: str, now: datetime
) -> int | None:
    """Assign one of the best free experts sharing a topic with the request; the request's
    new version, or None when nobody fits (everyone with the topics is busy)."""
    fitting = [
        c
        for c in rank_experts(session, request_id)
        if c.excluded is None
        and not c.assigned
        and c.load < c.load_limit - RESERVE
        and c.reasons[0].key == "matching.reason.topics"
    ][:SHORTLIST]
    if not fitting:
        return None
    chosen = rng.choices(fitting, weights=[c.score**2 for c in fitting])[0]
    assign_expert(session, request_id, chosen.expert_id, actor=actor, now=now)
    request = session.get(Request, request_id)
    return request.version if request is not None else None
