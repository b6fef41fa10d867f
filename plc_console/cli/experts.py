"""`plc experts …`: the expert registry — the blank spreadsheet, its import, the list.

More commands of the group (`plc experts assign`) are registered on :data:`app` by
their own modules.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from plc_console.cli.common import (
    DbOption,
    DryRunOption,
    ErrorsOption,
    PartialOption,
    fail,
    settings_from,
    user_errors,
)
from plc_console.cli.experts_assign import assign
from plc_console.locale import Translator

if TYPE_CHECKING:
    from plc_console.services.database import Database
    from plc_console.services.experts_import import ExpertImportReport
    from plc_console.services.intake.readers import Table
    from plc_console.services.views import ExpertView, TopicView

app = typer.Typer(
    help="The expert registry: experts, their topics, load and hours.\n\n"
    "Who can help with which topics, when, and with how many requests at once. Fill the "
    "blank spreadsheet (`plc experts template`), load it (`plc experts import`), and see "
    "who is in it (`plc experts list`).",
    no_args_is_help=True,
)

EXIT_STORED, EXIT_REFUSED, EXIT_UNREADABLE = 0, 1, 2
#: The widest a column of `plc experts list` grows before its text is cut short.
_LIST_WIDTHS = {"name": 34, "organization": 36, "load": 5, "availability": 28, "topics": 48}


@app.command(name="template")
def template(
    ctx: typer.Context,
    out: Annotated[
        Path,
        typer.Argument(
            metavar="OUT.xlsx",
            help="The spreadsheet to write (an existing file of that name is replaced).",
            show_default=False,
        ),
    ],
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            metavar="ru|en",
            help="Language of the headers, lists and instructions "
            "[default: the console's language].",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Write the blank expert-registry spreadsheet.

    One row per expert: name, organisation, contact, subjects, competences (topics),
    load limit (open requests at once), days and hours, active. The second sheet explains
    every column and lists the topics of your database by name. Fill it in Excel or
    LibreOffice and load it with `plc experts import OUT.xlsx` (try `--dry-run` first).
    """
    from plc_console.services.database import open_database
    from plc_console.services.experts_template import write_expert_template
    from plc_console.services.reference import list_topics

    settings = settings_from(ctx, db)
    t = settings.translate
    with user_errors(t):
        database = open_database(settings.db_url)
        try:
            with database.sessions() as session:
                topics = list_topics(session)
        finally:
            database.engine.dispose()
        written = write_expert_template(out, lang or settings.lang, topics)
    typer.echo(t("registry.cli.template_written", path=str(written)))


