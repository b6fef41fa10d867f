"""Opening the interactive console on a database."""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

from plc_console.config import Settings
from plc_console.services.database import Database

if TYPE_CHECKING:
    from textual.app import AutopilotCallbackType


def open_console(
    settings: Settings,
    database: Database,
    *,
    headless: bool = False,
    size: tuple[int, int] | None = None,
    auto_pilot: AutopilotCallbackType | None = None,
) -> None:
    """Run the Textual console until the coordinator quits.

    ``headless``, ``size`` and ``auto_pilot`` are Textual's own run options, for driving
    the console exactly as `plc` opens it without a terminal (the startup benchmark).
    """
    # Textual and the first screen make some hundred thousand objects that live as long
    # as the console; the cyclic collector would walk them over and over while they are
    # made (a few tenths of a second). It is back on once the board is up (PlcApp).
    gc.disable()
    try:
        # Textual loads only when the console opens, so plain commands start fast.
        from plc_console.tui.app import make_app

        make_app(settings, database.sessions).run(
            headless=headless, size=size, auto_pilot=auto_pilot
        )
    finally:
        gc.enable()
        database.engine.dispose()
