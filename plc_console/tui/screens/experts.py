"""The expert registry: who can help with requests, what in, how much and when.

A table of every expert (inactive ones greyed), narrowed as the search line is typed
in. ``n`` adds an expert and ``e`` (or ``enter``) edits the one under the cursor on
:class:`ExpertFormScreen`; ``d`` makes an expert inactive (after a yes) or active again.
Reads and writes run in thread workers with their own sessions and come back as this
screen's messages; the UI thread never touches the database. The screen dismisses with
whether anything was saved, so whoever opened it knows to read again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Label
from textual.worker import Worker, WorkerState

from plc_console.locale import Translator
from plc_console.services.experts import get_expert, search_experts, set_active
from plc_console.services.reference import list_topics
from plc_console.services.views import ExpertView, TopicView
from plc_console.tui.errors import describe_error
from plc_console.tui.screens.dialogs import ConfirmDialog
from plc_console.tui.screens.help import KeyHelp, localize_bindings
from plc_console.tui.widgets.expert_table import ExpertTable
from plc_console.tui.widgets.search_bar import SearchBar

_READ = "experts-read"


def _key(keys: str, action: str, name: str, *, show: bool = True) -> Binding:
    return Binding(
        keys,
        action,
        f"expertsui.key_{name}",
        tooltip=f"expertsui.help_{name}",
        id=f"experts_{name}",
        show=show,
    )


class ExpertsScreen(Screen[bool]):
    """The registry as a table, a search line above it."""

    # The table takes the keys; Textual would otherwise focus the hidden search line.
    AUTO_FOCUS = "#experts"

    BINDINGS = [
        _key("escape", "back", "back"),
        _key("n", "new_expert", "new"),
        # enter on the table selects its row, which edits too (see _row_selected).
        _key("e", "edit_expert", "edit"),
        _key("d", "toggle_active", "active"),
        _key("slash", "search", "search"),
        _key("r", "refresh", "refresh", show=False),
    ]

    @dataclass
    class ExpertsRead(Message):
        """The experts found for ``text``; ``serial`` tells a late read from the latest."""

        serial: int
        text: str
        experts: tuple[ExpertView, ...]
        topics: tuple[TopicView, ...]

    @dataclass
    class ExpertRead(Message):
        """One expert read afresh, to be edited."""

        expert: ExpertView

    @dataclass
    class ActiveSet(Message):
        expert: ExpertView
        active: bool

    def __init__(
        self,
        sessions: sessionmaker[Session],
        t: Translator,
        actor: str,
    ) -> None:
        super().__init__(classes="experts-screen")
        localize_bindings(self, t)
        self._sessions = sessions
        self._t = t
        self._actor = actor
        self._search = ""
        self._topics: tuple[TopicView, ...] = ()
        #: Reads asked for and the latest shown: a read overtaken by a newer one is dropped.
        self._asked = self._shown = 0
        #: The expert the cursor goes to once the next read shows them (one just saved).
        self._select: int | None = None
        #: Whether anything was saved here: the screen below then reads again.
        self.saved = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield SearchBar(self._t)
        yield Label("", id="experts-empty", markup=False)
        yield ExpertTable(self._t, id="experts")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#search", Input).placeholder = self._t("expertsui.search_placeholder")
        self.query_one("#experts-empty").display = False
        self.reload()

    def on_screen_resume(self) -> None:
        # Back from a form or help: another desk may have changed the registry meanwhile.
        if self._shown:
            self.reload()

    @property
    def table(self) -> ExpertTable:
        return self.query_one(ExpertTable)

    def navigation_help(self) -> Sequence[KeyHelp]:
        """The table's own keys, for the help window."""
        t = self._t
        return (
            KeyHelp("↑  ↓  pgup  pgdn", t("expertsui.help_move")),
            KeyHelp("enter", t("expertsui.help_edit")),
        )

    # --- reading -------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the experts matching the search (and the topics that name competences)."""
        self._asked += 1
        self._read(self._asked, self._search)

    @work(thread=True, group="db", exit_on_error=False, name=_READ)
    def _read(self, serial: int, text: str) -> None:
        with self._sessions() as session:
            experts = tuple(search_experts(session, text))
            topics = tuple(list_topics(session, include_inactive=True))
        self.post_message(self.ExpertsRead(serial, text, experts, topics))

    @on(ExpertsRead)
    def _show(self, message: ExpertsRead) -> None:
        if message.serial < self._shown:
            return
        self._shown = message.serial
        self._topics = message.topics
        experts, wanted = message.experts, self._select
        if wanted is not None and any(expert.id == wanted for expert in experts):
            self._select = None
        table = self.table
        table.show(experts, message.topics, select=wanted)
        # An empty table would show its headers over nothing: the message says why instead.
        table.display = bool(experts)
        if experts and self.focused is None:
            table.focus()
        active = sum(expert.active for expert in experts)
        self.sub_title = self._t("expertsui.subtitle", count=len(experts), active=active)
        empty = self.query_one("#experts-empty", Label)
        empty.display = not experts
        if message.text:
            empty.update(self._t("expertsui.nothing_found", text=message.text))
        else:
            empty.update(self._t("expertsui.empty"))

    def action_refresh(self) -> None:
        """Read the registry again: another desk may have changed it."""
        self.reload()

    # --- search ----------------------------------------------------------------------------

    def action_search(self) -> None:
        self.query_one(SearchBar).open()

    @on(SearchBar.Changed)
    def _search_changed(self, message: SearchBar.Changed) -> None:
        self._search = message.text.strip()
        self.reload()

    @on(SearchBar.Done)
    def _search_done(self) -> None:
        self.table.focus()

    # --- adding and editing ----------------------------------------------------------------

    def action_new_expert(self) -> None:
        """Add an expert to the registry."""
        if not self._shown:
            self.notify(self._t("expertsui.wait_read"), severity="warning", markup=False)
            return
        from plc_console.tui.screens.expert_form import ExpertFormScreen

        form = ExpertFormScreen(self._sessions, self._t, self._topics)
        self.app.push_screen(form, self._after_save)

    def action_edit_expert(self) -> None:
        """Correct the expert under the cursor (read afresh first)."""
        expert = self.table.current
        if expert is None:
            self.app.bell()
            return
        self._read_expert(expert.id)

    @on(DataTable.RowSelected, "#experts")
    def _row_selected(self) -> None:
        self.action_edit_expert()

    @work(thread=True, group="db", exit_on_error=False)
    def _read_expert(self, expert_id: int) -> None:
        with self._sessions() as session:
            self.post_message(self.ExpertRead(get_expert(session, expert_id)))

    @on(ExpertRead)
    def _edit(self, message: ExpertRead) -> None:
        if not self.is_current:
            return  # the user went elsewhere while the expert was read
        from plc_console.tui.screens.expert_form import ExpertFormScreen

        form = ExpertFormScreen(self._sessions, self._t, self._topics, editing=message.expert)
        self.app.push_screen(form, self._after_save)

    def _after_save(self, expert: ExpertView | None) -> None:
        if expert is None:
            return
        self.saved = True
        self._select = expert.id
        if self._search:
            # A new or renamed expert the search would hide: show the whole registry.
            self.query_one(SearchBar).action_clear()  # its Changed reads again
        else:
            self.reload()

    # --- active or not ---------------------------------------------------------------------

    def action_toggle_active(self) -> None:
        """Make the expert inactive (after a yes: they are no longer matched) or active."""
        expert = self.table.current
        if expert is None:
            self.app.bell()
            return
        if not expert.active:
            self._write_active(expert, True)
            return
        t = self._t
        question = t("expertsui.deactivate_question", name=expert.full_name)
        dialog = ConfirmDialog(t, t("expertsui.deactivate_title"), question)

        def deactivate(yes: bool | None) -> None:
            if yes:
                self._write_active(expert, False)

        self.app.push_screen(dialog, deactivate)

    @work(thread=True, group="db", exit_on_error=False)
    def _write_active(self, expert: ExpertView, active: bool) -> None:
        with self._sessions.begin() as session:
            set_active(session, expert.id, active)
        self.post_message(self.ActiveSet(expert, active))

    @on(ActiveSet)
    def _active_set(self, message: ActiveSet) -> None:
        self.saved = True
        key = "expertsui.activated" if message.active else "expertsui.deactivated"
        self.notify(self._t(key, name=message.expert.full_name), timeout=3, markup=False)
        self.reload()

    # --- leaving, errors -------------------------------------------------------------------

    def action_back(self) -> None:
        """Back to where the registry was opened; True when anything was saved here."""
        self.dismiss(self.saved)

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR or event.worker.error is None:
            return
        self.notify(
            describe_error(event.worker.error, self._t),
            title=self._t("tui.error_title"),
            severity="error",
            markup=False,
        )
        if event.worker.name != _READ:
            self.reload()  # a refused change: show the registry as it is
