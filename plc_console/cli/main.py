"""The `plc` root command: global options, the command groups, and the console itself."""

from __future__ import annotations

from typing import Annotated

import typer

from plc_console import __version__
from plc_console.cli import board as board_commands
from plc_console.cli import buffers as buffers_commands
from plc_console.cli import db as db_commands
from plc_console.cli import experts as experts_commands
from plc_console.cli import export as export_commands
from plc_console.cli import meetings as meetings_commands
from plc_console.cli import privacy as privacy_commands
from plc_console.cli import products as products_commands
from plc_console.cli import terms as terms_commands
from plc_console.cli.common import DbOption, user_errors
from plc_console.cli.console import open_console
from plc_console.cli.demo import demo
from plc_console.cli.intake import import_forms
from plc_console.cli.report import report
from plc_console.cli.screenshots import screenshots
from plc_console.cli.template import template
from plc_console.config import Settings
from plc_console.locale import LANG_ENV

app = typer.Typer(
    name="plc",
    help="Coordinators' console of the learning community: requests from received to done.\n\n"
    "Run without a command to open the console on your own database.",
    no_args_is_help=False,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
app.add_typer(db_commands.app, name="db")
app.add_typer(board_commands.app, name="board")
app.add_typer(experts_commands.app, name="experts")
app.add_typer(meetings_commands.app, name="meetings")
app.add_typer(products_commands.app, name="products")
app.add_typer(export_commands.app, name="export")
app.add_typer(buffers_commands.app, name="buffers")
app.add_typer(terms_commands.app, name="terms")
app.add_typer(privacy_commands.app, name="privacy")
app.command(name="demo")(demo)
app.command(name="screenshots")(screenshots)
app.command(name="template")(template)
app.command(name="import")(import_forms)
app.command(name="report")(report)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"plc-console {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    db: DbOption = None,
    lang: Annotated[
        str | None,
        typer.Option(envvar=LANG_ENV, help="Language: ru or en [default: system locale]."),
    ] = None,
    actor: Annotated[
        str | None,
        typer.Option(
            envvar="PLC_ACTOR", help="Your name in the history of changes [default: OS user]."
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Open the console on your own database (created on first use)."""
    with user_errors(None):
        settings = Settings.from_environment(lang=lang, actor=actor, db_url=db)
    ctx.obj = settings
    if ctx.invoked_subcommand is not None:
        return
    from plc_console.services.database import open_database

    with user_errors(settings.translate):
        database = open_database(settings.db_url)
    open_console(settings, database)


def run() -> None:
    """Entry point of the `plc` script."""
    app(prog_name="plc")
