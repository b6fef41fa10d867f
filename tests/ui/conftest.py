"""A small, fixed community database and the console built on it, for Pilot and snapshots.

Everything is pinned: the dates of every change, the clock the app reads, the language
and the terminal size, so a screenshot only changes when the screen does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from plc_console.config import Settings
from plc_console.domain import Category, CloseReason, Role, Stage
from plc_console.services.database import Database, open_database
from plc_console.services.requests import (
    NewRequest,
    close_request,
    create_request,
    move_request,
    set_triage,
)
from plc_console.services.views import RequestSummary
from plc_console.tui.app import PlcApp, make_app
from plc_console.tui.widgets import board_view

#: The app's "now": every "days in stage" is counted to this moment.
UI_NOW = datetime(2026, 11, 20, 10, 0)
ACTOR = "tester"


def on(day: int, hour: int = 9) -> datetime:
    """A moment in November 2026."""
    return datetime.combine(date(2026, 11, day), time(hour))


def _new(day: int, name: str, role: Role, problem: str, **fields: Any) -> NewRequest:
    return NewRequest(
        received_on=date(2026, 11, day),
        full_name=name,
        role=role,
        contact=f"{name.split()[0].lower()}@example.ru",
        problem=problem,
        consent=True,
        **fields,
    )


@dataclass(frozen=True)
class Seeded:
    """One request of the seed: who asked what on which day, and how far it went."""

    day: int
    name: str
    role: Role
    problem: str
    experience: int | None = None
    category: Category | None = None
    #: The stages it was moved to, each with the day of the move.
    moves: tuple[tuple[Stage, int], ...] = ()


_THROUGH_THE_CHAIN = (Stage.TRIAGE, Stage.SCHEDULED, Stage.PREPARATION, Stage.SESSION)
SEED = [
    Seeded(
        2,
        "Иванова Анна",
        Role.TEACHER,
        "Не удаётся удержать внимание 5 «Б» класса на уроке\nОсобенно после физкультуры.",
        experience=2,
        category=Category.MOTIVATIONAL,
        moves=((Stage.TRIAGE, 3),),
    ),
    Seeded(
        3,
        "Петров Олег",
        Role.PARENT,
        "Как помочь ребёнку с ОВЗ на уроках физкультуры?",
        category=Category.METHODOLOGICAL,
        moves=((Stage.TRIAGE, 4), (Stage.SCHEDULED, 6)),
    ),
    Seeded(4, "Сидоров Миша", Role.STUDENT, "Не понимаю, зачем нужен предмет «Технология»"),
    Seeded(
        5,
        "Кузнецова Мария",
        Role.TEACHER,
        "Как подбирать задания разного уровня для смешанного класса",
        experience=15,
        category=Category.METHODOLOGICAL,
        moves=((Stage.TRIAGE, 7), (Stage.SCHEDULED, 10), (Stage.PREPARATION, 12)),
    ),
    Seeded(6, "Орлов Денис", Role.OTHER, "Нужен шаблон положения о школьном методобъединении"),
    Seeded(
        9,
        "Смирнова Елена",
        Role.TEACHER,
        "Родители не читают сообщения в Дневник.ру [срочно]",  # brackets: not markup
        experience=1,
    ),
    Seeded(
        10,
        "Фёдоров Игорь",
        Role.PARENT,
        "Ребёнок не хочет ходить на кружки и секции",
        moves=((Stage.TRIAGE, 11),),
    ),
    Seeded(
        11,
        "Волкова Ирина",
        Role.TEACHER,
        "Как организовать проектную работу на уроках биологии в 7 классе, "
        "если в классе 32 человека и один кабинет без лаборатории",
        experience=8,
        category=Category.ORGANISATIONAL,
        moves=(*zip(_THROUGH_THE_CHAIN, range(12, 16), strict=True), (Stage.PRODUCT, 16)),
    ),
    Seeded(
        12,
        "Морозов Павел",
        Role.TEACHER,
        "Как объяснять дробные числа без потери интереса",
        experience=25,
        category=Category.THEORETICAL,
        moves=(
            *zip(_THROUGH_THE_CHAIN, range(12, 16), strict=True),
            (Stage.PRODUCT, 16),
            (Stage.FEEDBACK, 17),
            (Stage.DONE, 18),
        ),
    ),
    Seeded(14, "Лебедев Артём", Role.STUDENT, "Трудно готовиться к ВПР по истории"),
    Seeded(16, "Никитина Ольга", Role.TEACHER, "Как вести диалог с родителями при конфликте", 3),
    Seeded(18, "Зайцева Нина", Role.PARENT, "Как проверять домашние задания в Дневник.ру"),
]
#: The request closed early (out of scope), by its requester.
CLOSED_BY = "Орлов Денис"
#: What the stage list shows once the seed is stored.
SEED_COUNTS = {
    Stage.RECEIVED: 5,
    Stage.TRIAGE: 2,
    Stage.SCHEDULED: 1,
    Stage.PREPARATION: 1,
    Stage.SESSION: 0,
    Stage.PRODUCT: 1,
    Stage.FEEDBACK: 0,
    Stage.DONE: 1,
    Stage.CLOSED: 1,
}


def seed(session: Session) -> None:
    """Store :data:`SEED` through the services, as coordinators would have."""
    for item in SEED:
        new = _new(item.day, item.name, item.role, item.problem, experience_years=item.experience)
        summary = create_request(session, new, actor=ACTOR, now=on(item.day))
        for target, day in item.moves:
            summary = move_request(
                session, summary.id, summary.version, target, actor=ACTOR, now=on(day)
            )
            if target is Stage.TRIAGE and item.category is not None:
                summary = _triage(session, summary, item.category, day)
        if item.name == CLOSED_BY:
            close_request(
                session,
                summary.id,
                summary.version,
                CloseReason.OUT_OF_SCOPE,
                actor=ACTOR,
                now=on(item.day + 2),
            )


def _triage(
    session: Session, summary: RequestSummary, category: Category, day: int
) -> RequestSummary:
    return set_triage(
        session,
        summary.id,
        summary.version,
        category=category,
        topic_keys=["engagement"],
        actor=ACTOR,
        now=on(day, 15),
    )


@pytest.fixture
def ui_db(tmp_path: Path) -> Iterator[Database]:
    """A fresh SQLite database holding :data:`SEED`."""
    db = open_database(f"sqlite:///{tmp_path / 'ui.sqlite3'}")
    with db.sessions.begin() as session:
        seed(session)
    try:
        yield db
    finally:
        db.engine.dispose()


@pytest.fixture
def seed_counts() -> dict[Stage, int]:
    """What the stage list should show for the seed."""
    return dict(SEED_COUNTS)


@pytest.fixture
def build_app(ui_db: Database) -> Callable[[str], PlcApp]:
    """``build_app("ru")``: the console on the seeded database, clock fixed, no animations."""

    def build(lang: str) -> PlcApp:
        app = make_app(Settings(lang=lang, actor=ACTOR), ui_db.sessions, now=lambda: UI_NOW)
        app.animation_level = "none"
        return app

    return build


@pytest.fixture(autouse=True)
def no_polling_behind_the_tests_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests poll by hand (``screen.poll()``), so a timer never races a key press."""
    monkeypatch.setattr(board_view, "POLL_SECONDS", 3600.0)


@pytest.fixture
def another_desk(ui_db: Database) -> Callable[[str, str], None]:
    """``another_desk(name, problem)`` registers a request, as a second coordinator would."""

    def register(name: str, problem: str) -> None:
        with ui_db.sessions.begin() as session:
            new = _new(19, name, Role.TEACHER, problem, experience_years=10)
            create_request(session, new, actor="other-desk", now=on(19, 12))

    return register
