"""The board's columns and their data: what to read, when, and where the cursor is.

The view reads in thread workers (a session each) and shows what comes back; it never
changes anything. The screen around it owns the keys that change requests and tells the
view what to read again. One read runs at a time: stages asked for meanwhile wait in
``_dirty`` and are read next, so a burst of changes costs one or two reads, not one each.

Changes made at other desks: on SQLite the view polls the change token every
POLL_SECONDS. On PostgreSQL a thread listens for the database's notifications
(:mod:`plc_console.services.live`) and reads again the moment another desk commits; the
poll stays, every LIVE_POLL_SECONDS, as a safety net.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.worker import Worker, WorkerState, get_current_worker

from plc_console.domain import BOARD_STAGES, Stage
from plc_console.locale import Translator
from plc_console.services.board import BoardFilter, CardOrder, change_token
from plc_console.services.live import BoardListener, listener_for
from plc_console.tui.board_data import read_board, read_window
from plc_console.tui.errors import describe_error
from plc_console.tui.messages import BoardQuery, BoardRead, ChangeTokenRead, WindowRead
from plc_console.tui.widgets.board_column import WINDOW, BoardColumn, BoardLane
from plc_console.tui.widgets.card_render import CARD_HEIGHT

#: How often the board asks whether anything changed (one cheap query).
POLL_SECONDS = 2.0
#: The same where notifications tell at once (PostgreSQL): only for one that got lost.
LIVE_POLL_SECONDS = 10.0
#: The listening thread waits this long at a time before checking whether to stop: the
#: longest a closing board waits for it.
LISTEN_SLICE_SECONDS = 0.25
_READ, _POLL, _LISTEN = "board-read", "board-poll", "board-listen"


class BoardView(Horizontal):
    """Eight lanes side by side; a cursor (column, row) picks the card keys act on."""

    class ChangedElsewhere(Message):
        """The database said the board may have changed (or may have missed saying so)."""

    def __init__(
        self, sessions: sessionmaker[Session], t: Translator, now: Callable[[], datetime]
    ) -> None:
        super().__init__(id="board")
        self._sessions = sessions
        self._t = t
        self._now = now
        self.query_now = BoardQuery(BoardFilter(), CardOrder.OLDEST)
        """The filter and order every read uses at this moment."""
        self.cursor_col = 0
        self.counts: dict[Stage, int] = {}
        self.limits: dict[Stage, int] = {}
        self._token: object = None
        self._dirty: set[Stage] = set()
        self._reading = False
        #: A reload was asked for while a read ran: read again when it is shown.
        self._again = False
        self._polling = False
        self._poll_failed = False
        #: Cards saved (or refused) whose columns are not read again yet: still shown stale.
        self._settling: set[int] = set()

    def compose(self) -> ComposeResult:
        for stage in BOARD_STAGES:
            yield BoardLane(stage, self._t)

    def on_mount(self) -> None:
        self._set_cursor_col(0)
        self.reload()
        listener = listener_for(self._sessions)
        self.set_interval(POLL_SECONDS if listener is None else LIVE_POLL_SECONDS, self.poll)
        if listener is not None:
            self._listen(listener)

    @property
    def has_read(self) -> bool:
        """Whether the whole board has been read at least once."""
        return self._token is not None

    @property
    def columns(self) -> list[BoardColumn]:
        return [lane.column for lane in self.query(BoardLane)]

    def column(self, stage: Stage) -> BoardColumn:
        return self.query_one(f"#column-{stage.value}", BoardColumn)

    @property
    def active_column(self) -> BoardColumn:
        return self.columns[self.cursor_col]

    def is_settling(self, card_id: int) -> bool:
        """A change of this card was saved but its column is not read again yet."""
        return card_id in self._settling

    def settle(self, card_id: int, stages: Iterable[Stage]) -> None:
        """``card_id`` changed: show it stale until ``stages`` are read again."""
        self._settling.add(card_id)
        self.reload(stages)

    # --- reading -------------------------------------------------------------------------

    def show_query(self, query: BoardQuery) -> None:
        """Read every column from its top for a new filter or order."""
        self.query_now = query
        for column in self.columns:
            column.reset()
        self.reload()

    def reload(self, stages: Iterable[Stage] = BOARD_STAGES) -> None:
        """Read counts, limits and the cards on screen of ``stages`` (one read at a time).

        Asked while a read is running, it reads again once that one is shown: the
        running read may have started before the change that asks for this one.
        """
        self._dirty.update(stages)
        if self._reading:
            self._again = True
        else:
            self._again = False
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
            self.counts, self.limits = dict(message.counts), dict(message.limits)
            if set(message.columns) == set(BOARD_STAGES):
                self._token = message.token  # a partial read cannot vouch for the rest
            for lane in self.query(BoardLane):
                count = self.counts.get(lane.stage, 0)
                lane.header.show(count, self.limits.get(lane.stage))
                read = message.columns.get(lane.stage)
                if read is None:
                    lane.column.set_count(count)
                else:
                    lane.column.replace(count, read.offset, read.cards)
        if self._dirty or self._again:
            self.reload(())

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
            self.reload()

    @work(thread=True, group="live", exit_on_error=False, name=_LISTEN)
    def _listen(self, listener: BoardListener) -> None:
        """Wait for notifications until the view goes (Textual cancels its workers when
        it is unmounted, and when the app exits); the connection closes with the loop."""
        stop = get_current_worker().cancelled_event
        try:
            while not stop.is_set():
                if listener.wait(LISTEN_SLICE_SECONDS) and not stop.is_set():
                    self.post_message(self.ChangedElsewhere())
        finally:
            listener.close()

    @on(ChangedElsewhere)
    def _changed_elsewhere(self) -> None:
        # What the poll does once it sees a new token; reading the token first would
        # only delay it (a read is what a notification asks for).
        self.reload()

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
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

    # --- the cursor ----------------------------------------------------------------------

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

    def go(self, where: str) -> None:
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
