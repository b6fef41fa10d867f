"""Settings shared by the CLI and the TUI: which database, which language, who is acting."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass

from plc_console.locale import Translator, detect

ACTOR_ENV = "PLC_ACTOR"


def default_actor() -> str:
    """Who is making changes: ``PLC_ACTOR``, else the operating-system user."""
    explicit = os.environ.get(ACTOR_ENV)
    if explicit and explicit.strip():
        return explicit.strip()
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "coordinator"


@dataclass(frozen=True)
class Settings:
    lang: str
    actor: str
    db_url: str | None = None

    @classmethod
    def from_environment(
        cls, *, lang: str | None = None, actor: str | None = None, db_url: str | None = None
    ) -> Settings:
        """Explicit values win over ``PLC_LANG``/``PLC_ACTOR``/``PLC_DB_URL`` and the system."""
        return cls(lang=detect(lang), actor=actor or default_actor(), db_url=db_url)

    @property
    def translate(self) -> Translator:
        return Translator(self.lang)
