"""Demo products and feedback, fitting the history of a demo term built by
:mod:`plc_console.services.demo`.

Requests that reached ``product`` are grouped by their first topic, the month they got
there, and whether they went on to ``feedback``; each group gets one product (a topic's
products take its titles in turn), made by the products services at the times the
history implies. A group that went on to ``feedback`` has its product published before
the first such move; a group still at ``product`` has it as a draft, under review,
with changes requested or approved. Authors are experts competent in the
topic, the reviewer another one; a product is tied to the held meeting of its requests
when there is one. Each move out of ``feedback`` already in the history gets its
feedback record: "yes" before a move to done, "partly" or "no" (the move's note as the
reason) before a move back (to product, or further back for deeper rework).

Requests are never moved here and their histories are left as the demo wrote them: the
products are tied to their requests after the review, directly, so that no note lands
in a request's history out of time order. Everything follows from
``random.Random(seed)`` and ``today``.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from plc_console.db.models import (
    Event,
    Expert,
    FeedbackRecord,
    Meeting,
    MeetingRequest,
    Product,
    Request,
)
from plc_console.domain import (
    EventKind,
    FeedbackUsable,
    MeetingStatus,
    ProductKind,
    ProductsEventKind,
    ProductState,
    Stage,
)
from plc_console.locale import Translator
from plc_console.services import products as pr
from plc_console.services import products_review as rv
from plc_console.services.demo_vocabulary import Vocabulary
from plc_console.services.products_views import AuthorInput, ProductForm

_TITLES: dict[str, tuple[str, ...]] = {
    "engagement": (
        "Как удержать внимание класса на уроке",
        "Мотивация подростков: приёмы для каждого урока",
        "Игровые приёмы на уроках в средней школе",
    ),
    "task_choice": (
        "Подбор заданий разного уровня сложности",
        "Подготовка к экзамену: как закрыть пробелы прошлых лет",
        "Задания на смекалку: как подобрать и где взять",
    ),
    "subject_methods": (
        "Дети-инофоны на уроке: методические приёмы",
        "Новая программа по предмету: что изменилось и как учить",
        "Проектная работа по предмету: от идеи до защиты",
    ),
    "lesson_organisation": (
        "Организация урока в классе с разным уровнем подготовки",
        "Сорок пять минут без спешки: структура урока",
        "Работа в группах на уроке: правила и роли",
    ),
    "parents": (
        "Как помочь ребёнку с домашним заданием по новой программе",
        "Родительское собрание, на которое хочется прийти",
        "Домашнее задание без слёз: советы родителям",
    ),
    "disabilities": (
        "Ребёнок с ОВЗ в обычном классе: адаптация заданий",
        "Дислексия и дисграфия: оценивание и поддержка",
        "Индивидуальный маршрут для ученика с ОВЗ",
    ),
    "psychology": (
        "Тревожность перед контрольными: что может сделать учитель",
        "Конфликты в классе: первые шаги классного руководителя",
        "Адаптация пятиклассников: чек-лист для учителя",
    ),
    "dnevnik": (
        "Дневник.ру: памятка для родителей",
        "Электронный журнал без лишней работы",
        "Обратная связь с учениками в Дневник.ру",
    ),
    "teacher_dialogue": (
        "Диалог учителя и родителей в интересах ребёнка",
        "Трудный разговор с учителем: как подготовиться",
        "Когда ребёнок болеет: как не отстать от программы",
    ),
    "subject_purpose": (
        "Зачем нужен этот предмет: разговор с учениками и родителями",
        "Смысл уроков технологии и физкультуры для подростков",
        "Родной язык и литература: зачем они подростку",
    ),
    "extracurricular": (
        "Как оформить программу дополнительного образования",
        "Кружок по предмету: с чего начать",
        "Олимпиады и проекты: как найти наставника",
    ),
}
_KINDS = {
    ProductKind.RECOMMENDATIONS: 35,
    ProductKind.ARTICLE: 25,
    ProductKind.GUIDE: 15,
    ProductKind.MASTER_CLASS: 15,
    ProductKind.WEBINAR: 10,
}
_INTRO = {
    ProductKind.RECOMMENDATIONS: "Рекомендации рабочей группы по заявкам педагогов и родителей.",
    ProductKind.ARTICLE: "Статья по итогам совместной работы учителей и экспертов.",
    ProductKind.GUIDE: "Методическое пособие: пошаговый разбор и готовые материалы.",
    ProductKind.MASTER_CLASS: "Мастер-класс: приёмы показаны на примере реального урока.",
    ProductKind.WEBINAR: "Запись вебинара с ответами экспертов на вопросы участников.",
}
_UNDER_REVIEW = {
    ProductState.DRAFT: 25,
    ProductState.IN_REVIEW: 35,
    ProductState.CHANGES_REQUESTED: 20,
    ProductState.APPROVED: 20,
}
_CHANGES = (
    "Добавьте пример из практики и список источников",
    "Слишком общо: нужен пошаговый план для учителя",
    "Уточните, для каких классов подходят задания",
)
_REVIEW_NOTES = ("Замечаний нет", "Материал полезный, можно публиковать", None)
_END = time(17, 30)
_RU = Translator("ru")


@dataclass
class _Group:
    topic: str
    requests: list[Request]
    entered: datetime  # when the first of them reached product
    passed: datetime | None  # when the first of them went on to feedback


def add_demo_products(session: Session, *, today: date, seed: int = 2026) -> int:
    """Add the demo term's products and feedback records to a demo database in the
    caller's transaction; returns how many products were made."""
    rng = random.Random(seed + 3)
    staff = Vocabulary.load().words("coordinators") or ["demo"]
    experts = list(session.scalars(select(Expert).options(selectinload(Expert.competences))))
    end = datetime.combine(today, _END)
    made = 0
    used: dict[str, int] = defaultdict(int)
    for group in _groups(session):
        product = _make(session, rng, group, experts, staff, end, used)
        if product is None:
            continue
        made += 1
        _tie(session, product, group.requests)
        _feedback(session, rng, product, group.requests, staff)
    session.flush()
    return made


