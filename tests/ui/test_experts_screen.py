"""The expert registry screen driven from the keyboard: list, search, add, edit, deactivate."""

from __future__ import annotations

from typing import Any

import pytest
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, SelectionList

from plc_console.services.database import Database
from plc_console.services.experts import NewExpert, add_expert, search_experts
from plc_console.services.views import ExpertView
from plc_console.tui.app import PlcApp
from plc_console.tui.screens.dialogs import ConfirmDialog
from plc_console.tui.screens.expert_form import ExpertFormScreen
from plc_console.tui.screens.experts import ExpertsScreen
from plc_console.tui.widgets.expert_table import COLUMNS, ExpertTable
from plc_console.tui.widgets.form_field import FormRow
from tests.ui.board_pilot import SIZE, AppFactory, notes, press, run, settle
from tests.ui.conftest import ACTOR

EXPERTS = [
    NewExpert(
        "Соколова Ирина Викторовна",
        "ГАУ ДПО «Институт развития образования», кафедра методики преподавания",
        "+7 912 405-18-33",
        "математика",
        4,
        "вт, чт после 15:00",
        ("subject_methods", "task_choice"),
    ),
    NewExpert(
        "Белов Андрей Николаевич",
        "ЦНППМ «Педагог будущего», методист",
        "a.belov@cnppm-pedagog.ru",
        "физика, информатика",
        3,
        "онлайн, пн–пт",
        ("engagement", "task_choice"),
    ),
    NewExpert(
        "Кравченко Ольга Петровна",
        "ППМС-центр «Доверие», педагог-психолог",
        "+7 917 228-64-10",
        None,
        5,
        "ср, пт 10:00–16:00",
        ("psychology", "disabilities", "teacher_dialogue"),
    ),
    NewExpert(
        "Ёлкина Вера Михайловна",
        "МАОУ Гимназия № 3, учитель-логопед",
        "elkina@example.ru",
        "начальные классы",
        2,
        "пн, ср",
        ("disabilities",),
        active=False,
    ),
]
#: The registry as listed: by name, ё read as е.
NAMES = [
    "Белов Андрей Николаевич",
    "Ёлкина Вера Михайловна",
    "Кравченко Ольга Петровна",
    "Соколова Ирина Викторовна",
]


@pytest.fixture
def registry(ui_db: Database) -> Database:
    """The seeded community with four experts, one of them inactive."""
    with ui_db.sessions.begin() as session:
        for new in EXPERTS:
            add_expert(session, new)
    return ui_db


class Desk:
    """The registry pushed onto the console, and what it was dismissed with."""

    def __init__(self, app: PlcApp, db: Database) -> None:
        self.app = app
        self.db = db
        self.results: list[bool | None] = []
        self.screen = ExpertsScreen(db.sessions, app.t, ACTOR)

    async def open(self, pilot: Pilot[None]) -> None:
        await settle(pilot)
        self.app.push_screen(self.screen, self.results.append)
        await settle(pilot)
        # A blinking cursor is shown or not depending on the moment: keep it still.
        self.screen.query_one("#search", Input).cursor_blink = False

    @property
    def table(self) -> ExpertTable:
        return self.screen.query_one(ExpertTable)

    def rows(self) -> list[dict[str, str]]:
        """What every row shows, by column key."""
        table = self.table
        return [
            dict(zip(COLUMNS, (str(cell) for cell in table.get_row_at(row)), strict=True))
            for row in range(table.row_count)
        ]

    def names(self) -> list[str]:
        return [row["name"] for row in self.rows()]

    def row(self, name: str) -> dict[str, str]:
        return next(row for row in self.rows() if row["name"] == name)

    def greyed(self, name: str) -> bool:
        """Whether the expert's row is drawn in the inactive style."""
        table = self.table
        row = table.get_row_at(self.names().index(name))
        return all(cell.style == table.inactive_style for cell in row)

    async def cursor_to(self, pilot: Pilot[None], name: str) -> None:
        self.table.move_cursor(row=self.names().index(name))
        await pilot.pause()

    @property
    def form(self) -> ExpertFormScreen:
        assert isinstance(self.app.screen, ExpertFormScreen)
        return self.app.screen

    async def type_into(self, pilot: Pilot[None], field: str, text: str) -> None:
        """Focus a field of the form, clear it and type, key by key."""
        field_input = self.form.query_one(f"#field-{field}", Input)
        field_input.focus()
        field_input.value = ""
        await pilot.pause()
        await pilot.press(*("space" if char == " " else char for char in text))

    def errors(self) -> dict[str, str]:
        """The message shown under each field of the form that is in error."""
        return {row.field: row.error for row in self.form.query(FormRow) if row.error}

    def stored(self, text: str = "") -> list[ExpertView]:
        with self.db.sessions() as session:
            return search_experts(session, text)


