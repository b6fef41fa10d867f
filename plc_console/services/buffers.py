"""Critical-chain buffers (DESIGN.md section 4): settings, promised dates, the fever chart.

A request's chain runs from ``triage`` to ``feedback``; each stage has a planned
duration (aggressive 50 % estimates, in days) and the project buffer is half the chain.
When a request first enters triage it gets a promised date: the chain plus the buffer
from that moment (:func:`promised_date`, called by
:func:`plc_console.services.requests.move_request`). At any moment, with x = chain
completion % and y = buffer consumption %, its zone is red above the red band (or past
the ceiling), yellow above the yellow band, green below
(:class:`plc_console.domain.FeverBands`, :func:`plc_console.domain.buffer_status`).

Settings live in app_meta, one row each, written only when a coordinator changes them
(absent rows mean the defaults of DESIGN.md section 4):

- ``buffers.days.<stage>``: planned days of a chain stage (triage … feedback);
- ``buffers.band.<name>``: ``yellow_base`` (10), ``red_base`` (30), ``slope`` (0.6),
  ``red_ceiling`` (100).

:func:`fever_chart` places every open request whose chain has started and lists the red
ones; :func:`request_buffer` gives one request's point (for its card or screen). Both
take ``now`` in UTC. The board's card zones (:mod:`plc_console.services.board`) are
worked out from the default plan and bands.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Integer, Text, cast, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from plc_console.db.models import AppMeta, Request
from plc_console.domain import (
    DEFAULT_PLANNED_DAYS,
    WORK_STAGES,
    FeverBands,
    PlcError,
    Stage,
    Zone,
    buffer_status,
    promised_days,
)
from plc_console.services.meta import set_meta

#: The board's settings counter (plc_console.services.board.SETTINGS_VERSION_KEY), kept
#: here too so that the board may read these settings without an import cycle.
SETTINGS_VERSION_KEY = "board_settings_version"
DAYS_KEY_PREFIX = "buffers.days."
BAND_KEY_PREFIX = "buffers.band."
#: The stages of the critical chain, each with a planned duration.
CHAIN_STAGES: tuple[Stage, ...] = tuple(s for s in WORK_STAGES if s.order >= Stage.TRIAGE.order)
#: The fever chart's configurable boundaries (fields of FeverBands).
BAND_NAMES: tuple[str, ...] = ("yellow_base", "red_base", "slope", "red_ceiling")
MAX_PLANNED_DAYS = 365.0
MAX_SLOPE = 10.0


class BuffersInvalid(PlcError):
    """A setting cannot be used: ``buffers.invalid.<reason>`` says why."""

    def __init__(self, reason: str, **params: object) -> None:
        super().__init__(f"buffers.invalid.{reason}", **params)
        self.reason = reason


@dataclass(frozen=True)
class BufferSettings:
    """The planned duration of each chain stage, in days, and the fever chart's bands."""

    planned_days: Mapping[Stage, float]
    bands: FeverBands = field(default_factory=FeverBands)

    @property
    def chain_days(self) -> float:
        return sum(self.planned_days.get(s, 0.0) for s in CHAIN_STAGES)

    @property
    def buffer_days(self) -> float:
        return self.chain_days / 2

    @property
    def promised_days(self) -> float:
        """From entering triage to the promised date: the chain plus its buffer."""
        return promised_days(dict(self.planned_days))


def _number(value: str) -> float | None:
    try:
        number = float(value)
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


def buffer_settings(session: Session) -> BufferSettings:
    """The settings in force; a stored value this console cannot read counts as absent."""
    planned: dict[Stage, float] = {s: float(DEFAULT_PLANNED_DAYS.get(s, 0.0)) for s in CHAIN_STAGES}
    bands = {name: float(getattr(FeverBands(), name)) for name in BAND_NAMES}
    # Never flushes: a caller halfway through changing a request (move_request sets the
    # chain start, then the promise) must not have it written twice.
    with session.no_autoflush:
        rows = session.execute(
            select(AppMeta.key, AppMeta.value).where(
                AppMeta.key.startswith("buffers.", autoescape=True)
            )
        ).all()
    for key, value in rows:
        number = _number(value)
        if number is None or number < 0:
            continue
        if key.startswith(DAYS_KEY_PREFIX):
            stage = key.removeprefix(DAYS_KEY_PREFIX)
            if stage in {s.value for s in CHAIN_STAGES}:
                planned[Stage(stage)] = number
        elif key.startswith(BAND_KEY_PREFIX):
            name = key.removeprefix(BAND_KEY_PREFIX)
            if name in bands:
                bands[name] = number
    settings = BufferSettings(planned, FeverBands(**bands))
    if settings.chain_days <= 0:  # never divide by an empty chain
        return BufferSettings(dict(DEFAULT_PLANNED_DAYS), settings.bands)
    return settings


def promised_date(session: Session, started_at: datetime) -> date:
    """The promised date of a request whose chain starts at ``started_at``."""
    return (started_at + timedelta(days=buffer_settings(session).promised_days)).date()


def _store(session: Session, key: str, value: float | None) -> None:
    if value is None:
        row = session.get(AppMeta, key)
        if row is not None:
            session.delete(row)
    else:
        set_meta(session, key, f"{value:g}")
    # Boards on other desks read their settings again when this moves (one atomic
    # INSERT … ON CONFLICT DO UPDATE, as the board's own settings do).
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    bumped = cast(cast(AppMeta.value, Integer) + 1, Text)
    statement = insert(AppMeta).values(key=SETTINGS_VERSION_KEY, value="1")
    session.execute(
        statement.on_conflict_do_update(index_elements=[AppMeta.key], set_={"value": bumped})
    )
    session.flush()


