"""`plc export …`: write what the community shares as files: the methodological base as
a catalogue, the requests as a spreadsheet."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from plc_console.cli.common import (
    DbOption,
    fail,
    find_stage,
    progress_bar,
    settings_from,
    user_errors,
)
from plc_console.cli.products import session_for
from plc_console.domain import Stage

app = typer.Typer(
    help="Write the requests, or the methodological base, as files.\n\n"
    "`plc export requests`: a spreadsheet that imports back; `plc export base`: the "
    "methodological base as a catalogue.",
    no_args_is_help=True,
)

DEFAULT_OUT = Path("exports")


class Format(StrEnum):
    MD = "md"
    HTML = "html"


@app.command()
def base(
    ctx: typer.Context,
    fmt: Annotated[
        Format,
        typer.Option("--format", help="md: Markdown files; html: web pages to open in a browser."),
    ] = Format.HTML,
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            metavar="DIR",
            file_okay=False,
            help="Folder to write into (created if missing); the catalogue goes to DIR/base/.",
        ),
    ] = DEFAULT_OUT,
    db: DbOption = None,
) -> None:
    """Write the methodological base (published products) as a browsable catalogue.

    DIR/base/index.md or index.html lists the products by kind and by topic, each
    linking to its own page in DIR/base/products/ (authors, topics, link, summary)."""
    from plc_console.services.products_export import export_base

    settings = settings_from(ctx, db)
    t = settings.translate
    with user_errors(t), session_for(settings, write=False) as session:
        written = export_base(session, out, fmt.value, lang=settings.lang)
    typer.echo(t("products.cli.exported", count=written.count, path=written.index))


class SheetFormat(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"


@app.command()
def requests(
    ctx: typer.Context,
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            metavar="FILE",
            help="The spreadsheet to write (.xlsx or .csv; an existing file is replaced).",
            show_default=False,
        ),
    ],
    stage: Annotated[
        str | None,
        typer.Option(
            "--stage",
            metavar="STAGE",
            help="Only the requests at this stage: received, triage, scheduled, preparation, "
            "session, product, feedback, done, closed, or the stage's name in Russian or "
            "English [default: every request].",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        SheetFormat | None,
        typer.Option(
            "--format",
            help="xlsx: an Excel workbook; csv: UTF-8 text, separated by ';' in Russian and "
            "',' in English [default: from FILE's suffix, else xlsx].",
            show_default=False,
        ),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            metavar="ru|en",
            help="Language of the headers and values [default: the console's language].",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Write the requests as a spreadsheet, one row each, by number.

    The columns are the paper-form template's, with its headers and values as
    `plc import` reads them, then the request number and the coordinator's fields:
    stage, category, topics, experts, promised date, in stage since, close reason.

    The file imports back: into this database it changes nothing (each row is its
    request, by number, and is skipped when its form fields are as stored; a row whose
    form fields were changed is refused with the stored value, so correct requests in
    the console); into an empty database it gives the same forms as new requests.
    Changes to the coordinator's columns are not imported. The file holds the
    requesters' names and contacts: keep it as carefully as the paper forms.
    """
    from plc_console.locale import normalize
    from plc_console.services.requests_export import export_requests, export_target

    settings = settings_from(ctx, db)
    t = settings.translate
    chosen: Stage | None = None
    if stage is not None:
        chosen = find_stage(stage, Stage)
        if chosen is None:
            known = ", ".join(s.value for s in Stage)
            fail(
                t("cli.error", message=t("requests_export.unknown_stage", stage=stage, known=known))
            )
    with user_errors(t):
        language = normalize(lang) if lang else settings.lang
        target, chosen_fmt = export_target(out, fmt.value if fmt else None)
        with (
            session_for(settings, write=False) as session,
            progress_bar(t("requests_export.progress", file=target.name)) as progress,
        ):
            written = export_requests(
                session, target, fmt=chosen_fmt, lang=language, stage=chosen, progress=progress
            )
    if chosen is None:
        typer.echo(t("requests_export.written", count=written.count, path=written.path))
    else:
        typer.echo(
            t(
                "requests_export.written_stage",
                count=written.count,
                stage=chosen,
                path=written.path,
            )
        )