def _moves(session: Session) -> dict[int, list[tuple[datetime, Stage, Stage, str | None]]]:
    """Each request's stage moves in order: (at, from, to, note)."""
    found: dict[int, list[tuple[datetime, Stage, Stage, str | None]]] = defaultdict(list)
    for event in session.scalars(
        select(Event).where(Event.kind == EventKind.MOVED).order_by(Event.at, Event.id)
    ):
        if event.from_stage is not None and event.to_stage is not None:
            found[event.request_id].append((event.at, event.from_stage, event.to_stage, event.note))
    return found


def _groups(session: Session) -> list[_Group]:
    moves = _moves(session)
    requests = session.scalars(
        select(Request).options(selectinload(Request.topics)).order_by(Request.id)
    )
    groups: dict[tuple[str, int, int, bool], _Group] = {}
    for request in requests:
        history = moves.get(request.id, [])
        entered = next((at for at, _, to, _ in history if to is Stage.PRODUCT), None)
        if entered is None or not request.topics or request.topics[0].key not in _TITLES:
            continue
        passed = next(
            (at for at, src, to, _ in history if src is Stage.PRODUCT and to is Stage.FEEDBACK),
            None,
        )
        topic = request.topics[0].key
        key = (topic, entered.year, entered.month, passed is not None)
        group = groups.setdefault(key, _Group(topic, [], entered, passed))
        group.requests.append(request)
        group.entered = min(group.entered, entered)
        if passed is not None:
            group.passed = min(group.passed or passed, passed)
    return sorted(groups.values(), key=lambda g: (g.entered, g.topic))


def _people(
    rng: random.Random, topic: str, experts: list[Expert]
) -> tuple[list[Expert], Expert | None]:
    """One or two competent authors, and a reviewer who is not one of them."""
    active = [e for e in experts if e.active]
    competent = [e for e in active if topic in {t.key for t in e.competences}] or active
    authors = rng.sample(competent, k=min(len(competent), rng.choice((1, 1, 2))))
    others = [e for e in competent if e not in authors] or [e for e in active if e not in authors]
    return authors, rng.choice(others) if others else None


def _working(times: list[datetime], finish: datetime) -> list[datetime]:
    """The times moved into working hours (9:00–18:00 of their day), still in order and
    none after ``finish``."""
    placed: list[datetime] = []
    for n, t in enumerate(times):
        if t.hour < 9:
            t = t.replace(hour=9)
        elif t.hour >= 18:
            t = t.replace(hour=17)
        earliest = placed[-1] + timedelta(minutes=1) if placed else t
        latest = finish - timedelta(minutes=len(times) - n)
        placed.append(min(max(t, earliest), latest))
    return placed


def _title(topic: str, used: dict[str, int]) -> str:
    """The topic's next title; once all are taken, the first ones again, continued."""
    titles = _TITLES[topic]
    n = used[topic]
    used[topic] += 1
    title = titles[n % len(titles)]
    return title if n < len(titles) else f"{title} (продолжение {n // len(titles)})"


