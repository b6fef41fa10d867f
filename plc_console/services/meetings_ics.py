"""Calendar files (RFC 5545) and plain-text announcements of a meeting.

:func:`calendar_bytes` builds a VCALENDAR with METHOD:REQUEST (an invitation or its
update) or METHOD:CANCEL, a VTIMEZONE for the community's zone and one VEVENT: the
meeting's stable UID, its SEQUENCE, DTSTART/DTEND with the zone's TZID, ORGANIZER, and
ATTENDEE lines with RSVP=TRUE for the experts and the invited teachers only. Parents'
and students' personal data never goes in: they are not attendees, and the description
names requests by number, never by requester or problem text.

:func:`announcement_text` is the plain text for the community's page, in Russian or
English, with the same privacy rule (it names the experts, no invitee).

Both are pure: they take a :class:`~plc_console.services.meetings_views.MeetingDetail`
and return bytes or text; :mod:`.meetings_flow` writes them into ``exports/``.
"""

from __future__ import annotations

import os
import re
import uuid
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Event, vCalAddress

from plc_console.domain import Role
from plc_console.locale import Translator
from plc_console.services.meetings_views import MeetingDetail, MeetingSummary

PRODID = "-//plc-console//Meetings//RU"
#: Only these invitees become ATTENDEEs; parents and students never do.
ATTENDEE_ROLES = frozenset({Role.TEACHER})

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def local_zone(name: str | None = None) -> ZoneInfo:
    """The community's time zone: ``name`` (e.g. Europe/Moscow), else ``PLC_TZ``, else
    the system's zone (``TZ``, /etc/localtime, /etc/timezone), else UTC."""
    candidates = [name, os.environ.get("PLC_TZ"), os.environ.get("TZ", "").lstrip(":")]
    try:
        candidates.append(os.path.realpath("/etc/localtime").split("/zoneinfo/", 1)[1])
    except IndexError:
        pass
    try:
        candidates.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    except OSError:
        pass
    for candidate in candidates:
        if not candidate:
            continue
        try:
            return ZoneInfo(candidate)
        except (ZoneInfoNotFoundError, ValueError):
            if candidate == name:
                raise
    return ZoneInfo("UTC")


def calendar_address(contact: str | None, fallback: str) -> str:
    """A calendar user address from a contact: mailto: for an e-mail, tel: for a phone
    number, else ``fallback`` (a stable urn:uuid)."""
    if contact:
        email = _EMAIL.search(contact)
        if email:
            return f"mailto:{email.group(0)}"
        digits = re.sub(r"[^\d+]", "", contact)
        if len(digits.lstrip("+")) >= 7:
            return f"tel:{digits}"
    return fallback


def _urn(meeting: MeetingSummary, kind: str, ref: int) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{meeting.uid}/{kind}/{ref}')}"


def _attendee(address: str, name: str, *, chair: bool = False) -> vCalAddress:
    attendee = vCalAddress(address)
    attendee.params["cn"] = name
    attendee.params["cutype"] = "INDIVIDUAL"
    attendee.params["role"] = "CHAIR" if chair else "REQ-PARTICIPANT"
    attendee.params["partstat"] = "NEEDS-ACTION"
    attendee.params["rsvp"] = "TRUE"
    return attendee


