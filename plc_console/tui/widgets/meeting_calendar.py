"""Meetings on a calendar: a month grid or a week grid, a cursor on one day.

The arrows move the cursor a day (left, right) or a week (up, down); page up and page
down turn a month in the month grid and a week in the week grid; home goes back to
today. Every day cell shows its meetings by start time: time and title in the month grid,
time, title and place in the week grid; a meeting with late milestones is marked ``!``,
a cancelled one is struck through and a held one greyed. ``enter`` asks the screen to
open the day (:class:`MeetingCalendar.Chosen`); each cursor move says where it went
(:class:`MeetingCalendar.Moved`). Nothing here reads the database: the screen hands in
the meetings (:meth:`MeetingCalendar.show`).
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from rich.cells import cell_len
from rich.console import Group
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from plc_console.domain import MeetingStatus
from plc_console.locale import Translator
from plc_console.services.meetings_views import MeetingSummary

MONTH, WEEK = "month", "week"
_DAYS = 7
#: The catalog keys of weekdays and months (``meetui.cal.weekday.mon`` …).
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier), on the month's last day if it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def month_weeks(day: date) -> list[list[date]]:
    """The weeks (Monday to Sunday) that hold a day of ``day``'s month."""
    first = day.replace(day=1)
    last = add_months(first, 1) - timedelta(days=1)
    start, weeks = monday_of(first), []
    while start <= last:
        weeks.append([start + timedelta(days=i) for i in range(_DAYS)])
        start += timedelta(days=_DAYS)
    return weeks


def column_widths(total: int) -> list[int]:
    """Seven column widths filling ``total`` cells with the eight borders between them."""
    inner = max(_DAYS, total - (_DAYS + 1))
    base, extra = divmod(inner, _DAYS)
    return [base + (1 if i < extra else 0) for i in range(_DAYS)]


@dataclass(frozen=True)
class CalendarStyles:
    """The rich styles of the calendar's parts, read from its component classes."""

    border: Style
    day: Style
    title: Style
    weekday: Style
    cursor: Style
    today: Style
    outside: Style
    late: Style
    held: Style
    cancelled: Style
    announced: Style
    more: Style


