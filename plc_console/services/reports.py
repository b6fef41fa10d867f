"""The term report: what methodologists ask of a term (DESIGN.md section 5), as tables.

:func:`term_report` answers each question with one :class:`ReportTable` computed by SQL
aggregates (grouped counts, window functions over the event log), so the work grows
with the number of groups, days and stage changes in the term, not with a scan in
Python over every request. Lead times, rework and the cumulative flow come from the
events, never from the requests' mutable fields. Writers live in
:mod:`plc_console.services.reports_xlsx` and :mod:`plc_console.services.reports_text`.

Requesters' names appear only with ``with_names=True``: the oldest-open table then gains
the requester's name. The expert workload table names the experts (the community's own
specialists, whose load it shows); everything else is counts, stages, topics and
request numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import TypeVar

from sqlalchemy.orm import Session

from plc_console.locale import Key

__all__ = ["TOTAL", "Cell", "Chart", "ReportTable", "Span", "TermReport", "term_report"]

#: The column (and row) label of totals; charts leave total columns out.
TOTAL = Key("report.column.total")

#: What a report cell holds; enum members are shown as their label in the chosen language.
Cell = str | int | float | date | StrEnum | Key | None


class Chart(StrEnum):
    """The native chart a spreadsheet writer draws beside a table."""

    BAR = "bar"
    LINE = "line"
    AREA = "area"


@dataclass(frozen=True)
class Span:
    """A term's days, both ends included, and the timestamps bounding them."""

    start: date
    end: date

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.start, time.min)

    @property
    def ends_before(self) -> datetime:
        """The first moment after the term (timestamps are compared with ``<``)."""
        return datetime.combine(self.end + timedelta(days=1), time.min)

    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]


@dataclass(frozen=True)
class ReportTable:
    """One answer: ``key`` names its sheet and file; its title is ``title_key`` when given,
    else ``report.table.<key>``; ``columns`` are catalog keys or enum members; ``chart``
    what a spreadsheet draws."""

    key: str
    columns: tuple[Key | StrEnum, ...]
    rows: tuple[tuple[Cell, ...], ...]
    chart: Chart | None = None
    title_key: Key | None = None

    @property
    def title(self) -> Key:
        return self.title_key or Key(f"report.table.{self.key}")

    def chart_columns(self) -> range:
        """The columns a chart draws as series: the second to the last, less the trailing
        total columns (the first column names the categories)."""
        last = len(self.columns)
        while last > 2 and str(self.columns[last - 1]) == TOTAL:
            last -= 1
        return range(1, last)


@dataclass(frozen=True)
class TermReport:
    """The whole report: the term, a summary (label, value) and the tables in order."""

    name: str | None
    span: Span
    with_names: bool
    summary: tuple[tuple[Key, Cell], ...]
    tables: tuple[ReportTable, ...]
    #: The summary beside the term before it (see :mod:`.reports_summary`).
    overview: ReportTable | None = None

    def summary_table(self) -> ReportTable:
        """The summary as writers show it: beside the term before when the report was
        compared (:attr:`overview`), else measure and value."""
        if self.overview is not None:
            return self.overview
        return ReportTable(
            "summary",
            (Key("report.column.measure"), Key("report.column.value")),
            tuple(self.summary),
            title_key=Key("report.sheet.summary"),
        )

    def table(self, key: str) -> ReportTable:
        """The table called ``key`` (KeyError when there is none)."""
        for table in self.tables:
            if table.key == key:
                return table
        raise KeyError(key)


def term_report(
    session: Session,
    start: date,
    end: date,
    *,
    with_names: bool = False,
    name: str | None = None,
    lang: str = "ru",
    progress: Callable[[int, int], None] | None = None,
) -> TermReport:
    """Answer the term report's questions for the days ``start``..``end`` (both included).

    ``lang`` chooses the topic names (topics are data with a name per language).
    ``progress`` is told (steps done, steps in all) after each table and each part of
    the summary."""
    from plc_console.services import reports_figures as figures
    from plc_console.services import reports_flow as flow
    from plc_console.services import reports_people as people
    from plc_console.services import reports_summary as summary

    span = Span(start, end)
    step = _Steps(progress, _REPORT_STEPS)
    rework = step(flow.rework(session, span))
    feedback = step(figures.feedback(session, span))
    tables = (
        step(figures.by_category_role(session, span)),
        step(figures.young_experienced(session, span)),
        step(figures.top_topics(session, span, lang=lang)),
        step(flow.throughput(session, span)),
        step(flow.lead_times(session, span)),
        rework,
        feedback,
        step(figures.products(session, span)),
        step(flow.backlog(session, span)),
        step(flow.oldest_open(session, span, with_names=with_names)),
        step(flow.cumulative_flow(session, span)),
        step(people.meetings(session, span)),
        step(people.workload(session, span)),
    )
    figures_now = summary.headline_of(
        step(figures.received_count(session, span)), tables[3], tables[8], rework, feedback
    )
    before_name, before_span = summary.previous_span(session, span, by_term=name is not None)
    previous = summary.Previous(
        before_name, before_span, step(summary.headline(session, before_span))
    )
    overview = summary.summary_table(name, span, figures_now, previous)
    pairs: tuple[tuple[Key, Cell], ...] = (
        (Key("report.summary.term"), name or ""),
        (Key("report.summary.start"), start),
        (Key("report.summary.end"), end),
        *figures_now.cells(),
    )
    return TermReport(name, span, with_names, pairs, tables, overview)


_T = TypeVar("_T")
#: What :func:`term_report` reports progress over: its 13 tables, the term's received
#: count and the term before's headline.
_REPORT_STEPS = 15


class _Steps:
    """Tells ``progress`` (done, in all) each time a step's result passes through."""

    def __init__(self, progress: Callable[[int, int], None] | None, total: int) -> None:
        self.progress = progress
        self.total = total
        self.done = 0

    def __call__(self, result: _T) -> _T:
        self.done += 1
        if self.progress is not None:
            self.progress(self.done, max(self.total, self.done))
        return result