@app.command(name="import")
def import_experts(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help="The registry spreadsheet: .xlsx, .xlsm, .ods or .csv.",
            show_default=False,
        ),
    ],
    dry_run: DryRunOption = False,
    partial: PartialOption = False,
    errors: ErrorsOption = None,
    sheet: Annotated[
        str | None,
        typer.Option(
            "--sheet",
            metavar="NAME",
            help="The sheet to read [default: the first with the registry's headers].",
            show_default=False,
        ),
    ] = None,
    mapping: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            metavar='"Header=field"',
            help="Which field a column holds, when its header is not recognised "
            "(fields: full_name, organization, contact, subjects, topics, load_limit, "
            'availability, active; "Header=-" ignores the column). May be repeated.',
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Add experts to the registry, or update them, from a spreadsheet.

    Every row is checked: each problem is reported with its row, column, value and
    reason. An expert already in the registry (the same phone or e-mail, or the same
    name in the same organisation) is updated, not added twice, so importing a file
    again changes nothing. If any row is refused, nothing is stored (unless --partial).
    Exit code 0 when everything was stored, 1 when rows were refused, 2 when the file
    cannot be read.
    """
    from plc_console.services.database import open_database
    from plc_console.services.experts_form import EXPERT_SCHEMA
    from plc_console.services.intake.errors import BadMapping, UnknownField
    from plc_console.services.intake.headers import parse_mapping

    settings = settings_from(ctx, db)
    t = settings.translate
    try:
        overrides = parse_mapping(mapping, EXPERT_SCHEMA) if mapping else None
    except (BadMapping, UnknownField) as exc:
        fail(t("cli.error", message=t(exc.code, **exc.params)), EXIT_UNREADABLE)
    with user_errors(t):
        database = open_database(settings.db_url)
    try:
        code = _import(
            file, database, t, settings.actor, sheet, overrides, partial, dry_run, errors
        )
    finally:
        database.engine.dispose()
    if code:
        raise typer.Exit(code)


def _import(
    path: Path,
    database: Database,
    t: Translator,
    actor: str,
    sheet: str | None,
    overrides: dict[str, str | None] | None,
    partial: bool,
    dry_run: bool,
    errors_out: Path | None,
) -> int:
    from plc_console.db.engine import transaction
    from plc_console.services.clock import utcnow
    from plc_console.services.experts_import import import_expert_table, read_experts
    from plc_console.services.intake.errors import FileRefused
    from plc_console.services.intake.errors_file import write_errors

    try:
        table = read_experts(path, sheet, overrides=overrides)
    except FileRefused as exc:
        typer.echo(t("cli.error", message=t(exc.code, **exc.params)), err=True)
        return EXIT_UNREADABLE
    with user_errors(t), transaction(database.sessions) as session:
        report = import_expert_table(
            session, table, dry_run=dry_run, partial=partial, actor=actor, now=utcnow()
        )
    _print_report(report, table, t)
    if errors_out is not None and report.refused:
        with user_errors(t):
            written = write_errors(errors_out, table, report, t)
        typer.echo(t("import.errors_written", path=str(written)))
    return EXIT_REFUSED if report.refused else EXIT_STORED


def _print_report(report: ExpertImportReport, table: Table, t: Translator) -> None:
    from plc_console.services.intake.errors_file import describe_problem

    name = report.file.name
    for refused in report.refused:
        for problem in refused.problems:
            header = table.header_of(problem.field) or t(f"registry.field.{problem.field}")
            reason = describe_problem(problem, t, header)
            if reason.startswith(f"{header}: "):
                reason = reason[len(header) + 2 :]
            value = str(problem.params.get("value", "") or "")
            key = "import.row_problem" if value else "import.row_problem_empty"
            typer.echo(
                t(key, file=name, row=refused.row, header=header, value=value, reason=reason)
            )
    counts = {
        "new": report.new,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "refused": len(report.refused),
        "blank": report.blank,
    }
    typer.echo(t("registry.cli.summary", file=name, **counts))
    if report.dry_run:
        typer.echo(t("import.nothing_stored_dry_run"))
    elif not report.stored:
        typer.echo(t("registry.cli.nothing_stored", refused=len(report.refused)))
    elif report.refused:
        typer.echo(t("registry.cli.stored_partial", **counts))
    else:
        typer.echo(t("registry.cli.stored", new=report.new, updated=report.updated))


@app.command(name="list")
def list_experts(
    ctx: typer.Context,
    search: Annotated[
        str | None,
        typer.Option(
            "--search",
            metavar="TEXT",
            help="Only experts whose name, organisation, subjects or contact hold every "
            "word of TEXT (case and ё do not matter).",
            show_default=False,
        ),
    ] = None,
    inactive: Annotated[
        bool,
        typer.Option("--inactive", help="Also list the experts who are no longer active."),
    ] = False,
    db: DbOption = None,
) -> None:
    """List the registry's experts, by name.

    Each with organisation, load (open requests / limit), days and hours, and
    competences. Inactive experts are left out unless --inactive.
    """
    from plc_console.services.database import open_database
    from plc_console.services.experts import search_experts
    from plc_console.services.reference import list_topics

    settings = settings_from(ctx, db)
    t = settings.translate
    with user_errors(t):
        database = open_database(settings.db_url)
        try:
            with database.sessions() as session:
                experts = search_experts(session, search or "", active_only=not inactive)
                topics = list_topics(session, include_inactive=True)
        finally:
            database.engine.dispose()
    if not experts:
        typer.echo(t("registry.cli.none_found"))
        return
    for line in _table(experts, topics, t):
        typer.echo(line.rstrip())
    typer.echo(t("registry.cli.count", count=len(experts)))


def _table(experts: list[ExpertView], topics: list[TopicView], t: Translator) -> list[str]:
    names = {topic.key: topic.name(t.lang) for topic in topics}
    heads = {key: t(f"registry.cli.col_{key}") for key in _LIST_WIDTHS}
    rows = []
    for expert in experts:
        # The mark is never cut off: the name is shortened before it instead.
        mark = "" if expert.active else f" ({t('registry.cli.inactive')})"
        rows.append(
            {
                "name": _shorten(expert.full_name, _LIST_WIDTHS["name"]) + mark,
                "organization": expert.organization or "—",
                "load": f"{expert.open_load}/{expert.load_limit}",
                "availability": expert.availability or "—",
                "topics": ", ".join(names.get(key, key) for key in expert.topic_keys) or "—",
            }
        )
    widths = {
        key: max(len(heads[key]), min(cap, max(len(row[key]) for row in rows)))
        for key, cap in _LIST_WIDTHS.items()
    }
    widths["name"] = max(len(heads["name"]), *(len(row["name"]) for row in rows))
    lines = ["  ".join(heads[key].ljust(width) for key, width in widths.items())]
    lines.append("  ".join("-" * width for width in widths.values()))
    for row in rows:
        lines.append("  ".join(_fit(row[key], width) for key, width in widths.items()))
    return lines


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _fit(text: str, width: int) -> str:
    return _shorten(text, width).ljust(width)


# `plc experts assign` (cli/experts_assign.py) is registered below this line:
# app.command(name="assign")(assign)
app.command(name="assign")(assign)
