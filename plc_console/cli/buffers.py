"""`plc buffers …`: the critical-chain settings and the fever chart of open requests."""

from __future__ import annotations

from typing import Annotated

import typer

from plc_console.cli.common import DbOption, fail, find_stage, settings_from, user_errors
from plc_console.cli.products import session_for
from plc_console.domain import Stage, Zone
from plc_console.locale import Translator

app = typer.Typer(
    help="Promised dates: stage plans, zone bands, the fever chart.\n\n"
    "Critical-chain buffers: planned stage durations, the fever chart's bands, and the "
    "fever chart of open requests. "
    "A request's promised date is set when it enters triage: the planned durations of "
    "triage to feedback plus a buffer of half that chain.",
    no_args_is_help=True,
)

_DEFAULT = ("default", "по умолчанию", "-")


def _value(typed: str, t: Translator) -> float | None:
    cleaned = typed.strip().lower()
    if cleaned in _DEFAULT:
        return None
    try:
        return float(cleaned.replace(",", "."))
    except ValueError:
        fail(t("cli.error", message=t("buffers.cli.bad_number", value=typed)))


def _print_settings(ctx: typer.Context, db: str | None) -> None:
    from plc_console.services.buffers import BAND_NAMES, CHAIN_STAGES, buffer_settings

    settings = settings_from(ctx, db)
    t = settings.translate
    with user_errors(t), session_for(settings, write=False) as session:
        shown = buffer_settings(session)
    typer.echo(t("buffers.cli.planned"))
    for stage in CHAIN_STAGES:
        days = shown.planned_days.get(stage, 0.0)
        typer.echo(f"  {stage.value:<12} {t.label(stage):<32} {days:g}")
    typer.echo(
        t(
            "buffers.cli.chain",
            chain=f"{shown.chain_days:g}",
            buffer=f"{shown.buffer_days:g}",
            promised=f"{shown.promised_days:g}",
        )
    )
    typer.echo(t("buffers.cli.bands"))
    for name in BAND_NAMES:
        typer.echo(f"  {name:<12} {getattr(shown.bands, name):g}")


@app.command()
def show(ctx: typer.Context, db: DbOption = None) -> None:
    """Show the planned days of each chain stage, the buffer and the fever chart's bands."""
    _print_settings(ctx, db)


@app.command()
def days(
    ctx: typer.Context,
    stage: Annotated[
        str,
        typer.Argument(
            help="Chain stage: triage, scheduled, preparation, session, product, feedback."
        ),
    ],
    value: Annotated[str, typer.Argument(help="Planned days (e.g. 3 or 2.5), or 'default'.")],
    db: DbOption = None,
) -> None:
    """Set a stage's planned duration in days; promises made from now on use it."""
    from plc_console.services.buffers import CHAIN_STAGES, set_planned_days

    settings = settings_from(ctx, db)
    t = settings.translate
    chosen = find_stage(stage, CHAIN_STAGES)
    if chosen is None:
        known = ", ".join(s.value for s in CHAIN_STAGES)
        fail(t("cli.error", message=t("buffers.cli.unknown_stage", stage=stage, known=known)))
    number = _value(value, t)
    with user_errors(t), session_for(settings, write=True) as session:
        set_planned_days(session, chosen, number)
    _print_settings(ctx, db)


@app.command()
def band(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="yellow_base, red_base, slope or red_ceiling.")],
    value: Annotated[str, typer.Argument(help="The new value, or 'default'.")],
    db: DbOption = None,
) -> None:
    """Set a boundary of the fever chart: red if y > red_base + slope·x or y > red_ceiling,
    yellow if y > yellow_base + slope·x (x: chain completion %, y: buffer consumed %)."""
    from plc_console.services.buffers import set_band

    settings = settings_from(ctx, db)
    t = settings.translate
    number = _value(value, t)
    with user_errors(t), session_for(settings, write=True) as session:
        set_band(session, name.strip().lower(), number)
    _print_settings(ctx, db)


@app.command()
def fever(ctx: typer.Context, db: DbOption = None) -> None:
    """The fever chart of open requests: how many are in each zone, and the red ones
    (most buffer consumed first) with their completion, consumption and promised date."""
    from plc_console.services.buffers import fever_chart
    from plc_console.services.clock import utcnow

    settings = settings_from(ctx, db)
    t = settings.translate
    with user_errors(t), session_for(settings, write=False) as session:
        chart = fever_chart(session, utcnow())
    counts = chart.counts
    typer.echo(
        t(
            "buffers.cli.counts",
            green=counts[Zone.GREEN],
            yellow=counts[Zone.YELLOW],
            red=counts[Zone.RED],
            waiting=chart.not_started,
        )
    )
    if chart.red:
        typer.echo(t("buffers.cli.red"))
    for p in chart.red:
        promised = f"{p.promised_on:%Y-%m-%d}" if p.promised_on else "—"
        typer.echo(
            f"  {p.number}  {t.label(Stage(p.stage)):<28} {p.completion_pct:5.0f}% "
            f"{p.consumption_pct:6.0f}%  {promised}"
        )
