"""Matching experts to one request: the experts ranked for it, and assigning them.

Opened with ``x`` on the board (the card under the cursor) or on the request screen.
The request is shown at the top (number, problem, stage, category, topics), then every
expert best first with the reasons in words (:class:`ExpertList`). ``enter`` or
``space`` assigns the highlighted expert, or unassigns an assigned one after a yes; an
expert the rules exclude is greyed and cannot be picked (the key says why instead).

Reads and writes run in thread workers with their own sessions and come back as this
screen's messages. The screen dismisses with True when it assigned or unassigned anyone,
so the board or the request screen reads again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Static
from textual.worker import Worker, WorkerState

from plc_console.domain import PlcError
from plc_console.locale import Translator
from plc_console.services.assignments import assign_expert, rank_experts, unassign_expert
from plc_console.services.matching import Candidate
from plc_console.services.reference import list_topics
from plc_console.services.requests import get_request
from plc_console.services.views import RequestSummary, TopicView
from plc_console.tui.errors import describe_error
from plc_console.tui.screens.dialogs import ConfirmDialog
from plc_console.tui.screens.help import KeyHelp, localize_bindings
from plc_console.tui.widgets.expert_list import ExpertList, say
from plc_console.tui.widgets.request_view import NO_VALUE, topic_names

_READ = "matching-read"
#: The panel lists the best this many experts (and the assigned ones wherever they rank):
#: nobody reads further down, and building every candidate of a registry of thousands
#: costs more than scoring them all.
PANEL_SHOWS = 100


def _key(keys: str, action: str, name: str, *, priority: bool = False) -> Binding:
    return Binding(
        keys,
        action,
        f"matchui.key_{name}",
        tooltip=f"matchui.help_{name}",
        id=f"matching_{name}",
        priority=priority,
    )


def request_lines(
    t: Translator, summary: RequestSummary, topics: Sequence[TopicView]
) -> tuple[Content, Content]:
    """The request in two lines: number and problem; stage, category and topics."""
    first = Content.assemble((summary.number, "bold $text-accent"), "  ", summary.first_line)
    category = t.label(summary.category) if summary.category else NO_VALUE
    names = ", ".join(topic_names(summary.topic_keys, topics, t.lang)) or NO_VALUE
    second = Content.assemble(
        (
            t("matchui.request_facts", stage=summary.stage, category=category, topics=names),
            "$foreground-muted",
        ),
    )
    return first, second


class MatchingScreen(Screen[bool]):
    """The request on top, the ranked experts below; the keys assign and unassign."""

    BINDINGS = [
        _key("escape", "back", "back"),
        # Above the list's own enter, which would only "select" the option.
        _key("enter,space", "pick", "pick", priority=True),
        _key("r", "refresh", "refresh"),
    ]

    @dataclass
    class Ranked(Message):
        """The request, the topics to name, and the experts ranked for it."""

        summary: RequestSummary
        topics: tuple[TopicView, ...]
        candidates: tuple[Candidate, ...]

    @dataclass
    class PickSaved(Message):
        """``candidate`` was assigned (``assigned``) or unassigned."""

        candidate: Candidate
        assigned: bool

    @dataclass
    class PickRefused(Message):
        """The services refused the (un)assignment; nothing was saved."""

        candidate: Candidate
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
        self._summary: RequestSummary | None = None
        self._reading = False
        self._read_again = False
        self._saving = False
        #: A save came back and the list shown is from before it: picks wait for a read
        #: started after it (else a second enter would assign the same expert again).
        self._stale = False
        #: Whether anyone was assigned or unassigned here: the caller then reads again.
        self.changed = False

    def compose(self) -> ComposeResult:
        t = self._t
        yield Header()
        with Vertical(id="match-request-pane", classes="request-pane") as pane:
            pane.border_title = t("matchui.pane_request")
            yield Static(t("matchui.loading"), id="match-request", markup=False)
            yield Static("", id="match-facts", markup=False)
        with Vertical(id="match-experts-pane", classes="request-pane") as experts:
            experts.border_title = t("matchui.pane_experts")
            heading = Static("", id="match-heading", markup=False)
            yield heading
            yield ExpertList(t, heading, empty=t("matchui.no_experts"), id="match-list")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#match-experts-pane").display = False
        self.expert_list.focus()
        self.reload()

    @property
    def expert_list(self) -> ExpertList:
        return self.query_one(ExpertList)

    def navigation_help(self) -> Sequence[KeyHelp]:
        """The list's own keys, for the help window."""
        return (KeyHelp("↑  ↓  pgup  pgdn", self._t("matchui.help_scroll")),)

    # --- reading -------------------------------------------------------------------------

    def reload(self) -> None:
        """Rank the experts again (one read at a time)."""
        if self._reading:
            self._read_again = True
            return
        self._reading = True
        self._read()

    @work(thread=True, group="db", exit_on_error=False, name=_READ)
    def _read(self) -> None:
        with self._sessions() as session:
            summary = get_request(session, self.request_id).summary
            topics = tuple(list_topics(session, include_inactive=True))
            candidates = tuple(
                rank_experts(session, self.request_id, limit=PANEL_SHOWS, lang=self._t.lang)
            )
        self.post_message(self.Ranked(summary, topics, candidates))

    @on(Ranked)
    def _show(self, message: Ranked) -> None:
        self._reading = False
        t, summary, candidates = self._t, message.summary, message.candidates
        self._summary = summary
        self.sub_title = f"{summary.number} · {t('matchui.title')}"
        first, second = request_lines(t, summary, message.topics)
        self.query_one("#match-request", Static).update(first)
        self.query_one("#match-facts", Static).update(second)
        pane = self.query_one("#match-experts-pane")
        pane.display = True
        pane.border_subtitle = (
            t(
                "matchui.counts",
                count=len(candidates),
                assigned=sum(c.assigned for c in candidates),
                excluded=sum(c.excluded is not None for c in candidates),
            )
            if candidates
            else ""
        )
        current = self.expert_list.current
        self.expert_list.show(candidates, keep=current.expert_id if current else None)
        if self._read_again:
            self._read_again = False
            self.reload()
        else:
            self._stale = False  # this read started after any save that came back

    def action_refresh(self) -> None:
        """Read the request and rank the experts again: loads change at other desks."""
        self.reload()

    # --- assigning -----------------------------------------------------------------------

    def action_pick(self) -> None:
        """Assign the highlighted expert, or unassign an assigned one after a yes."""
        candidate, summary = self.expert_list.current, self._summary
        if candidate is None or summary is None:
            self.app.bell()
            return
        if self._saving or self._stale:
            self._warn(self._t("matchui.busy"))
            return
        if candidate.excluded is not None:
            reason = say(self._t, candidate.excluded)
            self._warn(self._t("matchui.cannot_pick", name=candidate.full_name, reason=reason))
            return
        if not candidate.assigned:
            self._save(candidate, assign=True)
            return
        question = self._t(
            "matchui.unassign_question", name=candidate.full_name, number=summary.number
        )
        dialog = ConfirmDialog(self._t, self._t("matchui.unassign_title"), question)
        self.app.push_screen(
            dialog, lambda yes: self._save(candidate, assign=False) if yes else None
        )

    def _warn(self, text: str) -> None:
        self.notify(text, severity="warning", markup=False)

    def _save(self, candidate: Candidate, *, assign: bool) -> None:
        self._saving = True
        self._write(candidate, assign)

    @work(thread=True, group="db", exit_on_error=False)
    def _write(self, candidate: Candidate, assign: bool) -> None:
        now = self._now()
        change = assign_expert if assign else unassign_expert
        try:
            with self._sessions.begin() as session:
                change(session, self.request_id, candidate.expert_id, actor=self._actor, now=now)
        except PlcError as error:  # a rule (over the limit, a closed request), a stale read
            self.post_message(self.PickRefused(candidate, error))
            return
        self.post_message(self.PickSaved(candidate, assign))

    def _after_write(self) -> None:
        """A write came back (saved or not): read what is stored now before the next pick."""
        self._saving = False
        self._stale = True
        self.reload()

    @on(PickSaved)
    def _saved(self, message: PickSaved) -> None:
        self.changed = True
        number = self._summary.number if self._summary else ""
        key = "matchui.assigned" if message.assigned else "matchui.unassigned"
        self.notify(
            self._t(key, name=message.candidate.full_name, number=number), timeout=3, markup=False
        )
        self._after_write()

    @on(PickRefused)
    def _refused(self, message: PickRefused) -> None:
        self.notify(
            describe_error(message.error, self._t),
            title=self._t("matchui.not_saved"),
            severity="error",
            markup=False,
        )
        self._after_write()  # show what is stored now; the user decides again

    # --- leaving, errors -----------------------------------------------------------------

    def action_back(self) -> None:
        """Close; True tells the caller someone was (or is being) assigned or unassigned."""
        self.dismiss(self.changed or self._saving)

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR or event.worker.error is None:
            return
        if event.worker.name == _READ:
            self._reading = self._read_again = self._stale = False
        else:
            self._after_write()
        self.notify(
            describe_error(event.worker.error, self._t),
            title=self._t("tui.error_title"),
            severity="error",
            markup=False,
        )
