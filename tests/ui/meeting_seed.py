"""Meetings on the UI seed, made through the meeting services, every date pinned.

November 2026 around the tests' "now" (Friday 20 November): one meeting held on the
10th, one cancelled on the 18th, one announced for the 25th, two planned on the 26th,
one planned on the 27th whose milestones are late (no expert confirmed, not announced),
and one in December. The community's zone is Moscow.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from plc_console.domain import MeetingSourceKind, Role
from plc_console.services import meetings as mt
from plc_console.services import meetings_people as mp
from plc_console.services.experts import NewExpert, add_expert
from plc_console.services.meetings_flow import announce, cancel_meeting, record_held
from plc_console.services.meetings_views import MeetingForm
from plc_console.services.requests import NewRequest, create_request, find_request_id
from plc_console.services.views import RequestSummary
from tests.ui.conftest import ACTOR, on

ZONE = ZoneInfo("Europe/Moscow")
ROOM = "ЦНППМ, ауд. 204"
#: Иванова Анна: at triage, topic "engagement", on no meeting in the plain seed.
YOUNG = "З-2026-00001"
#: Петров Олег (a parent): at "meeting announced".
PARENT = "З-2026-00002"
#: Сидоров Миша (a student): received, no topic.
STUDENT = "З-2026-00003"
#: When the late meeting of :func:`seed_calendar` takes place.
LATE_DAY = datetime(2026, 11, 27, 15, 0)


def form(
    title: str,
    starts_at: datetime,
    *,
    place: str | None = ROOM,
    link: str | None = None,
    topic: str | None = "engagement",
    capacity: int | None = None,
) -> MeetingForm:
    return MeetingForm(
        title=title,
        starts_at=starts_at,
        duration_minutes=90,
        place=place,
        online_link=link,
        capacity=capacity,
        topic_key=topic,
    )


def experts(session: Session) -> dict[str, int]:
    """Three experts of the registry, by surname."""
    found = {}
    for new in (
        NewExpert("Соколова Ирина Викторовна", "ГАУ ДПО «Институт развития образования»",
                  "sokolova@iro.example.ru", "математика", 4, "вт, чт", ("engagement",)),
        NewExpert("Белов Андрей Николаевич", "ЦНППМ «Педагог будущего»",
                  "a.belov@cnppm.example.ru", "физика", 3, "пн–пт", ("engagement",)),
        NewExpert("Кравченко Ольга Петровна", "ППМС-центр «Доверие»", "+7 917 228-64-10",
                  None, 5, "ср, пт", ("disabilities",)),
    ):  # fmt: skip
        found[new.full_name.split()[0]] = add_expert(session, new).id
    return found


def teacher_request(
    session: Session, name: str, problem: str, *, day: int = 17, topics: tuple[str, ...] = ()
) -> RequestSummary:
    """A teacher's request received on ``day`` November (topics given at registration)."""
    new = NewRequest(
        received_on=date(2026, 11, day),
        full_name=name,
        role=Role.TEACHER,
        contact=f"{name.split()[0].lower()}@example.ru",
        problem=problem,
        consent=True,
        experience_years=5,
        topic_keys=topics,
    )
    return create_request(session, new, actor=ACTOR, now=on(day))


def seed_calendar(session: Session) -> dict[str, int]:
    """The month of meetings described above; their ids by what they are."""
    people = experts(session)
    ids: dict[str, int] = {}
    held = form("ОВЗ на уроках физкультуры", datetime(2026, 11, 10, 15), topic="disabilities")
    m = mt.create_meeting(session, held, actor=ACTOR, now=on(3))
    m = mt.add_request(
        session, m.id, m.version, find_request_id(session, PARENT), actor=ACTOR, now=on(3),
        invite_requester=True,
    )  # fmt: skip
    m = mp.add_expert(
        session, m.id, m.version, people["Кравченко"], actor=ACTOR, now=on(3), confirmed=True
    )
    done = announce(session, m.id, m.version, out_dir=None, actor=ACTOR, now=on(4), tz=ZONE)
    record_held(
        session, m.id, done.meeting.version, minutes="Разобрали приёмы адаптации заданий",
        actor=ACTOR, now=on(10, 16), tz=ZONE,
    )  # fmt: skip
    ids["held"] = m.id
    m = mt.create_meeting(
        session,
        form("Домашние задания в Дневник.ру", datetime(2026, 11, 18, 16), place=None,
             link="https://sferum.example.ru/call/42", topic="dnevnik"),
        actor=ACTOR, now=on(5),
    )  # fmt: skip
    cancel_meeting(session, m.id, m.version, actor=ACTOR, reason="эксперт заболел", now=on(12))
    ids["cancelled"] = m.id
    m = mt.create_meeting(
        session,
        form("Подбор заданий разного уровня", datetime(2026, 11, 25, 16), topic="task_choice",
             capacity=20),
        actor=ACTOR, now=on(9),
    )  # fmt: skip
    m = mp.add_expert(
        session, m.id, m.version, people["Соколова"], actor=ACTOR, now=on(9), confirmed=True
    )
    announce(session, m.id, m.version, out_dir=None, actor=ACTOR, now=on(12), tz=ZONE)
    ids["announced"] = m.id
    ids["late"] = _late_meeting(session, people)
    mt.create_meeting(
        session,
        form("Диалог с родителями при конфликте", datetime(2026, 11, 26, 10),
             place="онлайн, Сферум", link="https://sferum.example.ru/call/7", topic="parents"),
        actor=ACTOR, now=on(13),
    )  # fmt: skip
    mt.create_meeting(
        session,
        form("Методобъединение: итоги четверти", datetime(2026, 11, 26, 14, 30),
             place="Гимназия № 3, актовый зал", topic=None),
        actor=ACTOR, now=on(13),
    )  # fmt: skip
    mt.create_meeting(
        session,
        form("Проектная работа в 7 классе", datetime(2026, 12, 8, 15), topic="lesson_organisation"),
        actor=ACTOR, now=on(13),
    )  # fmt: skip
    return ids


def _late_meeting(session: Session, people: dict[str, int]) -> int:
    """Planned for the 27th: one expert of two confirmed, not announced, two materials."""
    m = mt.create_meeting(
        session, form("Как удержать внимание пятиклассников", LATE_DAY, capacity=12),
        actor=ACTOR, now=on(11),
    )  # fmt: skip
    m = mt.add_request(
        session, m.id, m.version, find_request_id(session, YOUNG), actor=ACTOR, now=on(11),
        invite_requester=True,
    )  # fmt: skip
    m = mp.add_expert(session, m.id, m.version, people["Соколова"], actor=ACTOR, now=on(11))
    m = mp.add_expert(
        session, m.id, m.version, people["Белов"], actor=ACTOR, now=on(11), confirmed=True
    )
    m = mt.add_source(
        session, m.id, m.version, MeetingSourceKind.LITERATURE,
        "Щукина Г. И. Педагогические проблемы формирования познавательных интересов учащихся",
        actor=ACTOR, now=on(12),
    )  # fmt: skip
    m = mt.add_source(
        session, m.id, m.version, MeetingSourceKind.LINK, "Единое содержание общего образования",
        url="https://edsoo.ru/", actor=ACTOR, now=on(12),
    )  # fmt: skip
    return m.id
