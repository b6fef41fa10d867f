"""One request in full: every field, the problem as written, and its whole history.

The board opens it with ``enter`` on a card. Reads and writes run in thread workers
with their own sessions and come back as this screen's messages; the UI thread never
touches the database. The screen dismisses with True when it saved anything, so the
board knows to read again.

``t`` sets the category and topics (triage) with the version read: when another desk
changed the request meanwhile, the save is refused, the user told, and the request read
afresh. Hook for the key to come: ``e`` edits the requester's fields with
``RequestFormScreen(…, editing=self.detail)``; on a saved result call
:meth:`RequestScreen.after_save` (marks the screen changed and reads again).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Static
from textual.worker import Worker, WorkerState

from plc_console.domain import PlcError
from plc_console.locale import Translator
from plc_console.services.errors import StaleVersion
from plc_console.services.reference import list_topics
from plc_console.services.requests import get_request, set_triage
from plc_console.services.views import RequestDetail, RequestSummary, TopicView
from plc_console.tui.errors import describe_error
from plc_console.tui.screens.help import KeyHelp, localize_bindings
from plc_console.tui.screens.triage_dialog import TriageDecision, TriageDialog
from plc_console.tui.widgets.request_products import RequestProducts
from plc_console.tui.widgets.request_view import (
    REQUEST_LABELS,
    REQUESTER_LABELS,
    FieldGrid,
    HistoryTable,
    request_fields,
    requester_fields,
)

_READ = "request-read"


def _key(keys: str, action: str, name: str, *, show: bool = True) -> Binding:
    return Binding(
        keys, action, f"request.key_{name}", tooltip=f"request.help_{name}", show=show, id=name
    )


class RequestScreen(Screen[bool]):
    """Fields of the request and of its requester, the problem, then the history."""

    BINDINGS = [
        _key("escape", "back", "back"),
        _key("e", "edit_request", "edit"),
        _key("t", "triage", "triage"),
        Binding(
            "x", "match_experts", "matchui.key_match", tooltip="matchui.help.match", id="match"
        ),
        _key("r", "refresh", "refresh"),
        Binding(
            "a",
            "answer_with_product",
            "feedbackui.key_answer",
            tooltip="feedbackui.help_answer",
            id="answer_with_product",
        ),
        Binding(
            "f",
            "record_feedback",
            "feedbackui.key_feedback",
            tooltip="feedbackui.help_feedback",
            id="record_feedback",
        ),
    ]

    @dataclass
    class RequestRead(Message):
        """The request with its history, the topics to name, and the moment of reading."""

        detail: RequestDetail
        topics: tuple[TopicView, ...]
        read_at: datetime

    @dataclass
    class TriageSaved(Message):
        summary: RequestSummary

    @dataclass
    class TriageRefused(Message):
        """A stale version (another desk changed the request) or a rule; nothing saved."""

        error: PlcError

    def __init__(
        self,
        sessions: sessionmaker[Session],
        t: Translator,
        now: Callable[[], datetime],
        actor: str,
        request_id: int,
    ) -> None:
        super().__init__()
        localize_bindings(self, t)
        self._sessions = sessions
        self._t = t
        self._now = now
        self._actor = actor
        self.request_id = request_id
        self._detail: RequestDetail | None = None
        self._topics: tuple[TopicView, ...] = ()
        self._reading = False
        #: A read was asked for while one was under way: read once more when it arrives.
        self._read_again = False
        self._saving = False
        #: Whether anything was saved here: the board then reads again.
        self.saved = False

    def compose(self) -> ComposeResult:
        t = self._t
        yield Header()
        with VerticalScroll(id="request-body"):
            yield Static(t("request.loading"), id="request-loading", markup=False)
            with Grid(id="request-facts"):
                with Vertical(id="request-card", classes="request-pane") as card:
                    card.border_title = t("request.pane_request")
                    yield FieldGrid(t, REQUEST_LABELS, id="request-fields")
                with Vertical(id="request-person", classes="request-pane") as person:
                    person.border_title = t("request.pane_requester")
                    yield FieldGrid(t, REQUESTER_LABELS, id="requester-fields")
            with Vertical(id="request-problem-pane", classes="request-pane") as problem:
                problem.border_title = t("field.problem")
                yield Static("", id="request-problem", markup=False)
            yield RequestProducts(self._sessions, t, self._now, self._actor)
        with Vertical(id="request-history-pane", classes="request-pane") as history:
            history.border_title = t("request.pane_history")
            yield HistoryTable(t, id="request-history")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#request-facts").display = False
        self.query_one("#request-problem-pane").display = False
        self.query_one("#request-body").focus()
        self.reload()

    @property
    def detail(self) -> RequestDetail | None:
        """The request as last read (None until the first read arrives)."""
        return self._detail

    def navigation_help(self) -> Sequence[KeyHelp]:
        """The widgets' own keys, for the help window."""
        t = self._t
        return (
            KeyHelp("↑  ↓  pgup  pgdn", t("request.help_scroll")),
            KeyHelp("tab  shift+tab", t("request.help_switch")),
        )

    # --- reading -------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the request, its history and the topics again (one read at a time)."""
        if self._reading:
            self._read_again = True
            return
        self._reading = True
        self._read()

    @work(thread=True, group="db", exit_on_error=False, name=_READ)
    def _read(self) -> None:
        with self._sessions() as session:
            detail = get_request(session, self.request_id)
            topics = tuple(list_topics(session, include_inactive=True))
        self.post_message(self.RequestRead(detail, topics, self._now()))

    @on(RequestRead)
    def _show(self, message: RequestRead) -> None:
        self._reading = False
        detail, t = message.detail, self._t
        self._detail, self._topics = detail, message.topics
        summary = detail.summary
        self.sub_title = f"{summary.number} · {summary.requester}"
        self.query_one("#request-loading").display = False
        self.query_one("#request-facts").display = True
        self.query_one("#request-problem-pane").display = True
        fields = request_fields(t, detail, message.topics, message.read_at)
        self.query_one("#request-fields", FieldGrid).show(fields)
        self.query_one("#requester-fields", FieldGrid).show(requester_fields(t, detail))
        self.query_one("#request-problem", Static).update(summary.problem)
        self.query_one("#request-history", HistoryTable).show_events(detail.events, message.topics)
        self.query_one(RequestProducts).show(detail)
        if self._read_again:
            self._read_again = False
            self.reload()

    def action_refresh(self) -> None:
        """Read the request again: another desk may have changed it."""
        self.reload()

    # --- triage --------------------------------------------------------------------------

    def _editable(self) -> RequestDetail | None:
        """The request as read, unless it is not read yet or a save of it is under way."""
        detail = self._detail
        if detail is None or self._reading:
            self.notify(self._t("request.wait_read"), severity="warning", markup=False)
            return None
        if self._saving:
            self.notify(
                self._t("request.busy", number=detail.summary.number),
                severity="warning",
                markup=False,
            )
            return None
        return detail

    def action_triage(self) -> None:
        """Set the category and topics; refused once the request is done or closed."""
        detail = self._editable()
        if detail is None:
            return
        summary = detail.summary
        if summary.stage.is_terminal:
            self.notify(
                self._t("request.triage_refused", number=summary.number, stage=summary.stage),
                severity="warning",
                markup=False,
            )
            return
        offered = [
            topic for topic in self._topics if topic.active or topic.key in summary.topic_keys
        ]
        dialog = TriageDialog(
            self._t, summary.number, summary.category, summary.topic_keys, offered
        )
        self.app.push_screen(dialog, lambda decision: self._save_triage(detail, decision))

    def _save_triage(self, detail: RequestDetail, decision: TriageDecision | None) -> None:
        if decision is None:
            return
        summary = detail.summary
        if decision == TriageDecision(summary.category, summary.topic_keys):
            self.notify(self._t("request.unchanged"), timeout=3, markup=False)
            return
        self._saving = True
        self._write_triage(summary.id, summary.version, decision)

    @work(thread=True, group="db", exit_on_error=False)
    def _write_triage(self, request_id: int, version: int, decision: TriageDecision) -> None:
        now = self._now()
        try:
            with self._sessions.begin() as session:
                summary = set_triage(
                    session,
                    request_id,
                    version,
                    category=decision.category,
                    topic_keys=decision.topic_keys,
                    actor=self._actor,
                    now=now,
                )
        except PlcError as error:  # a stale version, an unknown topic
            self.post_message(self.TriageRefused(error))
            return
        self.post_message(self.TriageSaved(summary))

    @on(TriageSaved)
    def _triage_saved(self, message: TriageSaved) -> None:
        self._saving = False
        self.notify(
            self._t("request.triage_saved", number=message.summary.number),
            timeout=3,
            markup=False,
        )
        self.after_save()

    @on(TriageRefused)
    def _triage_refused(self, message: TriageRefused) -> None:
        self._saving = False
        stale = isinstance(message.error, StaleVersion)
        self.notify(
            describe_error(message.error, self._t),
            title=self._t("request.not_saved"),
            severity="warning" if stale else "error",
            markup=False,
        )
        self.reload()  # show what the other desk did; the user decides again

    def action_edit_request(self) -> None:
        """Correct the request's fields on the request form (from the version shown)."""
        detail = self._editable()
        if detail is None:
            return
        from plc_console.tui.screens.request_form import RequestFormScreen

        form = RequestFormScreen(self._sessions, self._t, self._now, self._actor, editing=detail)
        self.app.push_screen(form, lambda saved: self.after_save() if saved else None)

    def action_match_experts(self) -> None:
        """Rank the experts for this request; assign or unassign them."""
        from plc_console.tui.screens.matching import MatchingScreen

        screen = MatchingScreen(self._sessions, self._t, self._now, self._actor, self.request_id)
        self.app.push_screen(screen, lambda changed: self.after_save() if changed else None)

    # --- products: answering with one, recording feedback (issue 7) ----------------------

    def action_answer_with_product(self) -> None:
        """Answer the request with a similar published product: it skips to feedback."""
        if self._editable() is not None:
            self.query_one(RequestProducts).answer()

    def action_record_feedback(self) -> None:
        """Record what the requester said about the solution (at the feedback stage)."""
        if self._editable() is not None:
            self.query_one(RequestProducts).record_feedback()

    @on(RequestProducts.Saved)
    def _products_saved(self, message: RequestProducts.Saved) -> None:
        self.notify(message.text, timeout=3, markup=False)
        self.after_save()

    @on(RequestProducts.Refused)
    def _products_refused(self, message: RequestProducts.Refused) -> None:
        self._triage_refused(self.TriageRefused(message.error))

    def after_save(self) -> None:
        """Something about the request was saved: remember it for the board, read again."""
        self.saved = True
        self.reload()

    # --- leaving, errors -----------------------------------------------------------------

    def action_back(self) -> None:
        """Back to the board; True tells it something was (or is being) saved here."""
        self.dismiss(self.saved or self._saving)

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR or event.worker.error is None:
            return
        if event.worker.name == _READ:
            self._reading = self._read_again = False
        else:
            self._saving = False
            self.reload()
        self.notify(
            describe_error(event.worker.error, self._t),
            title=self._t("tui.error_title"),
            severity="error",
            markup=False,
        )
