"""The console's App: title, stylesheet, the global keys, and the first screen.

Kept thin on purpose: screens own their bindings, data and workers.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker
from textual.app import App
from textual.binding import Binding
from textual.command import CommandPalette

from plc_console.config import Settings
from plc_console.services.clock import utcnow
from plc_console.tui.commands import GoToRequest, ScreenCommands
from plc_console.tui.meeting_desk import DEFAULT_EXPORTS, MeetingDesk
from plc_console.tui.screens.board import BoardScreen
from plc_console.tui.screens.help import HelpScreen, key_help, localize_bindings


class PlcApp(App[None]):
    """The coordinators' console."""

    CSS_PATH = Path(__file__).with_suffix(".tcss")
    # Textual's own commands (themes, screenshots…) speak English only: ours replace them.
    COMMANDS = {ScreenCommands, GoToRequest}
    BINDINGS = [
        Binding("q", "quit", "key.quit", tooltip="help.quit", id="quit"),
        Binding("question_mark", "help", "key.help", tooltip="help.help", id="help"),
        # Ours, so that its name and help are translated (Textual adds its own otherwise).
        Binding(
            "ctrl+p",
            "command_palette",
            "key.palette",
            tooltip="help.palette",
            id="command_palette",
            show=False,
            priority=True,
        ),
    ]

    def __init__(
        self,
        settings: Settings,
        sessions: sessionmaker[Session],
        now: Callable[[], datetime] = utcnow,
        *,
        exports_dir: Path = DEFAULT_EXPORTS,
        zone: ZoneInfo | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.t = settings.translate
        self._sessions = sessions
        self._now = now
        #: Where announcing or cancelling a meeting writes its calendar and text files.
        self.exports_dir = exports_dir
        #: The community's time zone (meeting times are its wall-clock times); None: the
        #: system's, found when a meeting screen first needs it.
        self.zone = zone
        localize_bindings(self, self.t)
        self.title = self.t("app.title")
        self.sub_title = self.t("app.subtitle")

    @property
    def sessions(self) -> sessionmaker[Session]:
        """Where workers get their sessions (one per unit of work)."""
        return self._sessions

    @property
    def meeting_desk(self) -> MeetingDesk:
        """What the meeting screens work with (the exports folder and zone as set now)."""
        if self.zone is None:
            from plc_console.services.meetings_ics import local_zone

            self.zone = local_zone()
        actor = self.settings.actor
        return MeetingDesk(self._sessions, self.t, self._now, actor, self.exports_dir, self.zone)

    def on_mount(self) -> None:
        self.push_screen(BoardScreen(self._sessions, self.t, self._now, self.settings.actor))
        self.call_after_refresh(self._settle_heap)

    def _settle_heap(self) -> None:
        """Once the first screen is up, set every live object aside; collect from now on.

        Imports, styles and widgets make some hundred thousand objects that live as long
        as the app; each full collection would walk them all again (a tenth of a second
        on a slow machine, landing on a key press every few moves). Frozen, they are
        skipped. ``open_console`` keeps the collector off until this point.
        """
        gc.freeze()
        gc.enable()

    def on_unmount(self) -> None:
        gc.unfreeze()  # what the app set aside is collectable again once it is gone

    def open_request(self, request_id: int) -> None:
        """Show one request over whatever is on screen (from the palette, say)."""
        from plc_console.tui.screens.request import RequestScreen

        actor = self.settings.actor
        self.push_screen(RequestScreen(self._sessions, self.t, self._now, actor, request_id))

    def action_command_palette(self) -> None:
        """The palette, with its prompt in the user's language."""
        if self.use_command_palette and not isinstance(self.screen, CommandPalette):
            placeholder = self.t("palette.placeholder")
            self.push_screen(CommandPalette(id="--command-palette", placeholder=placeholder))

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
    exports_dir: Path = DEFAULT_EXPORTS,
    zone: ZoneInfo | None = None,
) -> PlcApp:
    """The App for the CLI and the tests; ``now`` gives naive UTC times (fixed in tests),
    ``exports_dir`` where meeting announcements go, ``zone`` the community's time zone."""
    return PlcApp(settings, sessions, now or utcnow, exports_dir=exports_dir, zone=zone)
