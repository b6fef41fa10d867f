"""Meetings from the keyboard: planned from a card, announced, held, cancelled, on a calendar."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import Input, Label, SelectionList, TextArea

from plc_console.domain import MeetingsEventKind, MeetingStatus, Stage
from plc_console.services.assignments import assign_expert
from plc_console.services.database import Database
from plc_console.services.meetings_read import get_meeting, list_meetings, meetings_of_request
from plc_console.services.meetings_views import MeetingDetail
from plc_console.services.requests import find_request_id
from plc_console.tui.app import PlcApp
from plc_console.tui.screens.dialogs import ConfirmDialog
from plc_console.tui.screens.meeting import MeetingScreen
from plc_console.tui.screens.meeting_dialogs import CancelDialog, HeldDialog, OverrideDialog
from plc_console.tui.screens.meeting_form import MeetingFormScreen
from plc_console.tui.screens.meetings import MeetingsScreen
from plc_console.tui.widgets.meeting_calendar import MeetingCalendar
from plc_console.tui.widgets.meeting_table import MeetingTable
from tests.ui.board_pilot import SIZE, AppFactory, detail, notes, press, run, settle
from tests.ui.conftest import UI_NOW
from tests.ui.meeting_seed import (
    ROOM,
    STUDENT,
    YOUNG,
    ZONE,
    experts,
    form,
    seed_calendar,
    teacher_request,
)

#: A request close to Иванова's (same topic, alike text): the suggested companion.
COMPANION = "Громова Вера"


@pytest.fixture
def exports(tmp_path: Path) -> Path:
    return tmp_path / "exports"


@pytest.fixture
def meeting_app(build_app: AppFactory, exports: Path) -> AppFactory:
    """The console with its exports in a temporary folder and the community in Moscow."""

    def build(lang: str) -> PlcApp:
        app = build_app(lang)
        app.exports_dir, app.zone = exports, ZONE
        return app

    return build


@pytest.fixture
def calendar_db(ui_db: Database) -> Database:
    with ui_db.sessions.begin() as session:
        seed_calendar(session)
    return ui_db


@pytest.fixture
def companion(ui_db: Database) -> str:
    """The registry (Соколова assigned to Иванова's request), and a request that could
    share Иванова's meeting: its number."""
    with ui_db.sessions.begin() as session:
        people = experts(session)
        young = find_request_id(session, YOUNG)
        assign_expert(session, young, people["Соколова"], actor="a", now=UI_NOW)
        return teacher_request(
            session,
            COMPANION,
            "Пятиклассники не удерживают внимание на уроке, особенно после перемены",
            topics=("engagement",),
        ).number


@pytest.fixture
def planned(ui_db: Database) -> int:
    """A meeting on 14 December for Иванова (at triage) and Сидоров (received)."""
    from plc_console.services import meetings as mt

    with ui_db.sessions.begin() as session:
        m = mt.create_meeting(
            session, form("Внимание на уроке", datetime(2026, 12, 14, 15)), actor="a", now=UI_NOW
        )
        for number in (YOUNG, STUDENT):
            rid = find_request_id(session, number)
            m = mt.add_request(session, m.id, m.version, rid, actor="a", now=UI_NOW)
        return m.id


def nov(day: int, hour: int) -> datetime:
    return datetime(2026, 11, day, hour)


def request_id(db: Database, number: str) -> int:
    with db.sessions() as session:
        return find_request_id(session, number)


def only_meeting(db: Database, number: str) -> MeetingDetail:
    with db.sessions() as session:
        [found] = meetings_of_request(session, find_request_id(session, number))
        return get_meeting(session, found.id, today=UI_NOW.date())


def meeting_of(app: PlcApp) -> MeetingScreen:
    assert isinstance(app.screen, MeetingScreen), app.screen
    return app.screen


def text_of(app: PlcApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Label).render())


async def to_young_card(pilot: Pilot[None]) -> None:
    """The board, the cursor on Иванова's card (first in the triage column)."""
    await settle(pilot)
    await press(pilot, "right")


async def fill_form(pilot: Pilot[None], **values: str) -> MeetingFormScreen:
    screen = pilot.app.screen
    assert isinstance(screen, MeetingFormScreen)
    for field, value in values.items():
        screen.query_one(f"#field-{field}", Input).value = value
    await pilot.pause()
    return screen


