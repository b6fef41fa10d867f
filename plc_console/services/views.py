"""Plain, frozen views of stored things: what services hand to the CLI and the TUI.

Screens keep these after the session is closed, so nothing here can lazy-load.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from plc_console.domain import (
    Category,
    Channel,
    CloseReason,
    EventKind,
    HelpWanted,
    Role,
    Stage,
    is_young_teacher,
)


@dataclass(frozen=True)
class RequestSummary:
    """What a list row or a board card shows."""

    id: int
    number: str
    version: int
    stage: Stage
    stage_since: datetime
    received_on: date
    channel: Channel
    requester: str
    role: Role
    experience_years: int | None
    problem: str
    category: Category | None
    topic_keys: tuple[str, ...]
    promised_on: date | None
    close_reason: CloseReason | None

    @property
    def young_teacher(self) -> bool:
        return is_young_teacher(self.role, self.experience_years)

    @property
    def first_line(self) -> str:
        return self.problem.strip().splitlines()[0] if self.problem.strip() else ""

    def days_in_stage(self, now: datetime) -> int:
        return max(0, (now - self.stage_since).days)


@dataclass(frozen=True)
class EventView:
    at: datetime
    actor: str
    kind: EventKind
    from_stage: Stage | None
    to_stage: Stage | None
    note: str | None


@dataclass(frozen=True)
class RequestDetail:
    """Everything about one request, with its history."""

    summary: RequestSummary
    form_no: str | None
    help_wanted: HelpWanted | None
    organization: str | None
    contact: str
    subject: str | None
    grade: int | None
    consent_given: bool
    duplicate_of_number: str | None
    answered_by_product_id: int | None
    import_batch_id: int | None
    import_row: int | None
    events: tuple[EventView, ...]


@dataclass(frozen=True)
class TopicView:
    id: int
    key: str
    name_ru: str
    name_en: str
    active: bool

    def name(self, lang: str) -> str:
        return self.name_ru if lang == "ru" else self.name_en


@dataclass(frozen=True)
class ExpertView:
    """An expert of the registry, with their load (requests not yet done or closed)."""

    id: int
    full_name: str
    organization: str | None
    contact: str | None
    subjects: str | None
    load_limit: int
    availability: str | None
    active: bool
    topic_keys: tuple[str, ...]
    #: Requests assigned to the expert that are not done or closed.
    open_load: int = 0
    #: Requests ever assigned to the expert (one with any is never deleted).
    assignments: int = 0

    @property
    def has_capacity(self) -> bool:
        """Whether the expert can take one more request without passing their limit."""
        return self.open_load < self.load_limit