def set_planned_days(session: Session, stage: Stage, days: float | None) -> BufferSettings:
    """Set a chain stage's planned duration in days (None: back to the default); the
    caller commits. Promises already made stay; new ones use it."""
    if stage not in CHAIN_STAGES:
        raise BuffersInvalid("stage", stage=stage)
    if days is not None and not 0 <= days <= MAX_PLANNED_DAYS:
        raise BuffersInvalid("days", value=days, high=f"{MAX_PLANNED_DAYS:g}")
    current = buffer_settings(session)
    planned = {**current.planned_days, stage: DEFAULT_PLANNED_DAYS.get(stage, 0.0)}
    if days is not None:
        planned[stage] = days
    if sum(planned.values()) <= 0:
        raise BuffersInvalid("empty_chain")
    _store(session, DAYS_KEY_PREFIX + stage.value, days)
    return buffer_settings(session)


def set_band(session: Session, name: str, value: float | None) -> BufferSettings:
    """Set one boundary of the fever chart (None: back to the default); the caller
    commits. The yellow band must stay below the red one."""
    if name not in BAND_NAMES:
        raise BuffersInvalid("band", name=name, known=", ".join(BAND_NAMES))
    current = buffer_settings(session).bands
    values = {n: float(getattr(current, n)) for n in BAND_NAMES}
    values[name] = float(getattr(FeverBands(), name)) if value is None else value
    if any(v < 0 for v in values.values()) or values["slope"] > MAX_SLOPE:
        raise BuffersInvalid("band_range", name=name, value=value)
    if values["yellow_base"] >= values["red_base"] or values["red_ceiling"] <= 0:
        raise BuffersInvalid("band_order")
    _store(session, BAND_KEY_PREFIX + name, value)
    return buffer_settings(session)


@dataclass(frozen=True)
class FeverPoint:
    """One request on the fever chart."""

    request_id: int
    number: str
    stage: Stage
    #: x: planned duration of the finished chain stages / the chain, in %.
    completion_pct: float
    #: y: (elapsed − finished stages' plan) / buffer, in %, never below 0.
    consumption_pct: float
    zone: Zone
    #: y / x (1.0 is on plan); None before any chain stage is finished.
    burn_rate: float | None
    chain_started_at: datetime
    promised_on: date | None
    elapsed_days: float


@dataclass(frozen=True)
class FeverChart:
    """Every open request whose chain has started, and the red ones, worst first."""

    points: tuple[FeverPoint, ...]
    red: tuple[FeverPoint, ...]
    settings: BufferSettings
    #: Open requests still waiting to enter triage (no chain, no zone yet).
    not_started: int

    @property
    def bands(self) -> FeverBands:
        return self.settings.bands

    @property
    def counts(self) -> dict[Zone, int]:
        counts = dict.fromkeys(Zone, 0)
        for point in self.points:
            counts[point.zone] += 1
        return counts


def _point(row: _Row, settings: BufferSettings, now: datetime) -> FeverPoint:
    elapsed = max(0.0, (now - row.chain_started_at).total_seconds() / 86_400)
    status = buffer_status(row.stage, elapsed, dict(settings.planned_days), settings.bands)
    return FeverPoint(
        request_id=row.id,
        number=row.number,
        stage=row.stage,
        completion_pct=status.completion_pct,
        consumption_pct=status.consumption_pct,
        zone=status.zone,
        burn_rate=status.burn_rate,
        chain_started_at=row.chain_started_at,
        promised_on=row.promised_on,
        elapsed_days=elapsed,
    )


@dataclass(frozen=True)
class _Row:
    id: int
    number: str
    stage: Stage
    chain_started_at: datetime
    promised_on: date | None


_COLUMNS = (
    Request.id,
    Request.number,
    Request.stage,
    Request.chain_started_at,
    Request.promised_on,
)


def request_buffer(session: Session, request_id: int, now: datetime) -> FeverPoint | None:
    """One request's place on the fever chart; None when it is done or closed, or has
    not entered triage yet."""
    row = session.execute(select(*_COLUMNS).where(Request.id == request_id)).first()
    if row is None or row.stage.is_terminal or row.chain_started_at is None:
        return None
    started = _Row(row.id, row.number, row.stage, row.chain_started_at, row.promised_on)
    return _point(started, buffer_settings(session), now)


def fever_chart(session: Session, now: datetime) -> FeverChart:
    """The fever chart of all open requests at ``now``: a point per request whose chain
    has started (ordered by number), the red ones (most buffer consumed first), the
    settings with the bands to draw, and how many open requests have not started."""
    settings = buffer_settings(session)
    rows = session.execute(
        select(*_COLUMNS).where(Request.stage.in_(WORK_STAGES)).order_by(Request.number)
    )
    points: list[FeverPoint] = []
    not_started = 0
    for row in rows:
        if row.chain_started_at is None:
            not_started += 1
            continue
        started = _Row(row.id, row.number, row.stage, row.chain_started_at, row.promised_on)
        points.append(_point(started, settings, now))
    red = sorted(
        (p for p in points if p.zone is Zone.RED),
        key=lambda p: (-p.consumption_pct, p.completion_pct, p.number),
    )
    return FeverChart(tuple(points), tuple(red), settings, not_started)