def test_a_meeting_for_two_requests_is_planned_from_a_card(
    meeting_app: AppFactory, ui_db: Database, companion: str
) -> None:
    app = meeting_app("en")

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await to_young_card(pilot)
            await press(pilot, "m")
            form_screen = app.screen
            assert isinstance(form_screen, MeetingFormScreen)
            requests = form_screen.query_one("#field-requests", SelectionList)
            offered = [requests.get_option_at_index(i) for i in range(requests.option_count)]
            # The card's request, ticked, then its companion, suggested but not ticked.
            assert [str(o.prompt).split(" · ")[0] for o in offered] == [YOUNG, companion]
            assert requests.selected == [request_id(ui_db, YOUNG)]
            assert "close: engaging students; text 68% alike" in str(offered[1].prompt)
            title = form_screen.query_one("#field-title", Input).value
            assert title.startswith("Не удаётся удержать внимание")
            requests.focus()
            await press(pilot, "down", "space")  # tick the companion
            # The expert assigned to the card's request is ticked; another is found by name.
            experts_list = form_screen.query_one("#field-experts", SelectionList)
            assert experts_list.option_count == 1 and len(experts_list.selected) == 1
            form_screen.query_one("#field-expert_search", Input).focus()
            await press(pilot, *"белов", "enter")
            assert experts_list.option_count == 2 and len(experts_list.selected) == 2
            await fill_form(pilot, place=ROOM, date="2026-12-14")
            await press(pilot, "ctrl+s")
            shown = meeting_of(app)
            assert shown.detail is not None
            assert [r.number for r in shown.detail.requests] == [YOUNG, companion]
            await press(pilot, "escape", "M")
            listed = app.screen
            assert isinstance(listed, MeetingsScreen)
            [row] = [listed.table.texts(m) for m in listed.table.meetings]
            assert (row["title"], row["place"], row["requests"]) == (title, ROOM, "2")
            assert row["when"] == "mon 14.12.2026 15:00–16:30"

    run(scenario())
    stored = only_meeting(ui_db, YOUNG)
    assert stored.summary.status is MeetingStatus.PLANNED
    assert {i.full_name for i in stored.invitees} == {"Иванова Анна", COMPANION}
    assert [e.full_name for e in stored.experts] == [
        "Белов Андрей Николаевич",
        "Соколова Ирина Викторовна",
    ]


def test_a_meeting_planned_from_the_list_takes_a_request_by_its_number(
    meeting_app: AppFactory, ui_db: Database
) -> None:
    app = meeting_app("en")

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "M", "n")
            form_screen = await fill_form(pilot, title="Why technology", place="Room 5")
            form_screen.query_one("#field-request_search", Input).focus()
            await press(pilot, "3", "enter")
            requests = form_screen.query_one("#field-requests", SelectionList)
            assert requests.selected == [request_id(ui_db, STUDENT)]
            await press(pilot, "ctrl+s")
            assert meeting_of(app).detail is not None

    run(scenario())
    stored = only_meeting(ui_db, STUDENT)
    assert (stored.summary.title, stored.summary.place) == ("Why technology", "Room 5")
    # The date a new meeting starts with: ten working days on, so no milestone is late.
    assert stored.summary.starts_at == datetime(2026, 12, 4, 15, 0)
    assert stored.late == ()


def test_m_on_a_card_with_a_meeting_opens_that_meeting(
    meeting_app: AppFactory, calendar_db: Database
) -> None:
    app = meeting_app("ru")

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await to_young_card(pilot)
            await press(pilot, "m")
            shown = meeting_of(app)
            assert shown.detail is not None
            assert shown.detail.summary.title == "Как удержать внимание пятиклассников"

    run(scenario())


def test_m_on_a_done_card_plans_nothing(meeting_app: AppFactory, ui_db: Database) -> None:
    app, messages = meeting_app("en"), list[Message]()

    async def scenario() -> None:
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            await press(pilot, *["right"] * 7, "m")  # Морозов's card, done
            assert not isinstance(app.screen, MeetingFormScreen)

    run(scenario())
    [shown] = notes(messages)
    assert shown.message == "request З-2026-00009 is at «Done»: it cannot join a meeting"


async def open_meeting(pilot: Pilot[None], meeting_id: int) -> MeetingScreen:
    app = pilot.app
    assert isinstance(app, PlcApp)
    await settle(pilot)
    app.push_screen(MeetingScreen(app.meeting_desk, meeting_id))
    await settle(pilot)
    return meeting_of(app)


