"""The request store as typed SQLAlchemy 2 models.

Enums are stored as their string values (no native database enums) so that a later
stage or role needs only a data change, not an ALTER TYPE on PostgreSQL.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from plc_console.domain import (
    Category,
    Channel,
    CloseReason,
    EventKind,
    FeedbackUsable,
    HelpWanted,
    MeetingsEventKind,
    MeetingSourceKind,
    MeetingStatus,
    ProductKind,
    ProductsEventKind,
    ProductState,
    Role,
    Stage,
)


class Base(DeclarativeBase):
    pass


def _enum(enum_type: type[StrEnum]) -> Enum:
    return Enum(
        enum_type,
        native_enum=False,
        create_constraint=False,
        length=20,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class AppMeta(Base):
    """Small facts about the database itself (e.g. that it holds demo data)."""

    __tablename__ = "app_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class RequestCounter(Base):
    """Last serial number handed out per year, for numbers like З-2026-00042."""

    __tablename__ = "request_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Person(Base):
    """A requester: a teacher, parent, student or other participant."""

    __tablename__ = "people"
    __table_args__ = (
        # The board's role and young-teacher filters gather their people from here.
        Index("ix_people_role_experience", "role", "experience_years"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(_enum(Role))
    organization: Mapped[str | None] = mapped_column(String(300))
    contact: Mapped[str] = mapped_column(String(200), index=True)
    subject: Mapped[str | None] = mapped_column(String(100))
    experience_years: Mapped[int | None] = mapped_column(Integer)
    grade: Mapped[int | None] = mapped_column(Integer)
    consent_given: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime)

    requests: Mapped[list[Request]] = relationship(back_populates="person")


request_topics = Table(
    "request_topics",
    Base.metadata,
    Column("request_id", ForeignKey("requests.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", ForeignKey("topics.id", ondelete="RESTRICT"), primary_key=True),
    # The board's topic filter counts from a topic's requests, not from every request.
    Index("ix_request_topics_topic", "topic_id", "request_id"),
)

expert_topics = Table(
    "expert_topics",
    Base.metadata,
    Column("expert_id", ForeignKey("experts.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", ForeignKey("topics.id", ondelete="RESTRICT"), primary_key=True),
)


class Topic(Base):
    """A topic of difficulty; the list is editable data seeded from data/topics.csv."""

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name_ru: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class ImportBatch(Base):
    """One imported file: where each imported request came from."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(500))
    checksum: Mapped[str] = mapped_column(String(64), index=True)
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(100))
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    rows_imported: Mapped[int] = mapped_column(Integer, default=0)


class Request(Base):
    """A request (заявка): a difficulty someone met, moving through the stages."""

    __tablename__ = "requests"
    __table_args__ = (
        Index("ix_requests_stage_received", "stage", "received_on"),
        Index("ix_requests_form", "form_no", "received_on"),
        # A person's requests; with the stage, the board counts a role's requests per
        # column from here alone.
        Index("ix_requests_person_stage", "person_id", "stage"),
        # A board column reads its cards in stage_since order, a window at a time, and
        # the zone (from chain_started_at) and the filters on the request's own columns
        # are checked in the index too: counts and windows under those filters never
        # read the wide rows (problem, search text).
        Index(
            "ix_requests_board",
            "stage",
            "stage_since",
            "chain_started_at",
            "category",
            "channel",
            "person_id",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="RESTRICT"))
    received_on: Mapped[date] = mapped_column(Date)
    channel: Mapped[Channel] = mapped_column(_enum(Channel))
    form_no: Mapped[str | None] = mapped_column(String(50))
    problem: Mapped[str] = mapped_column(Text)
    help_wanted: Mapped[HelpWanted | None] = mapped_column(_enum(HelpWanted))
    category: Mapped[Category | None] = mapped_column(_enum(Category))
    stage: Mapped[Stage] = mapped_column(_enum(Stage))
    stage_since: Mapped[datetime] = mapped_column(DateTime)
    close_reason: Mapped[CloseReason | None] = mapped_column(_enum(CloseReason))
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("requests.id", ondelete="SET NULL")
    )
    # The product that answered the request ("someone has met this before"). Kept without
    # a foreign key: adding one would rebuild this table on SQLite (batch mode), dropping
    # the search triggers of migration 0004.
    answered_by_product_id: Mapped[int | None] = mapped_column(Integer)
    promised_on: Mapped[date | None] = mapped_column(Date)
    # When the request first entered triage: the fever chart measures from here.
    chain_started_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Number, requester and problem folded for case-insensitive search
    # (domain.request_search_text). Migration 0004 indexes it outside these models: an
    # FTS5 trigram table kept in step by triggers on SQLite, a pg_trgm index on
    # PostgreSQL (see plc_console.db.search).
    search_text: Mapped[str] = mapped_column(Text, server_default="", default="")
    import_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batches.id", ondelete="SET NULL")
    )
    import_row: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    # Optimistic concurrency: every UPDATE checks and bumps it, so a change based on a
    # stale read fails instead of overwriting another coordinator's work.
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    person: Mapped[Person] = relationship(back_populates="requests")
    topics: Mapped[list[Topic]] = relationship(secondary=request_topics, order_by=Topic.position)
    events: Mapped[list[Event]] = relationship(
        back_populates="request", order_by="Event.id", cascade="all, delete-orphan"
    )
    duplicate_of: Mapped[Request | None] = relationship(remote_side=[id])
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="request", cascade="all, delete-orphan", passive_deletes=True
    )

    __mapper_args__ = {"version_id_col": version}


