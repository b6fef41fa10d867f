"""Issue 7 on screen: the methodological base, a product's review, answering a request
with a ready product, recording feedback, and the fever chart."""

from __future__ import annotations

from typing import Any

import pytest
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import Input, RadioButton

from plc_console.domain import FeedbackUsable, ProductKind, ProductState, Stage
from plc_console.services.database import Database
from plc_console.services.experts import NewExpert, add_expert
from plc_console.services.products import create_product
from plc_console.services.products_read import get_product
from plc_console.services.products_review import (
    approve,
    assign_reviewer,
    publish,
    submit_for_review,
)
from plc_console.services.products_views import AuthorInput, ProductForm
from plc_console.services.requests import find_request_id
from plc_console.tui.app import PlcApp
from plc_console.tui.screens.base import BaseScreen
from plc_console.tui.screens.fever import FeverScreen
from plc_console.tui.screens.product import ProductScreen
from plc_console.tui.screens.product_dialogs import FeedbackDialog, ProductPickDialog
from plc_console.tui.screens.request import RequestScreen
from plc_console.tui.widgets.product_table import ProductTable
from tests.ui.board_pilot import SIZE, AppFactory, add_request, detail, notes, press, run, settle
from tests.ui.conftest import ACTOR, on

#: The experts: two authors and a reviewer.
AUTHOR, CO_AUTHOR, REVIEWER = (
    "Соколова Ирина Викторовна",
    "Белов Андрей Николаевич",
    "Кравченко Ольга Петровна",
)
#: Published products of the base (title, kind, topic, summary), oldest first.
PUBLISHED = [
    (
        "Как удержать внимание класса на уроке",
        ProductKind.GUIDE,
        "engagement",
        "Приёмы смены деятельности и короткие паузы: что делать, когда класс устал.",
    ),
    (
        "Уроки физкультуры для детей с ОВЗ",
        ProductKind.ARTICLE,
        "disabilities",
        "Как адаптировать упражнения и оценивание; опыт школ района.",
    ),
    (
        "Разговор с родителями о Дневник.ру",
        ProductKind.WEBINAR,
        "parents",
        "Запись вебинара: как договориться о сообщениях и не тонуть в них.",
    ),
]
DRAFT = "Проектная работа по биологии без лаборатории"


def _publish(session: Any, product_id: int, version: int, reviewer_id: int, day: int) -> None:
    version = submit_for_review(session, product_id, version, actor=ACTOR, now=on(day)).version
    version = assign_reviewer(
        session, product_id, version, reviewer_id, actor=ACTOR, now=on(day, 10)
    ).version
    version = approve(session, product_id, version, actor=ACTOR, now=on(day, 11)).version
    publish(session, product_id, version, actor=ACTOR, now=on(day, 12))


@pytest.fixture
def products(ui_db: Database) -> Database:
    """Three experts, three published products and one draft (by the first expert)."""
    with ui_db.sessions.begin() as session:
        ids = [
            add_expert(session, NewExpert(name, topic_keys=("engagement",))).id
            for name in (AUTHOR, CO_AUTHOR, REVIEWER)
        ]
        for day, (title, kind, topic, summary) in enumerate(PUBLISHED, start=5):
            form = ProductForm(
                kind=kind,
                title=title,
                summary=summary,
                link=f"https://plc.example.ru/base/{day}",
                topic_keys=(topic,),
                authors=(AuthorInput(expert_id=ids[0]), AuthorInput(name="Орлова Т. С.")),
            )
            made = create_product(session, form, actor=ACTOR, now=on(day))
            _publish(session, made.id, made.version, ids[2], day + 1)
        draft = ProductForm(
            kind=ProductKind.RECOMMENDATIONS,
            title=DRAFT,
            summary="Черновик по заявке учителя биологии.",
            topic_keys=("lesson_organisation",),
            authors=(AuthorInput(expert_id=ids[0]), AuthorInput(expert_id=ids[1])),
        )
        create_product(session, draft, actor=ACTOR, now=on(17))
    return ui_db


def _product(db: Database, title: str) -> Any:
    from plc_console.services.products_read import list_products

    with db.sessions() as session:
        found = next(p for p in list_products(session) if p.title == title)
        return get_product(session, found.id)


async def _type(pilot: Pilot[None], text: str) -> None:
    await pilot.press(*("space" if char == " " else char for char in text))
    await settle(pilot)


# --- the methodological base --------------------------------------------------------------


def test_base_search_finds_word_forms(build_app: AppFactory, products: Database) -> None:
    app = build_app("ru")

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, "B")
            assert isinstance(app.screen, BaseScreen)
            table = app.screen.query_one(ProductTable)
            assert [p.title for p in table.products] == [t for t, *_ in reversed(PUBLISHED)]
            await _type(pilot, "урок")  # «уроки», «уроке»
            titles = {p.title for p in table.products}
            assert titles == {PUBLISHED[0][0], PUBLISHED[1][0]}
            assert DRAFT not in titles  # drafts are not in the base

    run(scenario())


# --- review -------------------------------------------------------------------------------


async def _open_draft(pilot: Pilot[None], app: PlcApp) -> ProductScreen:
    await settle(pilot)
    await press(pilot, "P")
    assert isinstance(app.screen, BaseScreen)
    table = app.screen.query_one(ProductTable)
    assert table.current is not None and table.current.title == DRAFT  # newest first
    await press(pilot, "enter", "enter")  # search line → table → open
    assert isinstance(app.screen, ProductScreen)
    return app.screen


