"""Methodological products: create and edit them (issue 7).

A product (article, guide, webinar, master class, collection of recommendations) has a
title, authors (experts of the registry or names typed as they are), a summary, a link
or file path, topics, and the requests and meeting it came from. It passes review
(draft → in review → changes requested → in review … → approved → published) and, once
published, is in the methodological base.

Conventions of every function here and in the sibling modules: it takes a Session and
leaves committing to the caller (roll back on any error); a change names the
``expected_version`` of the product the caller read and is refused with
``ProductStale`` if someone changed it meanwhile; it writes an event in the product's
history (``ProductDetail.events``) and, where it concerns a request, an event in the
request's history too (notes in ``lang``, ru or en); ``now`` is UTC (defaults to the
clock). Refusals are ``RuleViolation`` (``products.rule.*``, ``feedback.rule.*``),
``ProductInvalid`` (``products.invalid.*``) or ``ProductNotFound``; each carries a
message-catalog key and its parameters.

The whole API, by module (views and errors: :mod:`.products_views`):

- here: :func:`create_product`, :func:`edit_product`;
- :mod:`.products_read`: ``get_product`` (with history, comments and feedback),
  ``list_products``, ``products_of_request``, ``summaries``;
- :mod:`.products_review`: ``submit_for_review``, ``assign_reviewer`` (never an
  author), ``add_comment``, ``request_changes``, ``approve``, ``publish`` (approved
  products only);
- :mod:`.products_search`: ``search_base`` (published products by text, with Russian
  word forms, topic and kind);
- :mod:`.products_similar`: ``similar_to_request`` ("someone has met this before");
- :mod:`.feedback`: ``answer_with_product``, ``record_feedback``,
  ``feedback_of_request``;
- :mod:`.products_export`: ``export_base`` (the base as a Markdown or HTML catalogue);
- :mod:`.buffers`: critical-chain settings, ``request_buffer``, ``fever_chart``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from plc_console.db.models import Expert, Meeting, Product, ProductAuthor, ProductEvent, Request
from plc_console.domain import ProductsEventKind, ProductState, RuleViolation, check_reviewer
from plc_console.locale import Key, Translator
from plc_console.services.clock import utcnow
from plc_console.services.products_read import load_product, summarize
from plc_console.services.products_text import product_search_text
from plc_console.services.products_views import (
    AUTHOR_MAX_CHARS,
    LINK_MAX_CHARS,
    SUMMARY_MAX_CHARS,
    TITLE_MAX_CHARS,
    AuthorInput,
    ProductForm,
    ProductInvalid,
    ProductStale,
    ProductSummary,
)
from plc_console.services.reference import topics_by_key
from plc_console.services.requests import record_edit

# --- shared by the products modules ----------------------------------------------------


def locked_for_change(session: Session, product_id: int, expected_version: int) -> Product:
    """The product, if it is still at the version the caller read."""
    product = load_product(session, product_id, with_events=True)
    if product.version != expected_version:
        raise ProductStale(product.title)
    return product


def flush_or_stale(session: Session, product: Product) -> None:
    """Flush; a writer who committed since the version check makes the UPDATE match no
    row, which is the same stale change."""
    title = product.title
    try:
        session.flush()
    except StaleDataError as exc:
        raise ProductStale(title) from exc


def record(
    product: Product,
    kind: ProductsEventKind,
    *,
    actor: str,
    now: datetime,
    note: str | None = None,
    to_state: ProductState | None = None,
) -> None:
    """An event in the product's history; a state change moves the state too. The
    product's row is always updated, so its version moves with every change."""
    source = product.state
    if to_state is not None:
        product.state = to_state
    product.updated_at = now
    flag_modified(product, "updated_at")
    product.events.append(
        ProductEvent(
            at=now,
            actor=actor,
            kind=kind,
            from_state=source if to_state is not None else None,
            to_state=to_state,
            note=note,
        )
    )


def note_requests(requests: Iterable[Request], note: str, *, actor: str, now: datetime) -> None:
    """The same note in the history of each request (an "edited" event at its stage)."""
    for request in requests:
        record_edit(request, actor=actor, now=now, note=note)


def product_label(product: Product) -> str:
    """How notes name a product: «title» (№id)."""
    return f"«{product.title}» (№{product.id})"


def refresh_search_text(product: Product) -> None:
    topics = [name for t in product.topics for name in (t.name_ru, t.name_en)]
    product.search_text = product_search_text(
        product.title, product.summary, [a.name for a in product.authors], topics
    )


# --- the form ------------------------------------------------------------------------


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None


def _check_length(name: str, value: str | None, limit: int) -> None:
    if value is not None and len(value) > limit:
        raise ProductInvalid("too_long", field=Key(f"products.field.{name}"), limit=limit)