class MeetingCalendar(Widget, can_focus=True):
    """A month or a week of meetings, a cursor on one day."""

    COMPONENT_CLASSES = {
        "meeting-calendar--border",
        "meeting-calendar--day",
        "meeting-calendar--title",
        "meeting-calendar--weekday",
        "meeting-calendar--cursor",
        "meeting-calendar--today",
        "meeting-calendar--outside",
        "meeting-calendar--late",
        "meeting-calendar--held",
        "meeting-calendar--cancelled",
        "meeting-calendar--announced",
        "meeting-calendar--more",
    }

    BINDINGS = [
        Binding("left", "move(-1)", show=False),
        Binding("right", "move(1)", show=False),
        Binding("up", "move(-7)", show=False),
        Binding("down", "move(7)", show=False),
        Binding("pageup", "turn(-1)", show=False),
        Binding("pagedown", "turn(1)", show=False),
        Binding("home", "today", show=False),
        Binding("enter", "choose", show=False),
    ]

    mode: reactive[str] = reactive(MONTH)
    cursor: reactive[date] = reactive(date.min, always_update=True)

    @dataclass
    class Moved(Message):
        """The cursor is on ``day`` now."""

        day: date

    @dataclass
    class Chosen(Message):
        """``enter`` on ``day``."""

        day: date

    def __init__(self, t: Translator, today: date, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._t = t
        self._today = today
        self._by_day: dict[date, list[MeetingSummary]] = {}
        self._late: frozenset[int] = frozenset()
        self.set_reactive(MeetingCalendar.cursor, today)

    # --- data and movement ---------------------------------------------------------------

    def show(self, meetings: Iterable[MeetingSummary], late: Iterable[int], today: date) -> None:
        """Replace the meetings shown (``late``: ids of those with late milestones)."""
        by_day: dict[date, list[MeetingSummary]] = defaultdict(list)
        for meeting in sorted(meetings, key=lambda m: (m.starts_at, m.id)):
            by_day[meeting.starts_at.date()].append(meeting)
        self._by_day, self._late, self._today = dict(by_day), frozenset(late), today
        self.refresh()

    def meetings_on(self, day: date) -> list[MeetingSummary]:
        """The meetings of ``day`` in start order."""
        return list(self._by_day.get(day, ()))

    def days(self) -> list[list[date]]:
        """The rows of days the grid shows now: the month's weeks, or the one week."""
        if self.mode == WEEK:
            start = monday_of(self.cursor)
            return [[start + timedelta(days=i) for i in range(_DAYS)]]
        return month_weeks(self.cursor)

    def watch_cursor(self, day: date) -> None:
        self.post_message(self.Moved(day))

    def watch_mode(self) -> None:
        self.refresh()

    def action_move(self, days: int) -> None:
        self.cursor = self.cursor + timedelta(days=days)

    def action_turn(self, step: int) -> None:
        if self.mode == WEEK:
            self.cursor = self.cursor + timedelta(days=_DAYS * step)
        else:
            self.cursor = add_months(self.cursor, step)

    def action_today(self) -> None:
        self.cursor = self._today

    def action_choose(self) -> None:
        self.post_message(self.Chosen(self.cursor))

    # --- drawing ---------------------------------------------------------------------------

    def period_title(self) -> str:
        """What the grid shows: "Ноябрь 2026", or "16–22 ноября 2026" for a week."""
        t = self._t
        if self.mode == MONTH:
            month = t(f"meetui.cal.month.{_MONTHS[self.cursor.month - 1]}")
            return f"{month} {self.cursor.year}"
        first, last = self.days()[0][0], self.days()[0][-1]

        def genitive(day: date) -> str:
            return t(f"meetings.month.{_MONTHS[day.month - 1]}")

        if first.month == last.month:
            span = f"{first.day}–{last.day} {genitive(last)}"
        elif first.year == last.year:
            span = f"{first.day} {genitive(first)} – {last.day} {genitive(last)}"
        else:
            start = f"{first.day} {genitive(first)} {first.year}"
            return f"{start} – {last.day} {genitive(last)} {last.year}"
        return t("meetui.cal.week_title", span=span, year=last.year)

    def styles_now(self) -> CalendarStyles:
        def style(name: str) -> Style:
            # Blended with the widget's background (the theme's muted colours are
            # translucent); the background itself is left to the cell.
            full = self.get_component_rich_style(f"meeting-calendar--{name}")
            return Style(color=full.color, bold=full.bold, italic=full.italic, strike=full.strike)

        def background(name: str) -> Style:
            return Style(bgcolor=self.get_component_rich_style(f"meeting-calendar--{name}").bgcolor)

        return CalendarStyles(
            border=style("border"),
            day=background("day"),
            title=style("title"),
            weekday=style("weekday"),
            cursor=background("cursor"),
            today=style("today"),
            outside=style("outside"),
            late=style("late"),
            held=style("held"),
            cancelled=style("cancelled"),
            announced=style("announced"),
            more=style("more"),
        )

    def render(self) -> Group:
        # A group of lines exactly as wide as the widget: drawn as they are (a Text
        # would be re-flowed, losing the spaces that align the columns).
        lines = self.lines(self.size.width, self.size.height)
        for line in lines:
            line.no_wrap, line.overflow = True, "crop"
        return Group(*lines)

    def lines(self, width: int, height: int) -> list[Text]:
        """The grid as lines of ``width`` cells, fitting ``height`` lines where it can.

        No horizontal rules: each week begins with a shaded line of day numbers.
        """
        styles, t = self.styles_now(), self._t
        widths = column_widths(width)
        weeks = self.days()
        title = Text(self.period_title(), style=styles.title)
        title.align("center", width)
        names = [t(f"meetui.cal.weekday.{name}") for name in _WEEKDAYS]
        lines = [
            title,
            self._row(
                [_centered(n, w, styles.weekday) for n, w in zip(names, widths, strict=True)],
                styles,
            ),
        ]
        per_row, extra = divmod(max(0, height - len(lines)), len(weeks))
        for index, week in enumerate(weeks):
            rows = max(2, per_row + (index < extra))
            cells = [self._cell(day, w, rows, styles) for day, w in zip(week, widths, strict=True)]
            for line in range(rows):
                lines.append(self._row([cell[line] for cell in cells], styles))
        return lines

    def _row(self, cells: Sequence[Text], styles: CalendarStyles) -> Text:
        line = Text()
        for index, cell in enumerate(cells):
            if index:
                line.append("│", style=styles.border)
            line.append_text(cell)
        return line

    def _cell(self, day: date, width: int, height: int, styles: CalendarStyles) -> list[Text]:
        """One day's lines, each ``width`` cells wide: its number, then its meetings."""
        t = self._t
        base = styles.cursor if day == self.cursor else Style()
        in_period = self.mode == WEEK or day.month == self.cursor.month
        number = Text(f" {day.day:>2}", style=styles.cursor if day == self.cursor else styles.day)
        if self.mode == WEEK or not in_period:
            # In the week grid (and for the neighbours' days) the month says which day.
            number.append(f" {t(f'meetui.cal.short_month.{_MONTHS[day.month - 1]}')}")
        number.stylize(Style(bold=True) if in_period else styles.outside)
        if day == self._today:
            number.stylize(styles.today)
            number.append(f" · {t('meetui.cal.today')}", style=styles.today)
        texts = [number]
        entries = [self._entry(m, width, styles, base) for m in self._by_day.get(day, [])]
        room = height - 1
        shown = [line for entry in entries for line in entry]
        if len(shown) > room:
            shown, used = [], 0
            for index, entry in enumerate(entries):
                if used + len(entry) > room - 1:
                    more = Text(t("meetui.cal.more", count=len(entries) - index), style=base)
                    more.stylize(styles.more)
                    shown.append(more)
                    break
                shown.extend(entry)
                used += len(entry)
        texts.extend(shown)
        texts.extend(Text("", style=base) for _ in range(height - len(texts)))
        for text in texts:
            text.truncate(width, overflow="ellipsis", pad=True)
        return texts

    def _entry(
        self, meeting: MeetingSummary, width: int, styles: CalendarStyles, base: Style
    ) -> list[Text]:
        """A meeting's lines in a cell: one in the month grid, a few in the week grid."""
        status = {
            MeetingStatus.HELD: styles.held,
            MeetingStatus.CANCELLED: styles.cancelled,
            MeetingStatus.ANNOUNCED: styles.announced,
        }.get(meeting.status, Style())
        # The first column of every line is a gutter: "!" there marks late milestones.
        mark = Text("!" if meeting.id in self._late else " ", style=styles.late)
        if self.mode == MONTH:
            line = Text.assemble(
                mark, Text(f"{meeting.starts_at:%H:%M} {meeting.title}", style=status), style=base
            )
            return [line]
        span = f"{meeting.starts_at:%H:%M}–{meeting.ends_at:%H:%M}"
        lines = [Text.assemble(mark, Text(span, style=status + Style(bold=True)), style=base)]
        for part in _wrap(meeting.title, width - 1)[:3]:
            lines.append(Text(f" {part}", style=base + status))
        where = meeting.place or self._t("meetui.online")
        lines.append(Text(f" {where}", style=base + styles.more))
        lines.append(Text(" ", style=base))
        return lines


def _centered(text: str, width: int, style: Style) -> Text:
    shown = Text(text, style=style)
    shown.truncate(width, overflow="ellipsis")
    shown.align("center", width)
    return shown


def _wrap(text: str, width: int) -> list[str]:
    """Words onto lines of at most ``width`` cells (a longer word is cut later)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if current and cell_len(candidate) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines
