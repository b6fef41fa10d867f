"""The console's App: title, stylesheet, the global keys, and the first screen.

Kept thin on purpose: screens own their bindings, data and workers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Literal

from sqlalchemy.orm import Session, sessionmaker
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from plc_console.config import Settings
from plc_console.services.clock import utcnow
from plc_console.tui.screens.board import BoardScreen
from plc_console.tui.screens.help import HelpScreen, key_help, localize_bindings
from plc_console.tui.screens.stage_list import StageListScreen

#: The first screen: the Kanban board, or the older list of requests by stage.
StartScreen = Literal["board", "stages"]


class PlcApp(App[None]):
    """The coordinators' console."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    # The palette's built-in commands are English only; ours will come with a Provider.
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("q", "quit", "key.quit", tooltip="help.quit", id="quit"),
        Binding("question_mark", "help", "key.help", tooltip="help.help", id="help"),
    ]

    def __init__(
        self,
        settings: Settings,
        sessions: sessionmaker[Session],
        now: Callable[[], datetime] = utcnow,
        start: StartScreen = "board",
    ) -> None:
        super().__init__()
        self._start: StartScreen = start
        self.settings = settings
        self.t = settings.translate
        self._sessions = sessions
        self._now = now
        localize_bindings(self, self.t)
        self.title = self.t("app.title")
        self.sub_title = self.t("app.subtitle")

    def on_mount(self) -> None:
        self.push_screen(self._first_screen())

    def _first_screen(self) -> Screen[None]:
        if self._start == "stages":
            return StageListScreen(self._sessions, self.t, self._now)
        return BoardScreen(self._sessions, self.t, self._now, self.settings.actor)

    def action_help_quit(self) -> None:
        """ctrl+c does not quit a Textual app: say which key does, in the user's language."""
        quit_keys = [
            self.get_key_display(active.binding)
            for active in self.active_bindings.values()
            if active.binding.id == "quit"
        ]
        keys = quit_keys[0] if quit_keys else "ctrl+q"
        self.notify(
            self.t("tui.quit_hint", keys=keys), title=self.t("tui.quit_title"), markup=False
        )

    def action_help(self) -> None:
        """Show the keys of the current screen (once: ? on the help window closes it)."""
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(key_help(self.screen), self.t))


def make_app(
    settings: Settings,
    sessions: sessionmaker[Session],
    *,
    now: Callable[[], datetime] | None = None,
    start: StartScreen = "board",
) -> PlcApp:
    """The App for the CLI and the tests; ``now`` gives naive UTC times (fixed in tests).

    ``start`` picks the first screen: the board, or the list of requests by stage.
    """
    return PlcApp(settings, sessions, now or utcnow, start)
