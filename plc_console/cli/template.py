"""`plc template OUT.xlsx`: the blank paper-form spreadsheet staff type forms into."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from plc_console.cli.common import settings_from, user_errors


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
) -> None:
    """Write the blank paper-form spreadsheet staff type forms into.

    One row per paper form, under the form's headers; drop-down lists for role, channel,
    help wanted and consent; checked dates and numbers; a second sheet explains every
    column. Staff fill it in Excel or LibreOffice, save it and load it with
    `plc import OUT.xlsx` (try `--dry-run` first).
    """
    from plc_console.services.intake.template import write_template

    settings = settings_from(ctx)
    t = settings.translate
    with user_errors(t):
        written = write_template(out, lang or settings.lang)
    typer.echo(t("template.wrote", path=str(written)))
