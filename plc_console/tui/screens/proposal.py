"""Balanced assignment: one expert for each request at triage, proposed for the whole stage.

``A`` on the board opens it. The proposal is computed in a thread worker (a loading
indicator shows meanwhile): the proposed pairs (request, problem, expert, score) with
the reasons of the highlighted pair, the requests left without an expert, and the total
score against what a greedy, request-by-request choice would reach. Nothing is stored
until ``enter`` (or ``ctrl+s``) and a yes; then the screen reports what was assigned and
what was skipped, and dismisses with True if anything was. ``escape`` stores nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, LoadingIndicator, OptionList, Static
from textual.worker import Worker, WorkerState

from plc_console.domain import PlcError
from plc_console.locale import Translator
from plc_console.services.assignments import (
    ApplyResult,
    Proposal,
    apply_proposal,
    propose_balanced,
)
from plc_console.tui.errors import describe_error
from plc_console.tui.screens.dialogs import ConfirmDialog
from plc_console.tui.screens.help import KeyHelp, localize_bindings
from plc_console.tui.widgets.expert_list import say
from plc_console.tui.widgets.pair_list import PairList

_PROPOSE = "proposal-read"
#: Skipped pairs named one by one in the report; more are counted.
_SKIPPED_SHOWN = 5


def _key(keys: str, action: str, name: str, *, priority: bool = False) -> Binding:
    return Binding(
        keys,
        action,
        f"matchui.proposal.key_{name}",
        tooltip=f"matchui.proposal.help_{name}",
        id=f"proposal_{name}",
        priority=priority,
    )


def _score(value: float) -> str:
    return f"{value:.0f}"


class ProposalScreen(Screen[bool]):
    """The proposed pairs, the requests left over, and the totals; nothing stored yet."""

    BINDINGS = [
        _key("escape", "cancel", "cancel"),
        # Above the list's own enter, which would only "select" the option.
        _key("enter,ctrl+s", "apply", "apply", priority=True),
    ]

    @dataclass
    class Proposed(Message):
        proposal: Proposal

    @dataclass
    class Applied(Message):
        result: ApplyResult

    @dataclass
    class ApplyRefused(Message):
        """The services refused the whole proposal; nothing was stored."""

        error: PlcError

    def __init__(
        self,
        sessions: sessionmaker[Session],
        t: Translator,
        now: Callable[[], datetime],
        actor: str,
    ) -> None:
        super().__init__()
        localize_bindings(self, t)
        self._sessions = sessions
        self._t = t
        self._now = now
        self._actor = actor
        self._proposal: Proposal | None = None
        self._applying = False

    def compose(self) -> ComposeResult:
        t = self._t
        yield Header()
        with Vertical(id="proposal-loading"):
            yield Static(t("matchui.proposal.computing"), id="proposal-computing", markup=False)
            yield LoadingIndicator()
        yield Static("", id="proposal-summary", markup=False)
        with Vertical(id="proposal-pairs-pane", classes="request-pane") as pairs:
            pairs.border_title = t("matchui.proposal.pane_pairs")
            heading = Static("", id="proposal-heading", markup=False)
            yield heading
            yield PairList(t, heading, id="proposal-pairs")
            yield Static("", id="proposal-why", markup=False)
        with VerticalScroll(id="proposal-unmatched-pane", classes="request-pane"):
            yield Static("", id="proposal-unmatched", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        for selector in ("#proposal-summary", "#proposal-pairs-pane", "#proposal-unmatched-pane"):
            self.query_one(selector).display = False
        self.query_one(PairList).focus()
        self.sub_title = self._t("matchui.proposal.title")
        self._propose()

    @property
    def proposal(self) -> Proposal | None:
        """The proposal shown (None while it is being computed)."""
        return self._proposal

    def navigation_help(self) -> Sequence[KeyHelp]:
        return (KeyHelp("↑  ↓  pgup  pgdn", self._t("matchui.proposal.help_scroll")),)

    # --- proposing -----------------------------------------------------------------------

    @work(thread=True, group="db", exit_on_error=False, name=_PROPOSE)
    def _propose(self) -> None:
        # A read-only session: the proposal is computed, never stored here.
        with self._sessions() as session:
            proposal = propose_balanced(session, lang=self._t.lang)
        self.post_message(self.Proposed(proposal))

    @on(Proposed)
    def _show(self, message: Proposed) -> None:
        t, proposal = self._t, message.proposal
        self._proposal = proposal
        self.query_one("#proposal-loading").display = False
        lines = [
            t(
                "matchui.balance.summary",
                pairs=len(proposal.pairs),
                requests=proposal.requests,
                experts=proposal.experts,
            ),
            t(
                "matchui.balance.totals",
                total=_score(proposal.total_score),
                greedy=_score(proposal.greedy_total),
                gain=_signed(proposal.total_score - proposal.greedy_total),
            )
            if proposal.pairs
            else _nothing(t, proposal),
        ]
        summary = self.query_one("#proposal-summary", Static)
        summary.update("\n".join(lines))
        summary.display = True
        pane = self.query_one("#proposal-pairs-pane")
        pane.display = bool(proposal.pairs)
        self.query_one(PairList).show(proposal.pairs)
        self._show_why()
        unmatched = self.query_one("#proposal-unmatched-pane")
        unmatched.display = bool(proposal.unmatched)
        unmatched.border_title = t("matchui.proposal.pane_unmatched", count=len(proposal.unmatched))
        self.query_one("#proposal-unmatched", Static).update(
            ", ".join(number for _id, number in proposal.unmatched)
        )

    @on(OptionList.OptionHighlighted, "#proposal-pairs")
    def _show_why(self) -> None:
        pair = self.query_one(PairList).current
        why = self.query_one("#proposal-why", Static)
        if pair is None:
            why.update("")
            return
        reasons = " · ".join(say(self._t, reason) for reason in pair.reasons)
        why.update(self._t("matchui.proposal.why", number=pair.number, reasons=reasons))

    # --- applying ------------------------------------------------------------------------

    def action_apply(self) -> None:
        """Store the proposed assignments, after a yes."""
        proposal = self._proposal
        if proposal is None:
            self._warn(self._t("matchui.proposal.wait"))
            return
        if self._applying:
            self._warn(self._t("matchui.busy"))
            return
        if not proposal.pairs:
            self._warn(_nothing(self._t, proposal))
            return
        question = self._t("matchui.proposal.confirm_question", pairs=len(proposal.pairs))
        dialog = ConfirmDialog(self._t, self._t("matchui.proposal.confirm_title"), question)
        self.app.push_screen(dialog, lambda yes: self._apply(proposal) if yes else None)

    def _warn(self, text: str) -> None:
        self.notify(text, severity="warning", markup=False)

    def _apply(self, proposal: Proposal) -> None:
        self._applying = True
        self._write(proposal)

    @work(thread=True, group="db", exit_on_error=False)
    def _write(self, proposal: Proposal) -> None:
        now = self._now()
        try:
            with self._sessions.begin() as session:
                result = apply_proposal(session, proposal, actor=self._actor, now=now)
        except PlcError as error:
            self.post_message(self.ApplyRefused(error))
            return
        self.post_message(self.Applied(result))

    @on(Applied)
    def _applied(self, message: Applied) -> None:
        self._applying = False
        t, result = self._t, message.result
        lines = [t("matchui.proposal.applied", applied=result.applied, skipped=len(result.skipped))]
        lines += [
            f"{number}: {say(t, reason)}" for number, reason in result.skipped[:_SKIPPED_SHOWN]
        ]
        if len(result.skipped) > _SKIPPED_SHOWN:
            lines.append(t("matchui.proposal.more", count=len(result.skipped) - _SKIPPED_SHOWN))
        self.notify(
            "\n".join(lines),
            severity="warning" if result.skipped else "information",
            timeout=8 if result.skipped else 4,
            markup=False,
        )
        self.dismiss(result.applied > 0)

    @on(ApplyRefused)
    def _refused(self, message: ApplyRefused) -> None:
        self._applying = False
        self.notify(
            describe_error(message.error, self._t),
            title=self._t("matchui.not_saved"),
            severity="error",
            markup=False,
        )

    # --- leaving, errors -----------------------------------------------------------------

    def action_cancel(self) -> None:
        """Close without storing anything (not while the proposal is being stored)."""
        if self._applying:
            self._warn(self._t("matchui.busy"))
            return
        self.dismiss(False)

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR or event.worker.error is None:
            return
        if event.worker.name == _PROPOSE:
            self.query_one("#proposal-loading").display = False
        else:
            self._applying = False
        self.notify(
            describe_error(event.worker.error, self._t),
            title=self._t("tui.error_title"),
            severity="error",
            markup=False,
        )


def _nothing(t: Translator, proposal: Proposal) -> str:
    """Why nothing is proposed: no request wants an expert, or no expert fits."""
    return t("matchui.balance.nothing" if proposal.requests else "matchui.balance.no_requests")


def _signed(value: float) -> str:
    """A difference with its sign: +12, −3, 0."""
    rounded = round(value)
    if rounded > 0:
        return f"+{rounded}"
    return f"−{-rounded}" if rounded < 0 else "0"
