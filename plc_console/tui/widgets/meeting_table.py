"""Meetings as a table: the ones to come first (soonest at the top), then the rest.

One row a meeting: status, day and time, title, place, how many requests it addresses,
and a flag for late milestones of its plan (or for changes not yet announced). Meetings
over, held or cancelled follow the coming ones, newest first, greyed. The title takes the
width left over; a long title or place wraps. Nothing here reads the database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from rich.cells import cell_len
from rich.console import JustifyMethod
from rich.style import Style
from rich.text import Text
from textual.events import Resize
from textual.widgets import DataTable
from textual.widgets.data_table import RowDoesNotExist

from plc_console.domain import MeetingStatus
from plc_console.locale import Translator
from plc_console.services.meetings_views import MeetingSummary

#: Column keys, left to right; each header is ``meetui.col_<key>``.
COLUMNS = ("status", "when", "title", "place", "requests", "flag")
CAPS = {"place": 32, "status": 24}
MIN_TITLE_WIDTH = 20
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def is_coming(meeting: MeetingSummary, now: datetime) -> bool:
    """Planned or announced and not over yet (``now`` is local wall-clock time)."""
    return not meeting.status.is_final and meeting.ends_at > now


def upcoming_first(meetings: Sequence[MeetingSummary], now: datetime) -> list[MeetingSummary]:
    """The coming meetings soonest first, then the others newest first."""
    coming = [m for m in meetings if is_coming(m, now)]
    rest = [m for m in meetings if not is_coming(m, now)]
    coming.sort(key=lambda m: (m.starts_at, m.id))
    rest.sort(key=lambda m: (m.starts_at, m.id), reverse=True)
    return coming + rest


def when_text(t: Translator, meeting: MeetingSummary) -> str:
    """``пт 27.11.2026 15:00–16:30``."""
    weekday = t(f"meetui.cal.weekday.{_WEEKDAYS[meeting.starts_at.weekday()]}").lower()
    return f"{weekday} {meeting.starts_at:%d.%m.%Y %H:%M}–{meeting.ends_at:%H:%M}"


def status_text(t: Translator, meeting: MeetingSummary) -> str:
    """The status; an announced meeting changed since says it must be announced again."""
    status = t.label(meeting.status)
    return f"{status} · {t('meetui.changed')}" if meeting.needs_announcement else status


def _justify(key: str) -> JustifyMethod:
    return "right" if key == "requests" else "left"


class MeetingTable(DataTable[Text]):
    """The meetings; the cursor stays on the same meeting when the rows are replaced."""

    COMPONENT_CLASSES = DataTable.COMPONENT_CLASSES | {
        "meeting-table--past",
        "meeting-table--late",
    }

    def __init__(self, t: Translator, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._t = t
        self._meetings: tuple[MeetingSummary, ...] = ()
        self._late: Mapping[int, int] = {}
        self._now = datetime.min
        self._built_for_width = -1

    @property
    def meetings(self) -> tuple[MeetingSummary, ...]:
        """The meetings shown, top to bottom."""
        return self._meetings

    @property
    def current(self) -> MeetingSummary | None:
        """The meeting under the cursor (None when the table is empty)."""
        if not self._meetings:
            return None
        return self._meetings[min(max(self.cursor_row, 0), len(self._meetings) - 1)]

    def show(
        self,
        meetings: Sequence[MeetingSummary],
        late: Mapping[int, int],
        now: datetime,
        *,
        select: int | None = None,
    ) -> None:
        """Replace the rows (``late``: late milestones by meeting id; ``now``: local time);
        the cursor goes to meeting ``select`` when shown, else stays on its meeting."""
        current = self.current
        self._meetings = tuple(upcoming_first(meetings, now))
        self._late, self._now = dict(late), now
        shown = {m.id for m in self._meetings}
        keep = next((i for i in (select, current.id if current else None) if i in shown), None)
        self._rebuild(keep, self.cursor_row)

    def row_of(self, meeting_id: int) -> int | None:
        try:
            return self.get_row_index(str(meeting_id))
        except RowDoesNotExist:
            return None

    def texts(self, meeting: MeetingSummary) -> dict[str, str]:
        """What each column shows for ``meeting``, by column key."""
        t = self._t
        late = self._late.get(meeting.id, 0)
        flag = t("meetui.late_flag", count=late) if late else ""
        return {
            "status": status_text(t, meeting),
            "when": when_text(t, meeting),
            "title": meeting.title,
            "place": meeting.place or t("meetui.online"),
            "requests": str(meeting.request_count),
            "flag": flag,
        }

    def on_resize(self, event: Resize) -> None:
        if self._content_width() != self._built_for_width:
            current = self.current
            self._rebuild(current.id if current else None, self.cursor_row)

    def _content_width(self) -> int:
        return self.size.width - self.styles.scrollbar_size_vertical

    def _rebuild(self, keep: int | None, row: int) -> None:
        self._built_for_width = self._content_width()
        self.clear(columns=True)
        rows = [self.texts(meeting) for meeting in self._meetings]
        for key, width in self._widths(rows).items():
            header = Text(self._t(f"meetui.col_{key}"), justify=_justify(key))
            self.add_column(header, width=width, key=key)
        past = self._style("past")
        late = self._style("late")
        for meeting, texts in zip(self._meetings, rows, strict=True):
            style = Style() if is_coming(meeting, self._now) else past
            cells = [
                Text(
                    texts[key],
                    style=late if key == "flag" else style,
                    justify=_justify(key),
                )
                for key in COLUMNS
            ]
            if meeting.status is MeetingStatus.CANCELLED:
                cells[COLUMNS.index("title")].stylize(Style(strike=True))
            self.add_row(*cells, height=None, key=str(meeting.id))
        if keep is not None:
            row = self.row_of(keep) or 0
        if self._meetings:
            self.move_cursor(row=min(max(row, 0), len(self._meetings) - 1), animate=False)

    def _style(self, name: str) -> Style:
        # Colour and text style only: the row's background stays (cursor, stripes).
        full = self.get_component_rich_style(f"meeting-table--{name}")
        return Style(color=full.color, italic=full.italic, bold=full.bold)

    def _widths(self, rows: Sequence[dict[str, str]]) -> dict[str, int]:
        """Each column what it needs (up to a cap); the title takes what is left."""
        width: dict[str, int] = {}
        for key in COLUMNS:
            header = cell_len(self._t(f"meetui.col_{key}"))
            widest = max((cell_len(row[key]) for row in rows), default=0)
            width[key] = max(header, min(widest, CAPS.get(key, widest)))
        padding = 2 * self.cell_padding * (len(COLUMNS) + 1)
        others = sum(w for key, w in width.items() if key != "title")
        width["title"] = max(MIN_TITLE_WIDTH, self._built_for_width - padding - others)
        return width
