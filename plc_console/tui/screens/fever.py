"""The fever chart (``F`` on the board): every open request as chain completion against
buffer consumption, the bands from the configured boundaries, the red ones beside it.

``enter`` on a red request opens it; back here, the chart is read again. The chart is
read in a thread worker with its own session at the app's "now".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from sqlalchemy.orm import Session, sessionmaker
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Label
from textual.worker import Worker, WorkerState

from plc_console.domain import Zone
from plc_console.locale import Translator
from plc_console.services.buffers import FeverChart, FeverPoint, fever_chart
from plc_console.tui.errors import describe_error
from plc_console.tui.screens.help import localize_bindings
from plc_console.tui.widgets.fever_plot import ZONE_STYLES, FeverPlot


def _key(keys: str, action: str, name: str, *, show: bool = True) -> Binding:
    return Binding(
        keys,
        action,
        f"feverui.key_{name}",
        tooltip=f"feverui.help_{name}",
        id=f"fever_{name}",
        show=show,
    )


def _pct(value: float) -> str:
    return f"{value:.0f}%"


class FeverScreen(Screen[None]):
    """The chart on the left, the red requests (worst first) on the right."""

    AUTO_FOCUS = "#fever-red"

    BINDINGS = [
        _key("escape", "back", "back"),
        _key("r", "refresh", "refresh"),
    ]

    @dataclass
    class ChartRead(Message):
        chart: FeverChart

    def __init__(
        self, sessions: sessionmaker[Session], t: Translator, now: Callable[[], datetime]
    ) -> None:
        super().__init__(classes="fever-screen")
        localize_bindings(self, t)
        self._sessions = sessions
        self._t = t
        self._now = now
        self.chart: FeverChart | None = None

    def compose(self) -> ComposeResult:
        t = self._t
        yield Header()
        with Horizontal(id="fever-area"):
            with Vertical(id="fever-chart-pane", classes="request-pane") as chart:
                chart.border_title = t("feverui.chart_title")
                yield FeverPlot(t, id="fever-plot")
            with Vertical(id="fever-red-pane", classes="request-pane") as red:
                red.border_title = t("feverui.red_title")
                yield Label(t("feverui.no_red"), id="fever-no-red", markup=False)
                yield DataTable[Text](id="fever-red", cursor_type="row", zebra_stripes=True)
        yield Label("", id="fever-legend")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self._t("feverui.title")
        table = self.query_one("#fever-red", DataTable)
        for key in ("number", "stage", "completion", "consumption", "burn"):
            table.add_column(Text(self._t(f"feverui.col_{key}")), key=key)
        self.reload()

    def on_screen_resume(self) -> None:
        if self.chart is not None:
            self.reload()

    def reload(self) -> None:
        self._read()

    @work(thread=True, group="db", exclusive=True, exit_on_error=False)
    def _read(self) -> None:
        with self._sessions() as session:
            chart = fever_chart(session, self._now())
        self.post_message(self.ChartRead(chart))

    @on(ChartRead)
    def _show(self, message: ChartRead) -> None:
        chart = self.chart = message.chart
        t = self._t
        self.query_one(FeverPlot).show(chart.points, chart.bands)
        table = self.query_one("#fever-red", DataTable)
        table.clear()
        for point in chart.red:
            burn = f"{point.burn_rate:.1f}" if point.burn_rate is not None else "—"
            table.add_row(
                Text(point.number),
                Text(t.label(point.stage)),
                Text(_pct(point.completion_pct), justify="right"),
                Text(_pct(point.consumption_pct), justify="right"),
                Text(burn, justify="right"),
                key=str(point.request_id),
            )
        table.display = bool(chart.red)
        self.query_one("#fever-no-red").display = not chart.red
        self._chosen()
        counts = chart.counts
        legend = Text()
        for zone in Zone:
            legend.append("  ", style=ZONE_STYLES[zone])
            legend.append(f" {t.label(zone)}: {counts[zone]}   ")
        legend.append(t("feverui.not_started", count=chart.not_started))
        legend.append("   " + t("feverui.burn_hint"), style="dim")
        self.query_one("#fever-legend", Label).update(legend)

    @property
    def current(self) -> FeverPoint | None:
        """The red request under the list's cursor."""
        red = self.chart.red if self.chart else ()
        row = self.query_one("#fever-red", DataTable).cursor_row
        return red[row] if 0 <= row < len(red) else None

    @on(DataTable.RowHighlighted, "#fever-red")
    def _chosen(self) -> None:
        current = self.current
        self.query_one(FeverPlot).chosen = current.request_id if current else None

    @on(DataTable.RowSelected, "#fever-red")
    def _open(self) -> None:
        current = self.current
        open_request = getattr(self.app, "open_request", None)
        if current is not None and callable(open_request):
            open_request(current.request_id)

    def action_refresh(self) -> None:
        self.reload()

    def action_back(self) -> None:
        self.dismiss(None)

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.notify(
                describe_error(event.worker.error, self._t),
                title=self._t("tui.error_title"),
                severity="error",
                markup=False,
            )
