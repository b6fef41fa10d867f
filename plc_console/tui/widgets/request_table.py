"""A table of requests, one per row, whose problem column takes the width left over."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.cells import cell_len
from rich.console import JustifyMethod
from rich.text import Text
from textual import events
from textual.widgets import DataTable

from plc_console.locale import Translator
from plc_console.services.views import RequestSummary

NO_VALUE = "—"
#: Below this the problem column stops shrinking and the table scrolls sideways instead.
MIN_PROBLEM_WIDTH = 16
_NUMBER_WIDTH = len("З-2026-00001")
_DATE_WIDTH = len("01.11.2026")
_DAYS_WIDTH = 4
_JUSTIFY: dict[str, JustifyMethod] = {"days": "right"}


class RequestTable(DataTable[Text]):
    """Number, received date, requester, problem, category and days in stage."""

    def __init__(self, t: Translator, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._t = t
        self._requests: tuple[RequestSummary, ...] = ()
        self._read_at = datetime.min
        self._built_for_width = -1

    @property
    def requests(self) -> tuple[RequestSummary, ...]:
        """The requests shown, in table order."""
        return self._requests

    @property
    def highlighted_request(self) -> RequestSummary | None:
        """The request under the cursor, if any."""
        if not self._requests or not 0 <= self.cursor_row < len(self._requests):
            return None
        return self._requests[self.cursor_row]

    def show_requests(
        self, requests: Sequence[RequestSummary], read_at: datetime, *, keep_cursor: bool
    ) -> None:
        """Replace the rows; with ``keep_cursor`` the cursor stays on the same request."""
        current = self.highlighted_request if keep_cursor else None
        self._requests = tuple(requests)
        self._read_at = read_at
        self._rebuild(keep=current.id if current else None)

    def on_resize(self, event: events.Resize) -> None:
        if self._content_width() != self._built_for_width:
            current = self.highlighted_request
            self._rebuild(keep=current.id if current else None)

    def _content_width(self) -> int:
        # Room is always left for the vertical scrollbar, so rows that start or stop
        # overflowing never push the last column out of sight.
        return self.size.width - self.styles.scrollbar_size_vertical

    def _rebuild(self, keep: int | None) -> None:
        self._built_for_width = self._content_width()
        self.clear(columns=True)
        for key, label, width in self._columns():
            self.add_column(Text(label, justify=_JUSTIFY.get(key, "left")), width=width, key=key)
        for request in self._requests:
            self.add_row(*self._cells(request), key=str(request.id))
        rows = [request.id for request in self._requests]
        if keep in rows:
            self.move_cursor(row=rows.index(keep), animate=False)

    def _columns(self) -> list[tuple[str, str, int]]:
        t = self._t
        # Requester and category fit what this stage holds, leaving the problem more room.
        requesters = [_requester_label(t, request) for request in self._requests]
        categories = [_category_label(t, request) for request in self._requests]
        fixed = [
            ("number", t("list.col_number"), _NUMBER_WIDTH),
            ("received", t("list.col_received"), _DATE_WIDTH),
            ("requester", t("list.col_requester"), _widest(requesters)),
            ("category", t("list.col_category"), _widest(categories)),
            ("days", t("list.col_days"), _DAYS_WIDTH),
        ]
        columns = [(key, label, max(width, cell_len(label))) for key, label, width in fixed]
        padding = 2 * self.cell_padding * (len(columns) + 1)
        left = self._built_for_width - sum(width for _, _, width in columns) - padding
        problem = ("problem", t("list.col_problem"), max(MIN_PROBLEM_WIDTH, left))
        return [*columns[:3], problem, *columns[3:]]

    def _cells(self, request: RequestSummary) -> tuple[Text, ...]:
        t = self._t
        return (
            Text(request.number),
            Text(request.received_on.strftime("%d.%m.%Y")),
            Text(_requester_label(t, request)),
            Text(request.first_line, no_wrap=True, overflow="ellipsis"),
            Text(_category_label(t, request)),
            Text(str(request.days_in_stage(self._read_at)), justify="right"),
        )


def _requester_label(t: Translator, request: RequestSummary) -> str:
    """The requester's role; a young teacher is named as such (a teacher by definition)."""
    return t("young.teacher") if request.young_teacher else t.label(request.role)


def _category_label(t: Translator, request: RequestSummary) -> str:
    return t.label(request.category) if request.category else NO_VALUE


def _widest(labels: Sequence[str]) -> int:
    return max((cell_len(label) for label in labels), default=0)
