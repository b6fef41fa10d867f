"""`plc import FILE…`: typed-up paper forms into the board, each file in one transaction."""

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
    progress_bar,
    settings_from,
    user_errors,
)
from plc_console.locale import Translator

if TYPE_CHECKING:
    from plc_console.services.database import Database
    from plc_console.services.intake.importer import ImportReport
    from plc_console.services.intake.readers import Table

EXIT_STORED, EXIT_REFUSED, EXIT_UNREADABLE = 0, 1, 2


def import_forms(
    ctx: typer.Context,
    files: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE...",
            help="Spreadsheets of typed-up forms: .xlsx, .xlsm, .ods or .csv.",
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
            help="The sheet to read [default: the first with the form's headers].",
            show_default=False,
        ),
    ] = None,
    mapping: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            metavar='"Header=field"',
            help="Which field a column holds, when its header is not recognised "
            '("Header=-" ignores the column). May be repeated.',
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Import typed-up paper forms from spreadsheets.

    Every row is checked and forms already stored are skipped. If any row is refused,
    nothing of the file is stored (unless --partial); each problem is reported with its
    row, column, value and reason. Exit code 0 when everything was stored, 1 when rows
    were refused, 2 when a file cannot be read.

    A file of `plc export requests` imports back too. A row with the number of a stored
    request (its "Request No." column) is that request: skipped when its form fields
    are as stored, refused with the stored value when one differs, since an import
    never changes a stored request (correct it in the console). The coordinator's
    columns (stage, topics …) are not read. A number this database does not have is
    ignored and the row is a new form; --map "Request No.=-" ignores every number.
    """
    from plc_console.services.database import open_database
    from plc_console.services.intake.errors import BadMapping, UnknownField
    from plc_console.services.intake.headers import parse_mapping

    settings = settings_from(ctx, db)
    t = settings.translate
    try:
        overrides = parse_mapping(mapping) if mapping else None
    except (BadMapping, UnknownField) as exc:
        fail(t("cli.error", message=t(exc.code, **exc.params)), EXIT_UNREADABLE)
    with user_errors(t):
        database = open_database(settings.db_url)
    worst = EXIT_STORED
    try:
        for path in files:
            errors_out = _errors_path(errors, path, several=len(files) > 1)
            code = _import_one(
                path,
                database=database,
                t=t,
                actor=settings.actor,
                sheet=sheet,
                overrides=overrides,
                partial=partial,
                dry_run=dry_run,
                errors_out=errors_out,
            )
            worst = max(worst, code)
    finally:
        database.engine.dispose()
    if worst:
        raise typer.Exit(worst)


def _errors_path(errors: Path | None, source: Path, *, several: bool) -> Path | None:
    if errors is None or not several:
        return errors
    return errors.with_name(f"{errors.stem}-{source.stem}{errors.suffix or '.xlsx'}")


def _import_one(
    path: Path,
    *,
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
    from plc_console.services.intake.bulk import gc_paused
    from plc_console.services.intake.errors import FileRefused
    from plc_console.services.intake.errors_file import write_errors
    from plc_console.services.intake.importer import file_checksum, import_table
    from plc_console.services.intake.readers import read_table

    try:
        with gc_paused():
            table = read_table(path, sheet, overrides=overrides)
            checksum = file_checksum(path)
    except FileRefused as exc:
        typer.echo(t("cli.error", message=t(exc.code, **exc.params)), err=True)
        return EXIT_UNREADABLE
    except OSError as exc:
        typer.echo(t("cli.error", message=f"{path.name}: {exc.strerror or exc}"), err=True)
        return EXIT_UNREADABLE
    with user_errors(t), progress_bar(t("import.progress", file=path.name)) as progress:
        with transaction(database.sessions) as session:
            report = import_table(
                session,
                table,
                checksum=checksum,
                partial=partial,
                dry_run=dry_run,
                actor=actor,
                now=utcnow(),
                progress=progress,
            )
    _print_report(report, table, t)
    if errors_out is not None and report.refused:
        with user_errors(t):
            written = write_errors(errors_out, table, report, t)
        typer.echo(t("import.errors_written", path=str(written)))
    if report.refused:
        return EXIT_REFUSED
    return EXIT_STORED


def _print_report(report: ImportReport, table: Table, t: Translator) -> None:
    from plc_console.services.intake.errors_file import describe_problem

    name = report.file.name
    for refused in report.refused:
        for problem in refused.problems:
            header = table.header_of(problem.field) or t(f"field.{problem.field}")
            reason = describe_problem(problem, t, header)
            if reason.startswith(f"{header}: "):
                reason = reason[len(header) + 2 :]
            value = str(problem.params.get("value", "") or "")
            key = "import.row_problem" if value else "import.row_problem_empty"
            typer.echo(
                t(key, file=name, row=refused.row, header=header, value=value, reason=reason)
            )
    for flagged in report.flagged:
        typer.echo(
            t(
                "import.flagged",
                file=name,
                row=flagged.row,
                number=flagged.number,
                similar=flagged.similar_number,
            )
        )
    if report.same_file_before:
        typer.echo(t("import.same_file", file=name))
    if report.unchanged:
        typer.echo(t("import.unchanged", file=name, unchanged=report.unchanged))
    typer.echo(
        t(
            "import.summary",
            file=name,
            new=report.new,
            duplicates=report.duplicates,
            flagged=len(report.flagged),
            refused=len(report.refused),
            blank=report.blank,
        )
    )
    if report.dry_run:
        typer.echo(t("import.nothing_stored_dry_run"))
    elif not report.stored:
        typer.echo(t("import.nothing_stored_refused", refused=len(report.refused)))
    elif report.refused:
        typer.echo(t("import.stored_partial", new=report.new, refused=len(report.refused)))
    else:
        typer.echo(t("import.stored", new=report.new))
