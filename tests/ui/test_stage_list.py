"""The stage list screen driven like a coordinator would: keys in, what is on screen out."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker
from textual.message import Message
from textual.notifications import Notify
from textual.pilot import Pilot
from textual.widgets import Label

from plc_console.config import Settings
from plc_console.domain import Stage
from plc_console.locale import Translator
from plc_console.services.database import Database
from plc_console.services.errors import NotFound
from plc_console.tui.app import PlcApp, make_app
from plc_console.tui.screens import stage_list
from plc_console.tui.screens.help import HelpScreen
from plc_console.tui.screens.stage_list import StageListScreen, describe_error
from plc_console.tui.widgets.request_table import RequestTable
from plc_console.tui.widgets.stage_picker import StagePicker
from tests.ui.board_pilot import press, run, settle
from tests.ui.conftest import ACTOR, UI_NOW

AppFactory = Callable[[str], PlcApp]

SIZE = (120, 40)
RECEIVED_NUMBERS = ["З-2026-00003", "З-2026-00006", "З-2026-00010", "З-2026-00011", "З-2026-00012"]


@pytest.fixture
def build_app(ui_db: Database) -> AppFactory:
    """The console opened on the stage list (the board is the first screen by default)."""

    def build(lang: str) -> PlcApp:
        settings = Settings(lang=lang, actor=ACTOR)
        app = make_app(settings, ui_db.sessions, now=lambda: UI_NOW, start="stages")
        app.animation_level = "none"
        return app

    return build


def table(app: PlcApp) -> RequestTable:
    return app.screen.query_one(RequestTable)


def rows(app: PlcApp) -> list[list[str]]:
    """The table as the user reads it, cell by cell."""
    grid = table(app)
    return [[str(cell) for cell in grid.get_row_at(index)] for index in range(grid.row_count)]


def column(app: PlcApp, index: int) -> list[str]:
    return [row[index] for row in rows(app)]


def highlighted_number(app: PlcApp) -> str | None:
    request = table(app).highlighted_request
    return request.number if request else None


def problem_width(app: PlcApp) -> int:
    return next(c.width for key, c in table(app).columns.items() if key.value == "problem")


def counts(app: PlcApp) -> dict[Stage, int]:
    """The number printed at the end of each line of the stage list."""
    picker = app.screen.query_one(StagePicker)
    return {
        Stage(option.id): int(str(option.prompt).split()[-1])
        for option in picker.options
        if option.id is not None
    }


def pane_title(app: PlcApp) -> str:
    return str(app.screen.query_one("#requests-pane").border_title)


def pane_subtitle(app: PlcApp) -> str:
    return str(app.screen.query_one("#requests-pane").border_subtitle or "")


def test_the_stage_list_counts_every_stage_and_shows_received(
    build_app: AppFactory, seed_counts: dict[Stage, int]
) -> None:
    async def scenario() -> None:
        app = build_app("en")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert counts(app) == seed_counts
            assert pane_title(app) == "Received"
            assert column(app, 0) == RECEIVED_NUMBERS
            assert rows(app)[1] == [
                "З-2026-00006",
                "09.11.2026",
                "young teacher",
                "Родители не читают сообщения в Дневник.ру [срочно]",
                "—",
                "11",
            ]
            assert pane_subtitle(app) == ""
            assert isinstance(app.focused, StagePicker)

    run(scenario())


def test_moving_down_shows_the_next_stage(build_app: AppFactory) -> None:
    async def scenario() -> None:
        app = build_app("en")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "down")
            assert pane_title(app) == "Triage & experts"
            assert rows(app) == [
                [
                    "З-2026-00001",
                    "02.11.2026",
                    "young teacher",
                    "Не удаётся удержать внимание 5 «Б» класса на уроке",
                    "motivational",
                    "17",
                ],
                [
                    "З-2026-00007",
                    "10.11.2026",
                    "parent",
                    "Ребёнок не хочет ходить на кружки и секции",
                    "—",
                    "9",
                ],
            ]
            await press(pilot, "down", "down", "down")
            assert pane_title(app) == "Joint work"
            assert rows(app) == []
            assert app.screen.query_one("#empty").display

    run(scenario())


def test_closed_requests_are_last_in_the_list(build_app: AppFactory) -> None:
    async def scenario() -> None:
        app = build_app("en")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "end")
            assert pane_title(app) == "Closed early"
            assert column(app, 0) == ["З-2026-00005"]
            assert column(app, 2) == ["other"]

    run(scenario())


def test_the_list_speaks_russian(build_app: AppFactory) -> None:
    async def scenario() -> None:
        app = build_app("ru")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "down")
            assert pane_title(app) == "Обработка и подбор экспертов"
            assert column(app, 2) == ["молодой педагог", "родитель"]
            assert column(app, 4) == ["мотивационное", "—"]
            labels = [str(col.label) for col in table(app).columns.values()]
            assert labels == ["№", "Получена", "Заявитель", "Проблема", "Категория", "Дней"]

    run(scenario())


def test_tab_moves_between_the_stage_list_and_the_table(build_app: AppFactory) -> None:
    async def scenario() -> None:
        app = build_app("en")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "tab")
            assert app.focused is table(app)
            await press(pilot, "down", "down")
            assert highlighted_number(app) == RECEIVED_NUMBERS[2]
            assert pane_title(app) == "Received"  # moving in the table keeps the stage
            await press(pilot, "shift+tab")
            assert isinstance(app.focused, StagePicker)

    run(scenario())


def test_refresh_shows_what_another_desk_added(
    build_app: AppFactory, another_desk: Callable[[str, str], None]
) -> None:
    async def scenario() -> None:
        app = build_app("en")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "tab", "down")
            another_desk("Соколова Вера", "Как готовить открытый урок")
            assert counts(app)[Stage.RECEIVED] == 5  # nothing is read behind the user's back
            await press(pilot, "r")
            assert counts(app)[Stage.RECEIVED] == 6
            assert column(app, 0) == [*RECEIVED_NUMBERS, "З-2026-00013"]
            assert rows(app)[-1][3] == "Как готовить открытый урок"
            assert highlighted_number(app) == RECEIVED_NUMBERS[1]  # the cursor stayed put

    run(scenario())


def test_a_long_stage_says_how_much_is_shown(
    build_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stage_list, "ROW_LIMIT", 3)

    async def scenario() -> None:
        app = build_app("ru")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert column(app, 0) == RECEIVED_NUMBERS[:3]
            assert pane_subtitle(app) == "показано 3 из 5"

    run(scenario())


@pytest.mark.parametrize("close_key", ["escape", "q", "question_mark"])
def test_help_lists_the_keys_and_closes(build_app: AppFactory, close_key: str) -> None:
    async def scenario() -> None:
        app = build_app("en")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "question_mark")
            assert isinstance(app.screen, HelpScreen)
            shown = [str(label.content) for label in app.screen.query(Label)]
            for line in (
                "r",
                "Read the requests again: other desks may have changed them",
                "tab  shift+tab",
                "Switch between the stage list and the table",
                "Leave the console",
            ):
                assert line in shown
            await press(pilot, close_key)
            assert isinstance(app.screen, StageListScreen)
            assert app.return_code is None  # q closed the help, it did not quit

    run(scenario())


def test_q_quits(build_app: AppFactory) -> None:
    async def scenario() -> None:
        app = build_app("en")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("q")
            assert app.return_code == 0

    run(scenario())


def test_a_wider_terminal_shows_more_of_the_problem(build_app: AppFactory) -> None:
    problem = "Не понимаю, зачем нужен предмет «Технология»"

    async def scenario() -> None:
        app = build_app("en")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert problem_width(app) < len(problem)
            await pilot.resize_terminal(160, 40)
            await settle(pilot)
            assert problem_width(app) >= len(problem)
            assert rows(app)[0][3] == problem

    run(scenario())


def test_ctrl_c_says_how_to_quit(build_app: AppFactory) -> None:
    messages: list[Message] = []

    async def scenario() -> None:
        app = build_app("ru")
        async with app.run_test(
            size=SIZE, notifications=True, message_hook=messages.append
        ) as pilot:
            await settle(pilot)
            await press(pilot, "ctrl+c")
            assert app.return_code is None

    run(scenario())
    notes = [m.notification for m in messages if isinstance(m, Notify)]
    assert [(n.title, n.message) for n in notes] == [
        ("Выйти из консоли?", "Чтобы выйти, нажмите q")
    ]


def test_a_failed_read_is_reported_not_raised(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    app = make_app(Settings(lang="ru", actor="tester"), sessionmaker(engine), start="stages")
    messages: list[Message] = []

    async def scenario() -> None:
        async with app.run_test(
            size=SIZE, notifications=True, message_hook=messages.append
        ) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, StageListScreen)

    run(scenario())
    engine.dispose()
    notes = [m.notification for m in messages if isinstance(m, Notify)]
    assert [(n.title, n.severity) for n in notes] == [("Ошибка", "error")]
    assert notes[0].message.startswith("Непредвиденная ошибка: OperationalError:")
    assert "no such table" in notes[0].message
    assert "\n" not in notes[0].message


def test_our_errors_are_told_in_the_users_language() -> None:
    assert describe_error(NotFound("З-2026-00099"), Translator("ru")) == (
        "заявка З-2026-00099 не найдена"
    )
    assert describe_error(RuntimeError("boom\nstack"), Translator("en")) == (
        "Unexpected error: RuntimeError: boom"
    )


# --- snapshots: what the user sees, pinned (clock, data, size, no animation) -------------


def test_snapshot_received_in_english(build_app: AppFactory, snap_compare: Any) -> None:
    assert snap_compare(build_app("en"), terminal_size=SIZE, run_before=settle)


def test_snapshot_triage_in_russian(build_app: AppFactory, snap_compare: Any) -> None:
    async def on_triage(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await press(pilot, "down", "tab")

    assert snap_compare(build_app("ru"), terminal_size=SIZE, run_before=on_triage)


def test_snapshot_help_in_russian(build_app: AppFactory, snap_compare: Any) -> None:
    async def open_help(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await press(pilot, "question_mark")

    assert snap_compare(build_app("ru"), terminal_size=SIZE, run_before=open_help)
