"""One Kanban column: a header, and the cards as a single Line-API widget.

A widget per card does not scale (thousands of widgets take seconds to mount), so a
:class:`BoardColumn` is one :class:`~textual.scroll_view.ScrollView` whose virtual height
is ``count × CARD_HEIGHT``. It renders only the lines on screen, from a cache of the
cards read so far (position → Card). A position not read yet renders as a dim
placeholder and asks, once, for the chunk of :data:`WINDOW` cards around it
(:class:`BoardColumn.WindowWanted`); the screen reads it in a worker and hands it back
with :meth:`BoardColumn.merge`. A full re-read (:meth:`BoardColumn.replace`) swaps the
cache at once and starts a new *epoch*, so chunks read before it are dropped. The cache
keeps about :data:`KEEP` cards around the screen: paging through 40,000 cards does not
hold all of them, and a chunk dropped is read again if it comes back into sight.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.style import Style
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Label

from plc_console.domain import Stage, Zone
from plc_console.locale import Translator
from plc_console.services.board import Card
from plc_console.tui.widgets.card_render import (
    CARD_HEIGHT,
    CardStyles,
    blank_line,
    card_line,
    placeholder_line,
)

#: Cards read at a time; chunks start at multiples of this.
WINDOW = 60
#: Cards a column keeps, about half above and half below the top of the screen.
KEEP = 30 * WINDOW


class BoardColumn(ScrollView, can_focus=False):
    """The cards of one stage; keys are the screen's, so the column never takes focus."""

    COMPONENT_CLASSES = {
        "board-column--cursor",
        "board-column--number",
        "board-column--young",
        "board-column--muted",
        "board-column--placeholder",
        "board-column--separator",
        "board-column--zone-green",
        "board-column--zone-yellow",
        "board-column--zone-red",
    }

    @dataclass
    class WindowWanted(Message):
        """Cards ``offset`` … ``offset + limit - 1`` are on screen but not read yet."""

        column: BoardColumn
        offset: int
        limit: int
        epoch: int

    @dataclass
    class CardClicked(Message):
        """The user clicked the card at ``row`` (``double``: a double click, to open it)."""

        column: BoardColumn
        row: int
        double: bool = False

    def __init__(self, stage: Stage, t: Translator, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.stage = stage
        self._t = t
        self.count = 0
        self.cursor_row = 0
        self.active = False
        self.epoch = 0
        self._cards: dict[int, Card] = {}
        self._asked: set[int] = set()
        self._styles: CardStyles | None = None
        #: The virtual size the scrollbar was last fitted to (see _size_updated).
        self._fitted: Size | None = None

    # --- what the screen reads -----------------------------------------------------------

    @property
    def current_card(self) -> Card | None:
        """The card under the cursor, if it is read (None for an empty column)."""
        return self._cards.get(self.cursor_row) if self.count else None

    def card_at(self, row: int) -> Card | None:
        return self._cards.get(row)

    @property
    def page_rows(self) -> int:
        """How many whole cards fit on screen."""
        return max(1, self.scrollable_content_region.height // CARD_HEIGHT)

    @property
    def cursor_screen_row(self) -> int:
        """The cursor's position counted in cards from the top of the visible part."""
        return self.cursor_row - int(self.scroll_offset.y) // CARD_HEIGHT

    def wanted_window(self) -> tuple[int, int]:
        """The chunks covering what is on screen (and the cursor): (offset, limit)."""
        top = int(self.scroll_offset.y) // CARD_HEIGHT
        bottom = top + self.page_rows
        first = min(top, self.cursor_row) // WINDOW * WINDOW
        last = max(bottom, self.cursor_row) // WINDOW * WINDOW
        return first, last - first + WINDOW

    # --- what the screen hands in --------------------------------------------------------

    def replace(self, count: int, offset: int, cards: Sequence[Card]) -> None:
        """A fresh read: the count and the cards from ``offset``; older chunks are dropped.

        The cursor stays on the card it was on if that card is still in sight, else on
        the same row (so after a card leaves, the next one takes its place).
        """
        current = self.current_card
        self.epoch += 1
        self._asked.clear()
        self._cards = {offset + index: card for index, card in enumerate(cards)}
        self.count = count
        if current is not None:
            found = [row for row, card in self._cards.items() if card.id == current.id]
            if found:
                self.cursor_row = found[0]
        self._resize()
        self.move_cursor(self.cursor_row)
        self.refresh()

    def merge(self, epoch: int, offset: int, cards: Sequence[Card]) -> None:
        """A chunk asked for by :class:`WindowWanted`; ignored if a re-read came since."""
        if epoch != self.epoch:
            return
        for index, card in enumerate(cards):
            self._cards[offset + index] = card
        if len(self._cards) > KEEP:
            self._forget_far_chunks()
        self.refresh()

    def _forget_far_chunks(self) -> None:
        """Drop the cards over ``KEEP / 2`` rows from the top of the screen (not the cursor's)."""
        top = int(self.scroll_offset.y) // CARD_HEIGHT
        near = KEEP // 2
        self._cards = {
            row: card
            for row, card in self._cards.items()
            if abs(row - top) < near or row == self.cursor_row
        }
        # Dropped chunks are asked for again when they come back into sight.
        self._asked = {start for start in self._asked if abs(start - top) < near}

    def set_count(self, count: int) -> None:
        """A new count without new cards (for columns whose cards did not change)."""
        if count != self.count:
            self.count = count
            self._resize()
            self.move_cursor(self.cursor_row)

    def reset(self) -> None:
        """Forget every card (a new order or filter): all positions read again."""
        self.epoch += 1
        self._asked.clear()
        self._cards = {}
        self.cursor_row = 0
        self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()

    def set_active(self, active: bool) -> None:
        if active != self.active:
            self.active = active
            self.refresh()

    def move_cursor(self, row: int) -> None:
        """Put the cursor on ``row`` (clamped) and scroll it into sight."""
        old = self.cursor_row
        self.cursor_row = max(0, min(row, self.count - 1))
        top = self.cursor_row * CARD_HEIGHT
        height = self.scrollable_content_region.height
        if top < self.scroll_offset.y:
            self.scroll_to(y=top, animate=False, immediate=True)
        elif height and top + CARD_HEIGHT > self.scroll_offset.y + height:
            self.scroll_to(y=top + CARD_HEIGHT - height, animate=False, immediate=True)
        if old != self.cursor_row:
            self.refresh()

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        # Textual hands a ScrollView its region's size as the "virtual size", which never
        # equals ours, so every layout anywhere (a toast coming or going) would refresh
        # the scrollbars of all eight columns and repaint the board. Only a virtual size
        # the scrollbar was not fitted to yet is news; size and container changes still are.
        if self.virtual_size == self._fitted:
            virtual_size = self.virtual_size
        self._fitted = self.virtual_size
        return super()._size_updated(size, virtual_size, container_size, layout)

    def _resize(self) -> None:
        size = Size(self.scrollable_content_region.width, self.count * CARD_HEIGHT)
        if size == self.virtual_size:
            return
        keeps_bar = (
            size.width == self.virtual_size.width
            and self.show_vertical_scrollbar
            and size.height > self.container_size.height
        )
        if not keeps_bar:
            self.virtual_size = size  # a layout: the scrollbar comes or goes
            return
        # Only the thumb changes. A new virtual_size lays the whole screen out, and then
        # Textual repaints the scrollbar of every column, so a move between two columns
        # would repaint all eight; tell this column and its bar directly instead.
        self.set_reactive(BoardColumn.virtual_size, size)
        self.vertical_scrollbar.window_virtual_size = size.height
        self._fitted = size
        if self.scroll_y > self.max_scroll_y:
            self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True)
        self.refresh()

    # --- rendering -------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = None

    def _card_styles(self) -> CardStyles:
        if self._styles is None:

            def style(name: str) -> Style:
                # Only what the class sets: the background stays the line's (cursor or not).
                return self.get_component_rich_style(name, partial=True)

            self._styles = CardStyles(
                base=self.rich_style,
                cursor=style("board-column--cursor"),
                number=style("board-column--number"),
                young=style("board-column--young"),
                muted=style("board-column--muted"),
                placeholder=style("board-column--placeholder"),
                separator=style("board-column--separator"),
                zones={zone: style(f"board-column--zone-{zone.value}") for zone in Zone},
            )
        return self._styles

    def render_line(self, y: int) -> Strip:
        styles = self._card_styles()
        width = self.scrollable_content_region.width
        row, line = divmod(int(self.scroll_offset.y) + y, CARD_HEIGHT)
        if row >= self.count:
            return blank_line(width, styles)
        card = self._cards.get(row)
        if card is None:
            self._ask_for(row)
            return placeholder_line(line, width, styles)
        cursor = self.active and row == self.cursor_row
        return card_line(card, line, width, self._t, styles, cursor=cursor)

    def _ask_for(self, row: int) -> None:
        offset = row // WINDOW * WINDOW
        if offset not in self._asked:
            self._asked.add(offset)
            self.post_message(self.WindowWanted(self, offset, WINDOW, self.epoch))

    def on_resize(self, event: events.Resize) -> None:
        self._resize()

    def on_click(self, event: events.Click) -> None:
        row = (int(self.scroll_offset.y) + event.y) // CARD_HEIGHT
        if row < self.count:
            self.post_message(self.CardClicked(self, row, double=event.chain >= 2))


class LaneHeader(Vertical):
    """The stage's name (up to two lines), then its count and WIP limit."""

    def __init__(self, stage: Stage, t: Translator) -> None:
        super().__init__(classes="lane-header")
        self._stage = stage
        self._t = t
        self._count_text: str | None = None

    def compose(self) -> ComposeResult:
        yield Label(self._t.label(self._stage), classes="lane-name", markup=False)
        yield Label("", classes="lane-count", markup=False)

    def show(self, count: int, limit: int | None) -> None:
        """The count, "/ limit" when there is one; marked when the limit is exceeded."""
        text = str(count) if limit is None else f"{count} / {limit}"
        # Every read shows every header: an update repaints even the same text, and
        # eight lanes repainted stretch the screen's update over all eight columns.
        if text != self._count_text:
            self._count_text = text
            # The line is one row by the lane's width whatever the text: no layout.
            self.query_one(".lane-count", Label).update(text, layout=False)
        self.set_class(limit is not None and count > limit, "-over")


class BoardLane(Vertical):
    """A column with its header; ``-active`` when the cursor is in it."""

    def __init__(self, stage: Stage, t: Translator) -> None:
        super().__init__(classes="lane", id=f"lane-{stage.value}")
        self.stage = stage
        self._t = t

    def compose(self) -> ComposeResult:
        yield LaneHeader(self.stage, self._t)
        yield BoardColumn(self.stage, self._t, id=f"column-{self.stage.value}")

    @property
    def column(self) -> BoardColumn:
        return self.query_one(BoardColumn)

    @property
    def header(self) -> LaneHeader:
        return self.query_one(LaneHeader)
