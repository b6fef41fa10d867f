"""The Kanban board: eight columns of cards, moved with the keyboard.

Every read and every write runs in a thread worker with its own session and comes back
as a message from :mod:`plc_console.tui.messages`; the UI thread never touches the
database. Every read goes through :attr:`BoardScreen.board_filter` and
:attr:`BoardScreen.order`, so search and filters plug in by setting the filter.

After a move the cursor stays in the source column, on the row the card left, so the
next card slides under it: triage goes card after card with one key each.

Hooks for keys to come (each a binding plus an action here): ``enter`` opens the card
under the cursor (``BoardColumn.current_card``), ``n`` registers a request, ``e`` edits
one, ``/`` and ``f`` set ``board_filter`` (search text, filters), ``ctrl+p`` opens the
palette (a Provider posting messages the screen handles).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Header
from textual.worker import Worker, WorkerState

from plc_console.domain import BOARD_STAGES, Stage
from plc_console.locale import Translator
from plc_console.services.board import BoardFilter, Card, CardOrder, change_token
from plc_console.services.errors import StaleVersion
from plc_console.tui.messages import (
    BoardQuery,
    BoardRead,
    CardMoved,
    ChangeTokenRead,
    MoveRefused,
    WindowRead,
)
from plc_console.tui.screens.board_data import read_board, read_window, save_close, save_move
from plc_console.tui.screens.dialogs import CloseDecision, CloseDialog, ConfirmDialog, NoteDialog
from plc_console.tui.screens.help import localize_bindings
from plc_console.tui.screens.stage_list import describe_error
from plc_console.tui.widgets.board_column import WINDOW, BoardColumn, BoardLane
from plc_console.tui.widgets.card_render import CARD_HEIGHT

#: How often the board asks whether anything changed (one cheap query).
POLL_SECONDS = 2.0
_READ, _POLL = "board-read", "board-poll"


def _nav(keys: str, where: str) -> Binding:
    return Binding(keys, f"go('{where}')", f"boardui.key_{where}", show=False, id=f"go_{where}")


def _key(keys: str, action: str, name: str) -> Binding:
    return Binding(keys, action, f"boardui.key_{name}", tooltip=f"boardui.help_{name}", id=action)


class BoardScreen(Screen[None]):
    """Eight columns side by side; a cursor (column, row) picks the card keys act on."""

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
        _key("c", "close_request", "close"),
        _key("s", "toggle_order", "sort"),
        _key("r", "refresh", "refresh"),
    ]

    board_filter: reactive[BoardFilter] = reactive(BoardFilter, init=False)
    """What every read is narrowed to; search and filters set it."""
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
        self.cursor_col = 0
        self._token: int | None = None
        self._counts: dict[Stage, int] = {}
        self._limits: dict[Stage, int] = {}
        self._dirty: set[Stage] = set()
        self._reading = False
        self._polling = False
        self._poll_failed = False
        #: Cards whose move or close is being saved: another key on them waits.
        self._saving: dict[Worker[None], int] = {}
        #: Cards saved (or refused) whose columns are not read again yet: still shown stale.
        self._settling: set[int] = set()

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="board"):
            for stage in BOARD_STAGES:
                yield BoardLane(stage, self._t)
        yield Footer()

    def on_mount(self) -> None:
        self._show_order()
        self._set_cursor_col(0)
        self._reload()
        self.set_interval(POLL_SECONDS, self.poll)

    @property
    def query_now(self) -> BoardQuery:
        """The filter and order every read uses at this moment."""
        return BoardQuery(self.board_filter, self.order)

    @property
    def columns(self) -> list[BoardColumn]:
        return [lane.column for lane in self.query(BoardLane)]

    def column(self, stage: Stage) -> BoardColumn:
        return self.query_one(f"#column-{stage.value}", BoardColumn)

    @property
    def active_column(self) -> BoardColumn:
        return self.columns[self.cursor_col]

    # --- reading -------------------------------------------------------------------------

    def _reload(self, stages: Iterable[Stage] = BOARD_STAGES) -> None:
        """Read counts, limits and the cards on screen of ``stages`` (one read at a time)."""
        self._dirty.update(stages)
        if not self._reading:
            windows = {stage: self.column(stage).wanted_window() for stage in self._dirty}
            self._dirty.clear()
            self._reading = True
            self._read_board(self.query_now, windows)

    @work(thread=True, group="db", exit_on_error=False, name=_READ)
    def _read_board(self, query: BoardQuery, windows: dict[Stage, tuple[int, int]]) -> None:
        with self._sessions() as session:
            self.post_message(read_board(session, query, windows, self._now()))

    @on(BoardRead)
    def _show_board(self, message: BoardRead) -> None:
        self._reading = False
        self._settling.clear()
        if message.query != self.query_now:
            self._dirty.update(BOARD_STAGES)  # read for an older filter or order
        else:
            self._counts, self._limits = dict(message.counts), dict(message.limits)
            if set(message.columns) == set(BOARD_STAGES):
                self._token = message.token  # a partial read cannot vouch for the rest
            for lane in self.query(BoardLane):
                count = self._counts.get(lane.stage, 0)
                lane.header.show(count, self._limits.get(lane.stage))
                read = message.columns.get(lane.stage)
                if read is None:
                    lane.column.set_count(count)
                else:
                    lane.column.replace(count, read.offset, read.cards)
        if self._dirty:
            self._reload(())

    @on(BoardColumn.WindowWanted)
    def _want_window(self, message: BoardColumn.WindowWanted) -> None:
        self._read_window(self.query_now, message.column.stage, message.epoch, message.offset)

    @work(thread=True, group="db", exit_on_error=False)
    def _read_window(self, query: BoardQuery, stage: Stage, epoch: int, offset: int) -> None:
        with self._sessions() as session:
            self.post_message(
                read_window(session, query, stage, epoch, offset, WINDOW, self._now())
            )

    @on(WindowRead)
    def _show_window(self, message: WindowRead) -> None:
        if message.query == self.query_now:
            self.column(message.stage).merge(message.epoch, message.offset, message.cards)

    def poll(self) -> None:
        """Ask (cheaply) whether anything changed since the last full read."""
        if not (self._polling or self._reading):
            self._polling = True
            self._read_token()

    @work(thread=True, group="db", exit_on_error=False, name=_POLL)
    def _read_token(self) -> None:
        with self._sessions() as session:
            token = change_token(session)
        self.post_message(ChangeTokenRead(token))

    @on(ChangeTokenRead)
    def _compare_token(self, message: ChangeTokenRead) -> None:
        self._polling = self._poll_failed = False
        if message.token != self._token:
            self._reload()

    # --- moving the cursor -------------------------------------------------------------

    def _set_cursor_col(self, index: int) -> None:
        columns = self.columns
        index = max(0, min(index, len(columns) - 1))
        old, new = columns[self.cursor_col], columns[index]
        if new is not old:
            # Keep the cursor at about the same height on screen.
            new.move_cursor(int(new.scroll_offset.y) // CARD_HEIGHT + old.cursor_screen_row)
        self.cursor_col = index
        for position, lane in enumerate(self.query(BoardLane)):
            lane.set_class(position == index, "-active")
            lane.column.set_active(position == index)

    def action_go(self, where: str) -> None:
        """Move the cursor: a column left or right, or within the column."""
        if where in ("left", "right"):
            self._set_cursor_col(self.cursor_col + (1 if where == "right" else -1))
            return
        column, row = self.active_column, self.active_column.cursor_row
        rows = {"up": row - 1, "down": row + 1, "first": 0, "last": column.count - 1}
        rows |= {"page_up": row - column.page_rows, "page_down": row + column.page_rows}
        column.move_cursor(rows[where])

    @on(BoardColumn.CardClicked)
    def _clicked(self, message: BoardColumn.CardClicked) -> None:
        self._set_cursor_col(self.columns.index(message.column))
        message.column.move_cursor(message.row)

    # --- changing ------------------------------------------------------------------------

    def _card_to_change(self) -> Card | None:
        """The card under the cursor, unless there is none or its last change is saving."""
        card = self.active_column.current_card
        if card is None:
            self.app.bell()
        elif card.id in self._settling or card.id in self._saving.values():
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
        limit, count = self._limits.get(target), self._counts.get(target, 0)
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
        self._settling.add(card.id)
        self._reload({card.stage} | ({target} if target else set()))

    @on(MoveRefused)
    def _refused(self, message: MoveRefused) -> None:
        stale = isinstance(message.error, StaleVersion)
        self._settling.add(message.card.id)
        self.notify(
            describe_error(message.error, self._t),
            title=self._t("boardui.not_saved"),
            severity="warning" if stale else "error",
            markup=False,
        )
        # A stale card may be anywhere by now: read every column; else the two involved.
        target = {message.target} if message.target else set()
        self._reload(BOARD_STAGES if stale else {message.card.stage} | target)

    def action_toggle_order(self) -> None:
        self.order = CardOrder.RED_FIRST if self.order is CardOrder.OLDEST else CardOrder.OLDEST

    def action_refresh(self) -> None:
        """Read counts and the cards on screen again."""
        self._reload()

    def watch_order(self) -> None:
        self._show_order()
        self._read_afresh()

    def watch_board_filter(self) -> None:
        self._read_afresh()

    def _show_order(self) -> None:
        order = self._t(f"boardui.order_{self.order.value}")
        self.sub_title = f"{self._t('app.subtitle')} · {order}"

    def _read_afresh(self) -> None:
        for column in self.columns:
            column.reset()
        self._reload()

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            saved = self._saving.pop(worker, None)
            if saved is not None and event.state is not WorkerState.SUCCESS:
                self._reload()
        if event.state is not WorkerState.ERROR or worker.error is None:
            return
        if worker.name == _READ:
            self._reading = False
        if worker.name == _POLL:
            self._polling = False
            if self._poll_failed:
                return  # one notice per outage, not one every two seconds
            self._poll_failed = True
        self.notify(
            describe_error(worker.error, self._t),
            title=self._t("tui.error_title"),
            severity="error",
            markup=False,
        )