def calendar_bytes(
    detail: MeetingDetail,
    *,
    cancel: bool,
    tz: ZoneInfo,
    organizer_name: str,
    organizer_email: str,
    stamp: datetime,
    lang: str,
) -> bytes:
    """The meeting as an iCalendar file: an invitation (REQUEST) or its cancellation.

    ``stamp`` is when the file is made (UTC, naive or aware); times of the meeting are
    local wall-clock times in ``tz``.
    """
    meeting = detail.summary
    t = Translator(lang)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancel else "REQUEST")
    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", stamp.replace(tzinfo=ZoneInfo("UTC")) if stamp.tzinfo is None else stamp)
    event.add("dtstart", meeting.starts_at.replace(tzinfo=tz))
    event.add("dtend", meeting.ends_at.replace(tzinfo=tz))
    event.add("summary", meeting.title)
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    location = meeting.place or meeting.online_link
    if location:
        event.add("location", location)
    if meeting.online_link:
        event.add("url", meeting.online_link)
    if meeting.topic is not None:
        event.add("categories", [meeting.topic.name(lang)])
    event.add("description", "\n".join(_description(detail, t, lang)))
    organizer = vCalAddress(f"mailto:{organizer_email}")
    organizer.params["cn"] = organizer_name
    event.add("organizer", organizer)
    for expert in detail.experts:
        address = calendar_address(expert.contact, _urn(meeting, "expert", expert.expert_id))
        event.add("attendee", _attendee(address, expert.full_name, chair=True))
    for invitee in detail.invitees:
        if invitee.role not in ATTENDEE_ROLES:
            continue
        address = calendar_address(invitee.contact, _urn(meeting, "person", invitee.person_id))
        event.add("attendee", _attendee(address, invitee.full_name))
    calendar.add_component(event)
    year = meeting.starts_at.year
    calendar.add_missing_timezones(first_date=date(year - 1, 1, 1), last_date=date(year + 2, 1, 1))
    ics: bytes = calendar.to_ical()
    return ics


def _description(detail: MeetingDetail, t: Translator, lang: str) -> list[str]:
    """What the meeting is about, without anyone's personal data but the experts'."""
    meeting = detail.summary
    lines: list[str] = []
    if meeting.topic is not None:
        lines.append(t("meetings.text.topic", topic=meeting.topic.name(lang)))
    if meeting.online_link:
        lines.append(t("meetings.text.online", link=meeting.online_link))
    if detail.experts:
        lines.append(t("meetings.text.experts", names=_expert_names(detail)))
    if detail.requests:
        numbers = ", ".join(r.number for r in detail.requests)
        lines.append(t("meetings.text.requests", numbers=numbers))
    lines.extend(_preparation(detail, t))
    return lines


def _expert_names(detail: MeetingDetail) -> str:
    return "; ".join(
        f"{e.full_name} ({e.organization})" if e.organization else e.full_name
        for e in detail.experts
    )


def _preparation(detail: MeetingDetail, t: Translator) -> list[str]:
    if not detail.sources:
        return []
    lines = [t("meetings.text.preparation")]
    for n, source in enumerate(detail.sources, start=1):
        kind = t.label(source.kind)
        url = f" — {source.url}" if source.url else ""
        lines.append(f"{n}. [{kind}] {source.text}{url}")
    return lines


def format_day(day: date, t: Translator) -> str:
    """``понедельник, 14 декабря 2026 г.`` / ``Monday, 14 December 2026``."""
    return t(
        "meetings.text.date",
        weekday=t(f"meetings.weekday.{_WEEKDAYS[day.weekday()]}"),
        day=day.day,
        month=t(f"meetings.month.{_MONTHS[day.month - 1]}"),
        year=day.year,
    )


def announcement_text(
    detail: MeetingDetail, *, cancel: bool, tz: ZoneInfo, lang: str, reason: str | None = None
) -> str:
    """The announcement (or cancellation notice) for the community's page, as plain text."""
    t = Translator(lang)
    meeting = detail.summary
    day = format_day(meeting.starts_at.date(), t)
    start, end = f"{meeting.starts_at:%H:%M}", f"{meeting.ends_at:%H:%M}"
    if cancel:
        lines = [t("meetings.text.cancelled", title=meeting.title, date=day, start=start)]
        if reason and reason.strip():
            lines.append(t("meetings.text.reason", reason=reason.strip()))
        return "\n".join(lines) + "\n"
    lines = [t("meetings.text.heading"), "", f"«{meeting.title}»", ""]
    if meeting.announced_sequence is not None and meeting.sequence > 0:
        lines[1:1] = [t("meetings.text.updated")]
    lines.append(t("meetings.text.when", date=day, start=start, end=end, zone=tz.key))
    if meeting.place:
        lines.append(t("meetings.text.place", place=meeting.place))
    if meeting.capacity is not None:
        lines.append(t("meetings.text.capacity", capacity=meeting.capacity))
    lines.extend(_description(detail, t, lang))
    lines.extend(["", t("meetings.text.rsvp")])
    return "\n".join(lines) + "\n"
