"""Demo meetings: the term's past meetings (held) and the coming ones (announced, planned),
made through the real meeting services on a demo database built by
:mod:`plc_console.services.demo`.

Past meetings gather requests that reached joint work (still open: done ones cannot
join a meeting) on the day they moved to ``session``, grouped by topic and week; coming
ones gather requests at ``scheduled`` and ``preparation`` (announced, a few working days
ahead) and at ``triage`` (planned: one soon enough that its milestones are late, one
later; one cancelled). Requests are never moved here: the meetings fit the history the
demo already wrote. Experts come from the topic's competences, invitees are the
requesters who are teachers or parents, each meeting on its own day and hour, so no
double booking arises. Everything follows from ``random.Random(seed)`` and ``today``.
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from plc_console.db.models import Event, Expert, Request, Topic, expert_topics
from plc_console.domain import (
    EventKind,
    MeetingSourceKind,
    Role,
    Stage,
    working_days_after,
    working_days_before,
)
from plc_console.services import meetings as mt
from plc_console.services import meetings_people as mp
from plc_console.services.demo_vocabulary import Vocabulary
from plc_console.services.meetings_flow import announce, cancel_meeting, record_held
from plc_console.services.meetings_read import load_meeting
from plc_console.services.meetings_views import MeetingForm

DEMO_ZONE = ZoneInfo("Europe/Moscow")
_HELD, _ANNOUNCED = 8, 4
_HOURS = (time(15, 0), time(16, 0), time(14, 30), time(15, 30))
_LITERATURE = (
    "Выготский Л. С. Педагогическая психология",
    "Щукина Г. И. Педагогические проблемы формирования познавательных интересов учащихся",
    "Поливанова К. Н. Психология возрастных кризисов",
    "Федеральная адаптированная образовательная программа (ФАОП), раздел 2",
    "Лемов Д. Мастерство учителя. Проверенные методики выдающихся преподавателей",
)
_LINKS = (
    ("Единое содержание общего образования: методические материалы", "https://edsoo.ru/"),
    ("ФИПИ: открытый банк заданий", "https://fipi.ru/"),
    ("Дневник.ру: справочный центр", "https://help.dnevnik.ru/"),
)
_PRODUCTS = (
    "Сборник рекомендаций «Как удержать внимание класса» (методическая база сообщества)",
    "Методическое пособие «Диалог учителя и родителей» (методическая база сообщества)",
)
_CANCEL_REASON = "Эксперт заболел, встреча будет перенесена"
_MINUTES = (
    "Разобрали случаи из заявок, эксперт предложил приёмы; учителя попробуют их на "
    "уроках и расскажут о результатах.",
    "Составили план действий на месяц, договорились о следующей встрече рабочей группы.",
    "Обсудили причины затруднения; решения оформим в сборник рекомендаций.",
)


def add_demo_meetings(
    session: Session, *, today: date, seed: int = 2026, tz: ZoneInfo = DEMO_ZONE
) -> int:
    """Add the demo term's meetings to a demo database in the caller's transaction;
    returns how many were made."""
    rng = random.Random(seed + 2)
    staff = Vocabulary.load().words("coordinators") or ["demo"]
    places = Vocabulary.load().words("meeting_places")
    made = _Maker(session, rng, staff, places, tz)
    for day, requests in _past_groups(session, today):
        made.held(day, requests)
    soon = _open_groups(session, (Stage.SCHEDULED, Stage.PREPARATION))
    for n, requests in enumerate(soon[:_ANNOUNCED]):
        made.announced(working_days_after(today, 2 + 3 * n), requests, today)
    waiting = _open_groups(session, (Stage.TRIAGE,))
    for n, requests in enumerate(waiting[:3]):
        day = working_days_after(today, (4, 12, 9)[n])
        made.planned(day, requests, today, cancel=n == 2)
    return made.count


def _topic_of(request: Request) -> Topic | None:
    # The first by the topics' own order, not the collection's: a request still in the
    # session from making the term has its topics in the order they were added.
    return min(request.topics, key=lambda topic: (topic.position, topic.id), default=None)


def _past_groups(session: Session, today: date) -> list[tuple[date, list[Request]]]:
    """Open requests at joint work or later, by topic and week of their move to session."""
    moved_to_session = {
        request_id: at
        for request_id, at in session.execute(
            select(Event.request_id, Event.at)
            .where(Event.kind == EventKind.MOVED, Event.to_stage == Stage.SESSION)
            .order_by(Event.at)
        )
    }
    requests = session.scalars(
        select(Request)
        .where(Request.stage.in_((Stage.SESSION, Stage.PRODUCT, Stage.FEEDBACK)))
        .options(selectinload(Request.topics), selectinload(Request.person))
        .order_by(Request.id)
    )
    groups: dict[tuple[int, int], list[Request]] = defaultdict(list)
    for request in requests:
        at, topic = moved_to_session.get(request.id), _topic_of(request)
        if at is not None and topic is not None and at.date() < today:
            groups[(topic.id, at.date().isocalendar().week)].append(request)
    dated = [(min(moved_to_session[r.id] for r in g).date(), g[:4]) for g in groups.values()]
    dated.sort(key=lambda item: (-len(item[1]), item[0]))
    chosen: dict[date, list[Request]] = {}
    for day, group in dated:
        if day not in chosen and len(chosen) < _HELD:
            chosen[day] = group
    return sorted(chosen.items())


def _open_groups(session: Session, stages: tuple[Stage, ...]) -> list[list[Request]]:
    """Requests at these stages grouped by their first topic, biggest groups first."""
    requests = session.scalars(
        select(Request)
        .where(Request.stage.in_(stages))
        .options(selectinload(Request.topics), selectinload(Request.person))
        .order_by(Request.id)
    )
    groups: dict[int, list[Request]] = defaultdict(list)
    for request in requests:
        topic = _topic_of(request)
        if topic is not None:
            groups[topic.id].append(request)
    return [g[:3] for g in sorted(groups.values(), key=lambda g: (-len(g), g[0].id))]


class _Maker:
    """Makes demo meetings one by one, each on its own hour."""

    def __init__(
        self,
        session: Session,
        rng: random.Random,
        staff: list[str],
        places: list[str],
        tz: ZoneInfo,
    ) -> None:
        self.session, self.rng, self.staff, self.places, self.tz = session, rng, staff, places, tz
        self.count = 0
        self.used: set[datetime] = set()

    def _utc(self, local: datetime) -> datetime:
        return local.replace(tzinfo=self.tz).astimezone(ZoneInfo("UTC")).replace(tzinfo=None)

    def _at(self, day: date, hour: time) -> datetime:
        """A local day and hour as a stored (UTC) time."""
        return self._utc(datetime.combine(day, hour))

    def _slot(self, day: date) -> datetime:
        first = self.rng.randrange(len(_HOURS))
        for hour in _HOURS[first:] + _HOURS[:first]:
            start = datetime.combine(day, hour)
            if all(abs(start - other) >= timedelta(hours=3) for other in self.used):
                self.used.add(start)
                return start
        start = datetime.combine(day, time(17, 0)) + timedelta(hours=len(self.used) % 3)
        self.used.add(start)
        return start

    def _create(self, day: date, requests: list[Request], created: datetime) -> tuple[int, int]:
        """The meeting with its requests, experts, invitees and preparation list;
        ``created`` is UTC."""
        rng, session = self.rng, self.session
        topic = _topic_of(requests[0])
        place = rng.choice(self.places)
        online = place.lower().startswith("онлайн")
        form = MeetingForm(
            title=_title(topic),
            starts_at=self._slot(day),
            duration_minutes=rng.choice((60, 90, 90, 120)),
            place=None if online else place,
            online_link=_link(rng, place) if online else None,
            capacity=rng.choice((12, 15, 20, 25)),
            topic_key=topic.key if topic else None,
        )
        actor = rng.choice(self.staff)
        uid = f"{uuid.UUID(int=rng.getrandbits(128), version=4)}@plc-console"
        now = created
        meeting = mt.create_meeting(session, form, actor=actor, now=now, uid=uid)
        version = meeting.version
        for request in requests:
            invite = request.person.role in (Role.TEACHER, Role.PARENT)
            version = mt.add_request(
                session,
                meeting.id,
                version,
                request.id,
                actor=actor,
                now=now,
                invite_requester=invite,
            ).version
        for expert_id in _experts(session, rng, topic):
            added = mp.add_expert(session, meeting.id, version, expert_id, actor=actor, now=now)
            version = added.version
        for kind, text, url in _sources(rng):
            version = mt.add_source(
                session, meeting.id, version, kind, text, url=url, actor=actor, now=now
            ).version
        self.count += 1
        return meeting.id, version

    def _confirm(self, meeting_id: int, version: int, at: datetime) -> int:
        for link in list(load_meeting(self.session, meeting_id).experts):
            version = mp.confirm_expert(
                self.session, meeting_id, version, link.expert_id, actor=self.staff[0], now=at
            ).version
        return version

    def held(self, day: date, requests: list[Request]) -> None:
        """A past meeting: planned two weeks before (not before its requests came),
        experts confirmed, announced, preparation list sent, held with minutes."""
        earliest = min(r.received_on for r in requests)
        created = self._utc(datetime.combine(max(day - timedelta(days=14), earliest), time(10)))
        meeting_id, version = self._create(day, requests, created)
        starts = self._utc(load_meeting(self.session, meeting_id).starts_at)

        def at(share: float) -> datetime:
            return created + (starts - created) * share

        version = self._confirm(meeting_id, version, at(0.25))
        actor = self.rng.choice(self.staff)
        announced = announce(
            self.session, meeting_id, version, out_dir=None, actor=actor, now=at(0.4), tz=self.tz
        )
        sent = mt.mark_preparation_sent(
            self.session, meeting_id, announced.meeting.version, actor=actor, now=at(0.7)
        )
        invitees = [i.person_id for i in load_meeting(self.session, meeting_id).invitees]
        came = [p for p in invitees if self.rng.random() < 0.85]
        record_held(
            self.session,
            meeting_id,
            sent.version,
            minutes=self.rng.choice(_MINUTES),
            actor=actor,
            attended_people=came,
            now=starts + timedelta(hours=3),
            tz=self.tz,
        )

    def announced(self, day: date, requests: list[Request], today: date) -> None:
        created = min(working_days_before(day, 12), today)
        meeting_id, version = self._create(day, requests, self._at(created, time(10)))
        at = self._utc(datetime.combine(min(working_days_before(day, 9), today), time(11, 0)))
        version = self._confirm(meeting_id, version, at)
        at = self._utc(datetime.combine(min(working_days_before(day, 7), today), time(12, 0)))
        announce(
            self.session, meeting_id, version, out_dir=None, actor=self.staff[0], now=at, tz=self.tz
        )

    def planned(self, day: date, requests: list[Request], today: date, *, cancel: bool) -> None:
        created = self._at(working_days_before(today, 2), time(10))
        meeting_id, version = self._create(day, requests, created)
        if cancel:
            at = self._utc(datetime.combine(today, time(9, 30)))
            cancel_meeting(
                self.session,
                meeting_id,
                version,
                actor=self.staff[0],
                reason=_CANCEL_REASON,
                now=at,
            )


def _title(topic: Topic | None) -> str:
    if topic is None:
        return "Встреча рабочей группы"
    name = topic.name_ru
    return f"{name[:1].upper()}{name[1:]}: встреча рабочей группы"


def _link(rng: random.Random, place: str) -> str:
    code = "".join(rng.choice("abcdefghijkmnpqrstuvwxyz23456789") for _ in range(10))
    if "телемост" in place.lower():
        return f"https://telemost.yandex.ru/j/{rng.randrange(10**13, 10**14)}"
    return f"https://sferum.ru/?call_link={code}"


def _experts(session: Session, rng: random.Random, topic: Topic | None) -> list[int]:
    query = select(Expert.id).where(Expert.active).order_by(Expert.id)
    if topic is not None:
        query = query.join(expert_topics, expert_topics.c.expert_id == Expert.id).where(
            expert_topics.c.topic_id == topic.id
        )
    found = list(session.scalars(query))
    return rng.sample(found, min(len(found), rng.choice((1, 1, 2))))


def _sources(rng: random.Random) -> list[tuple[MeetingSourceKind, str, str | None]]:
    items: list[tuple[MeetingSourceKind, str, str | None]] = [
        (MeetingSourceKind.LITERATURE, book, None)
        for book in rng.sample(_LITERATURE, rng.randint(1, 2))
    ]
    if rng.random() < 0.7:
        text, url = rng.choice(_LINKS)
        items.append((MeetingSourceKind.LINK, text, url))
    if rng.random() < 0.4:
        items.append((MeetingSourceKind.PRODUCT, rng.choice(_PRODUCTS), None))
    return items
