"""Where the meeting screens work: sessions, language, clock, actor, exports folder, zone.

Meeting times are the community's local wall-clock times while the clock gives UTC, so
every meeting screen needs the community's time zone; announcing and cancelling write
files into the exports folder. The app holds both (``PlcApp.exports_dir``,
``PlcApp.zone``) and hands them out as one :class:`MeetingDesk`; tests give it a
temporary folder and a fixed zone. Kept free of heavy imports: the app imports it at
start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker
from textual.app import App

from plc_console.locale import Translator

#: Where announcements go unless the app is told otherwise (as the CLI: ./exports/).
DEFAULT_EXPORTS = Path("exports")


@dataclass(frozen=True)
class MeetingDesk:
    """Everything a meeting screen works with; ``now`` gives naive UTC times."""

    sessions: sessionmaker[Session]
    t: Translator
    now: Callable[[], datetime]
    actor: str
    out_dir: Path
    zone: ZoneInfo

    def local_now(self) -> datetime:
        """Now as the community's wall-clock time (how meeting times are kept)."""
        from plc_console.services.meetings_flow import local_now

        return local_now(self.now(), self.zone)

    def today(self) -> date:
        return self.local_now().date()


def desk_of(app: App[object]) -> MeetingDesk:
    """The app's meeting desk (screens other than the meeting ones reach it this way)."""
    desk = getattr(app, "meeting_desk", None)
    if not isinstance(desk, MeetingDesk):
        raise TypeError(f"{type(app).__name__} has no meeting desk")
    return desk