def test_announcing_writes_the_files_and_schedules_the_requests(
    meeting_app: AppFactory, ui_db: Database, planned: int, exports: Path
) -> None:
    app, messages = meeting_app("en"), list[Message]()

    async def scenario() -> None:
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            await press(pilot, "M", "enter")  # the list, then its only meeting
            meeting_of(app)
            await press(pilot, "a")
            assert isinstance(app.screen, ConfirmDialog)
            await press(pilot, "y")
            screen = meeting_of(app)
            files = text_of(app, "#meeting-files")
            assert files == (
                f"Written meeting-{planned}.ics, meeting-{planned}.txt into {exports.resolve()}"
            )
            assert screen.detail is not None
            assert screen.detail.summary.status is MeetingStatus.ANNOUNCED

    run(scenario())
    assert (exports / f"meeting-{planned}.ics").read_bytes().startswith(b"BEGIN:VCALENDAR")
    assert "Внимание на уроке" in (exports / f"meeting-{planned}.txt").read_text("utf-8")
    for number in (YOUNG, STUDENT):
        assert detail(ui_db, number).summary.stage is Stage.SCHEDULED
    shown = [n.message for n in notes(messages)]
    assert f"Requests {YOUNG}, {STUDENT} → Meeting announced" in shown


def test_a_double_booking_is_shown_and_saved_with_a_note(
    meeting_app: AppFactory, ui_db: Database, planned: int
) -> None:
    app = meeting_app("en")

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await press(pilot, "right", "down")  # Фёдоров's card, at triage
            await press(pilot, "m")
            await fill_form(pilot, date="14.12.2026", time="16:00", place="цнппм ауд 204")
            await press(pilot, "ctrl+s")
            dialog = app.screen
            assert isinstance(dialog, OverrideDialog)
            question = str(dialog.query_one(".dialog-text", Label).render())
            assert question.startswith(
                "the room «цнппм ауд 204» is already taken by the meeting «Внимание на уроке» "
                "on 2026-12-14 15:00"
            )
            clash = "• room цнппм ауд 204: meeting «Внимание на уроке», 14.12.2026 15:00–16:30"
            assert clash in question.splitlines()
            await press(pilot, "enter")  # no reason given: not saved
            assert app.screen is dialog
            assert text_of(app, "#answer-hint") == "A double booking is only saved with a reason"
            dialog.query_one("#answer", Input).value = "the hall is split in two"
            await press(pilot, "enter")
            screen = meeting_of(app)
            assert screen.query_one("#meeting-clashes-pane").display

    run(scenario())
    with ui_db.sessions() as session:
        meetings = list_meetings(session)
        newest = get_meeting(session, meetings[-1].id, today=UI_NOW.date())
    assert len(meetings) == 2
    [overridden] = [e for e in newest.events if e.kind is MeetingsEventKind.OVERRIDDEN]
    assert overridden.note is not None and overridden.note.startswith("the hall is split in two")


def test_a_meeting_is_recorded_as_held_with_who_came(
    meeting_app: AppFactory, ui_db: Database
) -> None:
    from plc_console.services import meetings as mt
    from plc_console.services.meetings_flow import announce

    with ui_db.sessions.begin() as session:
        names = experts(session)
        m = mt.create_meeting(
            session, form("Вчерашняя встреча", nov(19, 15)), actor="a", now=nov(10, 9)
        )
        m = mt.add_request(
            session, m.id, m.version, find_request_id(session, YOUNG), actor="a",
            now=nov(10, 9), invite_requester=True,
        )  # fmt: skip
        from plc_console.services.meetings_people import add_expert

        m = add_expert(session, m.id, m.version, names["Белов"], actor="a", now=nov(10, 9))
        announce(session, m.id, m.version, out_dir=None, actor="a", now=nov(10, 9), tz=ZONE)
    app = meeting_app("ru")

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_meeting(pilot, m.id)
            await press(pilot, "h")
            dialog = app.screen
            assert isinstance(dialog, HeldDialog)
            dialog.query_one("#held-minutes", TextArea).text = "Договорились о приёмах"
            attendance = dialog.query_one("#held-attendance", SelectionList)
            attendance.focus()
            await press(pilot, "down", "space")  # Иванова did not come
            await press(pilot, "ctrl+s")
            assert app.screen is screen
            assert screen.detail is not None
            assert screen.detail.summary.status is MeetingStatus.HELD

    run(scenario())
    held = only_meeting(ui_db, YOUNG)
    assert held.minutes == "Договорились о приёмах"
    assert [(e.full_name, e.attended) for e in held.experts] == [("Белов Андрей Николаевич", True)]
    assert [(i.full_name, i.attended) for i in held.invitees] == [("Иванова Анна", False)]
    assert detail(ui_db, YOUNG).summary.stage is Stage.SESSION


