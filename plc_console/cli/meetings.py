"""`plc meetings …`: list meetings, show one with its plan, announce, cancel, record as held.

Meetings are planned and filled (requests, experts, invitees, preparation list) in the
console; these commands read them and carry out the status moves that write files or
move requests. Announcing and cancelling write into ``exports/`` of the current folder
unless ``--out`` names another.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from plc_console.cli.common import DbOption, settings_from, user_errors
from plc_console.config import Settings
from plc_console.db.engine import transaction
from plc_console.locale import Translator

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from sqlalchemy.orm import Session

    from plc_console.services.meetings_views import MeetingDetail, MeetingOutcome

app = typer.Typer(
    help="Meetings on requests: list, show, announce, cancel, hold.\n\n"
    "Show gives a meeting's backward plan with late milestones marked. Announcing "
    "writes a calendar file (.ics) and a text for the community's page into exports/ "
    "and moves the meeting's requests to 'scheduled'; recording it as held moves them "
    "to 'session'.",
    no_args_is_help=True,
)

DEFAULT_OUT = Path("exports")

MeetingId = Annotated[int, typer.Argument(metavar="ID", help="The meeting's number.")]
OutOption = Annotated[
    Path,
    typer.Option(
        "--out",
        metavar="DIR",
        file_okay=False,
        help="Folder for the calendar and text files (created if missing).",
    ),
]
TzOption = Annotated[
    str | None,
    typer.Option(
        "--tz",
        envvar="PLC_TZ",
        metavar="ZONE",
        help="The community's time zone, e.g. Europe/Moscow [default: the system's].",
        show_default=False,
    ),
]


@contextmanager
def _session(settings: Settings, *, write: bool) -> Iterator[Session]:
    """A session on the chosen database: one transaction when writing."""
    from plc_console.services.database import open_database

    database = open_database(settings.db_url)
    try:
        if write:
            with transaction(database.sessions) as session:
                yield session
        else:
            with database.sessions() as session:
                yield session
    finally:
        database.engine.dispose()


def _zone(tz: str | None) -> ZoneInfo:
    from zoneinfo import ZoneInfoNotFoundError

    from plc_console.services.meetings_ics import local_zone
    from plc_console.services.meetings_views import MeetingInvalid

    try:
        return local_zone(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise MeetingInvalid("zone", zone=tz) from exc


def _local_now(zone: ZoneInfo) -> datetime:
    """Now as the community's wall-clock time (how meeting times are kept)."""
    from plc_console.services.clock import utcnow
    from plc_console.services.meetings_flow import local_now

    return local_now(utcnow(), zone)


@app.command(name="list")
def list_meetings(
    ctx: typer.Context,
    upcoming: Annotated[
        bool, typer.Option("--upcoming", help="Only planned and announced meetings to come.")
    ] = False,
    tz: TzOption = None,
    db: DbOption = None,
) -> None:
    """List meetings in date order.

    Each line: number, local time, status, title, place, and how many requests, experts
    and invited people the meeting has."""
    from plc_console.services.meetings_read import list_meetings as read_list

    settings = settings_from(ctx, db)
    t = settings.translate
    with user_errors(t), _session(settings, write=False) as session:
        local = _local_now(_zone(tz))
        meetings = read_list(session, upcoming_from=local if upcoming else None)
    if not meetings:
        typer.echo(t("meetings.cli.none"))
        return
    for m in meetings:
        where = m.place or t("meetings.cli.online")
        changed = f"  {t('meetings.cli.changed')}" if m.needs_announcement else ""
        typer.echo(
            f"{m.id:>4}  {m.starts_at:%Y-%m-%d %H:%M}  {t.label(m.status):<14} {m.title[:40]:<40} "
            f"{where[:28]:<28} {m.request_count:>3} {m.expert_count:>3} {m.invitee_count:>3}"
            f"{changed}"
        )


@app.command()
def show(
    ctx: typer.Context, meeting_id: MeetingId, tz: TzOption = None, db: DbOption = None
) -> None:
    """Show a meeting with its backward plan.

    Time, place, requests, experts, invited people, the preparation list, the milestones
    before the meeting (late ones marked), double bookings and the history."""
    from plc_console.services.meetings_conflicts import meeting_clashes
    from plc_console.services.meetings_read import get_meeting

    settings = settings_from(ctx, db)
    t = settings.translate
    with user_errors(t), _session(settings, write=False) as session:
        zone = _zone(tz)
        shown = get_meeting(session, meeting_id, today=_local_now(zone).date())
        clashes = meeting_clashes(session, meeting_id)
    for line in _describe(shown, t, zone):
        typer.echo(line)
    if clashes:
        typer.echo(t("meetings.cli.clashes"))
        for clash in clashes:
            typer.echo(
                f"  {t.label(clash.kind)}: {clash.who} — «{clash.title}» "
                f"{clash.starts_at:%Y-%m-%d %H:%M}"
            )