def test_the_registry_lists_every_expert_by_name(build_app: AppFactory, registry: Database) -> None:
    app = build_app("ru")
    desk = Desk(app, registry)

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await desk.open(pilot)
            assert desk.names() == NAMES
            assert desk.row("Соколова Ирина Викторовна") == {
                "name": "Соколова Ирина Викторовна",
                "organization": (
                    "ГАУ ДПО «Институт развития образования», кафедра методики преподавания"
                ),
                "subjects": "математика",
                # Competences by their Russian names, in the order of the topic list.
                "competences": "подбор заданий, методика преподавания предмета",
                "load": "0 из 4",
                "availability": "вт, чт после 15:00",
                "active": "да",
            }
            assert desk.row("Кравченко Ольга Петровна")["subjects"] == "—"
            assert desk.row("Ёлкина Вера Михайловна")["active"] == "нет"
            assert desk.greyed("Ёлкина Вера Михайловна")
            assert not desk.greyed("Белов Андрей Николаевич")
            assert desk.screen.sub_title == "Реестр экспертов: 4, из них активных: 3"
            assert app.focused is desk.table

    run(scenario())


def test_search_narrows_the_list_as_it_is_typed(build_app: AppFactory, registry: Database) -> None:
    app = build_app("en")
    desk = Desk(app, registry)

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await desk.open(pilot)
            await press(pilot, "slash")
            assert app.focused is desk.screen.query_one("#search")
            for key in "ппмс":
                await press(pilot, key)
            assert desk.names() == ["Кравченко Ольга Петровна"]
            desk.screen.query_one("#search", Input).value = "елкина"  # ё read as е
            await settle(pilot)
            assert desk.names() == ["Ёлкина Вера Михайловна"]
            desk.screen.query_one("#search", Input).value = "nobody"
            await settle(pilot)
            assert desk.names() == []
            empty = desk.screen.query_one("#experts-empty")
            assert (empty.display, str(empty.render())) == (True, "Nobody matches “nobody”")
            assert not desk.table.display  # no headers over nothing
            await press(pilot, "escape")  # clears the search: the whole registry again
            assert desk.names() == NAMES
            assert app.focused is desk.table

    run(scenario())


def test_an_expert_added_on_the_form_is_stored_and_listed(
    build_app: AppFactory, registry: Database
) -> None:
    app, messages = build_app("ru"), list[Message]()
    desk = Desk(app, registry)

    async def scenario() -> None:
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await desk.open(pilot)
            await press(pilot, "n")
            assert app.focused is desk.form.query_one("#field-full_name")
            await desk.type_into(pilot, "full_name", "Фомин Сергей Викторович")
            await desk.type_into(pilot, "organization", "МБОУ Лицей 7")
            await desk.type_into(pilot, "contact", "+7 952 407-61-29")
            await desk.type_into(pilot, "subjects", "технология")
            await desk.type_into(pilot, "load_limit", "2")
            await desk.type_into(pilot, "availability", "сб 10:00-13:00")
            desk.form.query_one(SelectionList).select("subject_purpose")
            await press(pilot, "ctrl+s")
            assert app.screen is desk.screen
            assert "Фомин Сергей Викторович" in desk.names()
            assert desk.table.current is not None
            assert desk.table.current.full_name == "Фомин Сергей Викторович"
            await press(pilot, "escape")

    run(scenario())
    [stored] = desk.stored("Фомин")
    assert (stored.organization, stored.contact, stored.subjects) == (
        "МБОУ Лицей 7", "+7 952 407-61-29", "технология",
    )  # fmt: skip
    assert (stored.load_limit, stored.availability) == (2, "сб 10:00-13:00")
    assert (stored.topic_keys, stored.active) == (("subject_purpose",), True)
    assert [n.message for n in notes(messages)] == [
        "Эксперт Фомин Сергей Викторович добавлен в реестр"
    ]
    assert desk.results == [True]  # whoever opened the registry knows to read again


def test_refused_fields_are_shown_under_them_and_nothing_is_stored(
    build_app: AppFactory, registry: Database
) -> None:
    app = build_app("ru")
    desk = Desk(app, registry)

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await desk.open(pilot)
            await press(pilot, "n")
            await desk.type_into(pilot, "full_name", "Фомин Сергей")
            await desk.type_into(pilot, "contact", "спросить у завуча")
            await desk.type_into(pilot, "load_limit", "25")
            await press(pilot, "ctrl+s")
            errors = desk.errors()
            assert list(errors) == ["contact", "load_limit"]
            assert errors["load_limit"] == (
                "Лимит заявок одновременно: значение должно быть от 1 до 20, а не 25"
            )
            assert errors["contact"].startswith("Контакты")  # named as on the form
            # The cursor is on the first refused field, in the order of the form.
            assert app.focused is desk.form.query_one("#field-contact")
            # Typing in a field takes its error away; the next save checks again.
            await desk.type_into(pilot, "contact", "fomin@example.ru")
            assert list(desk.errors()) == ["load_limit"]
            await desk.type_into(pilot, "load_limit", "два")
            await press(pilot, "ctrl+s")
            assert desk.errors() == {
                "load_limit": "Лимит заявок одновременно: «два» — не целое число"
            }
            assert app.screen is desk.form

    run(scenario())
    assert desk.stored("Фомин") == []


def test_editing_an_expert_changes_their_row(build_app: AppFactory, registry: Database) -> None:
    app = build_app("ru")
    desk = Desk(app, registry)
    name = "Соколова Ирина Викторовна"

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await desk.open(pilot)
            await desk.cursor_to(pilot, name)
            await press(pilot, "enter")
            form = desk.form
            assert form.query_one("#field-full_name", Input).value == name
            assert form.query_one("#field-load_limit", Input).value == "4"
            assert set(form.query_one(SelectionList).selected) == {"subject_methods", "task_choice"}
            await desk.type_into(pilot, "subjects", "математика, информатика")
            form.query_one(SelectionList).deselect("task_choice")
            await press(pilot, "ctrl+s")
            assert app.screen is desk.screen
            assert desk.table.current is not None and desk.table.current.full_name == name
            row = desk.row(name)
            assert row["subjects"] == "математика, информатика"
            assert row["competences"] == "методика преподавания предмета"

    run(scenario())
    [stored] = desk.stored("Соколова")
    assert (stored.subjects, stored.topic_keys) == ("математика, информатика", ("subject_methods",))


def test_deactivating_greys_the_expert_after_a_yes(
    build_app: AppFactory, registry: Database
) -> None:
    app = build_app("ru")
    desk = Desk(app, registry)
    name = "Белов Андрей Николаевич"

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await desk.open(pilot)
            assert desk.table.current is not None and desk.table.current.full_name == name
            await press(pilot, "d")
            assert isinstance(app.screen, ConfirmDialog)
            await press(pilot, "n")  # no: nothing changes
            assert desk.row(name)["active"] == "да"
            await press(pilot, "d", "y")
            assert desk.row(name)["active"] == "нет"
            assert desk.greyed(name)
            assert desk.screen.sub_title == "Реестр экспертов: 4, из них активных: 2"
            # Back to active: no question asked.
            await press(pilot, "d")
            assert app.screen is desk.screen
            assert desk.row(name)["active"] == "да" and not desk.greyed(name)
            await press(pilot, "d", "y")

    run(scenario())
    [stored] = desk.stored("Белов")
    assert not stored.active


def test_leaving_a_changed_form_asks_first(build_app: AppFactory, registry: Database) -> None:
    app = build_app("en")
    desk = Desk(app, registry)

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await desk.open(pilot)
            await press(pilot, "e")
            await press(pilot, "escape")  # nothing changed: straight back
            assert app.screen is desk.screen
            await press(pilot, "e")
            desk.form.query_one("#field-active", Checkbox).toggle()
            await press(pilot, "escape")
            assert isinstance(app.screen, ConfirmDialog)
            await press(pilot, "y")
            assert app.screen is desk.screen
            await press(pilot, "escape")

    run(scenario())
    assert all(expert.active for expert in desk.stored("Белов"))
    assert desk.results == [False]


# --- snapshots: the registry as the user sees it (fixed seed, language and size) --------


def test_snapshot_registry_in_russian(
    build_app: AppFactory, registry: Database, snap_compare: Any
) -> None:
    app = build_app("ru")
    desk = Desk(app, registry)
    assert snap_compare(app, terminal_size=SIZE, run_before=desk.open)


def test_snapshot_expert_form_with_errors_in_russian(
    build_app: AppFactory, registry: Database, snap_compare: Any
) -> None:
    app = build_app("ru")
    desk = Desk(app, registry)

    async def refused(pilot: Pilot[None]) -> None:
        await desk.open(pilot)
        await press(pilot, "n")
        for field in desk.form.query(Input):
            field.cursor_blink = False
        desk.form.query_one(SelectionList).select("engagement")
        await desk.type_into(pilot, "contact", "спросить у завуча")
        await desk.type_into(pilot, "load_limit", "25")
        await press(pilot, "ctrl+s")

    assert snap_compare(app, terminal_size=SIZE, run_before=refused)
