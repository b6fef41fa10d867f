"""Products and their review: draft → in review → changes requested → approved →
published, each step in the history, and the refusals (publishing a draft, an author
reviewing their own product), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from plc_console.domain import (
    EventKind,
    ProductKind,
    ProductsEventKind,
    ProductState,
    RuleViolation,
    check_product_move,
)
from plc_console.services import products as pr
from plc_console.services import products_review as rv
from plc_console.services.products_read import get_product, list_products, products_of_request
from plc_console.services.products_views import AuthorInput, ProductInvalid, ProductStale
from plc_console.services.requests import get_request
from tests.conftest import NOW
from tests.unit.product_helpers import expert, form, published, request

S = ProductState


@pytest.mark.parametrize(
    ("source", "target", "code"),
    [
        (S.DRAFT, S.PUBLISHED, "products.rule.publish_unapproved"),
        (S.IN_REVIEW, S.PUBLISHED, "products.rule.publish_unapproved"),
        (S.CHANGES_REQUESTED, S.PUBLISHED, "products.rule.publish_unapproved"),
        (S.PUBLISHED, S.PUBLISHED, "products.rule.publish_unapproved"),
        (S.DRAFT, S.APPROVED, "products.rule.move"),
        (S.APPROVED, S.IN_REVIEW, "products.rule.move"),
        (S.PUBLISHED, S.DRAFT, "products.rule.move"),
        (S.CHANGES_REQUESTED, S.APPROVED, "products.rule.move"),
    ],
)
def test_the_review_rules_refuse_what_skips_or_reverses_the_review(
    source: ProductState, target: ProductState, code: str
) -> None:
    with pytest.raises(RuleViolation) as refused:
        check_product_move(source, target, has_reviewer=True, comment="x")
    assert refused.value.code == code


def test_approving_or_asking_for_changes_needs_a_reviewer_and_changes_a_comment() -> None:
    with pytest.raises(RuleViolation, match="no_reviewer"):
        check_product_move(S.IN_REVIEW, S.APPROVED, has_reviewer=False)
    with pytest.raises(RuleViolation, match="changes_need_comment"):
        check_product_move(S.IN_REVIEW, S.CHANGES_REQUESTED, has_reviewer=True, comment="  ")
    check_product_move(S.IN_REVIEW, S.CHANGES_REQUESTED, has_reviewer=True, comment="Короче")
    check_product_move(S.APPROVED, S.PUBLISHED, has_reviewer=True)


def test_a_product_goes_through_review_with_every_step_in_its_history(session: Session) -> None:
    asked = request(session)
    author = expert(session, "Автор Анна Викторовна")
    reviewer = expert(session)
    made = pr.create_product(
        session,
        form(
            authors=(AuthorInput(expert_id=author), AuthorInput(name="Петров И. И.")),
            request_ids=(asked.id,),
        ),
        actor="coord",
        now=NOW,
    )
    assert made.state is S.DRAFT
    assert [a.name for a in made.authors] == ["Автор Анна Викторовна", "Петров И. И."]
    assert made.request_numbers == (asked.number,)
    made = rv.assign_reviewer(session, made.id, made.version, reviewer, actor="coord", now=NOW)
    made = rv.submit_for_review(session, made.id, made.version, actor="coord", now=NOW)
    assert made.state is S.IN_REVIEW
    made = rv.add_comment(session, made.id, "Добавьте пример из практики", actor="rev", now=NOW)
    made = rv.request_changes(
        session, made.id, made.version, "Нужен пример урока", actor="rev", now=NOW
    )
    assert made.state is S.CHANGES_REQUESTED
    made = pr.edit_product(
        session,
        made.id,
        made.version,
        form(
            summary="Приёмы с примером урока в 7 классе.",
            request_ids=(asked.id,),
            authors=(AuthorInput(expert_id=author), AuthorInput(name="Петров И. И.")),
        ),
        actor="coord",
        now=NOW,
    )
    made = rv.submit_for_review(session, made.id, made.version, actor="coord", now=NOW)
    made = rv.approve(session, made.id, made.version, actor="rev", now=NOW, comment="Готово")
    assert made.state is S.APPROVED
    made = rv.publish(session, made.id, made.version, actor="coord", now=NOW, lang="en")
    session.commit()

    shown = get_product(session, made.id)
    assert shown.summary.state is S.PUBLISHED
    assert shown.summary.published_at == NOW
    assert shown.summary.reviewer == "Смирнова Ольга Петровна"
    assert [e.kind for e in shown.events] == [
        ProductsEventKind.CREATED,
        ProductsEventKind.REVIEWER,
        ProductsEventKind.SUBMITTED,
        ProductsEventKind.COMMENTED,
        ProductsEventKind.CHANGES_REQUESTED,
        ProductsEventKind.EDITED,
        ProductsEventKind.SUBMITTED,
        ProductsEventKind.APPROVED,
        ProductsEventKind.PUBLISHED,
    ]
    states = [(e.from_state, e.to_state) for e in shown.events if e.to_state]
    assert states == [
        (S.DRAFT, S.IN_REVIEW),
        (S.IN_REVIEW, S.CHANGES_REQUESTED),
        (S.CHANGES_REQUESTED, S.IN_REVIEW),
        (S.IN_REVIEW, S.APPROVED),
        (S.APPROVED, S.PUBLISHED),
    ]
    assert [c.note for c in shown.comments] == [
        "Добавьте пример из практики",
        "Нужен пример урока",
        "Готово",
    ]
    assert shown.events[5].note == "описание"  # what the edit changed (in Russian by default)
    # The request's own history tells of the product, too.
    notes = [e.note for e in get_request(session, asked.id).events if e.kind is EventKind.EDITED]
    assert notes[-2].startswith("По заявке подготовлен продукт «Как удержать")
    assert notes[-1] == f"Product «{made.title}» (№{made.id}) published to the methodological base"
    assert [p.id for p in products_of_request(session, asked.id)] == [made.id]
    assert [p.id for p in list_products(session, states=(S.PUBLISHED,))] == [made.id]


def test_publishing_a_draft_is_refused(session: Session) -> None:
    made = pr.create_product(session, form(), actor="t", now=NOW)
    with pytest.raises(RuleViolation) as refused:
        rv.publish(session, made.id, made.version, actor="t", now=NOW)
    assert refused.value.code == "products.rule.publish_unapproved"
    assert refused.value.params == {"state": S.DRAFT}


def test_an_author_cannot_review_their_own_product(session: Session) -> None:
    author = expert(session, "Автор Анна Викторовна")
    made = pr.create_product(
        session, form(authors=(AuthorInput(expert_id=author),)), actor="t", now=NOW
    )
    with pytest.raises(RuleViolation) as refused:
        rv.assign_reviewer(session, made.id, made.version, author, actor="t", now=NOW)
    assert refused.value.code == "products.rule.reviewer_is_author"
    # The same person typed by name as an author is an author too.
    named = expert(session, "Иванова Мария Сергеевна")
    typed = pr.create_product(session, form(), actor="t", now=NOW)
    with pytest.raises(RuleViolation, match="reviewer_is_author"):
        rv.assign_reviewer(session, typed.id, typed.version, named, actor="t", now=NOW)


def test_the_reviewer_cannot_be_made_an_author_later(session: Session) -> None:
    reviewer = expert(session)
    made = pr.create_product(session, form(), actor="t", now=NOW)
    made = rv.assign_reviewer(session, made.id, made.version, reviewer, actor="t", now=NOW)
    with pytest.raises(RuleViolation, match="reviewer_is_author"):
        pr.edit_product(
            session,
            made.id,
            made.version,
            form(authors=(AuthorInput(expert_id=reviewer),)),
            actor="t",
            now=NOW,
        )


def test_approval_needs_a_reviewer_and_review_needs_an_author(session: Session) -> None:
    made = pr.create_product(session, form(), actor="t", now=NOW)
    made = rv.submit_for_review(session, made.id, made.version, actor="t", now=NOW)
    with pytest.raises(RuleViolation, match="no_reviewer"):
        rv.approve(session, made.id, made.version, actor="t", now=NOW)
    lonely = pr.create_product(session, form(authors=()), actor="t", now=NOW)
    with pytest.raises(ProductInvalid, match="authors_required"):
        rv.submit_for_review(session, lonely.id, lonely.version, actor="t", now=NOW)


def test_an_approved_product_is_no_longer_edited_nor_its_reviewer_changed(
    session: Session,
) -> None:
    done = published(session)
    with pytest.raises(RuleViolation, match="not_editable"):
        pr.edit_product(session, done.id, done.version, form(title="Другое"), actor="t", now=NOW)
    other = expert(session, "Другой Эксперт")
    with pytest.raises(RuleViolation, match="reviewer_after_approval"):
        rv.assign_reviewer(session, done.id, done.version, other, actor="t", now=NOW)


def test_a_change_on_a_stale_version_is_refused(session: Session) -> None:
    made = pr.create_product(session, form(), actor="t", now=NOW)
    pr.edit_product(session, made.id, made.version, form(title="Новое"), actor="t", now=NOW)
    with pytest.raises(ProductStale):
        rv.submit_for_review(session, made.id, made.version, actor="t", now=NOW)


def test_the_form_is_checked(session: Session) -> None:
    with pytest.raises(ProductInvalid, match="title_required"):
        pr.create_product(session, form(title="  "), actor="t", now=NOW)
    with pytest.raises(ProductInvalid, match="unknown_request"):
        pr.create_product(session, form(request_ids=(999,)), actor="t", now=NOW)
    with pytest.raises(ProductInvalid, match="unknown_expert"):
        pr.create_product(session, form(authors=(AuthorInput(expert_id=999),)), actor="t", now=NOW)
    made = pr.create_product(
        session,
        form(
            kind=ProductKind.WEBINAR,
            authors=(AuthorInput(name=" Петров  И. И. "), AuthorInput(name="Петров И. И.")),
        ),
        actor="t",
        now=NOW,
    )
    assert [a.name for a in made.authors] == ["Петров И. И."]  # the same author once