def _describe(shown: MeetingDetail, t: Translator, zone: ZoneInfo) -> Iterator[str]:
    from plc_console.services.meetings_flow import local_now

    m = shown.summary
    yield t("meetings.cli.title", id=m.id, title=m.title)
    status = t.label(m.status)
    if m.needs_announcement:
        status += f" — {t('meetings.cli.changed')}"
    yield t("meetings.cli.status", status=status, sequence=m.sequence)
    yield t("meetings.cli.when", start=f"{m.starts_at:%Y-%m-%d %H:%M}", end=f"{m.ends_at:%H:%M}")
    if m.place:
        yield t("meetings.cli.place", place=m.place)
    if m.online_link:
        yield t("meetings.cli.link", link=m.online_link)
    if m.capacity is not None:
        yield t("meetings.cli.capacity", capacity=m.capacity, invited=m.invitee_count)
    if m.topic is not None:
        yield t("meetings.cli.topic", topic=m.topic.name(t.lang))
    yield from _section(
        t("meetings.cli.requests"),
        [f"{r.number}  {t.label(r.stage):<20} {r.first_line[:60]}" for r in shown.requests],
    )
    yield from _section(
        t("meetings.cli.experts"),
        [
            f"{e.full_name}"
            + (f" ({e.organization})" if e.organization else "")
            + f" — {t('meetings.cli.confirmed' if e.confirmed else 'meetings.cli.unconfirmed')}"
            + _came(e.attended, t)
            for e in shown.experts
        ],
    )
    yield from _section(
        t("meetings.cli.invitees"),
        [f"{i.full_name} ({t.label(i.role)}){_came(i.attended, t)}" for i in shown.invitees],
    )
    yield from _section(
        t("meetings.cli.sources"),
        [
            f"{n}. [{t.label(s.kind)}] {s.text}" + (f" — {s.url}" if s.url else "")
            for n, s in enumerate(shown.sources, start=1)
        ],
    )
    yield t("meetings.cli.plan")
    for milestone in shown.plan:
        mark = (
            t("meetings.cli.done")
            if milestone.done
            else t("meetings.cli.late")
            if milestone.late
            else ""
        )
        yield f"  {milestone.due:%Y-%m-%d}  {t.label(milestone.step):<36} {mark}".rstrip()
    if shown.minutes:
        yield t("meetings.cli.minutes", minutes=shown.minutes)
    yield from _section(
        t("meetings.cli.history"),
        [
            f"{local_now(e.at, zone):%Y-%m-%d %H:%M}  {e.actor}  {t.label(e.kind)}"
            + (f": {e.note}" if e.note else "")
            for e in shown.events
        ],
    )


def _section(heading: str, lines: list[str]) -> Iterator[str]:
    if lines:
        yield heading
        for line in lines:
            yield f"  {line}"


def _came(attended: bool | None, t: Translator) -> str:
    if attended is None:
        return ""
    return f", {t('meetings.cli.came' if attended else 'meetings.cli.absent')}"


def _report(outcome: MeetingOutcome, t: Translator, key: str) -> None:
    typer.echo(t(key, id=outcome.meeting.id, title=outcome.meeting.title))
    for path in (outcome.calendar_path, outcome.text_path):
        if path is not None:
            typer.echo(t("meetings.cli.written", path=path))
    for request in outcome.moved:
        typer.echo(t("meetings.cli.moved", number=request.number, stage=request.stage))


def _change(
    ctx: typer.Context,
    db: str | None,
    meeting_id: int,
    key: str,
    act: Callable[[Session, int, Settings], MeetingOutcome],
) -> None:
    """Read the meeting's version and act on it in one transaction; report what happened."""
    from plc_console.services.meetings_read import load_meeting

    settings = settings_from(ctx, db)
    t = settings.translate
    with user_errors(t), _session(settings, write=True) as session:
        version = load_meeting(session, meeting_id).version
        outcome = act(session, version, settings)
    _report(outcome, t, key)


@app.command()
def announce(
    ctx: typer.Context,
    meeting_id: MeetingId,
    out: OutOption = DEFAULT_OUT,
    tz: TzOption = None,
    db: DbOption = None,
) -> None:
    """Announce a meeting, or announce its changes.

    Writes meeting-ID.ics (a calendar invitation for the experts and teachers, with RSVP)
    and meeting-ID.txt (the announcement for the community's page), and moves the
    meeting's requests that are at an earlier stage to 'scheduled'."""
    from plc_console.services.meetings_flow import announce as announce_meeting

    def act(session: Session, version: int, settings: Settings) -> MeetingOutcome:
        return announce_meeting(
            session,
            meeting_id,
            version,
            out_dir=out,
            actor=settings.actor,
            tz=_zone(tz),
            lang=settings.lang,
        )

    _change(ctx, db, meeting_id, "meetings.cli.announced", act)


