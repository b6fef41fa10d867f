"""`plc privacy …`: personal data under 152-FZ — purge after retention, export one person."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from plc_console.cli.common import DbOption, settings_from, user_errors
from plc_console.cli.products import session_for

app = typer.Typer(
    help="Personal data (152-FZ): purge after retention, export.",
    no_args_is_help=True,
)


class ExportFormat(StrEnum):
    JSON = "json"
    TXT = "txt"


@app.command()
def purge(
    ctx: typer.Context,
    closed_before: Annotated[
        str,
        typer.Option(
            "--closed-before",
            metavar="DATE",
            help="Requests done or closed before this day (YYYY-MM-DD or дд.мм.гггг).",
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Count what would be removed; change nothing.")
    ] = False,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Remove without asking for confirmation.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Remove requesters' names, contacts and texts from requests closed before DATE.

    A requester is purged only when all their requests were closed before DATE. Role,
    experience, grade, category, topics, dates and stage history stay, so term reports
    keep their figures. Each purged request records a "purged" event with your name;
    running it again changes nothing.
    """
    from plc_console.services.clock import utcnow
    from plc_console.services.privacy import purge_closed
    from plc_console.services.terms import parse_day

    settings = settings_from(ctx, db)
    t = settings.translate
    with user_errors(t):
        day = parse_day(closed_before)
        with session_for(settings, write=False) as session:
            found = purge_closed(session, day, dry_run=True, actor=settings.actor, now=utcnow())
    counts = {"requests": found.requests, "people": found.people, "day": day.isoformat()}
    typer.echo(t("privacy.cli.found", **counts))
    if found.held_back:
        typer.echo(t("privacy.cli.held_back", count=found.held_back))
    if dry_run or not found.requests:
        typer.echo(t("privacy.cli.dry_run" if dry_run else "privacy.cli.nothing"))
        return
    if not yes and not typer.confirm(t("privacy.cli.confirm", **counts)):
        typer.echo(t("privacy.cli.declined"))
        return
    with user_errors(t), session_for(settings, write=True) as session:
        done = purge_closed(session, day, dry_run=False, actor=settings.actor, now=utcnow())
    typer.echo(t("privacy.cli.purged", requests=done.requests, people=done.people))


@app.command()
def export(
    ctx: typer.Context,
    person: Annotated[
        str,
        typer.Argument(
            metavar="PERSON", help="A request number, the person's contact or exact full name."
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", metavar="FILE", help="Write to FILE instead of the screen.", show_default=False
        ),
    ] = None,
    fmt: Annotated[
        ExportFormat, typer.Option("--format", help="json (default) or txt (to read).")
    ] = ExportFormat.JSON,
    db: DbOption = None,
) -> None:
    """Everything stored about one person: record, consent, requests with their history,
    feedback, meetings. Recorded as a "data exported" event on each of their requests."""
    from plc_console.services.clock import utcnow
    from plc_console.services.privacy_export import export_person
    from plc_console.services.privacy_render import export_json, export_text

    settings = settings_from(ctx, db)
    t = settings.translate
    with user_errors(t), session_for(settings, write=True) as session:
        found = export_person(
            session, person, actor=settings.actor, now=utcnow(), lang=settings.lang
        )
        text = export_json(found) if fmt is ExportFormat.JSON else export_text(found, t)
        if out is not None:
            # Inside the transaction: a file that cannot be written records no export.
            out.write_text(text, encoding="utf-8")
    if out is None:
        typer.echo(text, nl=False)
    else:
        typer.echo(t("privacy.cli.exported", path=str(out), requests=len(found.requests)))
