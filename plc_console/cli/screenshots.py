"""`plc screenshots`: SVG pictures of the main screens, rendered from the demo data."""

from __future__ import annotations

import asyncio
import tempfile
from datetime import date, datetime, time
from pathlib import Path
from typing import Annotated

import typer

from plc_console.cli.common import fail, settings_from, user_errors
from plc_console.db.engine import transaction
from plc_console.services.database import open_database

#: Pictures are made on a fixed day, so they change only when a screen does.
PICTURE_DAY = date(2026, 11, 20)


def screenshots(
    ctx: typer.Context,
    out: Annotated[
        Path, typer.Option("--out", help="Folder for the SVG files.", file_okay=False)
    ] = Path("screens"),
) -> None:
    """Write SVG pictures of the main screens, made from demo data."""
    from plc_console.services.demo import create_demo
    from plc_console.tui.screenshots import take_screenshots

    settings = settings_from(ctx)
    t = settings.translate
    if out.exists() and not out.is_dir():
        fail(t("cli.error", message=f"{out} is not a folder"))
    with user_errors(t), tempfile.TemporaryDirectory() as scratch:
        database = open_database(str(Path(scratch) / "screens.sqlite3"))
        try:
            with transaction(database.sessions) as session:
                create_demo(session, today=PICTURE_DAY, db_label="screens")
            now = datetime.combine(PICTURE_DAY, time(10, 0))
            asyncio.run(
                take_screenshots(
                    database.sessions,
                    lambda: now,
                    out,
                    on_shot=lambda path: typer.echo(t("cli.screenshot_written", path=path)),
                )
            )
        finally:
            database.engine.dispose()
