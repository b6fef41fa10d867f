"""`plc report`: the term report as a workbook, CSV files, a Markdown document or an HTML
page."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from plc_console.cli.common import DbOption, fail, settings_from, user_errors
from plc_console.cli.products import session_for

DEFAULT_OUT = Path("exports")
#: A report still running after this many seconds shows a progress bar (a quick one none).
PROGRESS_AFTER_S = 0.5


class ReportFormat(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"
    MD = "md"
    HTML = "html"


def report(
    ctx: typer.Context,
    term: Annotated[
        str | None,
        typer.Option("--term", metavar="NAME", help="A term added with `plc terms add`."),
    ] = None,
    start: Annotated[
        str | None,
        typer.Option("--from", metavar="DATE", help="First day (YYYY-MM-DD or дд.мм.гггг)."),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option("--to", metavar="DATE", help="Last day, included (with --from)."),
    ] = None,
    fmt: Annotated[
        ReportFormat,
        typer.Option(
            "--format",
            help="xlsx: a workbook with a summary, a sheet and chart per table; "
            "csv: one file per table in DIR/report-NAME/; md: one Markdown document; "
            "html: one page to open or print, with the charts drawn in it.",
        ),
    ] = ReportFormat.XLSX,
    out: Annotated[
        Path,
        typer.Option(
            "--out", metavar="DIR", file_okay=False, help="Folder to write into (created)."
        ),
    ] = DEFAULT_OUT,
    with_names: Annotated[
        bool,
        typer.Option(
            "--with-names",
            help="Include requesters' names (personal data of parents and students: "
            "only when you need them).",
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Write the term report for a term or for the days chosen.

    It answers: requests by category and role, young and experienced teachers, top
    topics, throughput per week, lead times per stage (median and 85th percentile),
    rework, feedback, products, the backlog at the term's end, the cumulative flow,
    meetings and attendance, and each active expert's workload.

    Choose the days with --term NAME, or with --from DATE --to DATE. Requesters' names
    are written only with --with-names (the workload table always names the experts)."""
    from plc_console.services.reports import term_report
    from plc_console.services.reports_text import write_report
    from plc_console.services.terms import get_term, parse_day

    settings = settings_from(ctx, db)
    t = settings.translate
    by_term = term is not None and start is None and end is None
    by_days = term is None and start is not None and end is not None
    if not (by_term or by_days):
        fail(t("cli.error", message=t("report.cli.choose_days")), code=2)
    with user_errors(t), session_for(settings, write=False) as session:
        if term is not None:
            chosen = get_term(session, term)
            name, first, last = chosen.name, chosen.starts_on, chosen.ends_on
        else:
            assert start is not None and end is not None
            name, first, last = None, parse_day(start), parse_day(end)
            if last < first:
                fail(
                    t(
                        "cli.error",
                        message=t("terms.invalid.end_before_start", start=start, end=end),
                    )
                )
        with _progress() as show:
            result = term_report(
                session,
                first,
                last,
                with_names=with_names,
                name=name,
                lang=settings.lang,
                progress=show(t("report.cli.computing")),
            )
            writing = show(t("report.cli.writing", format=fmt.value))
            written = write_report(result, out, fmt.value, t, writing)
    for path in written:
        typer.echo(t("report.cli.written", path=path))


@contextmanager
def _progress() -> Iterator[Callable[[str], Callable[[int, int], None]]]:
    """A transient progress bar on stderr, shown once the report has taken a moment
    (and only when stderr is a terminal).

    Yields ``show``: ``show(label)`` is a progress callback (done, total) for one phase
    (the tables, then the writing), drawn on the same bar under that label."""
    started = time.monotonic()
    bar: Any = None
    task: Any = None
    redirected = False

    def show(label: str) -> Callable[[int, int], None]:
        def advance(done: int, total: int) -> None:
            nonlocal bar, task, redirected
            if bar is None:
                if redirected or time.monotonic() - started < PROGRESS_AFTER_S:
                    return
                from rich.console import Console
                from rich.progress import Progress

                console = Console(stderr=True)
                if not console.is_terminal:
                    redirected = True  # no bar in a file, and no stray line from one
                    return
                bar = Progress(console=console, transient=True)
                bar.start()
                task = bar.add_task(label, total=total)
            bar.update(task, description=label, completed=done, total=total)

        return advance

    try:
        yield show
    finally:
        if bar is not None:
            bar.stop()
