"""How one meeting reads on its screen: its facts, its backward plan, its people and lists.

Each function turns part of a :class:`~plc_console.services.meetings_views.MeetingDetail`
into a Rich grid in the user's language, columns aligned, the last column wrapping; the
meeting screen shows each in a pane. Done and late are drawn in the theme's success and
error colours (:func:`marks_from_theme`). Nothing here reads the database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from rich.color import ColorParseError
from rich.console import Group, RenderableType
from rich.style import Style
from rich.table import Table
from rich.text import Text

from plc_console.domain import MeetingsEventKind, Milestone
from plc_console.locale import Translator
from plc_console.services.meetings_flow import local_now
from plc_console.services.meetings_views import (
    Clash,
    MeetingDetail,
    MeetingEventView,
    MeetingExpertView,
    MeetingInviteeView,
    MeetingRequestView,
    MeetingSourceView,
)
from plc_console.tui.widgets.meeting_table import status_text, when_text
from plc_console.tui.widgets.request_view import NO_VALUE

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LABEL = Style(dim=True)
MUTED = Style(dim=True)


@dataclass(frozen=True)
class Marks:
    """How done and late things are drawn."""

    done: Style
    late: Style


def marks_from_theme(variables: Mapping[str, str]) -> Marks:
    """Done in the theme's success text colour, late in its error text colour, bold."""

    def colour(name: str, fallback: str) -> Style:
        try:
            return Style(color=variables.get(name, fallback))
        except ColorParseError:
            return Style(color=fallback)

    return Marks(
        done=colour("text-success", "green"), late=colour("text-error", "red") + Style(bold=True)
    )


def _grid(*ratios: int | None) -> Table:
    """A borderless table: columns as wide as needed, those with a ratio sharing the rest."""
    grid = Table.grid(padding=(0, 2), expand=True)
    for ratio in ratios:
        grid.add_column(ratio=ratio, no_wrap=ratio is None)
    return grid


def day_text(t: Translator, day: date) -> str:
    """``пт 13.11.2026``."""
    weekday = t(f"meetui.cal.weekday.{_WEEKDAYS[day.weekday()]}").lower()
    return f"{weekday} {day:%d.%m.%Y}"


def panes(
    t: Translator,
    detail: MeetingDetail,
    found: Sequence[Clash],
    marks: Marks,
    zone: ZoneInfo,
) -> dict[str, tuple[str, RenderableType]]:
    """Every pane of the meeting screen by name: its title and what it shows."""
    late, over = len(detail.late), detail.summary.status.is_final
    counted = {
        "requests": len(detail.requests),
        "experts": len(detail.experts),
        "invitees": len(detail.invitees),
        "sources": len(detail.sources),
    }
    title = {name: t(f"meetui.pane_{name}", count=count) for name, count in counted.items()}
    return {
        "facts": (t("meetui.pane_meeting"), facts(t, detail)),
        "plan": (
            t("meetui.pane_plan_late", count=late) if late else t("meetui.pane_plan"),
            plan(t, detail.plan, marks, over=over),
        ),
        "requests": (title["requests"], requests(t, detail.requests, over)),
        "experts": (title["experts"], experts(t, detail.experts, marks, over)),
        "invitees": (title["invitees"], invitees(t, detail.invitees)),
        "sources": (title["sources"], sources(t, detail.sources, over)),
        "clashes": (t("meetui.pane_clashes"), clashes(t, found, marks)),
        "history": (t("meetui.pane_history"), history(t, detail.events, zone)),
    }


def facts(t: Translator, detail: MeetingDetail) -> Table:
    """Status, time, place, link, topic, places, the preparation list sent, the minutes."""
    m = detail.summary
    rows: list[tuple[str, str]] = [
        (t("meetui.field.status"), status_text(t, m)),
        (t("meetui.field.when"), when_text(t, m)),
        (t("meetui.field.place"), m.place or NO_VALUE),
        (t("meetui.field.online_link"), m.online_link or NO_VALUE),
        (t("meetui.field.topic"), m.topic.name(t.lang) if m.topic else NO_VALUE),
        (
            t("meetui.field.capacity"),
            t("meetui.seats", capacity=m.capacity, invited=m.invitee_count)
            if m.capacity is not None
            else t("meetui.seats_free", invited=m.invitee_count),
        ),
        (
            t("meetui.field.preparation_sent"),
            f"{detail.preparation_sent_at:%d.%m.%Y}"
            if detail.preparation_sent_at
            else t("meetui.not_yet"),
        ),
    ]
    if detail.minutes:
        rows.append((t("meetui.field.minutes"), detail.minutes))
    grid = _grid(None, 1)
    for label, value in rows:
        grid.add_row(Text(label, style=LABEL), Text(value))
    return grid


def plan(
    t: Translator, milestones: Sequence[Milestone], marks: Marks, *, over: bool = False
) -> Group | Table:
    """The milestones, earliest first: done ✓, late ! (in red), or still to come; for a
    meeting held or cancelled (``over``) what was not done is only said so."""
    grid = _grid(None, None, 1, None)
    for milestone in milestones:
        if milestone.done:
            mark, state, style = "✓", t("meetui.plan_done"), marks.done
        elif milestone.late:
            mark, state, style = "!", t("meetui.plan_late"), marks.late
        elif over:
            mark, state, style = "·", t("meetui.plan.not_done"), MUTED
        else:
            mark, state, style = "·", t("meetui.plan_due"), Style()
        grid.add_row(
            Text(mark, style=style),
            Text(day_text(t, milestone.due)),
            Text(t.label(milestone.step)),
            Text(state, style=style),
        )
    if over:
        return grid
    return Group(grid, Text(""), Text(t("meetui.plan_hint"), style=MUTED))