def test_cancelling_asks_and_keeps_the_reason(
    meeting_app: AppFactory, ui_db: Database, planned: int
) -> None:
    app = meeting_app("en")

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await open_meeting(pilot, planned)
            await press(pilot, "c")
            assert isinstance(app.screen, CancelDialog)
            await press(pilot, "escape")  # changed one's mind: nothing happens
            await press(pilot, "c")
            app.screen.query_one("#cancel-reason", Input).value = "the expert is ill"
            await press(pilot, "enter")
            screen = meeting_of(app)
            assert screen.detail is not None
            assert screen.detail.summary.status is MeetingStatus.CANCELLED

    run(scenario())
    cancelled = only_meeting(ui_db, YOUNG)
    assert [(e.kind, e.note) for e in cancelled.events][-1] == (
        MeetingsEventKind.CANCELLED,
        "the expert is ill",
    )


def test_the_calendar_moves_by_day_week_and_month(
    meeting_app: AppFactory, calendar_db: Database
) -> None:
    app = meeting_app("ru")

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "M", "v")
            calendar = app.screen.query_one(MeetingCalendar)
            # The calendar opens on the day of the list's meeting (the soonest to come).
            assert (calendar.cursor, calendar.period_title()) == (date(2026, 11, 25), "Ноябрь 2026")
            await press(pilot, "home")  # back to today
            assert calendar.cursor == date(2026, 11, 20)
            await press(pilot, "pagedown")
            assert (calendar.cursor, calendar.period_title()) == (
                date(2026, 12, 20),
                "Декабрь 2026",
            )
            await press(pilot, "pageup", "down", "right", "right")
            assert calendar.cursor == date(2026, 11, 29)
            await press(pilot, "w")
            assert calendar.period_title() == "23–29 ноября 2026 г."
            await press(pilot, "left", "left")  # the 27th: one meeting, enter opens it
            assert text_of(app, "#meeting-day-title") == "27.11.2026 — встреч: 1"
            await press(pilot, "enter")
            shown = meeting_of(app)
            assert shown.detail is not None and shown.detail.summary.title.startswith("Как")

    run(scenario())


def test_the_list_shows_the_coming_meetings_first(
    meeting_app: AppFactory, calendar_db: Database
) -> None:
    app = meeting_app("ru")

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "M")
            table = app.screen.query_one(MeetingTable)
            rows = [table.texts(m) for m in table.meetings]
            assert [(r["status"], r["when"][:13]) for r in rows] == [
                ("объявлена", "ср 25.11.2026"),
                ("запланирована", "чт 26.11.2026"),
                ("запланирована", "чт 26.11.2026"),
                ("запланирована", "пт 27.11.2026"),
                ("запланирована", "вт 08.12.2026"),
                ("отменена", "ср 18.11.2026"),
                ("проведена", "вт 10.11.2026"),
            ]
            # No expert confirmed, not announced: two milestones late.
            assert rows[3]["flag"] == "просрочено: 2"
            assert rows[0]["flag"] == ""

    run(scenario())


def test_the_meetings_are_in_the_command_palette(
    meeting_app: AppFactory, calendar_db: Database
) -> None:
    app = meeting_app("ru")

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "ctrl+p", *"встречи", "enter")
            assert isinstance(app.screen, MeetingsScreen)
            assert len(app.screen.table.meetings) == 7

    run(scenario())


# --- snapshots: fixed clock, seed, zone, language and size ------------------------------


def test_snapshot_month_calendar_in_russian(
    meeting_app: AppFactory, calendar_db: Database, snap_compare: Any
) -> None:
    async def calendar(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await press(pilot, "M", "v")

    assert snap_compare(meeting_app("ru"), terminal_size=SIZE, run_before=calendar)


def test_snapshot_meeting_in_russian(
    meeting_app: AppFactory, calendar_db: Database, snap_compare: Any
) -> None:
    async def late_meeting(pilot: Pilot[None]) -> None:
        await to_young_card(pilot)
        await press(pilot, "m")

    assert snap_compare(meeting_app("ru"), terminal_size=SIZE, run_before=late_meeting)
