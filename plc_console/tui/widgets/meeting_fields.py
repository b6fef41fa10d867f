"""The meeting editor's fields as text: how typed values read, and how choices are named.

:func:`read_meeting_form` turns what was typed into a
:class:`~plc_console.services.meetings_views.MeetingForm`, with a message for every field
that is wrong (typed values first, then the services' own rules). The label functions
name the requests and experts the editor offers, as plain text (a problem may hold
brackets that are no markup). Nothing here reads the database or touches a widget.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time

from textual.content import Content

from plc_console.domain import DEFAULT_LEAD_DAYS, working_days_after
from plc_console.locale import Key, Translator
from plc_console.services.meetings import validate_form
from plc_console.services.meetings_views import MeetingForm, MeetingInvalid, MeetingSummary
from plc_console.services.views import TopicView
from plc_console.tui.errors import describe_error
from plc_console.tui.meeting_data import ExpertChoice, RequestChoice
from plc_console.tui.widgets.form_field import format_day, parse_day, parse_whole

DEFAULT_TIME = time(15, 0)
DEFAULT_DURATION = 90
#: The typed fields, top to bottom; the required ones.
TYPED = ("title", "topic", "date", "time", "duration", "place", "online_link", "capacity")
REQUIRED = frozenset({"title", "date", "time", "duration"})
#: Labels not in ``meetui.field``.
LABELS = {"request_search": "meetui.search.requests_label"}
#: The services' refusals, by the field they are about.
_FIELD_OF = {"title_required": "title", "duration": "duration", "place_required": "place"}


def default_day(today: date) -> date:
    """A new meeting's day: the first on which no milestone of its plan is due before today."""
    return working_days_after(today, max(DEFAULT_LEAD_DAYS.values()))


def first_values(lang: str, old: MeetingSummary | None, day: date) -> dict[str, str]:
    """What the typed fields start with: the meeting's values, or a new one's on ``day``."""
    start = old.starts_at if old else datetime.combine(day, DEFAULT_TIME)
    values = {
        "title": old.title if old else "",
        "date": format_day(start.date(), lang),
        "time": f"{start:%H:%M}",
        "duration": old.duration_minutes if old else DEFAULT_DURATION,
        "place": old.place if old else None,
        "online_link": old.online_link if old else None,
        "capacity": old.capacity if old else None,
    }
    return {field: "" if value is None else str(value) for field, value in values.items()}


def parse_clock(text: str) -> time:
    """A typed time of day: ``15:00``, ``9.30`` or ``15``; ValueError otherwise."""
    typed = text.strip().replace(".", ":")
    hours, _, minutes = typed.partition(":")
    if not hours.isdecimal() or (minutes and not minutes.isdecimal()):
        raise ValueError(text)
    return time(int(hours), int(minutes or 0))


def read_meeting_form(
    t: Translator, typed: Mapping[str, str], topic: str | None, today: date
) -> tuple[MeetingForm, dict[str, str]]:
    """The form as typed (``typed``: text by field) and the message of each wrong field;
    the form is only good when there are no messages."""
    errors: dict[str, str] = {}

    def message(key: str, field: str) -> str:
        return t(key, field=Key(f"meetui.field.{field}"), value=typed.get(field, "").strip())

    day, clock = today, DEFAULT_TIME
    try:
        day = parse_day(typed["date"])
    except ValueError:
        errors["date"] = message("form.bad_date", "date")
    try:
        clock = parse_clock(typed["time"])
    except ValueError:
        errors["time"] = message("meetui.bad_time", "time")
    numbers: dict[str, int | None] = {}
    for field in ("duration", "capacity"):
        try:
            numbers[field] = parse_whole(typed[field])
        except ValueError:
            errors[field] = message("form.not_a_number", field)
            numbers[field] = None
    if numbers["duration"] is None and "duration" not in errors:
        errors["duration"] = message("invalid.required", "duration")
    form = MeetingForm(
        title=typed["title"],
        starts_at=datetime.combine(day, clock),
        duration_minutes=numbers["duration"] or DEFAULT_DURATION,
        place=typed["place"].strip() or None,
        online_link=typed["online_link"].strip() or None,
        capacity=numbers["capacity"],
        topic_key=topic,
    )
    if not errors:
        try:
            validate_form(form)
        except MeetingInvalid as error:
            field = _FIELD_OF.get(error.reason) or str(error.params.get("field", "title"))
            errors[field if field in TYPED else "title"] = describe_error(error, t)
    return form, errors


def why_suggested(t: Translator, r: RequestChoice, topics: Sequence[TopicView]) -> str:
    """Why a request is suggested to share the meeting: the topics, how alike the text."""
    names = {tp.key: tp.name(t.lang) for tp in topics}
    shared = ", ".join(names.get(k, k) for k in r.shared_topics) or t("meetui.no_shared")
    return t("meetui.form.companion", topics=shared, similarity=round(r.similarity or 0))


def request_label(t: Translator, r: RequestChoice, topics: Sequence[TopicView]) -> Content:
    """Number, requester and problem; for a suggestion, first why it is suggested."""
    why = f"{why_suggested(t, r, topics)} · " if r.similarity is not None else ""
    return Content(f"{r.number} · {r.requester} · {why}{r.first_line}")


def request_detail(t: Translator, r: RequestChoice, topics: Sequence[TopicView]) -> str:
    """The request in full, for the line under the list (the list cuts long lines)."""
    detail = f"{r.number} · {t.label(r.stage)} · {r.requester}: {r.first_line}"
    if r.similarity is not None:
        detail += f"\n{why_suggested(t, r, topics)}"
    return detail


def expert_label(t: Translator, e: ExpertChoice) -> Content:
    """Name and organisation, and the requests they are assigned to."""
    label = f"{e.full_name} · {e.organization}" if e.organization else e.full_name
    if e.assigned_to:
        label += f" — {t('meetui.assigned_to', numbers=', '.join(e.assigned_to))}"
    return Content(label)
