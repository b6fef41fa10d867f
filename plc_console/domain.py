"""The community's vocabulary and the pure rules of a request's life (DESIGN.md).

Nothing here does I/O: the service layer loads state, asks these rules whether a
change is allowed, and writes the change together with its event.
"""

from __future__ import annotations

from dataclasses import dataclass
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
    needs text folded once, in Python, when it is written.
    """
    return " ".join(text.casefold().replace("ё", "е").split())


def request_search_text(number: str, requester: str, problem: str) -> str:
    """What a request is found by: its number, the requester's name and the problem."""
    return fold_for_search(f"{number} {requester} {problem}")
