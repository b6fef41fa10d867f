"""`plc export …`: write what the community shares as files (the methodological base)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from plc_console.cli.common import DbOption, settings_from, user_errors
from plc_console.cli.products import session_for

app = typer.Typer(
    help="Write the methodological base as a catalogue.",
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
