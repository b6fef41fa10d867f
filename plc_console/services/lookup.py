"""Finding a request by (part of) its number, as people type it: "42", "00042", "з-2026-42".

The command palette's "go to request" asks this on every keystroke, so it answers from
the unique index on numbers with a few LIKE probes, never by scanning problem texts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from plc_console.db.models import Person, Request
from plc_console.domain import Stage

#: Serials are zero-padded to this width in request numbers (З-2026-00042).
SERIAL_WIDTH = 5


@dataclass(frozen=True)
class RequestHit:
    """A request found by number: enough to show it in a list and open it."""

    id: int
    number: str
    stage: Stage
    requester: str
    first_line: str


def lookup_requests(session: Session, typed: str, *, limit: int = 8) -> list[RequestHit]:
    """Requests whose number matches what was typed, best first; [] when no digits.

    "42" finds З-…-00042 of every year (newest year first) before numbers that merely
    contain 42; "2026-42" narrows to that year.
    """
    groups = re.findall(r"\d+", typed)
    if not groups:
        return []
    serial = groups[-1]
    year = groups[-2] if len(groups) >= 2 and len(groups[-2]) == 4 else None
    found: dict[int, RequestHit] = {}
    probes = []
    if len(serial) <= SERIAL_WIDTH:
        probes.append(f"%-{year or '%'}-{serial.zfill(SERIAL_WIDTH)}")
    probes.append(f"%{year}-%{serial}%" if year else f"%{serial}%")
    for pattern in probes:
        if len(found) >= limit:
            break
        query = (
            select(Request.id, Request.number, Request.stage, Request.problem, Person.full_name)
            .join(Person, Person.id == Request.person_id)
            .where(Request.number.like(pattern))
            .order_by(Request.number.desc())
            .limit(limit)
        )
        for row in session.execute(query):
            if row.id not in found and len(found) < limit:
                problem = row.problem.strip()
                first = problem.splitlines()[0].strip() if problem else ""
                found[row.id] = RequestHit(row.id, row.number, row.stage, row.full_name, first)
    return list(found.values())
