"""A 100,000-request SQLite database for the board benchmarks, built in seconds and cached.

The schema comes from ``open_database`` (the real migrations); rows go in with Core
``insert()`` executemany in chunks, bypassing the ORM, which would take minutes. The
file is cached in pytest's cache folder under a key naming the generator version and
the schema revision, and each benchmark session works on a copy (moves change it).
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Table, insert, select
from sqlalchemy.orm import Session

from plc_console.db.models import Event, Person, Request, RequestCounter, Topic, request_topics
from plc_console.db.schema import head_revision
from plc_console.domain import (
    BOARD_STAGES,
    Category,
    Channel,
    EventKind,
    HelpWanted,
    Role,
    Stage,
    request_number,
    request_search_text,
)
from plc_console.services.database import Database, open_database
from tests.conftest import NOW

#: Bump when the generated data changes, so cached files are rebuilt.
DATA_VERSION = "1"
REQUESTS = 100_000
PEOPLE = 30_000
CHUNK = 10_000

_SURNAMES = [
    "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов",
    "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров",
    "Павлов", "Козлов", "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин",
]  # fmt: skip
_MALE = ["Иван", "Пётр", "Алексей", "Сергей", "Дмитрий", "Андрей", "Михаил", "Артём"]
_FEMALE = ["Ольга", "Мария", "Анна", "Елена", "Татьяна", "Наталья", "Ирина", "Алёна"]
_PATRONYMIC = ["Иванович", "Петрович", "Сергеевич", "Андреевич", "Викторович", "Олегович"]
_SUBJECTS = [
    "математики", "физики", "русского языка", "литературы", "истории", "биологии",
    "химии", "технологии", "физкультуры", "родного языка", "английского языка", "музыки",
]  # fmt: skip
_PROBLEMS = [
    "Не получается заинтересовать учеников {g} класса на уроках {s}.",
    "Ученики {g} класса не выполняют домашние задания по предмету {s}.",
    "Как подобрать задания разного уровня для {g} класса на уроках {s}?",
    "Родители не отвечают в Дневник.ру, не знаю, как наладить связь.",
    "Родители считают, что {s} — лишний предмет, и ребёнок перестал стараться.",
    "Сын в {g} классе не хочет учить {s}, дома постоянные конфликты.",
    "Дочь боится отвечать у доски, учитель {s} не видит проблемы.",
    "В классе есть ребёнок с ОВЗ, не понимаю, как выстроить урок {s}.",
    "Как организовать работу в группах на уроке {s} в {g} классе?",
    "Не хватает времени на урок: объясняю тему {s} и не успеваю закрепить.",
    "Ребёнок часто болеет и отстаёт по {s}, нужна помощь с планом занятий.",
    "Как объяснить ученикам {g} класса, зачем нужен предмет {s}?",
    "Хочу вести кружок по {s}, но не знаю, с чего начать.",
    "Молодой учитель: сложно держать дисциплину в {g} классе.",
    "Конфликт с родителями из-за оценок по {s} в {g} классе.",
    "Как провести родительское собрание, чтобы родители пришли?",
    "Не умею пользоваться электронным журналом в Дневник.ру.",
    "Ученик {g} класса говорит, что {s} ему никогда не пригодится.",
    "Мне трудно понять домашние задания по {s}, объяснения в учебнике сложные.",
    "Как готовиться к олимпиаде по {s}, если в школе нет кружка?",
    "Ребёнок после перехода в {g} класс потерял интерес к учёбе.",
    "Нужна методика проверки тетрадей по {s}, уходит слишком много времени.",
    "Как работать с одарёнными детьми на уроках {s}?",
    "Учитель не отвечает на вопросы родителей о {s}, как начать диалог?",
    "Проблемы с мотивацией старшеклассников перед экзаменом по {s}.",
    "Как использовать проектную деятельность на уроках {s} в {g} классе?",
    "Гиперактивный ребёнок в {g} классе срывает уроки {s}.",
    "Не знаю, как оценивать работу в группе на уроках {s}.",
    "Хотим организовать экскурсию по теме {s}, нужна помощь с программой.",
    "Как совместить дополнительное образование и нагрузку в {g} классе?",
]  # fmt: skip
_SECOND_LINES = [
    "", "", "\nПодробнее при встрече.", "\nПрошу совета коллег.",
    "\nПробовала разные способы, не помогает.", "\nСитуация повторяется каждую четверть.",
]  # fmt: skip
_TOPIC_KEYS = [
    "engagement", "task_choice", "subject_methods", "lesson_organisation", "parents",
    "disabilities", "psychology", "dnevnik", "teacher_dialogue", "subject_purpose",
    "extracurricular",
]  # fmt: skip
#: Mostly Done (a deep column), some closed, the rest spread over the working stages.
_STAGE_WEIGHTS = {**dict.fromkeys(BOARD_STAGES[:-1], 7), Stage.DONE: 40, Stage.CLOSED: 11}


def _people(rng: random.Random) -> list[dict[str, Any]]:
    rows = []
    roles, weights = [Role.TEACHER, Role.PARENT, Role.STUDENT, Role.OTHER], [50, 30, 15, 5]
    for person_id in range(1, PEOPLE + 1):
        role = rng.choices(roles, weights)[0]
        female = rng.random() < 0.7
        surname = rng.choice(_SURNAMES) + ("а" if female else "")
        name = f"{surname} {rng.choice(_FEMALE if female else _MALE)}"
        if role is not Role.STUDENT:
            name += " " + rng.choice(_PATRONYMIC).replace("ич", "на" if female else "ич")
        teacher = role is Role.TEACHER
        years = rng.choice([0, 1, 2, 3, 5, 8, 12, 20, 30]) if teacher else None
        rows.append(
            {
                "id": person_id,
                "full_name": name,
                "role": role.value,
                "organization": f"МБОУ СОШ № {rng.randint(1, 60)}",
                "contact": f"+7 9{rng.randint(10, 99)} {rng.randint(100, 999)}-{person_id:05d}",
                "subject": rng.choice(_SUBJECTS) if teacher else None,
                "experience_years": years,
                "grade": None if teacher else rng.randint(1, 11),
                "consent_given": True,
                "consent_at": NOW - timedelta(days=400),
                "created_at": NOW - timedelta(days=400),
            }
        )
    return rows


def _requests(
    rng: random.Random, people: list[dict[str, Any]], topic_ids: dict[str, int]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]], dict[int, int]]:
    requests, links, events = [], [], []
    serials: dict[int, int] = {}
    stages, weights = list(_STAGE_WEIGHTS), list(_STAGE_WEIGHTS.values())
    for request_id in range(1, REQUESTS + 1):
        person = rng.choice(people)
        stage = rng.choices(stages, weights)[0]
        # Older requests are further along: Done ones reach back two years.
        age = rng.uniform(0, 700 if stage.is_terminal else 80)
        created = NOW - timedelta(days=age, seconds=rng.randint(0, 86399))
        year = created.year
        serials[year] = serials.get(year, 0) + 1
        number = request_number(year, serials[year])
        chain_started = None
        if stage.order >= Stage.TRIAGE.order or (stage is Stage.RECEIVED and rng.random() < 0.03):
            chain_started = created + (NOW - created) * rng.uniform(0, 0.3)
        since = (chain_started or created) + (NOW - (chain_started or created)) * rng.uniform(
            0, 1 if stage.order > Stage.TRIAGE.order else 0
        )
        problem = rng.choice(_PROBLEMS).format(
            g=rng.randint(1, 11), s=rng.choice(_SUBJECTS)
        ) + rng.choice(_SECOND_LINES)
        triaged = stage.order > Stage.RECEIVED.order
        requests.append(
            {
                "id": request_id,
                "number": number,
                "person_id": person["id"],
                "received_on": created.date(),
                "channel": rng.choice(list(Channel)).value,
                "form_no": None,
                "problem": problem,
                "help_wanted": rng.choice([None, *HelpWanted]),
                "category": rng.choice(list(Category)).value if triaged else None,
                "stage": stage.value,
                "stage_since": since,
                "close_reason": "withdrawn" if stage is Stage.CLOSED else None,
                "chain_started_at": chain_started,
                "search_text": request_search_text(number, person["full_name"], problem),
                "created_at": created,
                "updated_at": since,
                "version": 3,
            }
        )
        if triaged:
            for key in rng.sample(_TOPIC_KEYS, rng.randint(1, 3)):
                links.append({"request_id": request_id, "topic_id": topic_ids[key]})
        base = {"request_id": request_id, "actor": "bench", "note": None}
        events.append(
            {**base, "at": created, "kind": EventKind.CREATED.value, "from_stage": None,
             "to_stage": Stage.RECEIVED.value}
        )  # fmt: skip
        if stage is not Stage.RECEIVED:
            previous = Stage.FEEDBACK if stage is Stage.CLOSED else BOARD_STAGES[stage.order - 1]
            kind = EventKind.CLOSED if stage is Stage.CLOSED else EventKind.MOVED
            events.append(
                {**base, "at": since, "kind": kind.value, "from_stage": previous.value,
                 "to_stage": stage.value}
            )  # fmt: skip
        if triaged:
            events.append(
                {**base, "at": chain_started or created, "kind": EventKind.EDITED.value,
                 "from_stage": Stage.TRIAGE.value, "to_stage": Stage.TRIAGE.value}
            )  # fmt: skip
    return requests, links, events, serials


def _insert(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        connection.execute(insert(table), rows[start : start + CHUNK])


def build_board_database(path: Path) -> None:
    """Write a 100,000-request database to ``path`` (the schema by the real migrations)."""
    database = open_database(f"sqlite:///{path}")
    rng = random.Random(20261120)
    try:
        with database.engine.begin() as connection:
            topic_ids = {key: id_ for key, id_ in connection.execute(select(Topic.key, Topic.id))}
            people = _people(rng)
            requests, links, events, serials = _requests(rng, people, topic_ids)
            _insert(connection, Person.__table__, people)  # type: ignore[arg-type]
            _insert(connection, Request.__table__, requests)  # type: ignore[arg-type]
            _insert(connection, request_topics, links)
            _insert(connection, Event.__table__, events)  # type: ignore[arg-type]
            counters = [{"year": y, "last": n} for y, n in serials.items()]
            connection.execute(insert(RequestCounter), counters)
        with database.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
    finally:
        database.engine.dispose()


def _cache_dir(config: pytest.Config) -> Path:
    """pytest's cache folder for the built file; the same folder when the cache plugin is
    off (``-p no:cacheprovider``, as the xdist-free bench command runs), so both reuse it."""
    cache = getattr(config, "cache", None)  # absent without the plugin
    if cache is not None:
        return Path(cache.mkdir("plc-bench"))
    folder = config.rootpath / ".pytest_cache" / "d" / "plc-bench"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def board_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    """A copy of the cached 100,000-request database, opened like the console opens it."""
    cache_dir = _cache_dir(request.config)
    cached = cache_dir / f"board-{DATA_VERSION}-{head_revision()}-{REQUESTS}.sqlite3"
    if not cached.exists():
        building = cached.with_suffix(".building")
        building.unlink(missing_ok=True)
        build_board_database(building)
        building.replace(cached)
    work = tmp_path_factory.mktemp("bench") / "board.sqlite3"
    shutil.copyfile(cached, work)
    database = open_database(f"sqlite:///{work}")
    try:
        yield database
    finally:
        database.engine.dispose()


@pytest.fixture
def bench_session(board_database: Database) -> Iterator[Session]:
    with board_database.sessions() as session:
        yield session
