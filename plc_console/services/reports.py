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

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from sqlalchemy.orm import Session

from plc_console.locale import Key

__all__ = ["Cell", "Chart", "ReportTable", "Span", "TermReport", "term_report"]

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


@dataclass(frozen=True)
class TermReport:
    """The whole report: the term, a summary (label, value) and the tables in order."""

    name: str | None
    span: Span
    with_names: bool
    summary: tuple[tuple[Key, Cell], ...]
    tables: tuple[ReportTable, ...]

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
) -> TermReport:
    """Answer the term report's questions for the days ``start``..``end`` (both included).

    ``lang`` chooses the topic names (topics are data with a name per language)."""
    from plc_console.services import reports_figures as figures
    from plc_console.services import reports_flow as flow
    from plc_console.services import reports_people as people

    span = Span(start, end)
    rework = flow.rework(session, span)
    feedback = figures.feedback(session, span)
    tables = (
        figures.by_category_role(session, span),
        figures.young_experienced(session, span),
        figures.top_topics(session, span, lang=lang),
        flow.throughput(session, span),
        flow.lead_times(session, span),
        rework,
        feedback,
        figures.products(session, span),
        flow.backlog(session, span),
        flow.oldest_open(session, span, with_names=with_names),
        flow.cumulative_flow(session, span),
        people.meetings(session, span),
        people.workload(session, span),
    )
    summary: tuple[tuple[Key, Cell], ...] = (
        (Key("report.summary.term"), name or ""),
        (Key("report.summary.start"), start),
        (Key("report.summary.end"), end),
        (Key("report.summary.received"), figures.received_count(session, span)),
        (Key("report.summary.done"), sum(_int(row[1]) for row in tables[3].rows)),
        (Key("report.summary.open_at_end"), sum(_int(row[-1]) for row in tables[8].rows)),
        (Key("report.summary.rework_rate"), rework.rows[-1][1]),
        (Key("report.summary.usefulness"), figures.mean_usefulness(feedback)),
    )
    return TermReport(name, span, with_names, summary, tables)


def _int(cell: Cell) -> int:
    return cell if isinstance(cell, int) else 0