def _make(
    session: Session,
    rng: random.Random,
    group: _Group,
    experts: list[Expert],
    staff: list[str],
    end: datetime,
    used: dict[str, int],
) -> Product | None:
    authors, reviewer = _people(rng, group.topic, experts)
    if not authors or reviewer is None:
        return None
    kind = rng.choices(list(_KINDS), weights=list(_KINDS.values()))[0]
    first = group.requests[0].problem.strip().splitlines()[0]
    form = ProductForm(
        kind=kind,
        title=_title(group.topic, used),
        summary=f"{_INTRO[kind]}\n\nИсходная трудность: «{first}»",
        link=f"https://uchi-vmeste.example/base/{group.topic}-{len(group.requests)}"
        f"-{group.entered:%Y%m%d}.pdf",
        topic_keys=(group.topic,),
        authors=tuple(AuthorInput(expert_id=a.id) for a in authors),
    )
    actor = rng.choice(staff)
    finish = min(group.passed or end, end)
    created = group.entered + min(timedelta(hours=1), (finish - group.entered) * 0.05)

    shares = (0.0, 0.1, 0.3, 0.45, 0.55, 0.7, 0.9)
    spread = _working([created + (finish - created) * s for s in shares], finish)
    times = dict(zip(shares, spread, strict=True))

    def at(share: float) -> datetime:
        return times[share]

    p = pr.create_product(session, form, actor=actor, now=at(0.0))
    p = rv.assign_reviewer(session, p.id, p.version, reviewer.id, actor=actor, now=at(0.1))
    target = (
        ProductState.PUBLISHED
        if group.passed is not None
        else rng.choices(list(_UNDER_REVIEW), weights=list(_UNDER_REVIEW.values()))[0]
    )
    if target is not ProductState.DRAFT:
        p = rv.submit_for_review(session, p.id, p.version, actor=actor, now=at(0.3))
    if target is ProductState.CHANGES_REQUESTED or (
        target is ProductState.PUBLISHED and rng.random() < 0.3
    ):
        p = rv.request_changes(
            session, p.id, p.version, rng.choice(_CHANGES), actor=reviewer.full_name, now=at(0.45)
        )
        if target is ProductState.PUBLISHED:
            p = rv.submit_for_review(session, p.id, p.version, actor=actor, now=at(0.55))
    if target in (ProductState.APPROVED, ProductState.PUBLISHED):
        comment = rng.choice(_REVIEW_NOTES)
        p = rv.approve(
            session, p.id, p.version, actor=reviewer.full_name, now=at(0.7), comment=comment
        )
    if target is ProductState.PUBLISHED:
        p = rv.publish(session, p.id, p.version, actor=actor, now=at(0.9))
    product = session.get(Product, p.id)
    assert product is not None
    return product


def _tie(session: Session, product: Product, requests: list[Request]) -> None:
    """The product's requests and the held meeting of any of them, written directly."""
    product.requests = sorted(requests, key=lambda r: r.number)
    held = session.scalar(
        select(Meeting.id)
        .join(MeetingRequest, MeetingRequest.meeting_id == Meeting.id)
        .where(
            MeetingRequest.request_id.in_([r.id for r in requests]),
            Meeting.status == MeetingStatus.HELD,
        )
        .order_by(Meeting.starts_at.desc())
        .limit(1)
    )
    product.meeting_id = held


def _feedback(
    session: Session,
    rng: random.Random,
    product: Product,
    requests: list[Request],
    staff: list[str],
) -> None:
    """A feedback record for every move out of feedback the history holds, in time order."""
    moves = _moves_of(session, [r.id for r in requests])
    for at, request, target, note in sorted(moves, key=lambda m: (m[0], m[1].id)):
        if target is Stage.DONE:
            usable, usefulness, comment = FeedbackUsable.YES, rng.choice((4, 5, 5)), None
        else:
            usable = rng.choice((FeedbackUsable.PARTLY, FeedbackUsable.NO))
            usefulness = 3 if usable is FeedbackUsable.PARTLY else rng.choice((1, 2))
            comment = (note or "").split(":", 1)[-1].strip() or None
        actor = rng.choice(staff)
        contacted = (at - timedelta(hours=rng.uniform(2, 30))).date()
        session.add(
            FeedbackRecord(
                request=request,
                product_id=product.id,
                contacted_on=max(contacted, request.received_on),
                usable=usable,
                usefulness=usefulness,
                comment=comment,
                recorded_at=at,
                actor=actor,
            )
        )
        said = _RU(
            "feedback.product.note", number=request.number, usable=usable, usefulness=usefulness
        )
        pr.record(
            product,
            ProductsEventKind.FEEDBACK,
            actor=actor,
            now=at,
            note=f"{said}: {comment}" if comment else said,
        )


def _moves_of(
    session: Session, request_ids: list[int]
) -> list[tuple[datetime, Request, Stage, str | None]]:
    rows = session.execute(
        select(Event, Request)
        .join(Request, Request.id == Event.request_id)
        .where(
            Event.request_id.in_(request_ids),
            Event.kind == EventKind.MOVED,
            Event.from_stage == Stage.FEEDBACK,
        )
    )
    return [
        (event.at, request, event.to_stage, event.note)
        for event, request in rows
        if event.to_stage is not None
    ]
