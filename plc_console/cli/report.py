"""`plc report`: the term report as a workbook, CSV files or a Markdown document."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from plc_console.cli.common import DbOption, fail, settings_from, user_errors
from plc_console.cli.products import session_for

DEFAULT_OUT = Path("exports")


class ReportFormat(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"
    MD = "md"


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
            "csv: one file per table in DIR/report-NAME/; md: one Markdown document.",
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
        result = term_report(
            session, first, last, with_names=with_names, name=name, lang=settings.lang
        )
        written = write_report(result, out, fmt.value, t)
    for path in written:
        typer.echo(t("report.cli.written", path=path))
