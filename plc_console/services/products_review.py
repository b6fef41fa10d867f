"""A product's review: submit it, name a reviewer, comment, ask for changes, approve,
publish.

States: draft → in review → changes requested → in review … → approved → published
(:data:`plc_console.domain.PRODUCT_MOVES`). The reviewer is an expert of the registry
who is not one of the product's authors; approving or asking for changes needs one.
Only approved products are published. Every step is an event in the product's history
(the comments too); publishing notes it in the history of the product's requests.
Conventions (versions, committing, errors): see :mod:`plc_console.services.products`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from plc_console.db.models import Expert, Product
from plc_console.domain import (
    ProductsEventKind,
    ProductState,
    check_product_move,
    check_reviewer,
)
from plc_console.locale import Translator
from plc_console.services.clock import utcnow
from plc_console.services.products import (
    flush_or_stale,
    locked_for_change,
    note_requests,
    product_label,
    record,
)
from plc_console.services.products_read import (
    author_expert_ids,
    author_names,
    load_product,
    summarize,
)
from plc_console.services.products_views import ProductInvalid, ProductSummary


def _move(
    session: Session,
    product: Product,
    kind: ProductsEventKind,
    target: ProductState,
    *,
    actor: str,
    now: datetime,
    note: str | None,
) -> ProductSummary:
    check_product_move(
        product.state, target, has_reviewer=product.reviewer_id is not None, comment=note
    )
    record(product, kind, actor=actor, now=now, note=note, to_state=target)
    flush_or_stale(session, product)
    return summarize(product)


def _clean(text: str | None) -> str | None:
    return text.strip() or None if text else None


def submit_for_review(
    session: Session,
    product_id: int,
    expected_version: int,
    *,
    actor: str,
    now: datetime | None = None,
    note: str | None = None,
) -> ProductSummary:
    """Send a draft (or a product whose changes were made) to review; it needs an author."""
    product = locked_for_change(session, product_id, expected_version)
    if not product.authors:
        raise ProductInvalid("authors_required")
    return _move(
        session,
        product,
        ProductsEventKind.SUBMITTED,
        ProductState.IN_REVIEW,
        actor=actor,
        now=now or utcnow(),
        note=_clean(note),
    )


def assign_reviewer(
    session: Session,
    product_id: int,
    expected_version: int,
    expert_id: int,
    *,
    actor: str,
    now: datetime | None = None,
) -> ProductSummary:
    """Name (or replace) the product's reviewer before approval: an active expert who is
    not an author. Naming the same reviewer again changes nothing."""
    now = now or utcnow()
    product = locked_for_change(session, product_id, expected_version)
    expert = session.get(Expert, expert_id)
    if expert is None:
        raise ProductInvalid("unknown_expert", ref=expert_id)
    if not expert.active:
        raise ProductInvalid("reviewer_inactive", name=expert.full_name)
    check_reviewer(
        product.state,
        expert.id,
        expert.full_name,
        author_expert_ids(product),
        author_names(product),
    )
    if product.reviewer_id == expert.id:
        return summarize(product)
    product.reviewer = expert
    record(product, ProductsEventKind.REVIEWER, actor=actor, now=now, note=expert.full_name)
    flush_or_stale(session, product)
    return summarize(product)


def add_comment(
    session: Session,
    product_id: int,
    text: str,
    *,
    actor: str,
    now: datetime | None = None,
    expected_version: int | None = None,
) -> ProductSummary:
    """A review comment in the product's history, in any state. Comments never
    conflict, so the version is checked only when given."""
    now = now or utcnow()
    cleaned = _clean(text)
    if cleaned is None:
        raise ProductInvalid("comment_required")
    if expected_version is None:
        product = load_product(session, product_id, with_events=True)
    else:
        product = locked_for_change(session, product_id, expected_version)
    record(product, ProductsEventKind.COMMENTED, actor=actor, now=now, note=cleaned)
    flush_or_stale(session, product)
    return summarize(product)


def request_changes(
    session: Session,
    product_id: int,
    expected_version: int,
    comment: str,
    *,
    actor: str,
    now: datetime | None = None,
) -> ProductSummary:
    """The reviewer asks for changes (the comment says which): back to the authors."""
    product = locked_for_change(session, product_id, expected_version)
    return _move(
        session,
        product,
        ProductsEventKind.CHANGES_REQUESTED,
        ProductState.CHANGES_REQUESTED,
        actor=actor,
        now=now or utcnow(),
        note=_clean(comment),
    )


def approve(
    session: Session,
    product_id: int,
    expected_version: int,
    *,
    actor: str,
    now: datetime | None = None,
    comment: str | None = None,
) -> ProductSummary:
    """The reviewer approves the product under review; it can then be published."""
    product = locked_for_change(session, product_id, expected_version)
    return _move(
        session,
        product,
        ProductsEventKind.APPROVED,
        ProductState.APPROVED,
        actor=actor,
        now=now or utcnow(),
        note=_clean(comment),
    )


def publish(
    session: Session,
    product_id: int,
    expected_version: int,
    *,
    actor: str,
    now: datetime | None = None,
    lang: str = "ru",
) -> ProductSummary:
    """Publish an approved product to the methodological base; its requests note it."""
    now = now or utcnow()
    product = locked_for_change(session, product_id, expected_version)
    check_product_move(
        product.state, ProductState.PUBLISHED, has_reviewer=product.reviewer_id is not None
    )
    product.published_at = now
    t = Translator(lang)
    note_requests(
        product.requests,
        t("products.note.published", product=product_label(product)),
        actor=actor,
        now=now,
    )
    return _move(
        session,
        product,
        ProductsEventKind.PUBLISHED,
        ProductState.PUBLISHED,
        actor=actor,
        now=now,
        note=None,
    )
