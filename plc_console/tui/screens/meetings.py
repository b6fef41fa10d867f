"""The meetings: a list (the ones to come first) or a calendar, a month or a week at a time.

``v`` switches between the list and the calendar, ``w`` between the calendar's month and
week. ``enter`` opens the meeting under the cursor (on the calendar: the day's meeting,
or the list of the day's meetings when it has several); ``n`` plans a new one (on the
calendar, on the day under the cursor). The board opens this screen with ``M``.

Reads run in thread workers with their own sessions and come back as this screen's
messages; the UI thread never touches the database. The screen dismisses with whether
anything was saved on the screens it opened, so the board knows to read again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label, OptionList
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from plc_console.domain import MeetingStatus
from plc_console.services.meetings_plan import meeting_plan
from plc_console.services.meetings_read import list_meetings
from plc_console.services.meetings_views import MeetingSummary
from plc_console.tui.errors import describe_error
from plc_console.tui.meeting_desk import MeetingDesk
from plc_console.tui.screens.help import KeyHelp, localize_bindings
from plc_console.tui.widgets.meeting_calendar import MONTH, WEEK, MeetingCalendar
from plc_console.tui.widgets.meeting_table import MeetingTable, status_text, when_text


def _key(keys: str, action: str, name: str, *, show: bool = True) -> Binding:
    return Binding(
        keys,
        action,
        f"meetui.key_{name}",
        tooltip=f"meetui.help_{name}",
        id=f"meetings_{name}",
        show=show,
    )


class MeetingsScreen(Screen[bool]):
    """Every meeting, as a table or on a calendar, a line for the chosen day under it."""

    AUTO_FOCUS = "#meeting-list"

    BINDINGS = [
        _key("escape", "back", "back"),
        _key("n", "new_meeting", "new"),
        _key("v", "toggle_view", "view"),
        _key("w", "toggle_span", "span"),
        _key("r", "refresh", "refresh", show=False),
    ]

    @dataclass
    class MeetingsRead(Message):
        """Every meeting, late milestones by meeting id, and the local time of reading."""

        meetings: tuple[MeetingSummary, ...]
        late: Mapping[int, int]
        now: datetime

    def __init__(self, desk: MeetingDesk, *, calendar: bool = False) -> None:
        super().__init__(classes="meetings-screen")
        localize_bindings(self, desk.t)
        self._desk = desk
        self._t = desk.t
        self._start_in_calendar = calendar
        self._in_calendar = False
        self._read_once = False
        #: The meeting the cursor goes to once the next read shows it (one just planned).
        self._select: int | None = None
        self.saved = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label(self._t("meetui.loading"), id="meetings-empty", markup=False)
        yield MeetingTable(self._t, id="meeting-list")
        with Vertical(id="meeting-calendar-pane"):
            yield MeetingCalendar(self._t, self._desk.today(), id="meeting-calendar")
            with Horizontal(id="meeting-day-bar"):
                yield Label("", id="meeting-day-title", markup=False)
                yield Label(self._t("meetui.legend.calendar"), id="meeting-legend", markup=False)
            yield OptionList(id="meeting-day", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#meeting-calendar-pane").display = False
        self.query_one(MeetingTable).display = False
        if self._start_in_calendar:
            self.action_toggle_view()
        self.reload()

    def on_screen_resume(self) -> None:
        if self._read_once:
            self.reload()

    @property
    def table(self) -> MeetingTable:
        return self.query_one(MeetingTable)

    @property
    def calendar(self) -> MeetingCalendar:
        return self.query_one(MeetingCalendar)

    @property
    def in_calendar(self) -> bool:
        return self._in_calendar

    def navigation_help(self) -> Sequence[KeyHelp]:
        t = self._t
        return (
            KeyHelp("↑  ↓  ←  →", t("meetui.help_arrows")),
            KeyHelp("pgup  pgdn", t("meetui.help_pages")),
            KeyHelp("home", t("meetui.help_home")),
            KeyHelp("enter", t("meetui.help_open")),
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_span":
            return self.in_calendar
        return True

    # --- reading -------------------------------------------------------------------------

    def reload(self) -> None:
        self._read()

    @work(thread=True, exclusive=True, group="meetings-read", exit_on_error=False)
    def _read(self) -> None:
        desk = self._desk
        today, now = desk.today(), desk.local_now()
        with desk.sessions() as session:
            meetings = tuple(list_meetings(session))
            late = {
                m.id: sum(milestone.late for milestone in meeting_plan(session, m.id, today))
                for m in meetings
                if not m.status.is_final
            }
        self.post_message(self.MeetingsRead(meetings, {k: v for k, v in late.items() if v}, now))

    @on(MeetingsRead)
    def _show(self, message: MeetingsRead) -> None:
        self._read_once = True
        meetings, table = message.meetings, self.table
        table.show(meetings, message.late, message.now, select=self._select)
        self._select = None
        self.calendar.show(meetings, message.late, message.now.date())
        self._show_day(self.calendar.cursor)
        coming = sum(
            m.status in (MeetingStatus.PLANNED, MeetingStatus.ANNOUNCED) and m.ends_at > message.now
            for m in meetings
        )
        self.sub_title = self._t("meetui.subtitle", count=len(meetings), coming=coming)
        empty = self.query_one("#meetings-empty", Label)
        empty.update(self._t("meetui.empty"))
        empty.display = not meetings and not self.in_calendar
        table.display = bool(meetings) and not self.in_calendar

    def action_refresh(self) -> None:
        """Read the meetings again: another desk may have changed them."""
        self.reload()

    # --- list or calendar ----------------------------------------------------------------

    def action_toggle_view(self) -> None:
        """The list or the calendar (the calendar goes to the list's meeting's day)."""
        to_calendar = self._in_calendar = not self._in_calendar
        self.query_one("#meeting-calendar-pane").display = to_calendar
        has_rows = bool(self.table.meetings)
        self.table.display = not to_calendar and has_rows
        # Says "reading" until the first read, then that there are no meetings.
        self.query_one("#meetings-empty").display = not to_calendar and not has_rows
        if to_calendar:
            current = self.table.current
            if current is not None and self.table.has_focus:
                self.calendar.cursor = current.starts_at.date()
            self.calendar.focus()
        else:
            self.table.focus()
        self.refresh_bindings()

    def action_toggle_span(self) -> None:
        """The calendar's month or week."""
        calendar = self.calendar
        calendar.mode = WEEK if calendar.mode == MONTH else MONTH
        calendar.focus()

    @on(MeetingCalendar.Moved)
    def _day_moved(self, message: MeetingCalendar.Moved) -> None:
        self._show_day(message.day)

    def _show_day(self, day: date) -> None:
        """The day's meetings under the calendar, to read them whole and to pick one."""
        t = self._t
        meetings = self.calendar.meetings_on(day)
        when = f"{day:%d.%m.%Y}"
        title = (
            t("meetui.day_meetings", day=when, count=len(meetings))
            if meetings
            else t("meetui.day_none", day=when)
        )
        self.query_one("#meeting-day-title", Label).update(title)
        day_list = self.query_one("#meeting-day", OptionList)
        day_list.clear_options()
        day_list.add_options(
            Option(
                f"{when_text(t, m)}  ·  {status_text(t, m)}  ·  {m.title}"
                f"  ·  {m.place or t('meetui.online')}",
                id=str(m.id),
            )
            for m in meetings
        )
        day_list.display = bool(meetings)

    @on(MeetingCalendar.Chosen)
    def _day_chosen(self, message: MeetingCalendar.Chosen) -> None:
        meetings = self.calendar.meetings_on(message.day)
        if not meetings:
            self.notify(self._t("meetui.day_empty_hint"), timeout=3, markup=False)
        elif len(meetings) == 1:
            self.open_meeting(meetings[0].id)
        else:
            day_list = self.query_one("#meeting-day", OptionList)
            day_list.highlighted = 0
            day_list.focus()

    @on(OptionList.OptionSelected, "#meeting-day")
    def _day_meeting_chosen(self, message: OptionList.OptionSelected) -> None:
        if message.option.id is not None:
            self.open_meeting(int(message.option.id))

    # --- opening and planning ------------------------------------------------------------

    @on(DataTable.RowSelected, "#meeting-list")
    def _row_selected(self) -> None:
        current = self.table.current
        if current is not None:
            self.open_meeting(current.id)

    def open_meeting(self, meeting_id: int) -> None:
        """Show one meeting; back here, the list is read again."""
        from plc_console.tui.screens.meeting import MeetingScreen

        self.app.push_screen(MeetingScreen(self._desk, meeting_id), self._after_change)

    def action_new_meeting(self) -> None:
        """Plan a meeting (on the calendar's day, when the calendar is shown)."""
        from plc_console.tui.screens.meeting_form import MeetingFormScreen

        day = self.calendar.cursor if self.in_calendar else None
        form = MeetingFormScreen(self._desk, day=day)
        self.app.push_screen(form, self._planned)

    def _planned(self, summary: MeetingSummary | None) -> None:
        if summary is None:
            return
        self.saved = True
        self._select = summary.id
        self.open_meeting(summary.id)

    def _after_change(self, saved: bool | None) -> None:
        if saved:
            self.saved = True

    # --- leaving, errors -----------------------------------------------------------------

    def action_back(self) -> None:
        """Back where the list was opened (from the day's list: back to the calendar)."""
        day_list = self.query_one("#meeting-day", OptionList)
        if day_list.has_focus:
            self.calendar.focus()
            return
        self.dismiss(self.saved)

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.notify(
                describe_error(event.worker.error, self._t),
                title=self._t("tui.error_title"),
                severity="error",
                markup=False,
            )
