"""One meeting: its facts, its backward plan, its requests, people and preparation list.

``e`` edits it, ``a`` announces it (writes the calendar invitation and the announcement
text into the exports folder, says where, and moves its requests to "meeting
announced"), ``h`` records it as held (minutes and who came), ``c`` cancels it (after a
yes), ``p`` adds an item to the preparation list, ``s`` records the list as sent (or
not), ``k`` records which experts confirmed, ``r`` reads it again.

Every change names the version read: when another desk changed the meeting meanwhile it
is refused, the user told, and the meeting read afresh. Reads and writes run in thread
workers with their own sessions; the UI thread never touches the database. The screen
dismisses with whether anything was saved, so the screen below reads again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, Static
from textual.worker import Worker, WorkerState

from plc_console.domain import PlcError
from plc_console.services.meetings_conflicts import meeting_clashes
from plc_console.services.meetings_read import get_meeting
from plc_console.services.meetings_views import (
    Clash,
    MeetingDetail,
    MeetingOutcome,
    MeetingStale,
    MeetingSummary,
)
from plc_console.tui.errors import describe_error
from plc_console.tui.meeting_changes import (
    Change,
    HeldDecision,
    SourceDecision,
    adding_source,
    announcing,
    cancelling,
    confirming,
    holding,
    marking_sent,
)
from plc_console.tui.meeting_desk import MeetingDesk
from plc_console.tui.screens.dialogs import ConfirmDialog
from plc_console.tui.screens.help import KeyHelp, localize_bindings
from plc_console.tui.screens.meeting_dialogs import (
    Attendee,
    CancelDialog,
    ChecklistDialog,
    HeldDialog,
    SourceDialog,
)
from plc_console.tui.widgets import meeting_view as view
from plc_console.tui.widgets.meeting_table import when_text

_READ = "meeting-read"
#: The actions that change the meeting.
_CHANGES = frozenset(
    {"edit", "announce", "held", "cancel_meeting", "add_source", "preparation_sent",
     "confirm_experts"}
)  # fmt: skip


def _key(keys: str, action: str, name: str, *, show: bool = True) -> Binding:
    return Binding(
        keys,
        action,
        f"meetui.key_{name}",
        tooltip=f"meetui.help_{name}",
        id=f"meeting_{name}",
        show=show,
    )


def _pane(pane_id: str, body_id: str) -> Vertical:
    return Vertical(Static("", id=body_id), id=pane_id, classes="request-pane meeting-pane")


class MeetingScreen(Screen[bool]):
    """Everything about one meeting, pane by pane, and the keys that change it."""

    BINDINGS = [
        _key("escape", "back", "back"),
        _key("e", "edit", "edit"),
        _key("a", "announce", "announce"),
        _key("h", "held", "held"),
        _key("c", "cancel_meeting", "cancel"),
        _key("p", "add_source", "source"),
        _key("s", "preparation_sent", "sent", show=False),
        _key("k", "confirm_experts", "confirm", show=False),
        _key("r", "refresh", "refresh", show=False),
    ]

    @dataclass
    class MeetingRead(Message):
        detail: MeetingDetail
        clashes: tuple[Clash, ...]

    @dataclass
    class Changed(Message):
        """A change was saved; ``done`` is the catalog key of what to tell the user."""

        result: MeetingSummary | MeetingOutcome
        done: str

    @dataclass
    class Refused(Message):
        error: PlcError

    def __init__(self, desk: MeetingDesk, meeting_id: int) -> None:
        super().__init__(classes="meeting-screen")
        localize_bindings(self, desk.t)
        self._desk = desk
        self._t = desk.t
        self.meeting_id = meeting_id
        self._detail: MeetingDetail | None = None
        self._saving = False
        self.saved = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("", id="meeting-files", markup=False)
        with VerticalScroll(id="meeting-body"):
            yield Static(self._t("meetui.loading_one"), id="meeting-loading", markup=False)
            with Grid(id="meeting-top", classes="meeting-pair"):
                yield _pane("meeting-facts-pane", "meeting-facts")
                yield _pane("meeting-plan-pane", "meeting-plan")
            yield _pane("meeting-requests-pane", "meeting-requests")
            with Grid(id="meeting-people", classes="meeting-pair"):
                yield _pane("meeting-experts-pane", "meeting-experts")
                yield _pane("meeting-invitees-pane", "meeting-invitees")
            yield _pane("meeting-sources-pane", "meeting-sources")
            yield _pane("meeting-clashes-pane", "meeting-clashes")
            yield _pane("meeting-history-pane", "meeting-history")
        yield Footer()

    def on_mount(self) -> None:
        for pane in self.query(".meeting-pane"):
            pane.display = False
        self.query_one("#meeting-files").display = False
        self.query_one("#meeting-body").focus()
        self.reload()

    @property
    def detail(self) -> MeetingDetail | None:
        """The meeting as last read (None until the first read arrives)."""
        return self._detail

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """A meeting held or cancelled changes no more: its keys leave the footer."""
        detail = self._detail
        if action in _CHANGES and detail is not None and detail.summary.status.is_final:
            return False
        return True

    def navigation_help(self) -> Sequence[KeyHelp]:
        return (KeyHelp("↑  ↓  pgup  pgdn", self._t("meetui.help_scroll")),)

    # --- reading -------------------------------------------------------------------------

    def reload(self) -> None:
        self._read()

    @work(thread=True, exclusive=True, group="meeting-read", exit_on_error=False, name=_READ)
    def _read(self) -> None:
        with self._desk.sessions() as session:
            detail = get_meeting(session, self.meeting_id, today=self._desk.today())
            clashes = meeting_clashes(session, self.meeting_id)
        self.post_message(self.MeetingRead(detail, clashes))

    @on(MeetingRead)
    def _show(self, message: MeetingRead) -> None:
        detail, t = message.detail, self._t
        self._detail = detail
        m = detail.summary
        self.sub_title = f"{m.title} · {when_text(t, m)}"
        self.query_one("#meeting-loading").display = False
        marks = view.marks_from_theme(self.app.theme_variables)
        panes = view.panes(t, detail, message.clashes, marks, self._desk.zone)
        for name, (title, body) in panes.items():
            pane = self.query_one(f"#meeting-{name}-pane")
            pane.border_title = title
            pane.display = name != "clashes" or bool(message.clashes)
            self.query_one(f"#meeting-{name}", Static).update(body)
        self.query_one("#meeting-plan-pane").set_class(bool(detail.late), "-late")
        self.refresh_bindings()

    def action_refresh(self) -> None:
        """Read the meeting again: another desk may have changed it."""
        self.reload()

    # --- changing ------------------------------------------------------------------------

    def _changeable(self) -> MeetingDetail | None:
        """The meeting as read, unless it is not read yet, being saved, held or cancelled."""
        detail = self._detail
        if detail is None or self._saving:
            self.notify(self._t("meetui.wait"), severity="warning", markup=False)
            return None
        status = detail.summary.status
        if status.is_final:
            self.notify(
                self._t("meetings.rule.final", status=status), severity="warning", markup=False
            )
            return None
        return detail

    def _save(self, change: Change, done: str) -> None:
        detail = self._detail
        if detail is not None:
            self._saving = True
            self._write(detail.summary, change, done)

    @work(thread=True, group="db", exit_on_error=False)
    def _write(self, summary: MeetingSummary, change: Change, done: str) -> None:
        try:
            with self._desk.sessions.begin() as session:
                result = change(session, summary)
        except PlcError as error:  # stale, a rule, a double booking, a meeting not begun
            self.post_message(self.Refused(error))
            return
        self.post_message(self.Changed(result, done))

    @on(Changed)
    def _changed(self, message: Changed) -> None:
        self._saving = False
        self.saved = True
        result, t = message.result, self._t
        summary = result.meeting if isinstance(result, MeetingOutcome) else result
        self.notify(t(message.done, title=summary.title), timeout=4, markup=False)
        if isinstance(result, MeetingOutcome):
            self._show_outcome(result)
        self.reload()

    def _show_outcome(self, outcome: MeetingOutcome) -> None:
        t = self._t
        written = [p for p in (outcome.calendar_path, outcome.text_path) if p is not None]
        if written:
            folder = _shown_path(written[0].parent)
            names = ", ".join(p.name for p in written)
            text = t("meetui.files_written", names=names, folder=folder)
            line = self.query_one("#meeting-files", Label)
            line.update(text)
            line.display = True
            self.notify(text, timeout=8, markup=False)
        if outcome.moved:
            numbers = ", ".join(r.number for r in outcome.moved)
            stage = outcome.moved[0].stage
            self.notify(t("meetui.moved", numbers=numbers, stage=stage), timeout=6, markup=False)

    @on(Refused)
    def _refused(self, message: Refused) -> None:
        self._saving = False
        stale = isinstance(message.error, MeetingStale)
        self.notify(
            describe_error(message.error, self._t),
            title=self._t("meetui.not_saved"),
            severity="warning" if stale else "error",
            markup=False,
        )
        self.reload()

    def action_edit(self) -> None:
        """Change the time, place, requests or experts on the meeting form."""
        detail = self._changeable()
        if detail is None:
            return
        from plc_console.tui.screens.meeting_form import MeetingFormScreen

        form = MeetingFormScreen(self._desk, editing=detail)
        self.app.push_screen(form, self._after_form)

    def _after_form(self, summary: MeetingSummary | None) -> None:
        if summary is not None:
            self.saved = True
            self.reload()

    def action_announce(self) -> None:
        """Write the invitation and the announcement, after a yes."""
        detail = self._changeable()
        if detail is None:
            return
        t, desk = self._t, self._desk
        folder = _shown_path(desk.out_dir)
        question = t("meetui.announce_question", title=detail.summary.title, folder=folder)
        dialog = ConfirmDialog(t, t("meetui.announce_title"), question)

        def announce(yes: bool | None) -> None:
            if yes:
                self._save(announcing(desk), "meetui.announced")

        self.app.push_screen(dialog, announce)

    def action_cancel_meeting(self) -> None:
        """Cancel the meeting (with a reason, if any) after a yes."""
        detail = self._changeable()
        if detail is None:
            return
        t, m = self._t, detail.summary
        question = t("meetui.cancel_question", title=m.title, when=when_text(t, m))

        def cancel(reason: str | None) -> None:
            if reason is not None:
                self._save(cancelling(self._desk, reason), "meetui.cancelled")

        self.app.push_screen(CancelDialog(t, question), cancel)

    def action_held(self) -> None:
        """Record the meeting as held: short minutes and who came."""
        detail = self._changeable()
        if detail is None:
            return
        t, m = self._t, detail.summary
        if m.starts_at > self._desk.local_now():
            when = f"{m.starts_at:%d.%m.%Y %H:%M}"
            self.notify(t("meetings.invalid.not_started", when=when), severity="warning")
            return
        attendees = [
            Attendee(f"{e.full_name} ({t('meetui.expert')})", e.expert_id, True)
            for e in detail.experts
        ] + [
            Attendee(f"{i.full_name} ({t.label(i.role)})", i.person_id, False)
            for i in detail.invitees
        ]

        def held(decision: HeldDecision | None) -> None:
            if decision is not None:
                self._save(holding(self._desk, decision), "meetui.held")

        dialog = HeldDialog(t, t("meetui.held_title", title=m.title), attendees)
        self.app.push_screen(dialog, held)

    def action_add_source(self) -> None:
        """Add literature, a link or a product to the preparation list."""
        if self._changeable() is None:
            return

        def add(decision: SourceDecision | None) -> None:
            if decision is not None:
                self._save(adding_source(self._desk, decision), "meetui.source_added")

        self.app.push_screen(SourceDialog(self._t), add)

    def action_preparation_sent(self) -> None:
        """Record that the preparation list went out (or, again, that it has not)."""
        detail = self._changeable()
        if detail is not None:
            sent = detail.preparation_sent_at is None
            self._save(marking_sent(self._desk, sent), "meetui.sent" if sent else "meetui.not_sent")

    def action_confirm_experts(self) -> None:
        """Tick the experts who confirmed they will come."""
        detail = self._changeable()
        if detail is None:
            return
        t = self._t
        if not detail.experts:
            self.notify(t("meetui.no_experts"), severity="warning", markup=False)
            return
        before = {e.expert_id: e.confirmed for e in detail.experts}
        items = [(e.full_name, e.expert_id, e.confirmed) for e in detail.experts]
        dialog = ChecklistDialog(t, t("meetui.confirm_title"), t("meetui.confirm_prompt"), items)

        def confirm(ticked: tuple[int, ...] | None) -> None:
            if ticked is None:
                return
            changed = {i: i in ticked for i, was in before.items() if (i in ticked) != was}
            if changed:
                self._save(confirming(self._desk, changed), "meetui.confirmed_saved")

        self.app.push_screen(dialog, confirm)

    # --- leaving, errors -----------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss(self.saved or self._saving)

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR or event.worker.error is None:
            return
        if event.worker.name != _READ:
            self._saving = False
            self.reload()
        self.notify(
            describe_error(event.worker.error, self._t),
            title=self._t("tui.error_title"),
            severity="error",
            markup=False,
        )


def _shown_path(path: Path) -> str:
    """A folder as the user can find it: absolute."""
    return str(path.resolve())
