"""The request form driven like a coordinator at the desk: register, refuse, edit, stale."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, Label, Select, SelectionList, TextArea

from plc_console.db.models import Request
from plc_console.domain import Channel, EventKind, HelpWanted, Role, Stage
from plc_console.services.database import Database
from plc_console.services.request_edit import edit_request
from plc_console.services.requests import NewRequest, find_request_id, get_request
from plc_console.services.views import RequestDetail, RequestSummary
from plc_console.tui.app import PlcApp
from plc_console.tui.screens.dialogs import ConfirmDialog
from plc_console.tui.screens.help import HelpScreen
from plc_console.tui.screens.request_form import RequestFormScreen
from plc_console.tui.widgets.form_field import FormRow, parse_day, parse_whole
from tests.ui.board_pilot import SIZE, AppFactory, detail, notes, press, run, settle
from tests.ui.conftest import ACTOR, UI_NOW, on

#: The seed holds twelve requests; the next one registered is the thirteenth.
NEXT_NUMBER = "З-2026-00013"
EDITED = "З-2026-00003"


class Desk:
    """The form pushed onto the console, and what it was dismissed with."""

    def __init__(self, app: PlcApp, db: Database, editing: RequestDetail | None = None) -> None:
        self.app = app
        self.results: list[RequestSummary | None] = []
        self.form = RequestFormScreen(db.sessions, app.t, lambda: UI_NOW, ACTOR, editing)

    async def open(self, pilot: Pilot[None]) -> None:
        await settle(pilot)
        self.app.push_screen(self.form, self.results.append)
        await settle(pilot)
        # A blinking cursor is shown or not depending on the moment: keep it still.
        for field in self.form.query(Input):
            field.cursor_blink = False
        self.form.query_one(TextArea).cursor_blink = False
        await pilot.pause()

    def row(self, field: str) -> FormRow:
        return self.form.query_one(f"#row-{field}", FormRow)

    def errors(self) -> dict[str, str]:
        """The message shown beside each field in error."""
        return {row.field: row.error for row in self.form.query(FormRow) if row.error}

    @property
    def focused_id(self) -> str | None:
        focused = self.app.focused
        return focused.id if focused else None


async def type_into(pilot: Pilot[None], desk: Desk, field: str, text: str) -> None:
    """Focus a field and type, key by key, as a person would."""
    desk.form.query_one(f"#field-{field}").focus()
    await pilot.pause()
    await pilot.press(*("space" if char == " " else char for char in text))


async def fill(pilot: Pilot[None], desk: Desk, *, contact: str = "+7 900 123-45-67") -> None:
    """A phone call from a young teacher: every required field but the consent tick."""
    await type_into(pilot, desk, "full_name", "Belova Zoya")
    desk.form.query_one("#field-role", Select).value = Role.TEACHER.value
    if contact:
        await type_into(pilot, desk, "contact", contact)
    await type_into(pilot, desk, "experience_years", "2")
    desk.form.query_one(
        "#field-problem", TextArea
    ).text = "Как вести урок в 5 «Б»\nпосле физкультуры"
    desk.form.query_one("#field-help_wanted", Select).value = HelpWanted.MEETING.value
    await pilot.pause()


async def tick_consent(pilot: Pilot[None], desk: Desk) -> None:
    desk.form.query_one("#field-consent", Checkbox).focus()
    await press(pilot, "space")


def request_count(db: Database) -> int:
    with db.sessions() as session:
        return session.scalar(select(func.count()).select_from(Request)) or 0


def test_a_phone_request_is_registered_at_received(build_app: AppFactory, ui_db: Database) -> None:
    app, messages = build_app("en"), list[Message]()
    desk = Desk(app, ui_db)

    async def scenario() -> None:
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await desk.open(pilot)
            assert desk.focused_id == "field-full_name"
            assert desk.form.query_one("#field-received_on", Input).value == "2026-11-20"
            await fill(pilot, desk)
            await tick_consent(pilot, desk)
            desk.form.query_one(SelectionList).select("engagement")
            await press(pilot, "ctrl+s")
            assert not isinstance(app.screen, RequestFormScreen)

    run(scenario())
    [summary] = desk.results
    assert summary is not None and summary.number == NEXT_NUMBER
    stored = detail(ui_db, NEXT_NUMBER)
    assert stored.summary.stage is Stage.RECEIVED
    assert (stored.summary.requester, stored.summary.role, stored.contact) == (
        "Belova Zoya", Role.TEACHER, "+7 900 123-45-67",
    )  # fmt: skip
    assert stored.summary.young_teacher
    assert (stored.summary.channel, stored.help_wanted) == (Channel.PHONE, HelpWanted.MEETING)
    assert stored.summary.received_on == UI_NOW.date()
    assert stored.summary.topic_keys == ("engagement",)
    assert [(e.kind, e.actor, e.at) for e in stored.events] == [(EventKind.CREATED, ACTOR, UI_NOW)]
    assert [n.message for n in notes(messages)] == [f"Registered {NEXT_NUMBER}"]


def test_a_missing_contact_is_shown_beside_the_contact(
    build_app: AppFactory, ui_db: Database
) -> None:
    app = build_app("en")
    desk = Desk(app, ui_db)

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await desk.open(pilot)
            await fill(pilot, desk, contact="")
            await tick_consent(pilot, desk)
            await press(pilot, "ctrl+s")
            assert desk.errors() == {"contact": "Contact is required"}
            assert desk.row("contact").has_class("-invalid")
            assert desk.focused_id == "field-contact"
            assert app.screen is desk.form
            # Typing in the field takes its error away; saving then goes through.
            await type_into(pilot, desk, "contact", "zoya@example.ru")
            assert desk.errors() == {}
            assert not desk.row("contact").has_class("-invalid")
            await press(pilot, "ctrl+s")
            assert app.screen is not desk.form

    run(scenario())
    assert detail(ui_db, NEXT_NUMBER).contact == "zoya@example.ru"


def test_a_form_without_consent_is_not_stored(build_app: AppFactory, ui_db: Database) -> None:
    app = build_app("ru")
    desk = Desk(app, ui_db)

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await desk.open(pilot)
            await fill(pilot, desk)
            await press(pilot, "ctrl+s")
            assert list(desk.errors()) == ["consent"]
            assert "без согласия" in desk.errors()["consent"]
            assert desk.focused_id == "field-consent"
            assert app.screen is desk.form

    run(scenario())
    assert desk.results == []
    assert request_count(ui_db) == 12


def test_a_bad_date_and_a_word_for_a_number_are_shown_beside_them(
    build_app: AppFactory, ui_db: Database
) -> None:
    app = build_app("en")
    desk = Desk(app, ui_db)

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await desk.open(pilot)
            desk.form.query_one("#field-received_on", Input).value = "31.02.2026"
            await type_into(pilot, desk, "grade", "five")
            await press(pilot, "ctrl+s")
            errors = desk.errors()
            assert errors["received_on"] == (
                "Date: “31.02.2026” is not a date; type dd.mm.yyyy or yyyy-mm-dd"
            )
            assert errors["grade"] == "Grade: “five” is not a whole number"
            # Every wrong field at once, in the order of the form: the cursor is on the first.
            assert list(errors) == [
                "received_on", "full_name", "role", "contact", "grade", "problem", "consent",
            ]  # fmt: skip
            assert desk.focused_id == "field-received_on"

    run(scenario())
    assert request_count(ui_db) == 12


def test_typed_values_read_as_on_the_paper_form() -> None:
    assert parse_day(" 1.9.2026 ") == parse_day("01.09.2026") == date(2026, 9, 1)
    assert parse_day("2026-09-01") == date(2026, 9, 1)
    with pytest.raises(ValueError):
        parse_day("01/09/2026")
    assert (parse_whole(" 12 "), parse_whole(""), parse_whole("-1")) == (12, None, -1)
    with pytest.raises(ValueError):
        parse_whole("2.5")


def _detail(db: Database, number: str) -> RequestDetail:
    with db.sessions() as session:
        return get_request(session, find_request_id(session, number))


def test_editing_the_problem_saves_it_with_an_edited_event(
    build_app: AppFactory, ui_db: Database
) -> None:
    app, messages = build_app("en"), list[Message]()
    before = _detail(ui_db, EDITED)
    desk = Desk(app, ui_db, editing=before)

    async def scenario() -> None:
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await desk.open(pilot)
            assert desk.focused_id == "field-problem"
            assert desk.form.query_one("#field-full_name", Input).value == "Сидоров Миша"
            assert desk.form.query_one("#field-consent", Checkbox).value
            await press(pilot, "space", "?")
            await press(pilot, "ctrl+s")

    run(scenario())
    [summary] = desk.results
    assert summary is not None and summary.version == before.summary.version + 1
    after = detail(ui_db, EDITED)
    assert after.summary.problem == before.summary.problem + " ?"
    assert (after.events[-1].kind, after.events[-1].note) == (EventKind.EDITED, "problem")
    assert [n.message for n in notes(messages)] == [f"Saved {EDITED}"]


def test_an_edit_based_on_a_stale_read_is_refused(build_app: AppFactory, ui_db: Database) -> None:
    app, messages = build_app("en"), list[Message]()
    theirs = _detail(ui_db, EDITED)
    desk = Desk(app, ui_db, editing=theirs)
    with ui_db.sessions.begin() as session:  # another desk saves first
        form = NewRequest(
            received_on=theirs.summary.received_on,
            full_name=theirs.summary.requester,
            role=theirs.summary.role,
            contact=theirs.contact,
            problem="Исправлено на другом рабочем месте",
            consent=True,
        )
        edit_request(
            session, theirs.summary.id, theirs.summary.version, form, actor="b", now=on(19)
        )

    async def scenario() -> None:
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await desk.open(pilot)
            desk.form.query_one("#field-problem", TextArea).text = "Моя правка"
            await press(pilot, "ctrl+s")
            assert app.screen is desk.form
            status = str(desk.form.query_one("#form-status").render())
            assert status.startswith(f"Not saved: request {EDITED} was changed by someone else")

    run(scenario())
    assert desk.results == []
    assert detail(ui_db, EDITED).summary.problem == "Исправлено на другом рабочем месте"
    [shown] = notes(messages)
    assert (shown.title, shown.severity) == ("Not saved", "warning")
    assert f"request {EDITED} was changed by someone else" in shown.message


def test_escape_asks_before_it_throws_away_what_was_typed(
    build_app: AppFactory, ui_db: Database
) -> None:
    app = build_app("en")
    untouched, typed = Desk(app, ui_db), Desk(app, ui_db)

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await untouched.open(pilot)
            await press(pilot, "escape")
            assert untouched.results == [None]
            await typed.open(pilot)
            await type_into(pilot, typed, "full_name", "Z")
            typed.form.query_one("#field-problem").focus()  # escape works from the text too
            await press(pilot, "escape")
            assert isinstance(app.screen, ConfirmDialog)
            await press(pilot, "n")
            assert typed.form.is_current
            await press(pilot, "escape", "y")
            assert typed.results == [None]

    run(scenario())
    assert request_count(ui_db) == 12


def test_f1_lists_the_form_keys(build_app: AppFactory, ui_db: Database) -> None:
    app = build_app("en")
    desk = Desk(app, ui_db)

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await desk.open(pilot)
            await press(pilot, "f1")
            assert isinstance(app.screen, HelpScreen)
            texts = [str(label.content) for label in app.screen.query(".help-text").results(Label)]
            assert "Check the form and save the request" in texts
            assert any(text.startswith("Leave the form without saving") for text in texts)

    run(scenario())


# --- snapshots: the form as the user sees it (fixed clock, seed, language, size) ---------


def test_snapshot_empty_new_request_form(
    build_app: AppFactory, ui_db: Database, snap_compare: Any
) -> None:
    app = build_app("en")
    desk = Desk(app, ui_db)
    assert snap_compare(app, terminal_size=SIZE, run_before=desk.open)


def test_snapshot_form_with_errors_in_russian(
    build_app: AppFactory, ui_db: Database, snap_compare: Any
) -> None:
    app = build_app("ru")
    desk = Desk(app, ui_db)

    async def refused(pilot: Pilot[None]) -> None:
        await desk.open(pilot)
        await type_into(pilot, desk, "full_name", "Белова Зоя")
        await type_into(pilot, desk, "grade", "12")
        await press(pilot, "ctrl+s")

    assert snap_compare(app, terminal_size=SIZE, run_before=refused)
