"""The term report's first page: headline figures and what changed since the term before.

"The term before" is the latest stored term that ends before this one starts. When there
is none (or the report covers days typed by hand), it is the same number of days just
before the report's first day, so a first term still shows a comparison. Each headline
figure is recomputed for that span with the same queries as the report's own tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from plc_console.db.models import Term
from plc_console.locale import Key
from plc_console.services.reports import Cell, ReportTable, Span

__all__ = ["Headline", "Previous", "headline", "previous_span", "summary_table"]


@dataclass(frozen=True)
class Headline:
    """The figures a methodologist reads first."""

    received: int
    done: int
    open_at_end: int
    rework_rate: float | None
    usefulness: float | None

    def cells(self) -> tuple[tuple[Key, Cell], ...]:
        return (
            (Key("report.summary.received"), self.received),
            (Key("report.summary.done"), self.done),
            (Key("report.summary.open_at_end"), self.open_at_end),
            (Key("report.summary.rework_rate"), self.rework_rate),
            (Key("report.summary.usefulness"), self.usefulness),
        )


@dataclass(frozen=True)
class Previous:
    """The span compared with: a stored term's name, or None for days just before."""

    name: str | None
    span: Span
    figures: Headline


def _int(cell: Cell) -> int:
    return cell if isinstance(cell, int) else 0


def _number(cell: Cell) -> float | None:
    return float(cell) if isinstance(cell, int | float) else None


def headline_of(
    received: int,
    throughput: ReportTable,
    backlog: ReportTable,
    rework: ReportTable,
    feedback: ReportTable,
) -> Headline:
    """The headline figures read off the report's own tables (nothing is queried twice)."""
    return Headline(
        received=received,
        done=sum(_int(row[1]) for row in throughput.rows),
        open_at_end=sum(_int(row[-1]) for row in backlog.rows),
        rework_rate=_number(rework.rows[-1][1]),
        usefulness=_number(feedback.rows[-1][3]),
    )


def headline(session: Session, span: Span) -> Headline:
    """The headline figures of ``span``, computed as the report's tables compute them."""
    from plc_console.services import reports_figures as figures
    from plc_console.services import reports_flow as flow

    return headline_of(
        figures.received_count(session, span),
        flow.throughput(session, span),
        flow.backlog(session, span),
        flow.rework(session, span),
        figures.feedback(session, span),
    )


def previous_span(session: Session, span: Span, *, by_term: bool) -> tuple[str | None, Span]:
    """The span to compare ``span`` with (see the module): a stored term or the days before."""
    if by_term:
        term = session.scalars(
            select(Term).where(Term.ends_on < span.start).order_by(Term.ends_on.desc()).limit(1)
        ).first()
        if term is not None:
            return term.name, Span(term.starts_on, term.ends_on)
    length = span.end - span.start
    end = span.start - timedelta(days=1)
    return None, Span(end - length, end)


def _change(now: Cell, before: Cell) -> Cell:
    if isinstance(now, int) and isinstance(before, int):
        return now - before
    if isinstance(now, int | float) and isinstance(before, int | float):
        return round(float(now) - float(before), 2)
    return None


def summary_table(
    name: str | None, span: Span, figures: Headline, previous: Previous | None
) -> ReportTable:
    """The summary as a table: each measure this term, the term before, and the change
    (a difference: requests for counts, percentage points for rates)."""
    identity: tuple[tuple[Key, Cell, Cell], ...] = (
        (Key("report.summary.term"), name or "", previous.name or "" if previous else None),
        (Key("report.summary.start"), span.start, previous.span.start if previous else None),
        (Key("report.summary.end"), span.end, previous.span.end if previous else None),
    )
    before = dict(previous.figures.cells()) if previous else {}
    rows: list[tuple[Cell, ...]] = [(label, now, earlier, None) for label, now, earlier in identity]
    for label, now in figures.cells():
        earlier = before.get(label)
        rows.append((label, now, earlier, _change(now, earlier)))
    return ReportTable(
        "summary",
        (
            Key("report.column.measure"),
            Key("report.compare.this_term"),
            Key("report.compare.previous"),
            Key("report.compare.change"),
        ),
        tuple(rows),
        title_key=Key("report.sheet.summary"),
    )
