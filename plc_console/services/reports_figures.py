"""The term report's counts over requests, topics, feedback and products (grouped in SQL).

Requests count for a term when they were received in it (``received_on``); feedback
when the requester was contacted in it; products when published in it.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from plc_console.db.models import (
    FeedbackRecord,
    Person,
    Product,
    Request,
    Topic,
    request_topics,
)
from plc_console.domain import (
    YOUNG_TEACHER_MAX_YEARS,
    Category,
    FeedbackUsable,
    ProductKind,
    ProductState,
    Role,
)
from plc_console.locale import Key
from plc_console.services.reports import Cell, Chart, ReportTable, Span

#: How many topics the top-topics table lists.
TOP_TOPICS = 10
_NO_CATEGORY = Key("report.value.no_category")
_TOTAL = Key("report.column.total")


def _in_term(span: Span) -> list[ColumnElement[bool]]:
    return [Request.received_on >= span.start, Request.received_on <= span.end]


def received_count(session: Session, span: Span) -> int:
    """Requests received in the term."""
    return int(session.scalar(select(func.count(Request.id)).where(*_in_term(span))) or 0)


def _category_rows(
    counts: dict[tuple[Category | None, object], int], columns: list[object]
) -> tuple[tuple[Cell, ...], ...]:
    rows: list[tuple[Cell, ...]] = []
    for category in [*Category, None]:
        values = [counts.get((category, column), 0) for column in columns]
        if category is None and not any(values):
            continue
        rows.append((category or _NO_CATEGORY, *values, sum(values)))
    return tuple(rows)


def by_category_role(session: Session, span: Span) -> ReportTable:
    """Requests received by difficulty category (rows) and requester role (columns)."""
    query = (
        select(Request.category, Person.role, func.count(Request.id))
        .join(Person, Person.id == Request.person_id)
        .where(*_in_term(span))
        .group_by(Request.category, Person.role)
    )
    counts: dict[tuple[Category | None, object], int] = {
        (category, role): int(count) for category, role, count in session.execute(query)
    }
    roles = list(Role)
    return ReportTable(
        "by_category_role",
        (Key("report.column.category"), *roles, _TOTAL),
        _category_rows(counts, list(roles)),
        Chart.BAR,
    )


def young_experienced(session: Session, span: Span) -> ReportTable:
    """Teachers' requests by category: young teachers (≤ 3 years), experienced ones, and
    those whose experience is not known."""
    group = case(
        (Person.experience_years.is_(None), -1),
        (Person.experience_years <= YOUNG_TEACHER_MAX_YEARS, 1),
        else_=0,
    )
    query = (
        select(Request.category, group, func.count(Request.id))
        .join(Person, Person.id == Request.person_id)
        .where(*_in_term(span), Person.role == Role.TEACHER)
        .group_by(Request.category, group)
    )
    labels = {1: "young", 0: "experienced", -1: "unknown"}
    counts: dict[tuple[Category | None, object], int] = {
        (category, labels[int(flag)]): int(count)
        for category, flag, count in session.execute(query)
    }
    columns = ["young", "experienced", "unknown"]
    return ReportTable(
        "young_experienced",
        (
            Key("report.column.category"),
            *(Key(f"report.column.{column}") for column in columns),
            _TOTAL,
        ),
        _category_rows(counts, list(columns)),
        Chart.BAR,
    )


def top_topics(session: Session, span: Span, *, lang: str = "ru") -> ReportTable:
    """The topics of the most requests received in the term, most first."""
    name = Topic.name_ru if lang == "ru" else Topic.name_en
    count = func.count(request_topics.c.request_id)
    query = (
        select(name, count)
        .select_from(request_topics)
        .join(Request, Request.id == request_topics.c.request_id)
        .join(Topic, Topic.id == request_topics.c.topic_id)
        .where(*_in_term(span))
        .group_by(Topic.id, name, Topic.position)
        .order_by(count.desc(), Topic.position)
        .limit(TOP_TOPICS)
    )
    return ReportTable(
        "top_topics",
        (Key("report.column.topic"), Key("report.column.requests")),
        tuple((str(topic), int(n)) for topic, n in session.execute(query)),
        Chart.BAR,
    )


def feedback(session: Session, span: Span) -> ReportTable:
    """Feedback recorded for contacts in the term: usable yes / partly / no, how many, the
    share in per cent and the mean usefulness (1–5) given with each answer."""
    query = (
        select(
            FeedbackRecord.usable,
            func.count(FeedbackRecord.id),
            func.sum(FeedbackRecord.usefulness),
        )
        .where(FeedbackRecord.contacted_on >= span.start, FeedbackRecord.contacted_on <= span.end)
        .group_by(FeedbackRecord.usable)
    )
    found = {usable: (int(n), int(total or 0)) for usable, n, total in session.execute(query)}
    everyone = sum(n for n, _ in found.values())
    rows: list[tuple[Cell, ...]] = []
    for usable in FeedbackUsable:
        n, total = found.get(usable, (0, 0))
        share = round(100 * n / everyone, 1) if everyone else None
        rows.append((usable, n, share, round(total / n, 2) if n else None))
    points = sum(total for _, total in found.values())
    rows.append((_TOTAL, everyone, 100.0 if everyone else None, _mean(points, everyone)))
    return ReportTable(
        "feedback",
        (
            Key("report.column.usable"),
            Key("report.column.answers"),
            Key("report.column.share"),
            Key("report.column.usefulness"),
        ),
        tuple(rows),
    )


def _mean(total: int, count: int) -> float | None:
    return round(total / count, 2) if count else None


def mean_usefulness(table: ReportTable) -> Cell:
    """The mean usefulness of all the term's feedback (the feedback table's last row)."""
    return table.rows[-1][3]


def products(session: Session, span: Span) -> ReportTable:
    """Products by kind: published in the term, and every product made by the term's end
    by its review state now."""
    published: dict[ProductKind, int] = {
        kind: int(n)
        for kind, n in session.execute(
            select(Product.kind, func.count(Product.id))
            .where(
                Product.state == ProductState.PUBLISHED,
                Product.published_at >= span.starts_at,
                Product.published_at < span.ends_before,
            )
            .group_by(Product.kind)
        )
    }
    states: dict[tuple[ProductKind, ProductState], int] = {
        (kind, state): int(n)
        for kind, state, n in session.execute(
            select(Product.kind, Product.state, func.count(Product.id))
            .where(Product.created_at < span.ends_before)
            .group_by(Product.kind, Product.state)
        )
    }
    rows: tuple[tuple[Cell, ...], ...] = tuple(
        (
            kind,
            int(published.get(kind, 0)),
            *(states.get((kind, state), 0) for state in ProductState),
        )
        for kind in ProductKind
    )
    return ReportTable(
        "products",
        (Key("report.column.kind"), Key("report.column.published_in_term"), *ProductState),
        rows,
    )
