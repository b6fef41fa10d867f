"""The fever chart drawn as a grid of characters: buffer consumption (y) against chain
completion (x), the green, yellow and red bands as cell backgrounds, requests as dots.

Each cell takes the zone of its centre from :class:`~plc_console.domain.FeverBands`, so
the bands are drawn from the boundaries configured, not from fixed lines. A cell holding
several requests shows how many (``+`` for ten or more); requests above the top of the
chart are drawn on its top row. Nothing here reads the database.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from plc_console.domain import FeverBands, Zone
from plc_console.locale import Translator
from plc_console.services.buffers import FeverPoint

ZONE_STYLES = {
    Zone.GREEN: Style(bgcolor="#1f4d2b", color="#ffffff"),
    Zone.YELLOW: Style(bgcolor="#6b5a12", color="#ffffff"),
    Zone.RED: Style(bgcolor="#6e1f24", color="#ffffff"),
}
_AXIS = Style(dim=True)
_MARK = Style(bold=True)
_CHOSEN = Style(bold=True, reverse=True)
#: Width of the y axis: "100 ┤".
_LEFT = 5


def _append(text: Text, line: str, style: Style) -> None:
    """``line`` with its leading spaces unstyled: a run of its own in a screenshot, so
    SVG viewers that squeeze a run's leading spaces keep the axis where it is."""
    stripped = line.lstrip(" ")
    text.append(" " * (len(line) - len(stripped)))
    text.append(stripped, style=style)


def y_top(points: Sequence[FeverPoint], bands: FeverBands) -> float:
    """The top of the y axis: a little above the red ceiling, more if a request is far
    above it (up to twice the ceiling; higher ones sit on the top row)."""
    highest = max((p.consumption_pct for p in points), default=0.0)
    step = 20.0
    top = max(bands.red_ceiling + step, math.ceil(highest / step) * step)
    return min(top, 2 * bands.red_ceiling)


class FeverPlot(Widget):
    """Bands, axes and the requests; ``chosen`` is drawn reversed."""

    chosen: reactive[int | None] = reactive(None)
    """The request the list beside points at (its id)."""

    def __init__(self, t: Translator, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._t = t
        self._points: tuple[FeverPoint, ...] = ()
        self._bands = FeverBands()

    def show(self, points: Sequence[FeverPoint], bands: FeverBands) -> None:
        self._points, self._bands = tuple(points), bands
        self.refresh()

    def render(self) -> Text:
        width = max(10, self.size.width - _LEFT - 1)
        height = max(4, self.size.height - 3)  # the y title, the x axis and its labels
        top = y_top(self._points, self._bands)
        cells: Counter[tuple[int, int]] = Counter()
        chosen_cell: tuple[int, int] | None = None
        for point in self._points:
            column = min(width - 1, max(0, int(point.completion_pct / 100 * width)))
            row = min(height - 1, max(0, int(point.consumption_pct / top * height)))
            cells[(column, row)] += 1
            if point.request_id == self.chosen:
                chosen_cell = (column, row)
        text = Text(no_wrap=True, overflow="crop")
        _append(text, f"{'%':>{_LEFT - 1}}  {self._t('feverui.y_axis')}\n", _AXIS)
        label_rows = {
            min(height - 1, int(value / top * height)): value
            for value in range(0, int(top) + 1, 20)
        }
        for line in range(height):
            row = height - 1 - line  # row 0 is the bottom
            value = label_rows.get(row)
            axis = f"{value:>3} ┤" if value is not None else "    │"
            _append(text, axis, _AXIS)
            for column in range(width):
                x = (column + 0.5) / width * 100
                y = (row + 0.5) / height * top
                style = ZONE_STYLES[self._bands.zone(x, y)]
                count = cells.get((column, row), 0)
                mark = (
                    " " if not count else "●" if count == 1 else str(count) if count < 10 else "+"
                )
                if (column, row) == chosen_cell:
                    style = style + _CHOSEN
                elif count:
                    style = style + _MARK
                text.append(mark, style=style)
            text.append("\n")
        axis = "    └" + "".join(
            "┬" if column in self._ticks(width) else "─" for column in range(width)
        )
        _append(text, axis + "\n", _AXIS)
        labels = [" "] * (width + _LEFT + 4)
        for column, value in self._ticks(width).items():
            label = f"{value}"
            start = min(column + _LEFT - len(label) // 2, len(labels) - len(label))
            labels[start : start + len(label)] = list(label)
        title = self._t("feverui.x_axis")
        _append(text, "".join(labels).rstrip() + "  " + title, _AXIS)
        return text

    @staticmethod
    def _ticks(width: int) -> dict[int, int]:
        """Columns of the x axis labelled with their completion %, every 20 %."""
        return {min(width - 1, round(value / 100 * width)): value for value in range(0, 101, 20)}
