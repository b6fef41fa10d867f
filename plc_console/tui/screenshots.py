"""Pictures of the console's screens, made by the console itself from demo data.

Each shot starts the real app headless at a fixed size and clock, presses the keys
that reach a screen, waits for the database workers, and saves the screen as SVG.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from plc_console.config import Settings
from plc_console.tui.app import make_app

SIZE = (160, 45)


@dataclass(frozen=True)
class Shot:
    """One picture: its file name, language, and the keys that lead to the screen."""

    name: str
    lang: str
    keys: tuple[str, ...] = ()


SHOTS: tuple[Shot, ...] = (
    Shot("main-ru", "ru"),
    Shot("main-en", "en"),
    Shot("search-ru", "ru", ("slash", *"урок", "enter")),
    Shot("filters-en", "en", ("f", "down", "space", "tab", "space")),
    Shot("request-ru", "ru", ("right", "enter")),
    Shot("request-en", "en", ("right", "enter")),
    Shot("new-request-ru", "ru", ("n",)),
    Shot("palette-ru", "ru", ("ctrl+p", *"42")),
    Shot("help-ru", "ru", ("question_mark",)),
    Shot("matching-ru", "ru", ("right", "x")),
    Shot("balance-ru", "ru", ("A",)),
    Shot("experts-ru", "ru", ("E",)),
    Shot("meetings-ru", "ru", ("M",)),
    Shot("calendar-ru", "ru", ("M", "v")),
    Shot("meeting-ru", "ru", ("M", "enter")),
    Shot("base-ru", "ru", ("B",)),
    Shot("products-ru", "ru", ("P",)),
    Shot("fever-ru", "ru", ("F",)),
    Shot("reports-ru", "ru", ("R",)),
)


async def _take(
    shot: Shot,
    sessions: sessionmaker[Session],
    now: Callable[[], datetime],
    actor: str,
    out_dir: Path,
) -> Path:
    app = make_app(Settings(lang=shot.lang, actor=actor), sessions, now=now)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        for key in shot.keys:
            await pilot.press(key)
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
        path = out_dir / f"{shot.name}.svg"
        path.write_text(app.export_screenshot(title=f"plc-console — {shot.name}"), "utf-8")
    return path


async def take_screenshots(
    sessions: sessionmaker[Session],
    now: Callable[[], datetime],
    out_dir: Path,
    *,
    actor: str = "demo",
    shots: Sequence[Shot] = SHOTS,
    on_shot: Callable[[Path], None] | None = None,
) -> list[Path]:
    """Write one SVG per shot into ``out_dir``; returns the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for shot in shots:
        path = await _take(shot, sessions, now, actor, out_dir)
        written.append(path)
        if on_shot:
            on_shot(path)
    return written
