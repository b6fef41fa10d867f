"""`plc db …`: the database's schema, backups and restores."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import Engine

from plc_console.cli.common import DbOption, fail, settings_from, user_errors
from plc_console.config import Settings
from plc_console.db import schema
from plc_console.db.engine import check_connection, describe, make_engine, resolve_url
from plc_console.locale import Translator
from plc_console.services import backup as backups

app = typer.Typer(
    help="Database schema, upgrades, backups and restores.",
    no_args_is_help=True,
)

EXIT_OK, EXIT_REFUSED, EXIT_UNREADABLE = 0, 1, 2
#: SQLite files at least this large get a progress bar while they are copied.
PROGRESS_BYTES = 32 << 20


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


@app.command("backup")
def backup_command(
    ctx: typer.Context,
    out: Annotated[Path, typer.Argument(metavar="OUT", help="The backup file to write.")],
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace OUT if it already exists.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Copy the whole database to OUT while consoles keep working (a consistent snapshot).

    SQLite files are copied with SQLite's online backup API; PostgreSQL databases with
    pg_dump (its custom format), which must be installed. OUT appears only when complete.
    """
    settings = settings_from(ctx, db)
    t = settings.translate
    with _reachable_engine(settings) as engine, _file_errors(t):
        size = _sqlite_size(engine)
        with _progress(t, Path(engine.url.database or "").name, size) as progress:
            result = backups.backup(engine, out, progress, overwrite=overwrite)
    typer.echo(
        t(
            "backup.cli.written",
            db=describe(engine),
            path=str(result.path),
            size=_human_size(result.size),
            revision=result.revision or "—",
        )
    )


@app.command("restore")
def restore_command(
    ctx: typer.Context,
    source: Annotated[Path, typer.Argument(metavar="IN", help="A file made by `plc db backup`.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    db: DbOption = None,
) -> None:
    """Restore a backup into an EMPTY database (a new file or a new PostgreSQL database).

    A database holding any work is refused, so nothing can be overwritten. A backup from
    an older console is upgraded to this console's schema; one from a newer console is
    refused.
    """
    settings = settings_from(ctx, db)
    t = settings.translate
    with _reachable_engine(settings) as engine, _file_errors(t):
        plan = backups.plan_restore(engine, source)
        question = t("backup.cli.confirm", path=str(plan.source), db=plan.target)
        if not yes and not typer.confirm(question, default=False, err=True):
            fail(t("backup.cli.aborted"), EXIT_REFUSED)
        size = plan.source.stat().st_size if plan.kind is backups.BackupKind.SQLITE else 0
        with _progress(t, plan.source.name, size) as progress:
            result = backups.restore(engine, plan.source, progress)
    typer.echo(
        t("backup.cli.restored", path=str(plan.source), db=plan.target, revision=result.revision)
    )
    if plan.revision != result.revision:
        typer.echo(t("backup.cli.upgraded", old=plan.revision, new=result.revision))


@contextmanager
def _file_errors(t: Translator) -> Iterator[None]:
    """A file that cannot be used is bad usage (exit 2); other refusals exit 1."""
    try:
        yield
    except backups.BackupFileError as exc:
        fail(t("cli.error", message=t(exc.code, **exc.params)), EXIT_UNREADABLE)


@contextmanager
def _progress(t: Translator, name: str, size: int) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr while a large SQLite file is copied (none otherwise)."""
    if size < PROGRESS_BYTES:
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(t("backup.cli.progress", name=name), total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield advance


def _sqlite_size(engine: Engine) -> int:
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return 0
    path = Path(database)
    return path.stat().st_size if path.is_file() else 0


def _human_size(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    return f"{max(1, round(size / 1000))} KB"
