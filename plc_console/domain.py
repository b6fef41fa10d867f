"""The community's vocabulary and the pure rules of a request's life (DESIGN.md).

Nothing here does I/O: the service layer loads state, asks these rules whether a
change is allowed, and writes the change together with its event.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum


class Stage(StrEnum):
    """The seven Kanban stages in order, then the two terminal states."""

    RECEIVED = "received"
    TRIAGE = "triage"
    SCHEDULED = "scheduled"
    PREPARATION = "preparation"
    SESSION = "session"
    PRODUCT = "product"
    FEEDBACK = "feedback"
    DONE = "done"
    # Closed early (duplicate, out of scope, withdrawn): not a board column.
    CLOSED = "closed"

    @property
    def order(self) -> int:
        """Position on the board; CLOSED sorts after DONE."""
        return _STAGE_ORDER[self]

    @property
    def is_terminal(self) -> bool:
        return self in (Stage.DONE, Stage.CLOSED)


_STAGE_ORDER = {stage: index for index, stage in enumerate(Stage)}

#: The working stages, in board order (without the terminal ones).
WORK_STAGES: tuple[Stage, ...] = tuple(s for s in Stage if not s.is_terminal)
#: The board's columns: the seven stages and Done.
BOARD_STAGES: tuple[Stage, ...] = (*WORK_STAGES, Stage.DONE)


class Role(StrEnum):
    TEACHER = "teacher"
    PARENT = "parent"
    STUDENT = "student"
    OTHER = "other"


class Category(StrEnum):
    THEORETICAL = "theoretical"
    METHODOLOGICAL = "methodological"
    ORGANISATIONAL = "organisational"
    MOTIVATIONAL = "motivational"


class Channel(StrEnum):
    BOX = "box"
    WEB = "web"
    DNEVNIK = "dnevnik"
    EMAIL = "email"
    IN_PERSON = "in_person"
    PHONE = "phone"


class HelpWanted(StrEnum):
    CONSULTATION = "consultation"
    MEETING = "meeting"
    MATERIALS = "materials"
    WEBINAR = "webinar"
    MASTER_CLASS = "master_class"


class CloseReason(StrEnum):
    """Why a request left the board before Done (DESIGN.md section 1)."""

    DUPLICATE = "duplicate"
    OUT_OF_SCOPE = "out_of_scope"
    WITHDRAWN = "withdrawn"


class EventKind(StrEnum):
    CREATED = "created"
    MOVED = "moved"
    CLOSED = "closed"
    REOPENED = "reopened"
    EDITED = "edited"
    ASSIGNED = "assigned"  # an expert put on the request (note: the expert's name)
    UNASSIGNED = "unassigned"  # an expert taken off it
    # Personal data (152-FZ), see services/privacy.py; stored values stay within 20 chars.
    PURGED = "purged"  # the requester's personal fields removed after retention
    DATA_EXPORTED = "data_exported"  # everything about the requester given out


#: Teachers with at most this many years of experience are "young teachers".
YOUNG_TEACHER_MAX_YEARS = 3


def is_young_teacher(role: Role, experience_years: int | None) -> bool:
    """Reports separate young teachers (≤ 3 years of teaching) from experienced ones."""
    return (
        role is Role.TEACHER
        and experience_years is not None
        and experience_years <= YOUNG_TEACHER_MAX_YEARS
    )


class PlcError(Exception):
    """An error the user is told about: ``code`` is a message-catalog key, ``params`` fill it."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code, params)
        self.code = code
        self.params = params

    def __str__(self) -> str:
        details = ", ".join(f"{key}={value}" for key, value in self.params.items())
        return f"{self.code} ({details})" if details else self.code


class RuleViolation(PlcError):
    """A change the stage rules forbid."""


@dataclass(frozen=True)
class Move:
    """A permitted stage change, classified."""

    source: Stage
    target: Stage

    @property
    def is_rework(self) -> bool:
        """A move back is rework (DESIGN.md: corrections count as rework)."""
        return self.target.order < self.source.order