def test_review_from_submit_to_publish(build_app: AppFactory, products: Database) -> None:
    app = build_app("ru")

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            screen = await _open_draft(pilot, app)
            await press(pilot, "s")
            assert _product(products, DRAFT).summary.state is ProductState.IN_REVIEW
            await press(pilot, "v")
            await _type(pilot, "кравч")
            await press(pilot, "enter")
            assert _product(products, DRAFT).summary.reviewer == REVIEWER
            await press(pilot, "a", "y")
            assert _product(products, DRAFT).summary.state is ProductState.APPROVED
            await press(pilot, "p", "y")
            shown = _product(products, DRAFT)
            assert shown.summary.state is ProductState.PUBLISHED
            assert screen.detail is not None and screen.detail.summary.published_at is not None
            assert app.screen is screen

    run(scenario())


def test_an_author_is_refused_as_reviewer_and_a_draft_is_not_published(
    build_app: AppFactory, products: Database
) -> None:
    app = build_app("ru")
    messages: list[Message] = []

    async def scenario() -> None:
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await _open_draft(pilot, app)
            await press(pilot, "p")  # a draft
            await press(pilot, "v")
            await _type(pilot, "белов")  # a co-author
            await press(pilot, "enter")
            shown = _product(products, DRAFT).summary
            assert shown.state is ProductState.DRAFT and shown.reviewer is None

    run(scenario())
    errors = [n.message for n in notes(messages) if n.severity == "error"]
    assert any("только одобренный" in text for text in errors)
    assert any(f"{CO_AUTHOR} — автор продукта" in text for text in errors)


# --- answering with a product, feedback ---------------------------------------------------


def test_a_then_enter_answers_a_request_with_a_similar_product(
    build_app: AppFactory, products: Database
) -> None:
    app = build_app("ru")
    number = "З-2026-00001"  # «Не удаётся удержать внимание 5 «Б» класса на уроке», triage

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            with products.sessions() as session:
                app.open_request(find_request_id(session, number))
            await settle(pilot)
            assert isinstance(app.screen, RequestScreen)
            await press(pilot, "a")
            assert isinstance(app.screen, ProductPickDialog)
            await press(pilot, "enter")
            assert isinstance(app.screen, RequestScreen)

    run(scenario())
    answered = detail(products, number)
    assert answered.summary.stage is Stage.FEEDBACK
    assert answered.answered_by_product_id == _product(products, PUBLISHED[0][0]).summary.id


async def _record(
    pilot: Pilot[None], app: PlcApp, usable: FeedbackUsable, comment: str = ""
) -> None:
    await press(pilot, "f")
    dialog = app.screen
    assert isinstance(dialog, FeedbackDialog)
    for button in dialog.query(RadioButton):
        if button.name == usable.value:
            button.value = True
    dialog.query_one("#fb-usefulness", Input).value = "2" if comment else "5"
    field = dialog.query_one("#fb-comment", Input)
    field.value = comment
    field.focus()
    await press(pilot, "enter")


@pytest.mark.parametrize(
    ("usable", "comment", "stage"),
    [
        (FeedbackUsable.NO, "Не поняли, как применить в начальной школе", Stage.PRODUCT),
        (FeedbackUsable.YES, "", Stage.DONE),
    ],
)
def test_feedback_moves_the_request_on(
    build_app: AppFactory,
    products: Database,
    usable: FeedbackUsable,
    comment: str,
    stage: Stage,
) -> None:
    chain = ((Stage.TRIAGE, 12), (Stage.SCHEDULED, 13), (Stage.PREPARATION, 14))
    moves = (*chain, (Stage.SESSION, 15), (Stage.PRODUCT, 16), (Stage.FEEDBACK, 18))
    number = add_request(products, "Гусева Алла", 11, moves)
    app = build_app("ru")

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            with products.sessions() as session:
                app.open_request(find_request_id(session, number))
            await settle(pilot)
            await _record(pilot, app, usable, comment)
            assert isinstance(app.screen, RequestScreen)
            assert app.screen.detail is not None
            assert app.screen.detail.summary.stage is stage  # shown at once

    run(scenario())
    assert detail(products, number).summary.stage is stage


def test_feedback_partly_or_no_needs_the_reason(build_app: AppFactory, products: Database) -> None:
    chain = ((Stage.TRIAGE, 12), (Stage.SCHEDULED, 13), (Stage.PREPARATION, 14))
    moves = (*chain, (Stage.SESSION, 15), (Stage.PRODUCT, 16), (Stage.FEEDBACK, 18))
    number = add_request(products, "Гусева Алла", 11, moves)
    app = build_app("ru")

    async def scenario() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            with products.sessions() as session:
                app.open_request(find_request_id(session, number))
            await settle(pilot)
            await _record(pilot, app, FeedbackUsable.PARTLY)
            assert isinstance(app.screen, FeedbackDialog)  # still asking why

    run(scenario())
    assert detail(products, number).summary.stage is Stage.FEEDBACK


# --- snapshots ----------------------------------------------------------------------------


def test_snapshot_base_in_russian(
    build_app: AppFactory, products: Database, snap_compare: Any
) -> None:
    app = build_app("ru")

    async def open_base(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await press(pilot, "B")
        await press(pilot, "enter")  # from the search line to the table

    assert snap_compare(app, terminal_size=SIZE, run_before=open_base)


def test_snapshot_fever_chart_in_russian(
    build_app: AppFactory, products: Database, snap_compare: Any
) -> None:
    app = build_app("ru")

    async def open_chart(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await press(pilot, "F")
        assert isinstance(app.screen, FeverScreen)
        assert app.screen.chart is not None and app.screen.chart.red

    assert snap_compare(app, terminal_size=SIZE, run_before=open_chart)
