"""The reports screen's charts, drawn with textual-plotext from the term report's tables.

Each chart keeps the table it was last shown and draws it afresh at its own size on
every render (plotext lays out ticks and bars for a fixed number of cells), so resizing
the terminal redraws it to fit. Canvas, axes and tick colours follow the app's Textual
theme (textual-plotext's "auto" theme); bars take the theme's accent colours. Axes get
whole-number ticks (counts and days alike); dates get "dd.mm" labels, thinned out to
fit. Nothing here reads the database.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

from rich.style import Style
from rich.text import Text
from textual.app import RenderResult
from textual.color import Color
from textual_plotext import PlotextPlot
from textual_plotext.plot import Plot

from plc_console.domain import BOARD_STAGES, Stage
from plc_console.locale import Translator
from plc_console.services.reports import Cell, ReportTable

__all__ = [
    "STAGE_COLOURS",
    "CategoryChart",
    "FlowChart",
    "LeadTimeChart",
    "ReportChart",
    "ThroughputChart",
    "count_ticks",
    "flow_legend",
]

RGB = tuple[int, int, int]

#: The cumulative flow's bands, received (top) to done (bottom): cool to warm to green.
STAGE_COLOURS: dict[Stage, RGB] = {
    Stage.RECEIVED: (96, 125, 139),
    Stage.TRIAGE: (66, 133, 244),
    Stage.SCHEDULED: (0, 172, 193),
    Stage.PREPARATION: (126, 87, 194),
    Stage.SESSION: (236, 64, 122),
    Stage.PRODUCT: (255, 167, 38),
    Stage.FEEDBACK: (212, 225, 87),
    Stage.DONE: (67, 160, 71),
}
#: A day label on an x axis ("dd.mm") and the gap kept between two of them.
_DAY_LABEL = 5
_DAY_GAP = 3


def count_ticks(top: float, most: int = 5) -> list[int]:
    """Whole-number ticks from 0 up to ``top`` or just above it, at most ``most`` steps
    of 1, 2 or 5 times a power of ten (counts are never drawn as 0.83)."""
    highest = max(1, math.ceil(top))
    scale = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * scale
            if math.ceil(highest / step) <= most:
                return list(range(0, math.ceil(highest / step) * step + 1, step))
        scale *= 10


def _number(cell: Cell) -> float:
    return float(cell) if isinstance(cell, int | float) else 0.0


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(1, limit - 1)] + "…"


def _day(cell: Cell) -> str:
    return f"{cell:%d.%m}" if isinstance(cell, date) else str(cell or "")


def _positions(count: int) -> list[float]:
    """Where ``count`` bars or days sit on an axis: 1, 2, … ``count``."""
    return [float(n) for n in range(1, count + 1)]


def _scale(plt: Plot, axis: str, ticks: Sequence[int]) -> None:
    """Whole-number ticks on the x or y axis, and the axis from 0 to the last of them."""
    values, labels = [float(tick) for tick in ticks], [str(tick) for tick in ticks]
    if axis == "x":
        plt.xticks(values, labels)
        plt.xlim(0, values[-1])
    else:
        plt.yticks(values, labels)
        plt.ylim(0, values[-1])


def _every(count: int, width: int) -> int:
    """Label every n-th of ``count`` days or weeks so the labels fit in ``width`` cells."""
    fits = max(1, width // (_DAY_LABEL + _DAY_GAP))
    return max(1, math.ceil(count / fits))


class ReportChart(PlotextPlot):
    """One table drawn as a chart; :meth:`show` gives it the table, :meth:`draw` draws."""

    def __init__(self, t: Translator, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="report-chart")
        self._t = t
        self.table: ReportTable | None = None

    def show(self, table: ReportTable) -> None:
        self.table = table
        self.refresh()

    def render(self) -> RenderResult:
        plt = self.plt
        plt.clear_figure()  # a fresh figure: the previous bars and ticks are gone
        if self.table is not None:
            self.draw(plt, self.table, max(10, self.size.width), max(5, self.size.height))
        return super().render()

    def draw(self, plt: Plot, table: ReportTable, width: int, height: int) -> None:
        raise NotImplementedError

    def _colour(self, name: str) -> RGB:
        """A colour of the app's theme (``primary``, ``accent``…) for plotext."""
        value = self.app.theme_variables.get(name, "#4f8fd9")
        red, green, blue = Color.parse(value).rgb
        return (red, green, blue)

    def _bars(
        self,
        plt: Plot,
        labels: Sequence[str],
        values: Sequence[float],
        colour: str,
        size: tuple[int, int],
    ) -> None:
        """Horizontal bars, labelled on the left, the first row on top, whole-number ticks.

        plotext rounds a bar's ends and a tick's row each its own way, so bars drift off
        their labels unless a unit is a whole number of rows: the y range is set so that
        each bar gets ``rows // len(values)`` rows, one (or all but one) of them drawn.
        """
        width, height = size
        count = max(1, len(values))
        rows = max(1, height - 3)  # the frame's two lines and the x tick labels
        per_bar = max(1, rows // count)
        drawn = 1 if per_bar < 3 else per_bar - 1
        low = 0.5 + 0.5 / per_bar - (rows - count * per_bar) / (2 * per_bar)
        plt.ylim(low, low + (rows - 1) / per_bar)
        positions = _positions(count)[::-1]
        plt.bar(
            positions,
            list(values),
            orientation="horizontal",
            width=(drawn - 1) / per_bar + 1e-9,
            marker="sd",
            color=self._colour(colour),
        )
        limit = max(6, width // 3)
        plt.yticks(positions, [_short(label, limit) for label in labels])
        _scale(plt, "x", count_ticks(max(values, default=0.0), most=max(2, min(5, width // 12))))


class ThroughputChart(ReportChart):
    """Requests done per week, one bar a week (the ``throughput`` table)."""

    def draw(self, plt: Plot, table: ReportTable, width: int, height: int) -> None:
        weeks = [row[0] for row in table.rows]
        done = [_number(row[1]) for row in table.rows]
        positions = _positions(len(done))
        plt.bar(positions, done, width=0.6, color=self._colour("primary"))
        every = _every(len(positions), width - 6)
        plt.xticks(positions[::every], [_day(week) for week in weeks][::every])
        most = max(2, min(5, (height - 4) // 2))
        _scale(plt, "y", count_ticks(max(done, default=0.0), most=most))


class CategoryChart(ReportChart):
    """Requests received by difficulty category (the ``by_category_role`` totals)."""

    def draw(self, plt: Plot, table: ReportTable, width: int, height: int) -> None:
        labels = [str(self._t.value(row[0])) for row in table.rows]
        totals = [_number(row[-1]) for row in table.rows]
        self._bars(plt, labels, totals, "secondary", (width, height))


class LeadTimeChart(ReportChart):
    """The median days spent in each stage, and end to end (the ``lead_times`` table);
    a stage nothing left in the term has no bar."""

    def draw(self, plt: Plot, table: ReportTable, width: int, height: int) -> None:
        labels = [str(self._t.value(row[0])) for row in table.rows]
        medians = [_number(row[2]) for row in table.rows]
        self._bars(plt, labels, medians, "accent", (width, height))


class FlowChart(ReportChart):
    """The cumulative flow (the ``cumulative_flow`` table): for each stage, the requests
    in it or past it on every day, stacked with done at the bottom, one colour a stage."""

    def draw(self, plt: Plot, table: ReportTable, width: int, height: int) -> None:
        days = [row[0] for row in table.rows]
        if not days:
            return
        positions = _positions(len(days))
        # Columns 1..8 are BOARD_STAGES; a band's top is its count plus every later stage's.
        tops: dict[Stage, list[float]] = {}
        for index, stage in enumerate(BOARD_STAGES, start=1):
            tops[stage] = [sum(_number(v) for v in row[index:]) for row in table.rows]
        for stage in BOARD_STAGES:  # the biggest first: each later band paints over it
            plt.plot(positions, tops[stage], fillx=True, marker="sd", color=STAGE_COLOURS[stage])
        every = _every(len(positions), width - 6)
        plt.xticks(positions[::every], [_day(day) for day in days][::every])
        highest = max(tops[BOARD_STAGES[0]], default=0.0)
        ticks = count_ticks(highest, most=max(2, min(5, (height - 4) // 2)))
        _scale(plt, "y", ticks)
        # A row above zero: a band with nothing in it draws no line along the bottom.
        rows = max(1, height - 3)
        plt.ylim(ticks[-1] / rows, ticks[-1])
        plt.xlim(1, max(2, len(positions)))


def flow_legend(t: Translator) -> Text:
    """The cumulative flow's colours and the stages they stand for, one a line, received
    on top as in the chart (long names end in an ellipsis)."""
    legend = Text(no_wrap=True, overflow="ellipsis")
    for stage in BOARD_STAGES:
        red, green, blue = STAGE_COLOURS[stage]
        legend.append("██", style=Style(color=f"rgb({red},{green},{blue})"))
        legend.append(f" {t.label(stage)}\n")
    legend.rstrip()
    return legend
