"""The first screen: the stages with their counts, and the requests of the chosen stage.

Every read runs in a thread worker with its own session and comes back as a
:class:`~plc_console.tui.messages.StageLoaded`; the UI thread never touches the database.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Header, Static
from textual.worker import Worker, WorkerState, get_current_worker

from plc_console.domain import PlcError, Stage
from plc_console.locale import Translator
from plc_console.services.requests import list_requests, stage_counts
from plc_console.tui.messages import StageLoaded
from plc_console.tui.screens.help import KeyHelp, localize_bindings
from plc_console.tui.widgets.request_table import RequestTable
from plc_console.tui.widgets.stage_picker import StagePicker

#: At most this many requests of one stage are read; the pane says when there are more.
ROW_LIMIT = 500


class StageListScreen(Screen[None]):
    """Stages on the left, the chosen stage's requests on the right."""

    BINDINGS = [
        Binding("r", "refresh", "key.refresh", tooltip="help.refresh", id="refresh"),
    ]

    stage: reactive[Stage] = reactive(Stage.RECEIVED, init=False)
    """The stage whose requests the table shows."""

    def __init__(
        self, sessions: sessionmaker[Session], t: Translator, now: Callable[[], datetime]
    ) -> None:
        super().__init__()
        localize_bindings(self, t)
        self._sessions = sessions
        self._t = t
        self._now = now
        #: The stage the table holds, once read (a refresh keeps the cursor where it was).
        self._shown_stage: Stage | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="panes"):
            with Vertical(id="stages-pane") as stages_pane:
                stages_pane.border_title = self._t("list.stages")
                yield StagePicker(self._t, id="stages")
            with Vertical(id="requests-pane") as requests_pane:
                requests_pane.border_title = self._t.label(self.stage)
                yield RequestTable(self._t, id="requests")
                yield Static(self._t("list.loading"), id="empty", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        picker = self.query_one(StagePicker)
        picker.select_stage(self.stage)
        picker.focus()
        self._load(self.stage)

    def navigation_help(self) -> Sequence[KeyHelp]:
        """The widgets' own keys, for the help window."""
        t = self._t
        return (
            KeyHelp("↑  ↓", t("help.move")),
            KeyHelp("home  end", t("help.first_last")),
            KeyHelp("pgup  pgdn", t("help.page")),
            KeyHelp("tab  shift+tab", t("help.switch_pane")),
        )

    def action_refresh(self) -> None:
        """Read counts and requests again: other desks may have changed them."""
        self._load(self.stage)

    @on(StagePicker.StageHighlighted)
    def _pick_stage(self, message: StagePicker.StageHighlighted) -> None:
        self.stage = message.stage

    def watch_stage(self, stage: Stage) -> None:
        self.query_one("#requests-pane").border_title = self._t.label(stage)
        self._load(stage)

    @work(thread=True, exclusive=True, group="db", exit_on_error=False)
    def _load(self, stage: Stage) -> None:
        worker = get_current_worker()
        with self._sessions() as session:
            counts = stage_counts(session)
            rows = tuple(list_requests(session, stage, limit=ROW_LIMIT))
        if not worker.is_cancelled:
            self.post_message(StageLoaded(stage, counts, rows, self._now()))

    @on(StageLoaded)
    def _show(self, message: StageLoaded) -> None:
        self.query_one(StagePicker).show_counts(message.counts)
        if message.stage is not self.stage:
            return  # the user has moved on; that stage's own read is on its way
        self.query_one(RequestTable).show_requests(
            message.rows, message.read_at, keep_cursor=message.stage is self._shown_stage
        )
        self._shown_stage = message.stage
        empty = self.query_one("#empty", Static)
        empty.update(self._t("list.empty"))
        empty.display = not message.rows
        shown, total = len(message.rows), message.total
        self.query_one("#requests-pane").border_subtitle = (
            self._t("list.more", shown=shown, total=total) if shown < total else ""
        )

    @on(Worker.StateChanged)
    def _report_failure(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.notify(
                describe_error(event.worker.error, self._t),
                title=self._t("tui.error_title"),
                severity="error",
                markup=False,
            )


def describe_error(error: BaseException, t: Translator) -> str:
    """One line for the user: our errors in their language, others by type and first line."""
    if isinstance(error, PlcError):
        return t(error.code, **error.params)
    first_line = next(iter(str(error).strip().splitlines()), "")
    detail = f"{type(error).__name__}: {first_line}" if first_line else type(error).__name__
    return t("tui.unexpected", message=detail)
