"""`plc terms …`: name the date ranges that term reports cover."""

from __future__ import annotations

from typing import Annotated

import typer

from plc_console.cli.common import DbOption, settings_from, user_errors
from plc_console.cli.products import session_for

app = typer.Typer(
    help="Name terms (date ranges) for term reports.",
    no_args_is_help=True,
)


@app.command()
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help='The term\'s name, e.g. "1 четверть 2026/27".')],
    start: Annotated[
        str, typer.Argument(metavar="FROM", help="First day: YYYY-MM-DD or дд.мм.гггг.")
    ],
    end: Annotated[str, typer.Argument(metavar="TO", help="Last day (included), as FROM.")],
    db: DbOption = None,
) -> None:
    """Add a term from FROM to TO, both days included; terms may not overlap."""
    from plc_console.services.terms import add_term, parse_day

    settings = settings_from(ctx, db)
    t = settings.translate
    with user_errors(t), session_for(settings, write=True) as session:
        term = add_term(session, name, parse_day(start), parse_day(end))
    typer.echo(
        t(
            "terms.cli.added",
            name=term.name,
            start=term.starts_on.isoformat(),
            end=term.ends_on.isoformat(),
        )
    )


@app.command(name="list")
def list_command(ctx: typer.Context, db: DbOption = None) -> None:
    """List the terms, earliest first."""
    from plc_console.services.terms import list_terms

    settings = settings_from(ctx, db)
    t = settings.translate
    with user_errors(t), session_for(settings, write=False) as session:
        terms = list_terms(session)
    if not terms:
        typer.echo(t("terms.cli.none"))
        return
    for term in terms:
        typer.echo(f"{term.starts_on.isoformat()}  {term.ends_on.isoformat()}  {term.name}")
