"""Term reports (``R`` on the board): pick a term, read its headline figures and charts,
export the report with one key.

The terms are listed newest first with the one holding today chosen; with no terms
stored, "the last 90 days" stands in for one and a hint says how to add terms. ``enter``
on a term reads its report (:func:`~plc_console.services.reports.term_report`) in a
thread worker with its own session, as every screen of the console reads; ``x`` writes
the report shown as a workbook into the app's exports folder (``h`` as an HTML page,
when that format exists), also in a worker. Requesters' names are never in the report
read here: the screen shows counts, and the files it writes are the ones ``plc report``
writes without ``--with-names``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from rich.text import Text
from sqlalchemy.orm import Session, sessionmaker
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, OptionList
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from plc_console.locale import Key, Translator
from plc_console.services.reports import Cell, TermReport, term_report
from plc_console.services.reports_text import FORMATS, text_of, write_report
from plc_console.services.terms import TermView, list_terms
from plc_console.tui.errors import describe_error
from plc_console.tui.meeting_desk import DEFAULT_EXPORTS
from plc_console.tui.screens.help import KeyHelp, localize_bindings
from plc_console.tui.widgets.report_charts import (
    CategoryChart,
    FlowChart,
    LeadTimeChart,
    ReportChart,
    ThroughputChart,
    flow_legend,
)

#: Without terms, the report covers this many days up to today.
RECENT_DAYS = 90
#: The option standing for "the last 90 days" (term options are keyed by the term's id).
RECENT = "recent"
#: Summary lines that name the term rather than measure it: shown in the pane's title.
_IDENTITY = {Key("report.summary.term"), Key("report.summary.start"), Key("report.summary.end")}
#: A figure that has no value (no feedback, nothing moved).
NO_VALUE = "—"


def _key(keys: str, action: str, name: str, *, show: bool = True) -> Binding:
    return Binding(
        keys,
        action,
        f"reportsui.key_{name}",
        tooltip=f"reportsui.help_{name}",
        id=f"reports_{name}",
        show=show,
    )


@dataclass(frozen=True)
class TermChoice:
    """One line of the terms list: a stored term, or the last 90 days (``name`` None)."""

    key: str
    name: str | None
    start: date
    end: date

    def holds(self, day: date) -> bool:
        return self.start <= day <= self.end


def term_choices(terms: Sequence[TermView], today: date) -> list[TermChoice]:
    """Every term, newest first; without terms, the last :data:`RECENT_DAYS` days."""
    if not terms:
        return [TermChoice(RECENT, None, today - timedelta(days=RECENT_DAYS - 1), today)]
    ordered = sorted(terms, key=lambda term: term.starts_on, reverse=True)
    return [TermChoice(str(term.id), term.name, term.starts_on, term.ends_on) for term in ordered]


def default_choice(choices: Sequence[TermChoice], today: date) -> TermChoice:
    """The term holding ``today``; else the latest begun by then; else the earliest."""
    for choice in choices:
        if choice.holds(today):
            return choice
    begun = [choice for choice in choices if choice.start <= today]
    return begun[0] if begun else choices[-1]


def shown_figure(value: Cell, t: Translator) -> str:
    """A headline figure as shown: a dash for no value, one decimal for rates."""
    if value is None or value == "":
        return NO_VALUE
    if isinstance(value, float):
        return f"{value:.1f}"
    return text_of(value, t)


def shown_change(change: Cell) -> str:
    """A change since the term before, signed ("+12", "−0.5"); nothing when none."""
    if not isinstance(change, int | float) or change == 0:
        return ""
    text = f"{abs(change):.1f}" if isinstance(change, float) else str(abs(change))
    return ("+" if change > 0 else "−") + text


def _dates(choice: TermChoice) -> str:
    return f"{choice.start:%d.%m.%Y} – {choice.end:%d.%m.%Y}"


class ReportsScreen(Screen[None]):
    """The terms on the left; the chosen term's figures and four charts on the right."""

    AUTO_FOCUS = "#reports-terms"

    BINDINGS = [
        _key("escape", "back", "back"),
        _key("x", "export('xlsx')", "xlsx"),
        # The HTML page is another writer's format: offered once write_report knows it.
        *([_key("h", "export('html')", "html")] if "html" in FORMATS else []),
        _key("r", "refresh", "refresh"),
    ]

    @dataclass
    class ReportRead(Message):
        """What a read found: the terms to list, the one read and its report."""

        asked: int
        choices: tuple[TermChoice, ...]
        chosen: TermChoice
        report: TermReport

    @dataclass
    class Exported(Message):
        paths: tuple[Path, ...]

    def __init__(
        self,
        sessions: sessionmaker[Session],
        t: Translator,
        now: Callable[[], datetime],
        *,
        exports_dir: Path | None = None,
    ) -> None:
        super().__init__(classes="reports-screen")
        localize_bindings(self, t)
        self._sessions = sessions
        self._t = t
        self._now = now
        self._exports_dir = exports_dir
        #: Reads asked for; an answer to an older one (a term left meanwhile) is dropped.
        self._asked = 0
        self.choices: tuple[TermChoice, ...] = ()
        self.chosen: TermChoice | None = None
        self.report: TermReport | None = None

    def compose(self) -> ComposeResult:
        t = self._t
        yield Header()
        with Horizontal(id="reports-area"):
            with Vertical(id="reports-terms-pane", classes="request-pane") as terms:
                terms.border_title = t("reportsui.terms_title")
                yield OptionList(id="reports-terms")
                no_terms = t("reportsui.no_terms", days=RECENT_DAYS)
                yield Label(no_terms, id="reports-no-terms", markup=False)
            with Vertical(id="reports-main"):
                with Horizontal(id="reports-figures", classes="request-pane") as figures:
                    figures.border_title = t("reportsui.loading")
                with Grid(id="reports-charts"):
                    for chart, name in (
                        (ThroughputChart(t, id="chart-throughput"), "throughput"),
                        (CategoryChart(t, id="chart-categories"), "categories"),
                        (FlowChart(t, id="chart-flow"), "flow"),
                        (LeadTimeChart(t, id="chart-lead"), "lead"),
                    ):
                        with Vertical(classes="request-pane report-chart-pane") as pane:
                            pane.border_title = t(f"reportsui.chart_{name}")
                            if name == "flow":
                                with Horizontal(id="reports-flow"):
                                    yield chart
                                    yield Label(flow_legend(t), id="reports-flow-legend")
                            else:
                                yield chart
        yield Label(t("reportsui.loading"), id="reports-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self._t("reportsui.title")
        self.query_one("#reports-no-terms").display = False
        self.reload()

    def navigation_help(self) -> Sequence[KeyHelp]:
        """The terms list's own keys, for the help window."""
        t = self._t
        return (
            KeyHelp("↑  ↓  pgup  pgdn", t("reportsui.help_move")),
            KeyHelp("enter", t("reportsui.help_pick")),
        )

    # --- reading ---------------------------------------------------------------------------

    @property
    def exports_dir(self) -> Path:
        """Where exports go: as given, else the app's exports folder (as set now)."""
        if self._exports_dir is not None:
            return self._exports_dir
        folder = getattr(self.app, "exports_dir", DEFAULT_EXPORTS)
        return folder if isinstance(folder, Path) else DEFAULT_EXPORTS

    def reload(self, choice: TermChoice | None = None) -> None:
        """Read the terms and the report of ``choice`` (None: the one shown, else today's)."""
        self._asked += 1
        self.query_one("#reports-status", Label).update(self._t("reportsui.loading"))
        self.query_one("#reports-status").display = True
        self._read(self._asked, choice or self.chosen)

    @work(thread=True, group="db", exclusive=True, exit_on_error=False)
    def _read(self, asked: int, wanted: TermChoice | None) -> None:
        today = self._now().date()
        with self._sessions() as session:
            choices = term_choices(list_terms(session), today)
            # A term renamed or removed meanwhile is looked up again by its key.
            keys = {choice.key: choice for choice in choices}
            chosen = keys.get(wanted.key) if wanted else None
            if chosen is None:
                chosen = default_choice(choices, today)
            report = term_report(
                session, chosen.start, chosen.end, name=chosen.name, lang=self._t.lang
            )
        self.post_message(self.ReportRead(asked, tuple(choices), chosen, report))

    @on(ReportRead)
    def _show(self, message: ReportRead) -> None:
        if message.asked != self._asked:
            return
        self.choices, self.chosen, self.report = message.choices, message.chosen, message.report
        self._show_terms(message.choices, message.chosen)
        self._show_figures(message.chosen, message.report)
        for chart, key in (
            (ThroughputChart, "throughput"),
            (CategoryChart, "by_category_role"),
            (FlowChart, "cumulative_flow"),
            (LeadTimeChart, "lead_times"),
        ):
            widget: ReportChart = self.query_one(chart)
            widget.show(message.report.table(key))
        status = self.query_one("#reports-status", Label)
        quiet = all(shown_figure(v, self._t) in ("0", NO_VALUE) for _k, v in self.figures)
        status.update(self._t("reportsui.empty") if quiet else "")
        status.display = quiet

    def _show_terms(self, choices: Sequence[TermChoice], chosen: TermChoice) -> None:
        t = self._t
        terms = self.query_one("#reports-terms", OptionList)
        terms.clear_options()
        for choice in choices:
            prompt = Text(choice.name or t("reportsui.recent", days=RECENT_DAYS), style="bold")
            prompt.append("\n" + _dates(choice), style="dim")
            terms.add_option(Option(prompt, id=choice.key))
        terms.highlighted = [choice.key for choice in choices].index(chosen.key)
        self.query_one("#reports-no-terms").display = choices[0].key == RECENT

    @property
    def figures(self) -> list[tuple[Key, Cell]]:
        """The report's headline figures (its summary less the term's name and days)."""
        if self.report is None:
            return []
        return [(label, value) for label, value in self.report.summary if label not in _IDENTITY]

    def _show_figures(self, chosen: TermChoice, report: TermReport) -> None:
        t = self._t
        pane = self.query_one("#reports-figures", Horizontal)
        name = chosen.name or t("reportsui.recent", days=RECENT_DAYS)
        pane.border_title = f"{name} · {_dates(chosen)}"
        overview = report.overview
        changes = {row[0]: row[3] for row in overview.rows} if overview else {}
        labels = []
        for label, value in self.figures:
            shown = Text(shown_figure(value, t), style="bold")
            change = shown_change(changes.get(label))
            if change:
                # Beside the figure, what changed since the term before (as in the workbook).
                shown.append(f" ({change})", style="dim")
            shown.append("\n" + text_of(label, t), style="dim")
            labels.append(Label(shown, classes="report-figure"))
        pane.remove_children()
        pane.mount(*labels)

    @on(OptionList.OptionSelected, "#reports-terms")
    def _picked(self, message: OptionList.OptionSelected) -> None:
        picked = next((c for c in self.choices if c.key == message.option_id), None)
        if picked is not None:
            self.reload(picked)

    def action_refresh(self) -> None:
        self.reload()

    def action_back(self) -> None:
        self.dismiss(None)

    # --- exporting -------------------------------------------------------------------------

    def action_export(self, fmt: str) -> None:
        """Write the report shown into the exports folder (a toast names the file)."""
        if self.report is None:
            self.notify(self._t("reportsui.not_ready"), severity="warning", markup=False)
            return
        self._export(self.report, fmt, self.exports_dir)

    @work(thread=True, group="export", exit_on_error=False)
    def _export(self, report: TermReport, fmt: str, folder: Path) -> None:
        paths = write_report(report, folder, fmt, self._t)
        self.post_message(self.Exported(tuple(paths)))

    @on(Exported)
    def _exported(self, message: Exported) -> None:
        if not message.paths:
            return
        names = ", ".join(path.name for path in message.paths)
        folder = str(message.paths[0].parent.resolve())
        self.notify(
            self._t("reportsui.exported", names=names, folder=folder), timeout=8, markup=False
        )

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.notify(
                describe_error(event.worker.error, self._t),
                title=self._t("tui.error_title"),
                severity="error",
                markup=False,
            )
