"""The request screen: every field and the whole history, and triage saved safely."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import Label, Select, SelectionList, Static

from plc_console.domain import Category, EventKind, Stage, promised_days
from plc_console.locale import Translator
from plc_console.services.database import Database
from plc_console.services.requests import find_request_id, set_triage
from plc_console.services.views import EventView
from plc_console.tui.app import PlcApp
from plc_console.tui.screens.help import HelpScreen
from plc_console.tui.screens.request import RequestScreen
from plc_console.tui.screens.triage_dialog import TriageDialog
from plc_console.tui.widgets.request_view import FieldGrid, HistoryTable, describe_note
from tests.ui.board_pilot import SIZE, AppFactory, detail, notes, press, run, settle
from tests.ui.conftest import ACTOR, UI_NOW, on

#: Иванова Анна, a young teacher: at triage since 3 November, motivational, one topic.
YOUNG = "З-2026-00001"
#: Орлов Денис: closed early as out of scope.
CLOSED = "З-2026-00005"
#: Волкова Ирина: through the whole chain to product & review, a long problem.
IN_PRODUCT = "З-2026-00008"


async def open_request(
    pilot: Pilot[None], db: Database, number: str, results: list[bool] | None = None
) -> RequestScreen:
    """Push the request screen over the board, as ``enter`` on a card will."""
    app = pilot.app
    assert isinstance(app, PlcApp)
    await settle(pilot)
    with db.sessions() as session:
        request_id = find_request_id(session, number)
    screen = RequestScreen(db.sessions, app.t, lambda: UI_NOW, ACTOR, request_id)
    app.push_screen(screen, results.append if results is not None else None)
    await settle(pilot)
    assert app.screen is screen
    return screen


def field(screen: RequestScreen, key: str) -> str | None:
    """What a field shows; None when its line is hidden."""
    for grid in screen.query(FieldGrid):
        if grid.query(f"#value-{key}"):
            return grid.value(key)
    raise KeyError(key)


def history(screen: RequestScreen) -> list[list[str]]:
    table = screen.query_one(HistoryTable)
    return [[str(cell) for cell in table.get_row_at(row)] for row in range(table.row_count)]


def test_every_field_and_the_whole_history_are_shown(
    build_app: AppFactory, ui_db: Database
) -> None:
    promised = (on(3) + timedelta(days=promised_days())).strftime("%d.%m.%Y")

    async def scenario() -> None:
        app = build_app("en")
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_request(pilot, ui_db, YOUNG)
            shown = {key: field(screen, key) for key in _ALL_FIELDS}
            assert shown == {
                "number": YOUNG,
                "stage": "Triage & experts · 17 d in this stage",
                "received_on": "02.11.2026",
                "channel": "paper box",
                "form_no": "—",
                "help_wanted": "—",
                "category": "motivational",
                "topics": "engaging students",
                "promised_on": promised,
                "close_reason": None,
                "duplicate_of": None,
                "answered_by": None,
                "imported": None,
                "full_name": "Иванова Анна",
                "role": "teacher · young teacher",
                "organization": "—",
                "subject": "—",
                "experience_years": "2",
                "grade": "—",
                "contact": "иванова@example.ru",
                "consent": "given",
            }
            problem = screen.query_one("#request-problem", Static)
            assert str(problem.content) == (
                "Не удаётся удержать внимание 5 «Б» класса на уроке\nОсобенно после физкультуры."
            )
            assert history(screen) == [
                ["02.11.2026 09:00", ACTOR, "created", "→ Received", ""],
                ["03.11.2026 09:00", ACTOR, "moved", "Received → Triage & experts", ""],
                [
                    "03.11.2026 15:00",
                    ACTOR,
                    "edited",
                    "Triage & experts",
                    "category: motivational; topics: engaging students",
                ],
            ]
            assert screen.query_one(HistoryTable).cursor_row == 2  # the newest event

    run(scenario())


_ALL_FIELDS = (
    "number stage received_on channel form_no help_wanted category topics promised_on "
    "close_reason duplicate_of answered_by imported full_name role organization subject "
    "experience_years grade contact consent"
).split()


def test_a_closed_request_in_russian_shows_why_and_refuses_triage(
    build_app: AppFactory, ui_db: Database
) -> None:
    messages: list[Message] = []
    results: list[bool] = []

    async def scenario() -> None:
        app = build_app("ru")
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            screen = await open_request(pilot, ui_db, CLOSED, results)
            assert field(screen, "stage") == "Закрыта досрочно · 12 дн. на этапе"
            assert field(screen, "close_reason") == "не по профилю сообщества"
            assert field(screen, "role") == "другое"
            assert field(screen, "consent") == "дано"
            assert field(screen, "category") == "—"
            assert [row[2:] for row in history(screen)] == [
                ["создана", "→ Заявка получена", ""],
                ["закрыта", "Заявка получена → Закрыта досрочно", "не по профилю сообщества"],
            ]
            await press(pilot, "t")
            assert app.screen is screen  # no editor for a closed request
            await press(pilot, "escape")
            assert app.screen is not screen

    run(scenario())
    assert f"{CLOSED} в состоянии «Закрыта досрочно»" in notes(messages)[-1].message
    assert results == [False]


def test_triage_saves_category_and_topics_with_an_event(
    build_app: AppFactory, ui_db: Database
) -> None:
    results: list[bool] = []

    async def scenario() -> None:
        app = build_app("en")
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_request(pilot, ui_db, YOUNG, results)
            await press(pilot, "t")
            dialog = app.screen
            assert isinstance(dialog, TriageDialog)
            assert dialog.query_one(Select).value is Category.MOTIVATIONAL
            assert dialog.query_one(SelectionList).selected == ["engagement"]
            # motivational is last: up one to organisational; tick choosing tasks too.
            await press(pilot, "enter", "up", "enter")
            await press(pilot, "tab", "down", "space", "ctrl+s")
            assert app.screen is screen
            assert field(screen, "category") == "organisational"
            assert field(screen, "topics") == "engaging students, choosing tasks"
            assert history(screen)[-1] == [
                UI_NOW.strftime("%d.%m.%Y %H:%M"),
                ACTOR,
                "edited",
                "Triage & experts",
                "category: organisational; topics: engaging students, choosing tasks",
            ]
            await press(pilot, "escape")

    run(scenario())
    stored = detail(ui_db, YOUNG)
    assert stored.summary.category is Category.ORGANISATIONAL
    assert stored.summary.topic_keys == ("engagement", "task_choice")
    assert stored.events[-1].actor == ACTOR and stored.events[-1].at == UI_NOW
    assert results == [True]


def test_a_triage_based_on_a_stale_read_is_refused_and_read_again(
    build_app: AppFactory, ui_db: Database
) -> None:
    messages: list[Message] = []
    results: list[bool] = []

    async def scenario() -> None:
        app = build_app("en")
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            screen = await open_request(pilot, ui_db, YOUNG, results)
            assert field(screen, "category") == "motivational"
            # Another desk sets the triage while this screen still shows the old one.
            with ui_db.sessions.begin() as session:
                read = detail(ui_db, YOUNG).summary
                set_triage(
                    session,
                    read.id,
                    read.version,
                    category=Category.THEORETICAL,
                    topic_keys=["psychology"],
                    actor="other-desk",
                    now=on(19, 12),
                )
            await press(pilot, "t")
            await press(pilot, "enter", "up", "enter")
            await press(pilot, "tab", "down", "space", "ctrl+s")
            assert app.screen is screen
            assert field(screen, "category") == "theoretical"  # read afresh
            assert field(screen, "topics") == "psychological features of children"
            assert history(screen)[-1][1] == "other-desk"
            await press(pilot, "escape")

    run(scenario())
    refused = notes(messages)[-1]
    assert refused.title == "Not saved" and refused.severity == "warning"
    assert f"request {YOUNG} was changed by someone else" in refused.message
    stored = detail(ui_db, YOUNG)
    assert stored.summary.category is Category.THEORETICAL
    assert stored.summary.topic_keys == ("psychology",)
    assert [e.actor for e in stored.events].count("other-desk") == 1
    assert results == [False]  # nothing was saved from this screen


def test_cancel_or_no_change_saves_nothing(build_app: AppFactory, ui_db: Database) -> None:
    messages: list[Message] = []

    async def scenario() -> None:
        app = build_app("en")
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            screen = await open_request(pilot, ui_db, YOUNG)
            await press(pilot, "t", "escape")
            assert app.screen is screen
            await press(pilot, "t", "ctrl+s")
            assert app.screen is screen

    before = detail(ui_db, YOUNG)
    run(scenario())
    assert notes(messages)[-1].message == "Nothing changed; nothing saved"
    assert detail(ui_db, YOUNG) == before


def test_help_lists_the_request_keys(build_app: AppFactory, ui_db: Database) -> None:
    async def scenario() -> None:
        app = build_app("en")
        async with app.run_test(size=SIZE) as pilot:
            await open_request(pilot, ui_db, YOUNG)
            await press(pilot, "question_mark")
            assert isinstance(app.screen, HelpScreen)
            shown = [str(label.content) for label in app.screen.query(Label)]
            for line in ("esc", "Back to the board", "t", "r", "tab  shift+tab"):
                assert line in shown, line
            assert "Move the card one stage forward" not in shown  # the board's keys

    run(scenario())


def test_snapshot_request_in_russian(
    build_app: AppFactory, ui_db: Database, snap_compare: Any
) -> None:
    async def open_it(pilot: Pilot[None]) -> None:
        await open_request(pilot, ui_db, IN_PRODUCT)

    assert snap_compare(build_app("ru"), terminal_size=SIZE, run_before=open_it)


@pytest.mark.parametrize(
    ("kind", "note", "shown"),
    [
        (EventKind.EDITED, "full_name, contact", "Full name, Contact"),
        (EventKind.EDITED, "category=-; topics=-", "category: —; topics: —"),
        (EventKind.EDITED, "typed by hand", "typed by hand"),
        (EventKind.CLOSED, "withdrawn", "withdrawn"),
        (EventKind.MOVED, "full_name", "full_name"),  # a coordinator's own words
    ],
)
def test_notes_in_code_words_are_shown_in_words(kind: EventKind, note: str, shown: str) -> None:
    event = EventView(UI_NOW, ACTOR, kind, Stage.TRIAGE, Stage.TRIAGE, note)
    assert describe_note(Translator("en"), event, ()) == shown