def _authors(session: Session, typed: Sequence[AuthorInput]) -> list[tuple[int | None, str]]:
    """(expert id, name) of each author in order, the same expert or name once."""
    found: dict[tuple[int | None, str], None] = {}
    for author in typed:
        if author.expert_id is not None:
            expert = session.get(Expert, author.expert_id)
            if expert is None:
                raise ProductInvalid("unknown_expert", ref=author.expert_id)
            key: tuple[int | None, str] = (expert.id, expert.full_name)
        else:
            name = _clean(author.name)
            if name is None:
                raise ProductInvalid("author_empty")
            _check_length("author", name, AUTHOR_MAX_CHARS)
            key = (None, name)
        if not any(k[0] is not None and k[0] == key[0] or k[1] == key[1] for k in found):
            found[key] = None
    return list(found)


def _requests(session: Session, request_ids: Sequence[int]) -> list[Request]:
    ids = list(dict.fromkeys(request_ids))
    if not ids:
        return []
    found = {r.id: r for r in session.scalars(select(Request).where(Request.id.in_(ids)))}
    for request_id in ids:
        if request_id not in found:
            raise ProductInvalid("unknown_request", ref=request_id)
    return [found[i] for i in ids]


def _apply_form(session: Session, product: Product, form: ProductForm) -> list[str]:
    """Set the product's fields from the form; the names of the fields that changed."""
    title = _clean(form.title)
    if title is None:
        raise ProductInvalid("title_required")
    _check_length("title", title, TITLE_MAX_CHARS)
    summary = form.summary.strip()
    _check_length("summary", summary, SUMMARY_MAX_CHARS)
    link = _clean(form.link)
    _check_length("link", link, LINK_MAX_CHARS)
    authors = _authors(session, form.authors)
    if product.reviewer is not None:
        check_reviewer(
            product.state,
            product.reviewer.id,
            product.reviewer.full_name,
            {expert_id for expert_id, _ in authors if expert_id is not None},
            [name for _, name in authors],
        )
    topics = topics_by_key(session, form.topic_keys)
    requests = _requests(session, form.request_ids)
    if form.meeting_id is not None and session.get(Meeting, form.meeting_id) is None:
        raise ProductInvalid("unknown_meeting", ref=form.meeting_id)

    changed = []
    for name, old, new in (
        ("kind", product.kind, form.kind),
        ("title", product.title, title),
        ("summary", product.summary, summary),
        ("link", product.link, link),
        ("meeting", product.meeting_id, form.meeting_id),
    ):
        if old != new:
            changed.append(name)
            setattr(product, name if name != "meeting" else "meeting_id", new)
    if [(a.expert_id, a.name) for a in product.authors] != authors:
        changed.append("authors")
        if product.authors:
            product.authors.clear()
            session.flush()  # the old rows go before new ones take their positions
        product.authors.extend(
            ProductAuthor(position=n, expert_id=expert_id, name=name)
            for n, (expert_id, name) in enumerate(authors, start=1)
        )
    if [t.key for t in product.topics] != [t.key for t in topics]:
        changed.append("topics")
        product.topics = topics
    if [r.id for r in product.requests] != [r.id for r in requests]:
        changed.append("requests")
        product.requests = requests
    refresh_search_text(product)
    return changed


def create_product(
    session: Session,
    form: ProductForm,
    *,
    actor: str,
    now: datetime | None = None,
    lang: str = "ru",
) -> ProductSummary:
    """Create a product as a draft; each of its requests notes it in its history."""
    now = now or utcnow()
    product = Product(
        kind=form.kind,
        title="",
        summary="",
        state=ProductState.DRAFT,
        created_at=now,
        updated_at=now,
    )
    session.add(product)
    _apply_form(session, product, form)
    record(product, ProductsEventKind.CREATED, actor=actor, now=now)
    session.flush()
    t = Translator(lang)
    note_requests(
        product.requests,
        t("products.note.linked", product=product_label(product)),
        actor=actor,
        now=now,
    )
    session.flush()
    return summarize(product)


def edit_product(
    session: Session,
    product_id: int,
    expected_version: int,
    form: ProductForm,
    *,
    actor: str,
    now: datetime | None = None,
    lang: str = "ru",
) -> ProductSummary:
    """Change a product's fields until it is approved; the event names what changed,
    and requests newly tied to it or untied from it note that in their history."""
    now = now or utcnow()
    product = locked_for_change(session, product_id, expected_version)
    if not product.state.is_editable:
        raise RuleViolation("products.rule.not_editable", state=product.state)
    before = {r.id: r for r in product.requests}
    changed = _apply_form(session, product, form)
    if not changed:
        return summarize(product)
    t = Translator(lang)
    shown = ", ".join(t(f"products.field.{name}") for name in changed)
    record(product, ProductsEventKind.EDITED, actor=actor, now=now, note=shown)
    after = {r.id: r for r in product.requests}
    label = product_label(product)
    note_requests(
        [r for i, r in after.items() if i not in before],
        t("products.note.linked", product=label),
        actor=actor,
        now=now,
    )
    note_requests(
        [r for i, r in before.items() if i not in after],
        t("products.note.unlinked", product=label),
        actor=actor,
        now=now,
    )
    flush_or_stale(session, product)
    return summarize(product)
