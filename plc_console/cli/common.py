"""What every command shares: the --db option, settings, and one-line errors."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from sqlalchemy.exc import DBAPIError

from plc_console.config import Settings
from plc_console.db.engine import DB_URL_ENV, DatabaseConfigError
from plc_console.db.schema import SchemaMismatch
from plc_console.domain import PlcError, Stage
from plc_console.locale import SUPPORTED, Translator, UnsupportedLanguage

#: Work of at least this many rows shows a progress bar.
PROGRESS_ROWS = 2_000

# The options every spreadsheet import shares (paper forms, the expert registry).
DryRunOption = Annotated[
    bool,
    typer.Option("--dry-run", help="Check everything and print the report; store nothing."),
]
PartialOption = Annotated[
    bool,
    typer.Option("--partial", help="Store the valid rows even when some rows are refused."),
]
ErrorsOption = Annotated[
    Path | None,
    typer.Option(
        "--errors",
        metavar="OUT.xlsx",
        help="Write the refused rows, with a reason column, to this spreadsheet.",
        show_default=False,
    ),
]

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar=DB_URL_ENV,
        metavar="URL",
        help="Database: an SQLite file path or sqlite:///FILE, or postgresql+psycopg://… "
        "[default: plc.sqlite3 in your data folder]",
        show_default=False,
    ),
]


def settings_from(ctx: typer.Context, db: str | None = None) -> Settings:
    """The root command's settings, with this command's --db if one was given."""
    root: Settings | None = ctx.find_root().obj
    if root is None:
        with user_errors(None):
            root = Settings.from_environment()
    if db:
        return Settings(lang=root.lang, actor=root.actor, db_url=db)
    return root


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one line to stderr and stop with a non-zero exit code."""
    typer.echo(message, err=True)
    raise typer.Exit(code)


@contextmanager
def user_errors(translate: Translator | None) -> Iterator[None]:
    """Turn what a user can cause (bad URL, old schema, refused change) into one line."""
    t = translate or Translator("en")
    try:
        yield
    except PlcError as exc:
        fail(t("cli.error", message=t(exc.code, **exc.params)))
    except (DatabaseConfigError, SchemaMismatch, UnsupportedLanguage) as exc:
        fail(t("cli.error", message=str(exc)))
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        fail(t("cli.error", message=reason))
    except OSError as exc:
        fail(t("cli.error", message=f"{exc.strerror or exc}: {exc.filename or ''}".rstrip(": ")))


def find_stage(typed: str, stages: Iterable[Stage]) -> Stage | None:
    """The stage among ``stages`` that a user typed: its key (``triage``) or its name in
    Russian or English ("Обратная связь", "feedback"), in any case; None if none."""
    wanted = " ".join(typed.split()).casefold()
    for stage in stages:
        names = {stage.value, *(Translator(lang).label(stage).casefold() for lang in SUPPORTED)}
        if wanted in names:
            return stage
    return None


@contextmanager
def progress_bar(label: str, *, least: int = PROGRESS_ROWS) -> Iterator[Callable[[int, int], None]]:
    """A ``(done, total)`` callback drawing a progress bar on stderr, once the total is at
    least ``least`` (a small job shows none); the bar goes when the block ends."""
    with ExitStack() as stack:
        shown: list[tuple[Any, Any]] = []

        def advance(done: int, total: int) -> None:
            if not shown:
                if total < least:
                    return
                from rich.console import Console
                from rich.progress import Progress

                bar = stack.enter_context(Progress(console=Console(stderr=True), transient=True))
                shown.append((bar, bar.add_task(label, total=total)))
            bar, task = shown[0]
            bar.update(task, completed=done, total=total)

        yield advance
