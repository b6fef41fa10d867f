"""One board column on its own: its scrollbar, and the cards it keeps.

A count that changes while the scrollbar stays (a move in or out of a long column) is
handed to the column and its bar directly, and a layout elsewhere on screen (a toast)
leaves the bar alone; these pin both down, so a Textual upgrade that changes the
scrollbar's bookkeeping shows up here. Paging far down a column keeps only the cards
around the screen, and asks again for those it dropped.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import Vertical

from plc_console.domain import Role, Stage
from plc_console.locale import Translator
from plc_console.services.board import Card
from plc_console.tui.widgets.board_column import KEEP, WINDOW, BoardColumn
from plc_console.tui.widgets.card_render import CARD_HEIGHT
from tests.ui.board_pilot import run


def _cards(count: int) -> tuple[Card, ...]:
    return tuple(
        Card(
            id=n,
            number=f"З-2026-{n:05d}",
            version=1,
            stage=Stage.RECEIVED,
            role=Role.TEACHER,
            young_teacher=False,
            requester="Иванова Анна",
            first_line="Вопрос",
            category=None,
            topic_keys=(),
            days_in_stage=1,
            zone=None,
        )
        for n in range(1, count + 1)
    )


class Lane(Vertical):
    """Where the column's requests for chunks arrive (the board view, in the console)."""

    def __init__(self) -> None:
        super().__init__()
        self.wanted: list[int] = []

    def on_board_column_window_wanted(self, message: BoardColumn.WindowWanted) -> None:
        self.wanted.append(message.offset)


class ColumnApp(App[None]):
    CSS = """
    BoardColumn {
        height: 1fr;
        scrollbar-size-vertical: 1;
        scrollbar-gutter: stable;
        overflow-x: hidden;
    }
    """

    def compose(self) -> ComposeResult:
        with Lane():
            yield BoardColumn(Stage.RECEIVED, Translator("en"), id="column")


def test_scrollbar_follows_the_count() -> None:
    async def scenario() -> None:
        app = ColumnApp()
        async with app.run_test(size=(30, 22)) as pilot:
            column = app.query_one(BoardColumn)
            column.replace(1000, 0, _cards(60))
            await pilot.pause()
            bar = column.vertical_scrollbar
            assert column.show_vertical_scrollbar
            assert bar.window_virtual_size == 1000 * CARD_HEIGHT

            column.move_cursor(999)  # the bottom of the column
            await pilot.pause()
            assert column.scroll_y == column.max_scroll_y > 0

            # Ten cards leave while the bar stays: the thumb and the scroll follow.
            column.replace(990, 0, _cards(60))
            await pilot.pause()
            assert column.virtual_size.height == bar.window_virtual_size == 990 * CARD_HEIGHT
            assert column.scroll_y == column.max_scroll_y
            assert column.cursor_row == 989

            # Few enough to fit: the bar goes, and comes back with the cards.
            column.replace(2, 0, _cards(2))
            await pilot.pause()
            assert not column.show_vertical_scrollbar
            column.replace(500, 0, _cards(60))
            await pilot.pause()
            assert column.show_vertical_scrollbar
            assert bar.window_virtual_size == 500 * CARD_HEIGHT

    run(scenario())


def test_a_layout_elsewhere_leaves_the_scrollbar_alone() -> None:
    async def scenario() -> None:
        app = ColumnApp()
        async with app.run_test(size=(30, 22), notifications=True) as pilot:
            column = app.query_one(BoardColumn)
            column.replace(1000, 0, _cards(60))
            await pilot.pause()
            bar = column.vertical_scrollbar
            refreshed: list[bool] = []
            refresh = bar.refresh

            def counting_refresh(*args: object, **kwargs: object) -> object:
                refreshed.append(True)
                return refresh(*args, **kwargs)  # type: ignore[arg-type]

            bar.refresh = counting_refresh  # type: ignore[assignment, method-assign]
            app.notify("З-2026-00001 moved")  # a toast: the screen is laid out again
            await pilot.pause()
            assert app.screen.query("Toast")
            assert refreshed == []
            assert bar.window_virtual_size == 1000 * CARD_HEIGHT

    run(scenario())


def test_cards_far_from_the_screen_are_dropped_and_read_again() -> None:
    async def scenario() -> None:
        app = ColumnApp()
        async with app.run_test(size=(30, 22)) as pilot:
            column = app.query_one(BoardColumn)
            column.replace(10_000, 0, _cards(WINDOW))
            await pilot.pause()
            for offset in range(WINDOW, 100 * WINDOW, WINDOW):  # as if paged through
                column.merge(column.epoch, offset, _cards(WINDOW))
            held = [row for row in range(column.count) if column.card_at(row) is not None]
            assert 0 in held and len(held) <= KEEP

            far = 50 * WINDOW  # read above, dropped since
            column.move_cursor(far)
            await pilot.pause()  # painted: the placeholders ask…
            await pilot.pause()  # …and the asking arrives
            assert far in app.query_one(Lane).wanted

    run(scenario())
