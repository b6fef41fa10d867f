"""How other screens reach the meetings: the list, and "the meeting of this request".

The board calls these from its ``M`` and ``m`` keys. :func:`plan_or_open` reads the
request's meetings in a thread worker (never on the UI thread) and then, on the UI
thread, opens the meeting it already has or the editor pre-filled with the request and
its suggested companions; a meeting just planned opens at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from textual.screen import Screen

from plc_console.domain import MeetingStatus
from plc_console.services.meetings_read import meetings_of_request
from plc_console.services.meetings_views import MeetingSummary
from plc_console.services.requests import get_request
from plc_console.services.views import RequestSummary
from plc_console.tui.meeting_desk import MeetingDesk, desk_of

#: Called with whether anything was saved on the screens opened.
AfterChange = Callable[[Any], None]


def show_meetings(screen: Screen[Any], after: AfterChange | None = None) -> None:
    """Push the meetings list (the calendar a key away) over ``screen``."""
    from plc_console.tui.screens.meetings import MeetingsScreen

    screen.app.push_screen(MeetingsScreen(desk_of(screen.app)), after)


def meeting_to_open(meetings: Sequence[MeetingSummary]) -> MeetingSummary | None:
    """The request's meeting to show: the first still to come, else the last held; None
    when it has none (cancelled ones do not count: the request needs a new meeting)."""
    coming = [m for m in meetings if not m.status.is_final]
    held = [m for m in meetings if m.status is MeetingStatus.HELD]
    if coming:
        return coming[0]
    return held[-1] if held else None


def plan_or_open(screen: Screen[Any], request_id: int, after: AfterChange | None = None) -> None:
    """Open the meeting of the request, or the editor to plan one for it."""
    desk = desk_of(screen.app)

    def read() -> None:
        with desk.sessions() as session:
            request = get_request(session, request_id).summary
            meetings = meetings_of_request(session, request_id)
        screen.app.call_from_thread(_open, screen, desk, request, meetings, after)

    screen.run_worker(read, thread=True, group="db", exit_on_error=False)


def _open(
    screen: Screen[Any],
    desk: MeetingDesk,
    request: RequestSummary,
    meetings: Sequence[MeetingSummary],
    after: AfterChange | None,
) -> None:
    from plc_console.tui.screens.meeting import MeetingScreen
    from plc_console.tui.screens.meeting_form import MeetingFormScreen

    if not screen.is_current:
        return  # the user went elsewhere while the meetings were read
    app, found = screen.app, meeting_to_open(meetings)
    if found is not None:
        app.push_screen(MeetingScreen(desk, found.id), after)
        return
    if request.stage.is_terminal:  # done or closed: no meeting takes it any more
        refusal = desk.t(
            "meetings.invalid.request_closed", number=request.number, stage=request.stage
        )
        screen.notify(refusal, severity="warning", markup=False)
        return

    def planned(summary: MeetingSummary | None) -> None:
        if summary is None:
            return
        if after is not None:
            after(True)
        app.push_screen(MeetingScreen(desk, summary.id), after)

    app.push_screen(MeetingFormScreen(desk, anchor=request.id), planned)
