"""The Kanban board: the main screen, where coordinators move requests with the keyboard.

The columns, their data and the cursor live in :class:`BoardView`; this screen owns the
keys. Every write runs in a thread worker with its own session and comes back as a
message from :mod:`plc_console.tui.messages`; the UI thread never touches the database.

After a move the cursor stays in the source column, on the row the card left, so the
next card slides under it: triage goes card after card with one key each.

``enter`` opens the card's request, ``n`` registers a new one and ``e`` edits the card's;
each of those screens dismisses with whether it saved, and the board re-reads if so.
``/`` and ``f`` narrow the board through :class:`SearchBar` and :class:`FilterPanel`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Header, Label
from textual.worker import Worker, WorkerState

from plc_console.domain import BOARD_STAGES, Stage
from plc_console.locale import Translator
from plc_console.services.board import BoardFilter, Card, CardOrder, set_wip_limit
from plc_console.services.errors import StaleVersion
from plc_console.services.experts import list_experts
from plc_console.services.reference import list_topics
from plc_console.services.requests import get_request
from plc_console.tui.board_data import save_close, save_move
from plc_console.tui.errors import describe_error
from plc_console.tui.messages import (
    BoardQuery,
    CardMoved,
    ChoicesRead,
    DetailRead,
    LimitSaved,
    MoveRefused,
)
from plc_console.tui.screens.dialogs import (
    CloseDecision,
    CloseDialog,
    ConfirmDialog,
    LimitChoice,
    LimitDialog,
    NoteDialog,
)
from plc_console.tui.screens.help import localize_bindings
from plc_console.tui.widgets.board_column import BoardColumn
from plc_console.tui.widgets.board_view import BoardView
from plc_console.tui.widgets.filter_panel import FilterPanel
from plc_console.tui.widgets.search_bar import SearchBar


def _nav(keys: str, where: str) -> Binding:
    return Binding(keys, f"go('{where}')", f"boardui.key_{where}", show=False, id=f"go_{where}")


def _key(keys: str, action: str, name: str, *, show: bool = True) -> Binding:
    return Binding(
        keys,
        action,
        f"boardui.key_{name}",
        tooltip=f"boardui.help_{name}",
        id=action,
        show=show,
    )


def _match_key(keys: str, action: str, name: str, *, show: bool = True) -> Binding:
    return Binding(
        keys, action, f"matchui.key_{name}", tooltip=f"matchui.help.{name}", id=action, show=show
    )


def _meeting_key(keys: str, action: str, name: str) -> Binding:
    # Not in the footer (already full in Russian at 160 columns): in help and the palette.
    key, help_text = f"meetui.key_{name}", f"meetui.board.help_{name}"
    return Binding(keys, action, key, tooltip=help_text, id=action, show=False)


def _product_key(keys: str, action: str, table: str) -> Binding:
    # Issue 7's screens: in help and the palette, not in the footer.
    key, help_text = f"{table}.board_key", f"{table}.board_help"
    return Binding(keys, action, key, tooltip=help_text, id=action, show=False)


class BoardScreen(Screen[None]):
    """The board, a search line above it and a filter panel beside it."""

    # The keys act on the cursor, not on a focused widget: nothing takes focus on its own
    # (Textual would otherwise focus the hidden search line).
    AUTO_FOCUS = ""  # None would mean "as the app says", which is "*"

    BINDINGS = [
        _nav("left,h", "left"),
        _nav("right,l", "right"),
        _nav("up,k", "up"),
        _nav("down,j", "down"),
        _nav("pageup", "page_up"),
        _nav("pagedown", "page_down"),
        _nav("home", "first"),
        _nav("end", "last"),
        _key("right_square_bracket,shift+right", "move_forward", "forward"),
        _key("left_square_bracket,shift+left", "move_back", "back"),
        _key("enter", "open_request", "open"),
        _key("n", "new_request", "new"),
        _key("e", "edit_request", "edit"),
        _key("c", "close_request", "close"),
        _match_key("x", "match_experts", "match"),
        _match_key("A", "balanced_assignment", "balanced"),
        _match_key("E", "experts", "experts", show=False),
        _meeting_key("m", "plan_meeting", "plan"),
        _meeting_key("M", "meetings", "meetings"),
        _product_key("B", "methodological_base", "baseui"),
        _product_key("P", "all_products", "reviewui"),
        _product_key("F", "fever_chart", "feverui"),
        _product_key("R", "reports", "reportsui"),  # issue 8's term reports, the same way
        _key("slash", "search", "search"),
        _key("f", "filters", "filters"),
        _key("s", "toggle_order", "sort"),
        _key("w", "wip_limit", "wip", show=False),
        _key("r", "refresh", "refresh", show=False),
    ]

    board_filter: reactive[BoardFilter] = reactive(BoardFilter, init=False)
    """What every read is narrowed to; the search line and the filter panel set it."""
    order: reactive[CardOrder] = reactive(CardOrder.OLDEST, init=False)

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
        #: Cards whose move or close is being saved: another key on them waits.
        self._saving: dict[Worker[None], int] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield SearchBar(self._t)
        yield Label("", id="filter-line", markup=False)
        with Horizontal(id="board-area"):
            yield BoardView(self._sessions, self._t, self._now)
            yield FilterPanel(self._t)
        yield Footer()

    def on_mount(self) -> None:
        self._show_order()

    def on_screen_resume(self) -> None:
        # Back from a request, a form or help: what is shown may have changed meanwhile.
        if self.view.has_read:
            self.view.reload()

    @property
    def view(self) -> BoardView:
        return self.query_one(BoardView)

    @property
    def columns(self) -> list[BoardColumn]:
        return self.view.columns

    def column(self, stage: Stage) -> BoardColumn:
        return self.view.column(stage)

    @property
    def active_column(self) -> BoardColumn:
        return self.view.active_column

    def poll(self) -> None:
        """Ask now whether another desk changed anything (the view also asks every 2 s)."""
        self.view.poll()

    def action_go(self, where: str) -> None:
        self.view.go(where)

    def action_refresh(self) -> None:
        """Read counts and the cards on screen again."""
        self.view.reload()

    def action_toggle_order(self) -> None:
        self.order = CardOrder.RED_FIRST if self.order is CardOrder.OLDEST else CardOrder.OLDEST

    def watch_order(self) -> None:
        self._show_order()
        self.view.show_query(BoardQuery(self.board_filter, self.order))

    def watch_board_filter(self) -> None:
        self._show_filter()
        self.view.show_query(BoardQuery(self.board_filter, self.order))

    def _show_order(self) -> None:
        order = self._t(f"boardui.order_{self.order.value}")
        self.sub_title = f"{self._t('app.subtitle')} · {order}"

    # --- moving and closing ----------------------------------------------------------------

    def _card_to_change(self) -> Card | None:
        """The card under the cursor, unless there is none or its last change is saving."""
        card = self.active_column.current_card
        if card is None:
            self.app.bell()
        elif self.view.is_settling(card.id) or card.id in self._saving.values():
            self.notify(self._t("boardui.busy", number=card.number), severity="warning")
            return None
        return card

    def action_move_forward(self) -> None:
        """One stage forward, after a confirmation if the next column is over its limit."""
        card = self._card_to_change()
        if card is None:
            return
        position = BOARD_STAGES.index(card.stage)
        if position + 1 >= len(BOARD_STAGES):
            self._refuse("boardui.no_next", stage=card.stage)
            return
        target = BOARD_STAGES[position + 1]
        self._within_limit(target, lambda: self._save_move(card, target, None))

    def action_move_back(self) -> None:
        """One stage back (rework), with a note saying why."""
        card = self._card_to_change()
        if card is None:
            return
        position = BOARD_STAGES.index(card.stage)
        if position == 0:
            self._refuse("boardui.no_previous", stage=card.stage)
            return
        target = BOARD_STAGES[position - 1]
        title = self._t("dialog.back_title", number=card.number, stage=target)
        dialog = NoteDialog(self._t, title, self._t("dialog.back_prompt"))

        def save(note: str | None) -> None:
            if note is not None:
                self._save_move(card, target, note)

        def ask_note() -> None:
            self.app.push_screen(dialog, save)

        self._within_limit(target, ask_note)

    def action_close_request(self) -> None:
        """Close early with a reason (duplicate of a kept request, out of scope, withdrawn)."""
        card = self._card_to_change()
        if card is None:
            return
        if card.stage.is_terminal:
            self._refuse("rule.already_terminal", stage=card.stage)
            return
        self.app.push_screen(CloseDialog(self._t, card.number), lambda d: self._save_close(card, d))

    def _refuse(self, key: str, **params: object) -> None:
        self.notify(self._t(key, **params), severity="warning", markup=False)

    def _within_limit(self, target: Stage, then: Callable[[], None]) -> None:
        """Run ``then`` now, or after a yes when ``target`` would go over its WIP limit."""
        limit, count = self.view.limits.get(target), self.view.counts.get(target, 0)
        if limit is None or count + 1 <= limit:
            then()
            return
        question = self._t("dialog.wip_question", stage=target, count=count, limit=limit)
        dialog = ConfirmDialog(self._t, self._t("dialog.wip_title"), question)
        self.app.push_screen(dialog, lambda yes: then() if yes else None)

    def _save_move(self, card: Card, target: Stage, note: str | None) -> None:
        self._saving[self._write_move(card, target, note)] = card.id

    def _save_close(self, card: Card, decision: CloseDecision | None) -> None:
        if decision is not None:
            self._saving[self._write_close(card, decision)] = card.id

    @work(thread=True, group="db", exit_on_error=False)
    def _write_move(self, card: Card, target: Stage, note: str | None) -> None:
        now = self._now()
        self.post_message(save_move(self._sessions, card, target, note, actor=self._actor, now=now))

    @work(thread=True, group="db", exit_on_error=False)
    def _write_close(self, card: Card, decision: CloseDecision) -> None:
        now = self._now()
        self.post_message(save_close(self._sessions, card, decision, actor=self._actor, now=now))

    @on(CardMoved)
    def _moved(self, message: CardMoved) -> None:
        card, target = message.card, message.target
        text = (
            self._t("boardui.moved", number=card.number, stage=target)
            if target is not None
            else self._t("boardui.closed", number=card.number)
        )
        self.notify(text, timeout=3, markup=False)
        self.view.settle(card.id, {card.stage} | ({target} if target else set()))

    @on(MoveRefused)
    def _refused(self, message: MoveRefused) -> None:
        stale = isinstance(message.error, StaleVersion)
        self.notify(
            describe_error(message.error, self._t),
            title=self._t("boardui.not_saved"),
            severity="warning" if stale else "error",
            markup=False,
        )
        # A stale card may be anywhere by now: read every column; else the two involved.
        target = {message.target} if message.target else set()
        self.view.settle(message.card.id, BOARD_STAGES if stale else {message.card.stage} | target)

    # --- requests: open, register, edit -------------------------------------------------

    def action_open_request(self) -> None:
        """The request under the cursor, with every field and its history."""
        card = self.active_column.current_card
        if card is None:
            self.app.bell()
            return
        from plc_console.tui.screens.request import RequestScreen

        screen = RequestScreen(self._sessions, self._t, self._now, self._actor, card.id)
        self.app.push_screen(screen, self._after_change)

    @on(BoardColumn.CardClicked)
    def _card_clicked(self, message: BoardColumn.CardClicked) -> None:
        # The view has put the cursor on the card already (the message bubbles up).
        if message.double:
            self.action_open_request()

    def action_new_request(self) -> None:
        """Register a request that came by phone, on the web or in person."""
        from plc_console.tui.screens.request_form import RequestFormScreen

        form = RequestFormScreen(self._sessions, self._t, self._now, self._actor)
        self.app.push_screen(form, self._after_change)

    def action_edit_request(self) -> None:
        """Correct the fields of the request under the cursor (read afresh first)."""
        card = self.active_column.current_card
        if card is None:
            self.app.bell()
            return
        self._read_detail(card.id)

    @work(thread=True, group="db", exit_on_error=False)
    def _read_detail(self, request_id: int) -> None:
        with self._sessions() as session:
            self.post_message(DetailRead(get_request(session, request_id)))

    @on(DetailRead)
    def _edit(self, message: DetailRead) -> None:
        from plc_console.tui.screens.request_form import RequestFormScreen

        form = RequestFormScreen(
            self._sessions, self._t, self._now, self._actor, editing=message.detail
        )
        self.app.push_screen(form, self._after_change)

    def _after_change(self, saved: object) -> None:
        if saved:
            self.view.reload()

    # --- experts: matching, balanced assignment, the registry ---------------------------

    def action_match_experts(self) -> None:
        """Rank the experts for the card under the cursor; assign or unassign them."""
        card = self.active_column.current_card
        if card is None:
            self.app.bell()
            return
        from plc_console.tui.screens.matching import MatchingScreen

        screen = MatchingScreen(self._sessions, self._t, self._now, self._actor, card.id)
        self.app.push_screen(screen, self._after_change)

    def action_balanced_assignment(self) -> None:
        """Propose one expert for every request at triage; store it after a yes."""
        from plc_console.tui.screens.proposal import ProposalScreen

        screen = ProposalScreen(self._sessions, self._t, self._now, self._actor)
        self.app.push_screen(screen, self._after_change)

    def action_experts(self) -> None:
        """The expert registry: competences, organisations, load limits."""
        from plc_console.tui.screens.experts import ExpertsScreen

        self.app.push_screen(
            ExpertsScreen(self._sessions, self._t, self._actor), self._after_change
        )

    # --- meetings ---------------------------------------------------------------------------

    def action_plan_meeting(self) -> None:
        """Open the meeting of the request under the cursor, or plan one for it."""
        card = self.active_column.current_card
        if card is None:
            self.app.bell()
            return
        from plc_console.tui.screens.meeting_launch import plan_or_open

        plan_or_open(self, card.id, self._after_change)

    def action_meetings(self) -> None:
        """Every meeting: the list, and the calendar a key away."""
        from plc_console.tui.screens.meeting_launch import show_meetings

        show_meetings(self, self._after_change)

    # --- products and buffers (issue 7) ----------------------------------------------------

    def action_methodological_base(self) -> None:
        """The published products, searched as you type."""
        from plc_console.tui.screens.base import BaseScreen

        screen = BaseScreen(self._sessions, self._t, self._now, self._actor)
        self.app.push_screen(screen, self._after_change)

    def action_all_products(self) -> None:
        """Every product with its review state."""
        from plc_console.tui.screens.base import BaseScreen

        screen = BaseScreen(self._sessions, self._t, self._now, self._actor, every_product=True)
        self.app.push_screen(screen, self._after_change)

    def action_fever_chart(self) -> None:
        """Every open request on the fever chart; the red ones listed."""
        from plc_console.tui.screens.fever import FeverScreen

        self.app.push_screen(FeverScreen(self._sessions, self._t, self._now))

    # --- term reports (issue 8) ------------------------------------------------------------

    def action_reports(self) -> None:
        """A term's headline figures and charts; the report exported with one key."""
        from plc_console.tui.screens.reports import ReportsScreen

        self.app.push_screen(ReportsScreen(self._sessions, self._t, self._now))

    # --- search and filters -----------------------------------------------------------------

    def action_search(self) -> None:
        self.query_one(SearchBar).open()

    def action_filters(self) -> None:
        """Show the filter panel (or hide it, when it is shown)."""
        panel = self.query_one(FilterPanel)
        if panel.display and panel.has_focus_within:
            self._back_to_cards()
            return
        self._read_choices()
        panel.open()

    @on(SearchBar.Changed)
    def _search_changed(self, message: SearchBar.Changed) -> None:
        self.board_filter = replace(self.board_filter, search=message.text)

    @on(FilterPanel.Changed)
    def _filters_changed(self, message: FilterPanel.Changed) -> None:
        self.board_filter = replace(message.flt, search=self.board_filter.search)

    @on(FilterPanel.Done)
    def _back_to_cards(self) -> None:
        """Hide the filter panel (the filter line still says what is filtered)."""
        self.query_one(FilterPanel).display = False
        self.set_focus(None)

    @on(SearchBar.Done)
    def _search_done(self) -> None:
        self.set_focus(None)

    @work(thread=True, group="db", exit_on_error=False)
    def _read_choices(self) -> None:
        with self._sessions() as session:
            topics, experts = tuple(list_topics(session)), tuple(list_experts(session))
        self.post_message(ChoicesRead(topics, experts))

    @on(ChoicesRead)
    def _show_choices(self, message: ChoicesRead) -> None:
        self.query_one(FilterPanel).set_choices(message.topics, message.experts)
        self._show_filter()

    def _show_filter(self) -> None:
        line = self.query_one("#filter-line", Label)
        text = self.query_one(FilterPanel).describe(self.board_filter)
        line.update(text)
        line.display = bool(text)

    # --- WIP limits -------------------------------------------------------------------------

    def action_wip_limit(self) -> None:
        """Set or remove the WIP limit of the column under the cursor."""
        stage = self.active_column.stage
        if stage is Stage.DONE:
            self._refuse("board.wip_limit_stage", stage=stage)
            return
        title = self._t("dialog.limit_title", stage=stage)
        dialog = LimitDialog(self._t, title, self.view.limits.get(stage))

        def save(choice: LimitChoice | None) -> None:
            if choice is not None:
                self._write_limit(stage, choice.limit)

        self.app.push_screen(dialog, save)

    @work(thread=True, group="db", exit_on_error=False)
    def _write_limit(self, stage: Stage, limit: int | None) -> None:
        with self._sessions.begin() as session:
            set_wip_limit(session, stage, limit)
        self.post_message(LimitSaved(stage, limit))

    @on(LimitSaved)
    def _limit_saved(self, message: LimitSaved) -> None:
        key = "boardui.limit_set" if message.limit else "boardui.limit_removed"
        self.notify(self._t(key, stage=message.stage, limit=message.limit), timeout=3)
        self.view.reload(())

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            saved = self._saving.pop(worker, None)
            if saved is not None and event.state is not WorkerState.SUCCESS:
                self.view.reload()
        if event.state is WorkerState.ERROR and worker.error is not None:
            self.notify(
                describe_error(worker.error, self._t),
                title=self._t("tui.error_title"),
                severity="error",
                markup=False,
            )