def _empty(t: Translator, key: str, over: bool) -> Text:
    """What an empty list says: how to fill it, or (the meeting being over) only a dash."""
    return Text(NO_VALUE if over else t(key), style=MUTED)


def requests(
    t: Translator, shown: Sequence[MeetingRequestView], over: bool = False
) -> Table | Text:
    if not shown:
        return _empty(t, "meetui.no_requests", over)
    grid = _grid(None, None, None, 1)
    for r in shown:
        grid.add_row(
            Text(r.number, style=Style(bold=True)),
            Text(t.label(r.stage)),
            Text(f"{r.requester} ({t.label(r.role)})"),
            Text(r.first_line),
        )
    return grid


def _came(t: Translator, attended: bool | None) -> Text:
    if attended is None:
        return Text("")
    return Text(
        t("meetui.came" if attended else "meetui.absent"), style=Style() if attended else MUTED
    )


def experts(
    t: Translator, shown: Sequence[MeetingExpertView], marks: Marks, over: bool = False
) -> Table | Text:
    if not shown:
        return _empty(t, "meetui.no_experts", over)
    grid = _grid(1, None, None)
    for e in shown:
        name = Text(e.full_name)
        if e.organization:
            name.append(f" · {e.organization}", style=MUTED)
        confirmed = (
            Text(t("meetui.confirmed"), style=marks.done)
            if e.confirmed
            else Text(t("meetui.unconfirmed"), style=MUTED)
        )
        grid.add_row(name, confirmed, _came(t, e.attended))
    return grid


def invitees(t: Translator, shown: Sequence[MeetingInviteeView]) -> Table | Text:
    if not shown:
        return Text(t("meetui.no_invitees"), style=MUTED)
    grid = _grid(None, None, 1)
    for i in shown:
        grid.add_row(Text(i.full_name), Text(t.label(i.role), style=MUTED), _came(t, i.attended))
    return grid


def sources(t: Translator, shown: Sequence[MeetingSourceView], over: bool = False) -> Table | Text:
    if not shown:
        return _empty(t, "meetui.no_sources", over)
    grid = _grid(None, None, 1)
    for number, s in enumerate(shown, start=1):
        text = Text(s.text)
        if s.url:
            text.append(f" — {s.url}", style=MUTED)
        grid.add_row(Text(f"{number}."), Text(t.label(s.kind), style=MUTED), text)
    return grid


def clashes(t: Translator, shown: Sequence[Clash], marks: Marks) -> Table:
    grid = _grid(None, None, 1)
    for clash in shown:
        grid.add_row(
            Text(t.label(clash.kind), style=marks.late),
            Text(clash.who),
            Text(
                t("meetui.clash_with", title=clash.title, when=f"{clash.starts_at:%d.%m.%Y %H:%M}")
            ),
        )
    return grid


#: The fields an "edited" event names, and the label each is shown with.
_EDITED_FIELDS = {
    "title": "title",
    "starts_at": "when",
    "duration_minutes": "duration",
    "place": "place",
    "online_link": "online_link",
    "capacity": "capacity",
    "topic": "topic",
}
_SEQUENCE = re.compile(r"SEQUENCE (\d+)")
_CAME = re.compile(r"(\d+)/(\d+)")


def describe_note(t: Translator, event: MeetingEventView) -> str:
    """An event's note for reading: the code words the services write, in the user's
    language (the fields edited, the invitation's version, who came); others as typed."""
    note = event.note or ""
    kind = event.kind
    if kind is MeetingsEventKind.EDITED:
        names = [name.strip() for name in note.split(",")]
        if note and all(name in _EDITED_FIELDS for name in names):
            return ", ".join(t(f"meetui.field.{_EDITED_FIELDS[name]}") for name in names)
        if note in _SENT_NOTES:
            return t(_SENT_NOTES[note])
    if kind is MeetingsEventKind.ANNOUNCED and (found := _SEQUENCE.fullmatch(note)):
        return t("meetui.note.sequence", sequence=found[1])
    if kind is MeetingsEventKind.HELD and (found := _CAME.fullmatch(note)):
        return t("meetui.note.came", came=found[1], invited=found[2])
    return note


_SENT_NOTES = {
    "preparation list sent": "meetui.note.sent",
    "preparation list not sent": "meetui.note.not_sent",
}


def history(t: Translator, events: Sequence[MeetingEventView], zone: ZoneInfo) -> Table:
    """The meeting's events, newest first, at the community's local time."""
    grid = _grid(None, None, None, 1)
    for event in reversed(events):
        at: datetime = local_now(event.at, zone)
        grid.add_row(
            Text(f"{at:%d.%m.%Y %H:%M}", style=MUTED),
            Text(event.actor, style=MUTED),
            Text(t.label(event.kind)),
            Text(describe_note(t, event)),
        )
    return grid