@app.command()
def cancel(
    ctx: typer.Context,
    meeting_id: MeetingId,
    reason: Annotated[
        str | None, typer.Option("--reason", metavar="TEXT", help="Why it is cancelled.")
    ] = None,
    out: OutOption = DEFAULT_OUT,
    tz: TzOption = None,
    db: DbOption = None,
) -> None:
    """Cancel a meeting.

    One already announced gets a cancellation calendar file (METHOD:CANCEL) and notice;
    its requests stay where they are."""
    from plc_console.services.meetings_flow import cancel_meeting

    def act(session: Session, version: int, settings: Settings) -> MeetingOutcome:
        return cancel_meeting(
            session,
            meeting_id,
            version,
            actor=settings.actor,
            reason=reason,
            out_dir=out,
            tz=_zone(tz),
            lang=settings.lang,
        )

    _change(ctx, db, meeting_id, "meetings.cli.cancelled", act)


@app.command()
def held(
    ctx: typer.Context,
    meeting_id: MeetingId,
    minutes: Annotated[
        str,
        typer.Option("--minutes", metavar="TEXT", help="Short minutes: what was decided."),
    ],
    absent_expert: Annotated[
        list[int] | None,
        typer.Option(
            "--absent-expert", metavar="ID", help="An expert who did not come (repeatable)."
        ),
    ] = None,
    absent: Annotated[
        list[int] | None,
        typer.Option(
            "--absent",
            metavar="PERSON_ID",
            help="An invited person who did not come (repeatable); everyone else came.",
        ),
    ] = None,
    tz: TzOption = None,
    db: DbOption = None,
) -> None:
    """Record a meeting as held.

    With short minutes and who did not come; the meeting's requests that are at an
    earlier stage move to 'session'."""
    from plc_console.services.meetings_flow import record_held
    from plc_console.services.meetings_read import load_meeting

    def act(session: Session, version: int, settings: Settings) -> MeetingOutcome:
        meeting = load_meeting(session, meeting_id)
        return record_held(
            session,
            meeting_id,
            version,
            minutes=minutes,
            actor=settings.actor,
            attended_experts=_present([e.expert_id for e in meeting.experts], absent_expert),
            attended_people=_present([i.person_id for i in meeting.invitees], absent),
            tz=_zone(tz),
            lang=settings.lang,
        )

    _change(ctx, db, meeting_id, "meetings.cli.held", act)


def _present(everyone: list[int], absent: list[int] | None) -> list[int] | None:
    """Who came: everyone but the absent (None: everyone, no one was named absent).

    An absent id that is not on the meeting is passed on, so the service names it.
    """
    if not absent:
        return None
    unknown = [a for a in absent if a not in everyone]
    if unknown:
        return [*everyone, *unknown]
    return [n for n in everyone if n not in absent]


@app.command()
def leads(
    ctx: typer.Context,
    step: Annotated[
        str | None,
        typer.Argument(
            metavar="STEP",
            help="experts_confirmed, announcement_posted or preparation_sent.",
            show_default=False,
        ),
    ] = None,
    days: Annotated[
        str | None,
        typer.Argument(
            metavar="DAYS|default",
            help="Working days before the meeting (0-60), or 'default'.",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Show or set how many working days before a meeting each milestone is due.

    Without arguments, lists the three milestones of the backward plan with their lead
    times; with a milestone and a number, sets it (every meeting's plan follows)."""
    from plc_console.domain import MeetingStep
    from plc_console.services.meetings_plan import lead_times, set_lead_time
    from plc_console.services.meetings_views import MeetingInvalid

    settings = settings_from(ctx, db)
    t = settings.translate
    with user_errors(t):
        if step is not None:
            if step not in {s.value for s in MeetingStep}:
                raise MeetingInvalid("lead_step", step=step)
            if days is None:
                raise MeetingInvalid("lead_days_missing")
            value = None if days.strip().lower() == "default" else _whole(days)
            with _session(settings, write=True) as session:
                set_lead_time(session, MeetingStep(step), value)
        with _session(settings, write=False) as session:
            for milestone, lead in lead_times(session).items():
                typer.echo(t("meetings.leads.line", step=t.label(milestone), days=lead))


def _whole(text: str) -> int:
    from plc_console.services.meetings_views import MeetingInvalid

    try:
        return int(text.strip())
    except ValueError:
        raise MeetingInvalid("lead_days", low=0, high=60, value=text) from None
