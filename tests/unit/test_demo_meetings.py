"""Demo meetings: past ones held, coming ones announced or planned, fitting the demo term."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy.orm import Session

from plc_console.db.engine import transaction
from plc_console.domain import MeetingStatus, Role, Stage
from plc_console.services import demo as demo_module
from plc_console.services.database import Database, open_database
from plc_console.services.demo import create_demo
from plc_console.services.demo_meetings import add_demo_meetings
from plc_console.services.meetings_conflicts import meeting_clashes
from plc_console.services.meetings_flow import announce
from plc_console.services.meetings_read import get_meeting, list_meetings
from plc_console.services.requests import stage_counts

TODAY = date(2026, 11, 20)
MOSCOW = ZoneInfo("Europe/Moscow")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, dict[Stage, int]]]:
    path = tmp_path_factory.mktemp("demo-meetings") / "demo.sqlite3"
    db = open_database(f"sqlite:///{path}")
    try:
        with transaction(db.sessions) as session, pytest.MonkeyPatch.context() as patch:
            # The demo adds its meetings itself; here the term is made without them first,
            # so that what adding them changes (no request's stage) can be seen.
            patch.setattr(demo_module, "add_demo_meetings", lambda *args, **kwargs: 0)
            create_demo(session, today=TODAY, db_label=db.label)
            before = stage_counts(session)
            assert add_demo_meetings(session, today=TODAY) == len(list_meetings(session))
        yield db, before
    finally:
        db.engine.dispose()


@pytest.fixture
def session(demo: tuple[Database, dict[Stage, int]]) -> Iterator[Session]:
    with demo[0].sessions() as session:
        yield session


def test_past_meetings_are_held_and_coming_ones_announced_or_planned(session: Session) -> None:
    meetings = list_meetings(session)
    past = [m for m in meetings if m.starts_at.date() < TODAY]
    coming = [m for m in meetings if m.starts_at.date() > TODAY]
    assert len(past) == 8 and {m.status for m in past} == {MeetingStatus.HELD}
    assert {m.status for m in coming} == {
        MeetingStatus.ANNOUNCED,
        MeetingStatus.PLANNED,
        MeetingStatus.CANCELLED,
    }
    for meeting in meetings:
        shown = get_meeting(session, meeting.id, today=TODAY)
        assert shown.requests and shown.experts and shown.sources
        assert meeting_clashes(session, meeting.id) == ()
        if meeting.status is MeetingStatus.HELD:
            assert shown.minutes
            assert all(i.attended is not None for i in shown.invitees)
            assert all(r.stage.order >= Stage.SESSION.order for r in shown.requests)
        elif meeting.status is MeetingStatus.ANNOUNCED:
            assert {r.stage for r in shown.requests} <= {Stage.SCHEDULED, Stage.PREPARATION}
    # The coordinator has something to catch up on: a late milestone among the coming.
    assert any(get_meeting(session, m.id, today=TODAY).late for m in coming)


def test_the_meetings_leave_the_term_as_it_was(
    demo: tuple[Database, dict[Stage, int]], session: Session
) -> None:
    assert stage_counts(session) == demo[1]


def test_demo_invitations_carry_no_parent_data(session: Session, tmp_path: Path) -> None:
    announced = [
        get_meeting(session, m.id, today=TODAY)
        for m in list_meetings(session, statuses=[MeetingStatus.ANNOUNCED, MeetingStatus.PLANNED])
    ]
    with_parents = [d for d in announced if any(i.role is Role.PARENT for i in d.invitees)]
    assert with_parents
    shown = with_parents[0]
    now = datetime.combine(TODAY, time(7, 0))
    outcome = announce(
        session,
        shown.summary.id,
        shown.summary.version,
        out_dir=tmp_path,
        actor="t",
        now=now,
        tz=MOSCOW,
    )
    session.rollback()
    assert outcome.calendar_path is not None
    written = Calendar.from_ical(outcome.calendar_path.read_bytes()).to_ical().decode()
    unfolded = written.replace("\r\n ", "")
    for parent in (i for i in shown.invitees if i.role is Role.PARENT):
        assert parent.full_name not in unfolded
        assert parent.contact not in unfolded


def test_the_demo_itself_has_its_meetings(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    try:
        with transaction(db.sessions) as session:
            create_demo(session, today=TODAY, db_label=db.label)
            assert len(list_meetings(session)) == 15
    finally:
        db.engine.dispose()
