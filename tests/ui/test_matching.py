"""Matching experts to requests: the panel (x) and the balanced proposal (A)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import Label, Static

from plc_console.db.models import Assignment, Expert
from plc_console.domain import Category, EventKind, Role, Stage
from plc_console.services.assignments import assign_expert
from plc_console.services.database import Database
from plc_console.services.experts import NewExpert, add_expert
from plc_console.services.requests import (
    NewRequest,
    create_request,
    find_request_id,
    move_request,
    set_triage,
)
from plc_console.tui.screens.board import BoardScreen
from plc_console.tui.screens.dialogs import ConfirmDialog
from plc_console.tui.screens.experts import ExpertsScreen
from plc_console.tui.screens.help import HelpScreen
from plc_console.tui.screens.matching import MatchingScreen
from plc_console.tui.screens.proposal import ProposalScreen
from plc_console.tui.screens.request import RequestScreen
from plc_console.tui.widgets.expert_list import ExpertList, say
from plc_console.tui.widgets.pair_list import PairList
from plc_console.tui.widgets.request_view import HistoryTable
from tests.ui.board_pilot import (
    SIZE,
    AppFactory,
    current_number,
    detail,
    notes,
    press,
    run,
    settle,
)
from tests.ui.conftest import ACTOR, UI_NOW, on

#: Иванова Анна, a young teacher at triage; her request's topic is engaging students.
YOUNG = "З-2026-00001"
#: Фёдоров Игорь, a parent at triage, no topics yet.
PARENT = "З-2026-00007"

BEST = "Соколова Татьяна Петровна"
SECOND = "Белов Андрей Николаевич"
#: The requester of YOUNG is in the registry too: never her own expert.
SELF = "Иванова Анна"
RETIRED = "Громов Пётр Ильич"
#: Works on PARENT already, at her limit of one request.
BUSY = "Кравченко Ольга Петровна"

EXPERTS = (
    NewExpert(
        BEST,
        organization="ГАУ ДПО «Институт развития образования», кафедра методики преподавания",
        load_limit=2,
        availability="вт, чт после 15:00",
        topic_keys=("engagement", "psychology"),
    ),
    NewExpert(
        SECOND,
        organization="ЦНППМ «Педагог будущего»",
        load_limit=3,
        topic_keys=("task_choice",),
    ),
    NewExpert(SELF, organization="Школа № 12", topic_keys=("engagement",)),
    NewExpert(RETIRED, topic_keys=("engagement",), active=False),
    NewExpert(
        BUSY,
        organization="ППМС-центр «Доверие»",
        load_limit=1,
        availability="ср, пт 10:00–16:00",
        topic_keys=("engagement", "parents"),
    ),
)


def request_id(db: Database, number: str) -> int:
    with db.sessions() as session:
        return find_request_id(session, number)


def assign(db: Database, number: str, name: str) -> None:
    """``name`` on request ``number``, as another coordinator did on the 19th."""
    with db.sessions.begin() as session:
        expert = session.scalar(select(Expert.id).where(Expert.full_name == name))
        assert expert is not None
        assign_expert(session, find_request_id(session, number), expert, actor=ACTOR, now=on(19))


def assigned(db: Database, number: str) -> list[str]:
    """The names of the experts assigned to a request, as stored."""
    with db.sessions() as session:
        query = (
            select(Expert.full_name)
            .join(Assignment, Assignment.expert_id == Expert.id)
            .where(Assignment.request_id == find_request_id(session, number))
            .order_by(Expert.full_name)
        )
        return list(session.scalars(query))


def add_experts(db: Database) -> None:
    """:data:`EXPERTS` into the seed; BUSY already works on PARENT (her limit is one)."""
    with db.sessions.begin() as session:
        for new in EXPERTS:
            add_expert(session, new)
    assign(db, PARENT, BUSY)


@pytest.fixture
def experts_db(ui_db: Database) -> Database:
    """The seed with :data:`EXPERTS`."""
    add_experts(ui_db)
    return ui_db


def panel(pilot: Pilot[None]) -> MatchingScreen:
    screen = pilot.app.screen
    assert isinstance(screen, MatchingScreen)
    return screen


def shown_names(screen: MatchingScreen) -> list[str]:
    return [c.full_name for c in screen.query_one(ExpertList).candidates]


def option_text(screen: MatchingScreen, index: int) -> str:
    expert_list = screen.query_one(ExpertList)
    return str(expert_list.get_option_at_index(index).prompt)


async def highlight(pilot: Pilot[None], name: str) -> None:
    expert_list = panel(pilot).query_one(ExpertList)
    names = [c.full_name for c in expert_list.candidates]
    expert_list.highlighted = names.index(name)
    await settle(pilot)


# --- the matching panel ----------------------------------------------------------------


def test_x_on_the_board_ranks_the_experts_best_first_with_reasons(
    build_app: AppFactory, experts_db: Database
) -> None:
    async def scenario() -> None:
        app = build_app("ru")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "right", "x")  # triage: Иванова Анна's request
            screen = panel(pilot)
            assert screen.request_id == request_id(experts_db, YOUNG)
            request = str(screen.query_one("#match-request", Static).content)
            assert request.startswith(YOUNG) and "Не удаётся удержать внимание" in request
            names = shown_names(screen)
            assert names[0] == BEST
            assert names[1] == SECOND
            # Those who cannot be picked come last, each with the reason in words.
            assert set(names[2:]) == {SELF, RETIRED, BUSY}
            candidates = screen.query_one(ExpertList).candidates
            best = option_text(screen, 0)
            assert len(candidates[0].reasons) == 5
            for reason in candidates[0].reasons:  # in words, on the lines below the name
                assert say(app.t, reason) in best.split("\n", 1)[1]
            assert "мотивация обучающихся" in say(app.t, candidates[0].reasons[0])
            assert [c.excluded is not None for c in candidates] == [False, False, True, True, True]
            for index in range(2, 5):
                excluded = candidates[index].excluded
                assert excluded is not None
                shown = option_text(screen, index)
                assert shown.startswith("✕ ")
                assert f"нельзя назначить: {say(app.t, excluded)}" in shown
            assert screen.query_one(ExpertList).current == candidates[0]
            await press(pilot, "escape")
            assert isinstance(app.screen, BoardScreen)
            assert current_number(app) == YOUNG

    run(scenario())


def test_an_excluded_expert_cannot_be_assigned(build_app: AppFactory, experts_db: Database) -> None:
    messages: list[Message] = []

    async def scenario() -> None:
        app = build_app("en")
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            await press(pilot, "right", "x")
            for name in (SELF, RETIRED, BUSY):
                await highlight(pilot, name)
                await press(pilot, "enter")
                assert isinstance(app.screen, MatchingScreen)  # no dialog, nothing saved
                warning = notes(messages)[-1]
                assert warning.severity == "warning"
                assert warning.message.startswith(f"{name} cannot be assigned: ")
            await press(pilot, "escape")

    run(scenario())
    assert assigned(experts_db, YOUNG) == []


def test_assigning_from_the_request_screen_shows_in_its_history(
    build_app: AppFactory, experts_db: Database
) -> None:
    messages: list[Message] = []

    async def scenario() -> None:
        app = build_app("en")
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            await press(pilot, "right", "enter", "x")
            screen = panel(pilot)
            await press(pilot, "enter")  # the best expert, assigned at once
            assert notes(messages)[-1].message == f"{BEST} is assigned to {YOUNG}"
            candidates = screen.query_one(ExpertList).candidates
            best = next(c for c in candidates if c.full_name == BEST)
            assert best.assigned
            assert "✓" in option_text(screen, candidates.index(best))
            await press(pilot, "escape")
            request = app.screen
            assert isinstance(request, RequestScreen)
            table = request.query_one(HistoryTable)
            last = [str(cell) for cell in table.get_row_at(table.row_count - 1)]
            what = app.t.label(EventKind.ASSIGNED)
            assert what != "eventkind.assigned"  # named in words
            assert last == [
                UI_NOW.strftime("%d.%m.%Y %H:%M"),
                ACTOR,
                what,
                "Triage & experts",
                BEST,
            ]
            await press(pilot, "escape")
            assert isinstance(app.screen, BoardScreen)

    run(scenario())
    assert assigned(experts_db, YOUNG) == [BEST]


def test_unassigning_asks_first(build_app: AppFactory, experts_db: Database) -> None:
    assign(experts_db, YOUNG, SECOND)

    async def scenario() -> None:
        app = build_app("en")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "right", "x")
            await highlight(pilot, SECOND)
            await press(pilot, "space")
            assert isinstance(app.screen, ConfirmDialog)
            await press(pilot, "n")
            assert isinstance(app.screen, MatchingScreen)
            assert assigned(experts_db, YOUNG) == [SECOND]
            await press(pilot, "enter")
            assert isinstance(app.screen, ConfirmDialog)
            await press(pilot, "y")
            screen = panel(pilot)
            second = next(
                c for c in screen.query_one(ExpertList).candidates if c.full_name == SECOND
            )
            assert not second.assigned
            assert screen.changed

    run(scenario())
    assert assigned(experts_db, YOUNG) == []
    last = detail(experts_db, YOUNG).events[-1]
    assert (last.kind, last.note, last.actor) == (EventKind.UNASSIGNED, SECOND, ACTOR)


def test_help_names_the_new_board_keys_and_e_opens_the_registry(build_app: AppFactory) -> None:
    async def scenario() -> None:
        app = build_app("en")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "question_mark")
            assert isinstance(app.screen, HelpScreen)
            shown = [str(label.content) for label in app.screen.query(Label)]
            for line in ("x", "A", "E"):
                assert line in shown, line
            for text in (
                "Match experts to the request and assign them",
                "Share the experts out among the requests at triage",
                "The expert registry: competences, load, availability",
            ):
                assert text in shown, text
            await press(pilot, "escape", "E")
            assert isinstance(app.screen, ExpertsScreen)

    run(scenario())


# --- the balanced proposal ---------------------------------------------------------------

#: More requests at triage, with their topics: engaging students is wanted three times
#: in all (with YOUNG), and BEST, the best for it, has room for two.
MORE_AT_TRIAGE = (
    ("Белова Зоя", "Ученики 7 класса не готовят домашние задания", ("engagement", "psychology")),
    ("Ершов Иван", "Как заинтересовать класс чтением классики", ("engagement",)),
    ("Титова Вера", "Задания для сильных и слабых учеников на одном уроке", ("task_choice",)),
    # Only BUSY knows working with parents, and she has no room.
    ("Лосев Глеб", "Родители не приходят на собрания", ("parents",)),
)


def add_at_triage(db: Database) -> list[str]:
    """:data:`MORE_AT_TRIAGE` registered on the 19th and triaged; their numbers."""
    numbers = []
    with db.sessions.begin() as session:
        for name, problem, topics in MORE_AT_TRIAGE:
            new = NewRequest(
                received_on=date(2026, 11, 19),
                full_name=name,
                role=Role.TEACHER,
                contact=f"{name.split()[0].lower()}@example.ru",
                problem=problem,
                consent=True,
            )
            summary = create_request(session, new, actor=ACTOR, now=on(19))
            summary = move_request(
                session, summary.id, summary.version, Stage.TRIAGE, actor=ACTOR, now=on(19, 10)
            )
            summary = set_triage(
                session,
                summary.id,
                summary.version,
                category=Category.METHODOLOGICAL,
                topic_keys=topics,
                actor=ACTOR,
                now=on(19, 11),
            )
            numbers.append(summary.number)
    return numbers


def test_a_proposes_within_the_load_limits_and_stores_only_after_yes(
    build_app: AppFactory, experts_db: Database
) -> None:
    zoya, ivan, vera, gleb = add_at_triage(experts_db)
    stored: list[tuple[str, str]] = []
    messages: list[Message] = []

    async def scenario() -> None:
        app = build_app("en")
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(pilot)
            await press(pilot, "A")
            screen = app.screen
            assert isinstance(screen, ProposalScreen)
            proposal = screen.proposal
            assert proposal is not None
            pairs = {pair.number: pair.expert_name for pair in proposal.pairs}
            # BEST has room for two, SECOND knows only choosing tasks, SELF may help
            # others but not herself; BUSY is full and RETIRED inactive.
            assert list(pairs.values()).count(BEST) == 2
            assert pairs[vera] == SECOND
            assert pairs.keys() == {YOUNG, zoya, ivan, vera}
            assert pairs[YOUNG] != SELF
            assert not {BUSY, RETIRED} & set(pairs.values())
            assert [number for _id, number in proposal.unmatched] == [gleb]
            assert proposal.total_score >= proposal.greedy_total
            assert screen.query_one(PairList).option_count == 4
            summary = str(screen.query_one("#proposal-summary", Static).content)
            assert "Requests at triage without an expert: 5" in summary
            await press(pilot, "enter")
            assert isinstance(app.screen, ConfirmDialog)
            await press(pilot, "n")
            assert app.screen is screen
            assert all(assigned(experts_db, number) == [] for number in pairs)
            await press(pilot, "ctrl+s", "y")
            assert isinstance(app.screen, BoardScreen)
            stored.extend(pairs.items())

    run(scenario())
    assert notes(messages)[-1].message == "Assigned: 4 · skipped: 0"
    assert stored
    for number, name in stored:
        assert assigned(experts_db, number) == [name]
    assert assigned(experts_db, gleb) == []


def test_escape_leaves_the_proposal_unapplied(build_app: AppFactory, experts_db: Database) -> None:
    async def scenario() -> None:
        app = build_app("en")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "A")
            assert isinstance(app.screen, ProposalScreen)
            await press(pilot, "escape")
            assert isinstance(app.screen, BoardScreen)

    run(scenario())
    assert assigned(experts_db, YOUNG) == []


# --- snapshots -----------------------------------------------------------------------------


def test_snapshot_matching_panel_in_russian(
    build_app: AppFactory, experts_db: Database, snap_compare: Any
) -> None:
    """The best expert highlighted, an assigned one marked, three greyed with why."""
    assign(experts_db, YOUNG, SECOND)

    async def open_panel(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await press(pilot, "right", "x")

    assert snap_compare(build_app("ru"), terminal_size=SIZE, run_before=open_panel)


def test_snapshot_proposal_in_russian(
    build_app: AppFactory, experts_db: Database, snap_compare: Any
) -> None:
    add_at_triage(experts_db)

    async def open_proposal(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await press(pilot, "A")

    assert snap_compare(build_app("ru"), terminal_size=SIZE, run_before=open_proposal)