def check_move(source: Stage, target: Stage, note: str | None) -> Move:
    """Validate a stage change: forward one stage at a time, back any number with a note.

    Closing early is not a move: see :func:`check_close`.
    """
    if source is Stage.CLOSED:
        raise RuleViolation("rule.closed_request", stage=source)
    if target is Stage.CLOSED:
        raise RuleViolation("rule.close_is_not_a_move")
    if target is source:
        raise RuleViolation("rule.same_stage", stage=source)
    if target.order > source.order:
        if target.order != source.order + 1:
            raise RuleViolation("rule.skip_forward", source=source, target=target)
        return Move(source, target)
    if not (note and note.strip()):
        raise RuleViolation("rule.back_needs_note", source=source, target=target)
    return Move(source, target)


def check_close(
    source: Stage, reason: CloseReason | None, duplicate_of: int | None, request_id: int
) -> None:
    """Validate an early closure: any open stage, a reason, and the kept request for duplicates."""
    if source.is_terminal:
        raise RuleViolation("rule.already_terminal", stage=source)
    if reason is None:
        raise RuleViolation("rule.close_needs_reason")
    if reason is CloseReason.DUPLICATE:
        if duplicate_of is None:
            raise RuleViolation("rule.duplicate_needs_kept")
        if duplicate_of == request_id:
            raise RuleViolation("rule.duplicate_of_itself")
    elif duplicate_of is not None:
        raise RuleViolation("rule.kept_only_for_duplicate")


def check_answer_with_product(source: Stage) -> None:
    """A request an existing product answers skips ahead to feedback from received or triage."""
    if source not in (Stage.RECEIVED, Stage.TRIAGE):
        raise RuleViolation("rule.answer_only_early", stage=source)


def request_number(year: int, serial: int) -> str:
    """The human number of a request, e.g. ``З-2026-00042`` (З for заявка)."""
    return f"З-{year}-{serial:05d}"


def typed_request_number(typed: str) -> str:
    """A whole request number as people type it (outer spaces, lower case, a Latin Z)
    in the form it is stored: " з-2026-00042" and "Z-2026-00042" give "З-2026-00042"."""
    return typed.strip().upper().replace("Z-", "З-", 1)


# --- Critical-chain buffers (DESIGN.md section 4) --------------------------------------


