"""Opening the interactive console on a database."""

from __future__ import annotations

from plc_console.config import Settings
from plc_console.services.database import Database


def open_console(settings: Settings, database: Database) -> None:
    """Run the Textual console until the coordinator quits."""
    # Textual loads only when the console opens, so plain commands start fast.
    from plc_console.tui.app import make_app

    try:
        make_app(settings, database.sessions).run()
    finally:
        database.engine.dispose()
