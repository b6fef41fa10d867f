"""`plc board …`: settings of the Kanban board shared by every desk (WIP limits)."""

from __future__ import annotations

from typing import Annotated

import typer

from plc_console.cli.common import DbOption, fail, find_stage, settings_from, user_errors
from plc_console.db.engine import transaction
from plc_console.domain import Stage
from plc_console.locale import Translator

app = typer.Typer(help="The board's shared settings: WIP limits per column.", no_args_is_help=True)

_OFF = ("off", "none", "no", "нет", "-")


@app.command()
def wip(
    ctx: typer.Context,
    stage: Annotated[
        str | None,
        typer.Argument(
            help="Column key: received, triage, scheduled, preparation, session, product, "
            "feedback. Without it, every column's limit is listed.",
            show_default=False,
        ),
    ] = None,
    limit: Annotated[
        str | None,
        typer.Argument(
            help="Most cards the column may hold, or 'off' to remove the limit.", show_default=False
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Show or set the WIP limits: a column over its limit is marked on every board,
    and a move into it asks for confirmation."""
    from plc_console.services.board import WIP_STAGES, set_wip_limit, wip_limits
    from plc_console.services.database import open_database

    settings = settings_from(ctx, db)
    t = settings.translate
    chosen: Stage | None = None
    if stage is not None:
        chosen = find_stage(stage, WIP_STAGES)
        if chosen is None:
            known = ", ".join(s.value for s in WIP_STAGES)
            fail(t("cli.error", message=t("cli.wip_unknown_stage", stage=stage, known=known)))
    with user_errors(t):
        database = open_database(settings.db_url)
        try:
            if chosen is not None and limit is not None:
                value = _parse_limit(limit, t)
                with transaction(database.sessions) as session:
                    set_wip_limit(session, chosen, value)
            with database.sessions() as session:
                limits = wip_limits(session)
        finally:
            database.engine.dispose()
    for column in WIP_STAGES if chosen is None else (chosen,):
        shown = limits.get(column)
        text = str(shown) if shown is not None else t("cli.wip_none")
        typer.echo(f"{column.value:<12} {t.label(column):<32} {text}")


def _parse_limit(typed: str, t: Translator) -> int | None:
    cleaned = typed.strip().lower()
    if cleaned in _OFF:
        return None
    if not cleaned.isdigit():
        fail(t("cli.error", message=t("cli.wip_bad_limit", value=typed)))
    return int(cleaned)
