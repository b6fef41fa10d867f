"""Demo products and feedback fit the demo term: published before their requests got
feedback, reviewed by a non-author, every move out of feedback with its record."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plc_console.db.engine import transaction
from plc_console.db.models import Event, FeedbackRecord, Product, product_requests
from plc_console.domain import EventKind, FeedbackUsable, ProductState, Stage
from plc_console.services import demo as demo_module
from plc_console.services.database import Database, open_database
from plc_console.services.demo import create_demo
from plc_console.services.demo_products import add_demo_products
from plc_console.services.products_read import get_product, list_products
from plc_console.services.products_search import search_base
from plc_console.services.requests import stage_counts

TODAY = date(2026, 11, 20)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, int]]:
    path = tmp_path_factory.mktemp("demo-products") / "demo.sqlite3"
    db = open_database(f"sqlite:///{path}")
    try:
        with transaction(db.sessions) as session, pytest.MonkeyPatch.context() as patch:
            # The demo adds its products itself; here the term is made without them
            # first, so that what adding them changes (no request's stage) can be seen.
            patch.setattr(demo_module, "add_demo_products", lambda *args, **kwargs: 0)
            create_demo(session, today=TODAY, db_label=db.label)
            before = stage_counts(session)
            made = add_demo_products(session, today=TODAY)
            assert stage_counts(session) == before  # no request moved
        yield db, made
    finally:
        db.engine.dispose()


@pytest.fixture
def session(demo: tuple[Database, int]) -> Iterator[Session]:
    with demo[0].sessions() as session:
        yield session


def test_products_in_every_review_state(session: Session, demo: tuple[Database, int]) -> None:
    products = list_products(session)
    assert len(products) == demo[1] > 20
    states = {p.state for p in products}
    assert ProductState.PUBLISHED in states and ProductState.IN_REVIEW in states
    assert len(states) >= 4
    assert len({p.title for p in products}) == len(products)
    assert any(get_product(session, p.id).meeting_id for p in products)


def test_reviewers_are_not_authors_and_histories_run_forward(session: Session) -> None:
    for summary in list_products(session):
        shown = get_product(session, summary.id)
        assert summary.reviewer_id not in {a.expert_id for a in summary.authors}
        times = [e.at for e in shown.events]
        assert times == sorted(times), summary.title
        if summary.state is ProductState.PUBLISHED:
            assert summary.published_at is not None and summary.request_numbers


def test_published_before_any_of_its_requests_got_feedback(session: Session) -> None:
    for product in session.scalars(select(Product).where(Product.state == "published")):
        first_feedback = session.scalar(
            select(func.min(Event.at)).where(
                Event.request_id.in_([r.id for r in product.requests]),
                Event.kind == EventKind.MOVED,
                Event.to_stage == Stage.FEEDBACK,
            )
        )
        assert product.published_at is not None and first_feedback is not None
        assert product.published_at <= first_feedback


def test_every_move_out_of_feedback_has_its_record(session: Session) -> None:
    tied = select(product_requests.c.request_id)
    moves = session.scalar(
        select(func.count()).where(
            Event.request_id.in_(tied),
            Event.kind == EventKind.MOVED,
            Event.from_stage == Stage.FEEDBACK,
        )
    )
    records = list(session.scalars(select(FeedbackRecord)))
    assert moves == len(records) > 50
    usable = {r.usable for r in records}
    assert usable == set(FeedbackUsable)
    for record in records:
        assert 1 <= record.usefulness <= 5
        assert record.contacted_on <= record.recorded_at.date()
        if record.usable is not FeedbackUsable.YES:
            assert record.comment


def test_the_base_finds_demo_products_by_word_forms(session: Session) -> None:
    assert search_base(session, "уроках")
    assert search_base(session, "родителям")


def test_the_demo_itself_has_its_products(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    try:
        with transaction(db.sessions) as session:
            create_demo(session, today=TODAY, db_label=db.label)
            assert len(list_products(session, states=(ProductState.PUBLISHED,))) > 10
    finally:
        db.engine.dispose()
