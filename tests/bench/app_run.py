"""The console started the way ``plc`` starts it, headless, saying when the board is ready.

``test_app_bench.py`` runs this file as a script in a child process, so interpreter
start and every import count::

    python tests/bench/app_run.py DB_URL [--scroll CARDS] [--move]

The child prints one JSON line as soon as the board shows cards in every column and has
handled a key (the parent stops its clock on that line). With ``--scroll`` it then pages
down the deepest column by ``CARDS`` cards, as someone holding PgDn would; with
``--move`` it moves the first card of the first column one stage forward (``]``). A last
JSON line gives the peak resident memory. Keys are posted the way the terminal driver
posts them (no Pilot ``press``, which waits for the whole process to go idle).

Nothing from ``tests`` is imported, so only the console's own imports are timed.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()  # before any import of the console's

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import TYPE_CHECKING, Any  # noqa: E402

if TYPE_CHECKING:
    from textual.app import App
    from textual.pilot import Pilot

    from plc_console.tui.screens.board import BoardScreen

#: The terminal the benchmarks draw on (the snapshot tests use the same width).
SIZE = (160, 45)
#: How often the conditions below are checked (the figures are tens of milliseconds).
STEP = 0.001
TIMEOUT = 60.0


def report(**fields: Any) -> None:
    """One JSON line on the real stdout (Textual captures ``print`` while it runs)."""
    out = sys.__stdout__
    assert out is not None
    out.write(json.dumps(fields) + "\n")
    out.flush()


def peak_rss_kb() -> int:
    """This process's peak resident set size, in kilobytes (Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


async def until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.perf_counter() + TIMEOUT
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"the board did not get there in {TIMEOUT} s: {what}")
        await asyncio.sleep(STEP)


def press(app: App[Any], key: str, character: str | None = None) -> None:
    """Send a key as the terminal driver does."""
    from textual import events

    event = events.Key(key, character)
    event.set_sender(app)
    app.post_message(event)


def shows_cards(app: App[Any]) -> bool:
    """The board screen is up and every column with cards has the cursor's card read."""
    from textual.css.query import NoMatches

    from plc_console.tui.screens.board import BoardScreen

    screen = app.screen
    if not isinstance(screen, BoardScreen):
        return False
    try:
        columns = screen.columns
    except NoMatches:  # lanes composed, their columns not mounted yet
        return False
    return any(c.count for c in columns) and all(
        c.count == 0 or c.current_card is not None for c in columns
    )


async def scroll(app: App[Any], screen: BoardScreen, cards: int) -> int:
    """Page down the deepest column until ``cards`` cards went by; how many it holds."""
    columns = screen.columns
    for _ in columns:
        press(app, "left")
    deepest = max(range(len(columns)), key=lambda i: columns[i].count)
    for _ in range(deepest):
        press(app, "right")
    column = columns[deepest]
    await until(lambda: screen.active_column is column, "cursor in the deepest column")
    target = min(cards, column.count - 1)
    pages = 0
    while column.cursor_row < target:
        row = column.cursor_row
        press(app, "pagedown")
        await until(lambda row=row: column.cursor_row != row, "page down")
        pages += 1
        if pages % 2 == 0:  # a key repeat of 30/s against 60 frames/s: most pages painted
            await screen.wait_for_refresh()
    await until(lambda: column.current_card is not None, "cards under the cursor read")
    await screen.wait_for_refresh()
    return sum(1 for row in range(column.count) if column.card_at(row) is not None)


async def move(app: App[Any], screen: BoardScreen) -> float:
    """Move the first card of the first column forward; milliseconds until repainted."""
    columns = screen.columns
    for _ in columns:
        press(app, "left")
    press(app, "home")
    source, target = columns[0], columns[1]
    await until(
        lambda: (
            screen.active_column is source
            and source.cursor_row == 0
            and source.current_card is not None
        ),
        "cursor on the first card",
    )
    card, before = source.current_card, (source.count, target.count)
    assert card is not None
    start = time.perf_counter()
    press(app, "right_square_bracket", "]")
    await until(
        lambda: (
            (source.count, target.count) == (before[0] - 1, before[1] + 1)
            and source.current_card is not None
            and source.current_card.id != card.id
        ),
        "the moved card shown in its new column",
    )
    await screen.wait_for_refresh()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("db_url")
    parser.add_argument("--scroll", type=int, default=0, help="cards to page down")
    parser.add_argument("--move", action="store_true", help="move a card forward")
    args = parser.parse_args()

    # What `plc` does (the root command in cli/main.py): its commands, settings, the
    # database, then open_console, here with a headless terminal and a pilot.
    from plc_console.cli.console import open_console
    from plc_console.cli.main import app as _commands  # noqa: F401
    from plc_console.config import Settings
    from plc_console.services.database import open_database

    imported = time.perf_counter()
    settings = Settings.from_environment(db_url=args.db_url)
    database = open_database(settings.db_url)
    opened = time.perf_counter()

    async def drive(pilot: Pilot[None]) -> None:
        from plc_console.tui.screens.board import BoardScreen

        app = pilot.app
        await until(lambda: shows_cards(app), "cards in every column")
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        await screen.wait_for_refresh()
        shown = time.perf_counter()
        # Interactive: a key is handled and its effect painted.
        column = screen.active_column
        row = column.cursor_row
        press(app, "down")
        await until(lambda: column.cursor_row == row + 1, "the cursor moved down")
        await screen.wait_for_refresh()
        ready = time.perf_counter()
        report(
            started=STARTED,
            imported=imported,
            opened=opened,
            shown=shown,
            ready=ready,
            cpu_s=time.process_time(),
            rss_kb=peak_rss_kb(),
        )
        cards_held = await scroll(app, screen, args.scroll) if args.scroll else None
        moved_ms = await move(app, screen) if args.move else None
        await app.workers.wait_for_complete()
        report(peak_rss_kb=peak_rss_kb(), cards_held=cards_held, moved_ms=moved_ms)
        app.exit()

    open_console(settings, database, headless=True, size=SIZE, auto_pilot=drive)


if __name__ == "__main__":
    main()
