"""Plain, frozen views of products, review history and feedback, and the errors the
products services raise.

What :mod:`plc_console.services.products` and its sibling modules hand to the CLI and
the TUI; screens keep these after the session closed, so nothing here can lazy-load.
Times are UTC like every stored timestamp.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from plc_console.domain import (
    CloseReason,
    FeedbackUsable,
    PlcError,
    ProductKind,
    ProductsEventKind,
    ProductState,
    Stage,
)

#: Longest title and link accepted (the columns' sizes).
TITLE_MAX_CHARS = 300
LINK_MAX_CHARS = 1000
SUMMARY_MAX_CHARS = 20_000
AUTHOR_MAX_CHARS = 200


@dataclass(frozen=True)
class AuthorInput:
    """An author as typed on the product's form: an expert of the registry (by id), or a
    name typed as it is (a teacher of the working group, say)."""

    expert_id: int | None = None
    name: str | None = None


@dataclass(frozen=True)
class ProductForm:
    """A product as typed on its form, for :func:`create_product` and :func:`edit_product`.

    ``link`` is a web address or a file path; ``request_ids`` are the requests it came
    from, ``meeting_id`` the meeting whose joint work produced it.
    """

    kind: ProductKind
    title: str
    summary: str = ""
    link: str | None = None
    topic_keys: tuple[str, ...] = ()
    authors: tuple[AuthorInput, ...] = ()
    request_ids: tuple[int, ...] = ()
    meeting_id: int | None = None


@dataclass(frozen=True)
class AuthorView:
    name: str
    #: None for an author typed by name.
    expert_id: int | None


@dataclass(frozen=True)
class ProductSummary:
    """What a list row or a catalogue entry shows; ``version`` is what the next change
    must name."""

    id: int
    version: int
    kind: ProductKind
    title: str
    state: ProductState
    summary: str
    link: str | None
    authors: tuple[AuthorView, ...]
    topic_keys: tuple[str, ...]
    reviewer: str | None
    reviewer_id: int | None
    #: Numbers of the requests it came from, e.g. ``("З-2026-00042",)``.
    request_numbers: tuple[str, ...]
    published_at: datetime | None
    updated_at: datetime

    @property
    def author_names(self) -> str:
        return ", ".join(a.name for a in self.authors)

    @property
    def first_line(self) -> str:
        text = self.summary.strip()
        return text.splitlines()[0].strip() if text else ""


@dataclass(frozen=True)
class ProductEventView:
    at: datetime
    actor: str
    kind: ProductsEventKind
    from_state: ProductState | None
    to_state: ProductState | None
    note: str | None


@dataclass(frozen=True)
class RequestRef:
    """A request a product is tied to, as a screen lists it."""

    id: int
    number: str
    stage: Stage


@dataclass(frozen=True)
class FeedbackView:
    """One recorded feedback on a request's solution."""

    id: int
    request_id: int
    request_number: str
    product_id: int | None
    contacted_on: date
    usable: FeedbackUsable
    usefulness: int
    comment: str | None
    recorded_at: datetime
    actor: str


@dataclass(frozen=True)
class ProductDetail:
    """Everything about one product: its requests, the requests it answered, its whole
    history (review comments included) and the feedback on it."""

    summary: ProductSummary
    meeting_id: int | None
    meeting_title: str | None
    requests: tuple[RequestRef, ...]
    #: Requests closed as answered by it ("someone has met this before").
    answered: tuple[RequestRef, ...]
    events: tuple[ProductEventView, ...]
    feedback: tuple[FeedbackView, ...]

    @property
    def comments(self) -> tuple[ProductEventView, ...]:
        """The review's comments: remarks, changes asked for, approvals with a note."""
        kinds = (
            ProductsEventKind.COMMENTED,
            ProductsEventKind.CHANGES_REQUESTED,
            ProductsEventKind.APPROVED,
        )
        return tuple(e for e in self.events if e.kind in kinds and e.note)


@dataclass(frozen=True)
class BaseHit:
    """A product found in the methodological base; ``score`` orders the hits (higher
    first): query words in the title count more than words elsewhere."""

    product: ProductSummary
    score: float


@dataclass(frozen=True)
class SimilarProduct:
    product: ProductSummary
    #: 0..1, higher is closer.
    score: float
    shared_topic_keys: tuple[str, ...]


@dataclass(frozen=True)
class SimilarRequest:
    """A past request (done, or closed early) like the one being looked at."""

    id: int
    number: str
    stage: Stage
    close_reason: CloseReason | None
    first_line: str
    topic_keys: tuple[str, ...]
    #: The product that answered it, if one did.
    answered_by_product_id: int | None
    score: float
    shared_topic_keys: tuple[str, ...]


@dataclass(frozen=True)
class Similar:
    """ "Someone has met this before": the closest published products and past requests."""

    products: tuple[SimilarProduct, ...] = field(default=())
    requests: tuple[SimilarRequest, ...] = field(default=())


class ProductInvalid(PlcError):
    """A product's field cannot be used: ``products.invalid.<reason>`` says why."""

    def __init__(self, reason: str, **params: object) -> None:
        super().__init__(f"products.invalid.{reason}", **params)
        self.reason = reason


class ProductStale(PlcError):
    """Someone else changed the product since it was read; nothing was written."""

    def __init__(self, title: str) -> None:
        super().__init__("products.error.stale", title=title)
        self.title = title


class ProductNotFound(PlcError):
    def __init__(self, ref: object) -> None:
        super().__init__("products.error.not_found", ref=ref)
