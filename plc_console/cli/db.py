"""`plc db …`: the database's schema."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from sqlalchemy import Engine

from plc_console.cli.common import DbOption, settings_from, user_errors
from plc_console.config import Settings
from plc_console.db import schema
from plc_console.db.engine import check_connection, describe, make_engine, resolve_url

app = typer.Typer(help="Database maintenance: schema status and upgrades.", no_args_is_help=True)


@contextmanager
def _reachable_engine(settings: Settings) -> Iterator[Engine]:
    """An engine on the chosen database, checked to answer; errors become one line."""
    with user_errors(settings.translate):
        engine = make_engine(resolve_url(settings.db_url))
        try:
            check_connection(engine)
            yield engine
        finally:
            engine.dispose()


@app.command()
def upgrade(ctx: typer.Context, db: DbOption = None) -> None:
    """Bring a database to the current schema, backing up SQLite files first."""
    settings = settings_from(ctx, db)
    t = settings.translate
    with _reachable_engine(settings) as engine:
        old = schema.current_revision(engine)
        head = schema.head_revision()
        if old == head:
            typer.echo(t("cli.db_current", revision=head))
            return
        if old is not None and old not in schema.known_revisions():
            raise schema.SchemaMismatch(old, head, newer=True)
        backup = schema.backup_sqlite(engine) if old is not None else None
        if backup:
            typer.echo(t("cli.db_backup", path=backup))
        schema.upgrade(engine)
        typer.echo(t("cli.db_upgraded", db=describe(engine), old=old or "—", new=head))


@app.command()
def status(ctx: typer.Context, db: DbOption = None) -> None:
    """Show which database is used and whether its schema is current."""
    settings = settings_from(ctx, db)
    t = settings.translate
    with _reachable_engine(settings) as engine:
        current = schema.current_revision(engine)
        head = schema.head_revision()
        typer.echo(t("cli.db_status", db=describe(engine), current=current or "—", head=head))