class Event(Base):
    """Something that happened to a request: who, when, from which stage to which, and why.

    Lead times and flow diagrams are computed from events, never from mutable fields.
    """

    __tablename__ = "events"
    __table_args__ = (
        # A request's history in order, with what each event changed: the request screen
        # reads it, and the term report finds each request's stage at a moment and each
        # stay in a stage from it alone, never from the wide rows (migration 0009).
        Index("ix_events_history", "request_id", "at", "id", "kind", "from_stage", "to_stage"),
        # The moves into a stage in a span (requests done in a term) without reading the
        # rest of the span's events (migration 0009).
        Index("ix_events_target", "to_stage", "at", "kind", "request_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    kind: Mapped[EventKind] = mapped_column(_enum(EventKind))
    from_stage: Mapped[Stage | None] = mapped_column(_enum(Stage))
    to_stage: Mapped[Stage | None] = mapped_column(_enum(Stage))
    note: Mapped[str | None] = mapped_column(Text)

    request: Mapped[Request] = relationship(back_populates="events")


class Expert(Base):
    """A specialist who can work on requests, with competences (topics) and a load limit."""

    __tablename__ = "experts"

    id: Mapped[int] = mapped_column(primary_key=True)
    full_name: Mapped[str] = mapped_column(String(200))
    organization: Mapped[str | None] = mapped_column(String(300))
    contact: Mapped[str | None] = mapped_column(String(200))
    subjects: Mapped[str | None] = mapped_column(String(300))
    load_limit: Mapped[int] = mapped_column(Integer, default=3)
    availability: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    competences: Mapped[list[Topic]] = relationship(
        secondary=expert_topics, order_by=Topic.position
    )
    # passive_deletes="all": deleting an expert with assignments is refused by the
    # database (RESTRICT) instead of the ORM blanking their expert_id.
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="expert", passive_deletes="all"
    )


class Assignment(Base):
    """An expert assigned to work on a request (who assigned them, and when).

    Minimal for now: the board filters by it; the experts matching panel will create
    and end assignments.
    """

    __tablename__ = "assignments"
    __table_args__ = (
        # One assignment per expert and request; also finds a request's experts.
        UniqueConstraint("request_id", "expert_id", name="uq_assignments_request_expert"),
        # An expert's requests (the board's expert filter, an expert's load).
        Index("ix_assignments_expert_id", "expert_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"))
    # An expert with assignments is made inactive, not deleted: the history stays.
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id", ondelete="RESTRICT"))
    assigned_at: Mapped[datetime] = mapped_column(DateTime)
    assigned_by: Mapped[str] = mapped_column(String(100))

    request: Mapped[Request] = relationship(back_populates="assignments")
    expert: Mapped[Expert] = relationship(back_populates="assignments")


# --- Meetings ----------------------------------------------------------------------------


class Meeting(Base):
    """A meeting of teachers and experts on one or more requests (issue 6).

    ``starts_at`` is the community's local wall-clock time (the time zone is applied
    when a calendar file is written); ``created_at``/``updated_at`` are UTC like every
    other timestamp. ``sequence`` is the calendar SEQUENCE: raised by every change after
    the first announcement; ``announced_sequence`` is the one last written to a file
    (None: never announced), so a change not yet announced is ``sequence >
    announced_sequence``.
    """

    __tablename__ = "meetings"
    __table_args__ = (Index("ix_meetings_starts_at", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The calendar UID, made once at creation and never changed.
    uid: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id", ondelete="RESTRICT"))
    starts_at: Mapped[datetime] = mapped_column(DateTime)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    place: Mapped[str | None] = mapped_column(String(300))
    online_link: Mapped[str | None] = mapped_column(String(500))
    capacity: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[MeetingStatus] = mapped_column(_enum(MeetingStatus))
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    announced_sequence: Mapped[int | None] = mapped_column(Integer)
    # When the preparation list went out to the participants (a milestone of the plan).
    preparation_sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    minutes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    # Optimistic concurrency, as for requests: every change of the meeting or of its
    # lists touches this row, so a change based on a stale read is refused.
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    topic: Mapped[Topic | None] = relationship()
    requests: Mapped[list[MeetingRequest]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", passive_deletes=True
    )
    experts: Mapped[list[MeetingExpert]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", passive_deletes=True
    )
    invitees: Mapped[list[MeetingInvitee]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", passive_deletes=True
    )
    sources: Mapped[list[MeetingSource]] = relationship(
        back_populates="meeting",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="MeetingSource.position",
    )
    events: Mapped[list[MeetingEvent]] = relationship(
        back_populates="meeting",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="MeetingEvent.id",
    )

    __mapper_args__ = {"version_id_col": version}


class MeetingRequest(Base):
    """A request the meeting addresses (several requests on one topic may share one)."""

    __tablename__ = "meeting_requests"
    __table_args__ = (Index("ix_meeting_requests_request", "request_id"),)

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    request_id: Mapped[int] = mapped_column(
        ForeignKey("requests.id", ondelete="CASCADE"), primary_key=True
    )

    meeting: Mapped[Meeting] = relationship(back_populates="requests")
    request: Mapped[Request] = relationship()


class MeetingExpert(Base):
    """An expert at a meeting: whether they confirmed, and whether they came."""

    __tablename__ = "meeting_experts"
    __table_args__ = (Index("ix_meeting_experts_expert", "expert_id"),)

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    expert_id: Mapped[int] = mapped_column(
        ForeignKey("experts.id", ondelete="RESTRICT"), primary_key=True
    )
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    # None until the meeting is recorded as held.
    attended: Mapped[bool | None] = mapped_column(Boolean)

    meeting: Mapped[Meeting] = relationship(back_populates="experts")
    expert: Mapped[Expert] = relationship()


class MeetingInvitee(Base):
    """A person invited to a meeting (a teacher, or a parent or student when useful),
    in the role they come in, and whether they came."""

    __tablename__ = "meeting_invitees"
    __table_args__ = (Index("ix_meeting_invitees_person", "person_id"),)

    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="RESTRICT"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(_enum(Role))
    attended: Mapped[bool | None] = mapped_column(Boolean)

    meeting: Mapped[Meeting] = relationship(back_populates="invitees")
    person: Mapped[Person] = relationship()


class MeetingSource(Base):
    """An item of a meeting's preparation list: literature, a link, or a published product."""

    __tablename__ = "meeting_sources"
    __table_args__ = (Index("ix_meeting_sources_meeting", "meeting_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[MeetingSourceKind] = mapped_column(_enum(MeetingSourceKind))
    text: Mapped[str] = mapped_column(String(500))
    url: Mapped[str | None] = mapped_column(String(500))
    # The products table arrives with the products capability; until then the id is kept
    # without a foreign key (as requests.answered_by_product_id).
    product_id: Mapped[int | None] = mapped_column(Integer)

    meeting: Mapped[Meeting] = relationship(back_populates="sources")


class MeetingEvent(Base):
    """Something that happened to a meeting: created, edited, announced, cancelled, held,
    or a double booking the coordinator overrode (the note says why and with what)."""

    __tablename__ = "meeting_events"
    __table_args__ = (Index("ix_meeting_events_meeting_at", "meeting_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(100))
    kind: Mapped[MeetingsEventKind] = mapped_column(_enum(MeetingsEventKind))
    note: Mapped[str | None] = mapped_column(Text)

    meeting: Mapped[Meeting] = relationship(back_populates="events")


# --- Products, review and feedback (issue 7) -----------------------------------------

product_topics = Table(
    "product_topics",
    Base.metadata,
    Column("product_id", ForeignKey("products.id", ondelete="CASCADE"), primary_key=True),
    Column("topic_id", ForeignKey("topics.id", ondelete="RESTRICT"), primary_key=True),
    # The methodological base's topic filter.
    Index("ix_product_topics_topic", "topic_id", "product_id"),
)

product_requests = Table(
    "product_requests",
    Base.metadata,
    Column("product_id", ForeignKey("products.id", ondelete="CASCADE"), primary_key=True),
    Column("request_id", ForeignKey("requests.id", ondelete="CASCADE"), primary_key=True),
    # A request's products.
    Index("ix_product_requests_request", "request_id", "product_id"),
)


class Product(Base):
    """A methodological product: the solution of one or more requests, reviewed by an
    expert and published to the methodological base.

    ``search_text`` holds the stems of its title, summary, authors and topics
    (:func:`plc_console.services.products_search.product_search_text`), written by the
    products service; migration 0007 indexes it per dialect outside these models (see
    :mod:`plc_console.db.search`).
    """

    __tablename__ = "products"
    __table_args__ = (Index("ix_products_state_published", "state", "published_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ProductKind] = mapped_column(_enum(ProductKind))
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    # A web address or a file path (on the community's shared drive).
    link: Mapped[str | None] = mapped_column(String(1000))
    state: Mapped[ProductState] = mapped_column(_enum(ProductState))
    reviewer_id: Mapped[int | None] = mapped_column(
        ForeignKey("experts.id", ondelete="RESTRICT"), index=True
    )
    # The meeting whose joint work produced it.
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), index=True
    )
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    search_text: Mapped[str] = mapped_column(Text, server_default="", default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    # Optimistic concurrency, as for requests.
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    authors: Mapped[list[ProductAuthor]] = relationship(
        back_populates="product",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ProductAuthor.position",
    )
    topics: Mapped[list[Topic]] = relationship(secondary=product_topics, order_by=Topic.position)
    requests: Mapped[list[Request]] = relationship(
        secondary=product_requests, order_by="Request.number"
    )
    reviewer: Mapped[Expert | None] = relationship()
    meeting: Mapped[Meeting | None] = relationship()
    events: Mapped[list[ProductEvent]] = relationship(
        back_populates="product",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ProductEvent.id",
    )

    __mapper_args__ = {"version_id_col": version}


class ProductAuthor(Base):
    """An author of a product: an expert of the registry, or a name typed as it is (a
    teacher of the working group, say). ``name`` is always filled: an expert's name as it
    was when they were named, so the base reads the same after the registry changes."""

    __tablename__ = "product_authors"
    __table_args__ = (
        UniqueConstraint("product_id", "position", name="uq_product_authors_position"),
        Index("ix_product_authors_expert", "expert_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    expert_id: Mapped[int | None] = mapped_column(ForeignKey("experts.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(String(200))

    product: Mapped[Product] = relationship(back_populates="authors")
    expert: Mapped[Expert | None] = relationship()


class ProductEvent(Base):
    """Something that happened to a product: created, edited, a reviewer named, a review
    comment, a state change (from and to), given to a request as its answer, feedback."""

    __tablename__ = "product_events"
    __table_args__ = (Index("ix_product_events_product_at", "product_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(100))
    kind: Mapped[ProductsEventKind] = mapped_column(_enum(ProductsEventKind))
    from_state: Mapped[ProductState | None] = mapped_column(_enum(ProductState))
    to_state: Mapped[ProductState | None] = mapped_column(_enum(ProductState))
    note: Mapped[str | None] = mapped_column(Text)

    product: Mapped[Product] = relationship(back_populates="events")


class FeedbackRecord(Base):
    """What the requester said about the solution: contacted when, understood and usable
    (yes / partly / no), usefulness 1–5 and a comment (the reason, when not usable)."""

    __tablename__ = "feedback_records"
    __table_args__ = (
        Index("ix_feedback_records_request", "request_id", "recorded_at"),
        Index("ix_feedback_records_product", "product_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"))
    # The product the requester was given, when there was one.
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id", ondelete="SET NULL"))
    contacted_on: Mapped[date] = mapped_column(Date)
    usable: Mapped[FeedbackUsable] = mapped_column(_enum(FeedbackUsable))
    usefulness: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(100))

    request: Mapped[Request] = relationship()
    product: Mapped[Product | None] = relationship()


# --- Terms (issue 8) -----------------------------------------------------------------


class Term(Base):
    """A named date range that term reports cover (e.g. "1 четверть 2026/27"); both ends
    are included. Terms never overlap, so a date belongs to at most one of them."""

    __tablename__ = "terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