class Zone(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


@dataclass(frozen=True)
class FeverBands:
    """Fever-chart boundaries: y > red_base + slope·x is red, y > yellow_base + slope·x yellow."""

    yellow_base: float = 10.0
    red_base: float = 30.0
    slope: float = 0.6
    red_ceiling: float = 100.0

    def zone(self, completion_pct: float, consumption_pct: float) -> Zone:
        x, y = completion_pct, consumption_pct
        if y > self.red_ceiling or y > self.red_base + self.slope * x:
            return Zone.RED
        if y > self.yellow_base + self.slope * x:
            return Zone.YELLOW
        return Zone.GREEN


#: Planned stage durations in days (aggressive 50 % estimates); configurable per stage.
DEFAULT_PLANNED_DAYS: dict[Stage, float] = {
    Stage.TRIAGE: 3,
    Stage.SCHEDULED: 5,
    Stage.PREPARATION: 5,
    Stage.SESSION: 2,
    Stage.PRODUCT: 7,
    Stage.FEEDBACK: 3,
}


@dataclass(frozen=True)
class BufferStatus:
    completion_pct: float
    consumption_pct: float
    zone: Zone

    @property
    def burn_rate(self) -> float | None:
        """Consumption over completion; 1.0 is on plan, None before any stage is finished."""
        if self.completion_pct <= 0:
            return None
        return self.consumption_pct / self.completion_pct


def buffer_status(
    current: Stage,
    elapsed_days: float,
    planned_days: dict[Stage, float] | None = None,
    bands: FeverBands | None = None,
) -> BufferStatus:
    """Where a request stands on the fever chart, from its stage and days since triage began.

    The chain runs from triage to feedback; the project buffer is half the chain.
    """
    planned = planned_days or DEFAULT_PLANNED_DAYS
    chain = [s for s in WORK_STAGES if s.order >= Stage.TRIAGE.order]
    chain_length = sum(planned.get(s, 0.0) for s in chain)
    buffer = chain_length / 2
    finished = sum(planned.get(s, 0.0) for s in chain if s.order < current.order)
    if current.is_terminal:
        finished = chain_length
    completion = 100.0 * finished / chain_length if chain_length else 100.0
    consumption = max(0.0, 100.0 * (elapsed_days - finished) / buffer) if buffer else 0.0
    return BufferStatus(
        completion, consumption, (bands or FeverBands()).zone(completion, consumption)
    )


def promised_days(planned_days: dict[Stage, float] | None = None) -> float:
    """Days from entering triage to the promised date: the chain plus half of it as buffer."""
    planned = planned_days or DEFAULT_PLANNED_DAYS
    chain_length = sum(planned.get(s, 0.0) for s in WORK_STAGES if s.order >= Stage.TRIAGE.order)
    return chain_length * 1.5


# --- Search ----------------------------------------------------------------------------


def fold_for_search(text: str) -> str:
    """Lower-case, ё read as е, whitespace collapsed: how stored text and queries compare.

    SQLite's LIKE and lower() fold only ASCII letters, so Cyrillic case-insensitive search
    needs text folded once, in Python, when it is written. Control characters count as
    spaces: a NUL would end SQLite's full-text query string early ("unterminated string").
    """
    return " ".join(text.casefold().replace("ё", "е").translate(_CONTROLS_AS_SPACES).split())


#: C0 controls and DEL, each read as a space by :func:`fold_for_search`.
_CONTROLS_AS_SPACES = dict.fromkeys([*range(0x20), 0x7F], " ")


def request_search_text(number: str, requester: str, problem: str) -> str:
    """What a request is found by: its number, the requester's name and the problem."""
    return fold_for_search(f"{number} {requester} {problem}")


# --- Meetings (issue 6) ----------------------------------------------------------------
# The enums' names read, lower-cased, as their label tables in the message catalogs
# (``meetingstatus.planned`` …), so each begins with "Meeting".


class MeetingStatus(StrEnum):
    """A meeting's life: planned, then announced (maybe again after changes), then held;
    cancelled from planned or announced."""

    PLANNED = "planned"
    ANNOUNCED = "announced"
    HELD = "held"
    CANCELLED = "cancelled"

    @property
    def is_final(self) -> bool:
        return self in (MeetingStatus.HELD, MeetingStatus.CANCELLED)


class MeetingSourceKind(StrEnum):
    """What a preparation-list item is: a book or article, a web link, or a product
    published in the methodological base."""

    LITERATURE = "literature"
    LINK = "link"
    PRODUCT = "product"


class MeetingStep(StrEnum):
    """The milestones of a meeting's backward plan, earliest first by default lead time."""

    EXPERTS_CONFIRMED = "experts_confirmed"
    ANNOUNCEMENT_POSTED = "announcement_posted"
    PREPARATION_SENT = "preparation_sent"


class MeetingSlotClash(StrEnum):
    """Who or what a meeting would book twice at overlapping times."""

    EXPERT = "expert"
    ROOM = "room"
    INVITEE = "invitee"


class MeetingsEventKind(StrEnum):
    """Entries of a meeting's own history (requests keep theirs in EventKind).

    Named in the plural so that its catalog table, like every meeting label table,
    begins with "meetings".
    """

    CREATED = "created"
    EDITED = "edited"
    ANNOUNCED = "announced"
    CANCELLED = "cancelled"
    HELD = "held"
    #: A double booking the coordinator accepted; the note says why and with what.
    OVERRIDDEN = "overridden"


#: Working days before the meeting by which each milestone is due (configurable).
DEFAULT_LEAD_DAYS: dict[MeetingStep, int] = {
    MeetingStep.EXPERTS_CONFIRMED: 10,
    MeetingStep.ANNOUNCEMENT_POSTED: 7,
    MeetingStep.PREPARATION_SENT: 3,
}

#: Russia's fixed non-working public holidays (Labour Code, art. 112) as (month, day):
#: New Year holidays 1–6 and 8 January, Christmas 7 January, 23 February, 8 March,
#: 1 and 9 May, 12 June, 4 November. The government's yearly moves of days off are not
#: known in advance and are not modelled.
RU_PUBLIC_HOLIDAYS: frozenset[tuple[int, int]] = frozenset(
    {(1, d) for d in range(1, 9)} | {(2, 23), (3, 8), (5, 1), (5, 9), (6, 12), (11, 4)}
)


def is_working_day(day: date, holidays: Collection[tuple[int, int]] = RU_PUBLIC_HOLIDAYS) -> bool:
    """Monday to Friday, and not a public holiday."""
    return day.weekday() < 5 and (day.month, day.day) not in holidays


def working_days_before(
    day: date, count: int, holidays: Collection[tuple[int, int]] = RU_PUBLIC_HOLIDAYS
) -> date:
    """The working day ``count`` working days before ``day`` (``day`` itself not counted).

    One working day before a Monday is the Friday before it; zero is ``day`` itself.
    """
    if count < 0:
        raise ValueError(f"count must not be negative, not {count}")
    found = day
    while count:
        found -= timedelta(days=1)
        if is_working_day(found, holidays):
            count -= 1
    return found


def working_days_after(
    day: date, count: int, holidays: Collection[tuple[int, int]] = RU_PUBLIC_HOLIDAYS
) -> date:
    """The working day ``count`` working days after ``day`` (``day`` itself not counted)."""
    if count < 0:
        raise ValueError(f"count must not be negative, not {count}")
    found = day
    while count:
        found += timedelta(days=1)
        if is_working_day(found, holidays):
            count -= 1
    return found


@dataclass(frozen=True)
class Milestone:
    """One milestone of a meeting's backward plan."""

    step: MeetingStep
    lead_days: int  # working days before the meeting day
    due: date
    done: bool
    #: Not done and its due day has passed (a milestone due today is not late yet).
    late: bool


def backward_plan(
    meeting_day: date,
    today: date,
    done: Collection[MeetingStep] = (),
    lead_days: Mapping[MeetingStep, int] | None = None,
    holidays: Collection[tuple[int, int]] = RU_PUBLIC_HOLIDAYS,
) -> tuple[Milestone, ...]:
    """The milestones before a meeting, earliest due first, each marked done or late.

    Lead times count working days back from the meeting day (weekends and public
    holidays skipped); a step missing from ``lead_days`` takes its default.
    """
    leads = {**DEFAULT_LEAD_DAYS, **(lead_days or {})}
    milestones = []
    for step in MeetingStep:
        due = working_days_before(meeting_day, leads[step], holidays)
        finished = step in done
        milestones.append(Milestone(step, leads[step], due, finished, not finished and due < today))
    # Equal due days keep the steps' own order (sorted is stable).
    return tuple(sorted(milestones, key=lambda m: m.due))


def overlaps(start_a: datetime, end_a: datetime, start_b: datetime, end_b: datetime) -> bool:
    """Two time spans overlap; one ending exactly when the other starts does not."""
    return start_a < end_b and start_b < end_a


def check_meeting_status(source: MeetingStatus, target: MeetingStatus) -> None:
    """Announce from planned (or again, after changes), hold or cancel an open meeting;
    a held or cancelled meeting stays so."""
    if source.is_final:
        raise RuleViolation("meetings.rule.final", status=source)
    if target is MeetingStatus.PLANNED:
        raise RuleViolation("meetings.rule.back_to_planned", status=source)


def fold_place(place: str | None) -> str:
    """A place as compared for double booking: case, ё, punctuation and spacing aside.

    "ЦНППМ, ауд. 204" and "цнппм ауд 204" are one room. Empty for no place and for
    online places ("онлайн, Сферум"): online meetings do not share a room.
    """
    if not place:
        return ""
    letters = "".join(c if c.isalnum() else " " for c in fold_for_search(place))
    folded = " ".join(letters.split())
    if folded.split(" ", 1)[0] in _ONLINE_WORDS:
        return ""
    return folded


_ONLINE_WORDS = frozenset({"онлайн", "online", "дистанционно", "zoom"})


# --- Products, review and feedback (issue 7) -------------------------------------------
# Label tables in the message catalogs: ``productkind.article``, ``productstate.draft``,
# ``productseventkind.created``, ``feedbackusable.yes``.


class ProductKind(StrEnum):
    """What a methodological product is (DESIGN.md section 2)."""

    ARTICLE = "article"
    GUIDE = "guide"  # methodological guide
    WEBINAR = "webinar"
    MASTER_CLASS = "master_class"
    RECOMMENDATIONS = "recommendations"  # collection of recommendations


class ProductState(StrEnum):
    """Review states: draft → in review → (changes requested → in review …) → approved →
    published. Only published products are in the methodological base."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    PUBLISHED = "published"

    @property
    def is_editable(self) -> bool:
        """Content may change until the reviewer approves it."""
        return self in (
            ProductState.DRAFT,
            ProductState.IN_REVIEW,
            ProductState.CHANGES_REQUESTED,
        )


class ProductsEventKind(StrEnum):
    """Entries of a product's own history (requests keep theirs in EventKind).

    Named in the plural so that its catalog table begins with "products".
    """

    CREATED = "created"
    EDITED = "edited"
    REVIEWER = "reviewer"  # a reviewer named (note: the expert's name)
    COMMENTED = "commented"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    PUBLISHED = "published"
    ANSWERED = "answered"  # given to a request as its answer (note: the request's number)
    FEEDBACK = "feedback"  # a requester's feedback on it was recorded


class FeedbackUsable(StrEnum):
    """The requester's answer to "understood and usable?"."""

    YES = "yes"
    PARTLY = "partly"
    NO = "no"


#: The review moves: which state each may go to.
PRODUCT_MOVES: dict[ProductState, frozenset[ProductState]] = {
    ProductState.DRAFT: frozenset({ProductState.IN_REVIEW}),
    ProductState.IN_REVIEW: frozenset({ProductState.CHANGES_REQUESTED, ProductState.APPROVED}),
    ProductState.CHANGES_REQUESTED: frozenset({ProductState.IN_REVIEW}),
    ProductState.APPROVED: frozenset({ProductState.PUBLISHED}),
    ProductState.PUBLISHED: frozenset(),
}


def check_product_move(
    source: ProductState, target: ProductState, *, has_reviewer: bool, comment: str | None = None
) -> None:
    """Validate a review move: only approved products are published; a reviewer must be
    named before the review decides; asking for changes needs a comment saying which."""
    if target is ProductState.PUBLISHED and source is not ProductState.APPROVED:
        raise RuleViolation("products.rule.publish_unapproved", state=source)
    if target not in PRODUCT_MOVES[source]:
        raise RuleViolation("products.rule.move", source=source, target=target)
    if target in (ProductState.APPROVED, ProductState.CHANGES_REQUESTED) and not has_reviewer:
        raise RuleViolation("products.rule.no_reviewer")
    if target is ProductState.CHANGES_REQUESTED and not (comment and comment.strip()):
        raise RuleViolation("products.rule.changes_need_comment")


def check_reviewer(
    state: ProductState,
    reviewer_id: int,
    reviewer_name: str,
    author_expert_ids: Collection[int],
    author_names: Collection[str],
) -> None:
    """A reviewer is an expert who is not an author: neither as a registered expert nor
    under the same name typed as a free-text author. Named before approval only."""
    if state in (ProductState.APPROVED, ProductState.PUBLISHED):
        raise RuleViolation("products.rule.reviewer_after_approval", state=state)
    folded = fold_for_search(reviewer_name)
    if reviewer_id in author_expert_ids or folded in {fold_for_search(n) for n in author_names}:
        raise RuleViolation("products.rule.reviewer_is_author", name=reviewer_name)


#: Usefulness is marked from 1 (useless) to 5 (very useful).
USEFULNESS_RANGE = (1, 5)


def check_feedback(
    stage: Stage, usable: FeedbackUsable, usefulness: int, comment: str | None
) -> Stage:
    """Where recorded feedback sends a request: done when the solution is understood and
    usable; back to ``product`` (rework, corrections) when partly or not, which needs the
    reason in the comment."""
    if stage is not Stage.FEEDBACK:
        raise RuleViolation("feedback.rule.not_at_feedback", stage=stage)
    low, high = USEFULNESS_RANGE
    if not low <= usefulness <= high:
        raise RuleViolation("feedback.rule.usefulness", low=low, high=high, value=usefulness)
    if usable is FeedbackUsable.YES:
        return Stage.DONE
    if not (comment and comment.strip()):
        raise RuleViolation("feedback.rule.reason_required", usable=usable)
    return Stage.PRODUCT
