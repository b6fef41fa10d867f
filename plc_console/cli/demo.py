"""`plc demo`: a separate database filled with a believable school term."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from plc_console.cli.common import DbOption, settings_from, user_errors
from plc_console.cli.console import open_console
from plc_console.db.engine import transaction
from plc_console.services.database import open_database


def demo(
    ctx: typer.Context,
    db: DbOption = None,
    open_console_after: Annotated[
        bool, typer.Option("--open/--no-open", help="Open the console on the demo data.")
    ] = True,
    seed: Annotated[
        int, typer.Option(help="Random seed: the same seed gives the same data.")
    ] = 2026,
) -> None:
    """Fill a demo database with one school term and open it.

    Without --db (or PLC_DB_URL) the demo lives in its own file beside your real
    database, so demo data never mixes with real data.
    """
    from plc_console.services.demo import create_demo

    settings = settings_from(ctx, db)
    t = settings.translate
    with user_errors(t):
        database = open_database(settings.db_url, demo=True)
        with transaction(database.sessions) as session:
            result = create_demo(session, today=date.today(), db_label=database.label, seed=seed)
        key = "cli.demo_created" if result.created else "cli.demo_exists"
        typer.echo(t(key, db=database.label, requests=result.requests, experts=result.experts))
        if open_console_after:
            open_console(settings, database)
        else:
            database.engine.dispose()
