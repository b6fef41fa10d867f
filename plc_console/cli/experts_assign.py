"""`plc experts assign`: a balanced proposal of experts for a stage's unassigned requests."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from plc_console.cli.common import DbOption, fail, find_stage, settings_from, user_errors
from plc_console.domain import WORK_STAGES, Stage
from plc_console.locale import Translator

if TYPE_CHECKING:
    from plc_console.services.assignments import Proposal

#: Width of the expert column in the proposal's table.
_NAME_WIDTH = 36


def assign(
    ctx: typer.Context,
    stage: Annotated[
        str,
        typer.Option(
            metavar="STAGE",
            help="Column whose requests without an expert get one: received, triage, "
            "scheduled, preparation, session, product, feedback.",
        ),
    ] = Stage.TRIAGE.value,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Assign without asking for confirmation.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the proposal and assign nothing.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Give requests without an expert one each, balanced.

    The proposal has the best total score within every expert's load limit; it is
    shown, and assigned once confirmed. Each pair needs a topic in common; requests no
    expert can take are listed. Pairs another desk made invalid meanwhile are skipped,
    with the reason.
    """
    from plc_console.db.engine import transaction
    from plc_console.services.assignments import apply_proposal, propose_balanced
    from plc_console.services.clock import utcnow
    from plc_console.services.database import open_database

    settings = settings_from(ctx, db)
    t = settings.translate
    chosen = _stage(stage, t)
    with user_errors(t):
        database = open_database(settings.db_url)
        try:
            with database.sessions() as session:
                proposal = propose_balanced(session, stage=chosen, lang=settings.lang)
            _print_proposal(proposal, chosen, t)
            if not proposal.pairs:
                return
            if dry_run:
                typer.echo(t("matching.cli.dry_run"))
                return
            if not yes and not typer.confirm(t("matching.cli.confirm", count=len(proposal.pairs))):
                typer.echo(t("matching.cli.declined"))
                return
            with transaction(database.sessions) as session:
                result = apply_proposal(session, proposal, actor=settings.actor, now=utcnow())
        finally:
            database.engine.dispose()
    typer.echo(t("matching.cli.applied", applied=result.applied, skipped=len(result.skipped)))
    for number, why in result.skipped:
        typer.echo(t("matching.cli.skipped_line", number=number, reason=t(why.key, **why.params)))


def _stage(typed: str, t: Translator) -> Stage:
    found = find_stage(typed, WORK_STAGES)
    if found is None:
        known = ", ".join(s.value for s in WORK_STAGES)
        fail(t("cli.error", message=t("matching.cli.unknown_stage", stage=typed, known=known)))
    return found


def _print_proposal(proposal: Proposal, stage: Stage, t: Translator) -> None:
    typer.echo(
        t(
            "matching.cli.header",
            stage=stage,
            requests=proposal.requests,
            experts=proposal.experts,
        )
    )
    if not proposal.requests:
        typer.echo(t("matching.cli.no_requests"))
        return
    if proposal.pairs:
        typer.echo("")
        typer.echo(
            f"{t('matching.cli.col_request'):<14} "
            f"{t('matching.cli.col_expert'):<{_NAME_WIDTH}} {t('matching.cli.col_score'):>6}"
        )
        for pair in proposal.pairs:
            name = pair.expert_name
            if len(name) > _NAME_WIDTH:
                name = name[: _NAME_WIDTH - 1] + "…"
            typer.echo(f"{pair.number:<14} {name:<{_NAME_WIDTH}} {pair.score:>6.1f}")
        typer.echo("")
        typer.echo(
            t(
                "matching.cli.total",
                pairs=len(proposal.pairs),
                total=f"{proposal.total_score:.1f}",
                greedy=f"{proposal.greedy_total:.1f}",
            )
        )
    if proposal.unmatched:
        numbers = ", ".join(number for _, number in proposal.unmatched)
        typer.echo(t("matching.cli.unmatched", count=len(proposal.unmatched), numbers=numbers))
    if not proposal.pairs:
        typer.echo(t("matching.cli.nothing"))
