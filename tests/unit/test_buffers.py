"""Critical-chain buffers: zones at the band edges, configurable planned durations and
bands, the promised date made on entering triage, and the fever chart of open requests."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from plc_console.domain import CloseReason, FeverBands, Stage, Zone, buffer_status
from plc_console.services.buffers import (
    BuffersInvalid,
    buffer_settings,
    fever_chart,
    request_buffer,
    set_band,
    set_planned_days,
)
from plc_console.services.requests import close_request, move_request
from tests.conftest import NOW
from tests.unit.product_helpers import request

MINUTE = 1 / (24 * 60)


@pytest.mark.parametrize(
    ("x", "y", "zone"),
    [
        (0, 10, Zone.GREEN),  # on the yellow line: not above it
        (0, 10.0001, Zone.YELLOW),
        (0, 30, Zone.YELLOW),  # on the red line
        (0, 30.0001, Zone.RED),
        (50, 40, Zone.GREEN),  # yellow line at x = 50: 10 + 30
        (50, 40.0001, Zone.YELLOW),
        (50, 60, Zone.YELLOW),
        (50, 60.0001, Zone.RED),
        (100, 70, Zone.GREEN),
        (100, 90, Zone.YELLOW),
        (100, 90.0001, Zone.RED),
        (0, 0, Zone.GREEN),
    ],
)
def test_zones_at_the_band_edges(x: float, y: float, zone: Zone) -> None:
    assert FeverBands().zone(x, y) is zone


def test_past_the_ceiling_is_red_whatever_the_bands() -> None:
    wide = FeverBands(yellow_base=50, red_base=150, slope=0)
    assert wide.zone(0, 100) is Zone.YELLOW
    assert wide.zone(0, 100.0001) is Zone.RED


def _started(session: Session, stage: Stage, at: datetime, contact: str = "a@x.ru") -> int:
    """A request that entered triage at ``at`` and moved on to ``stage`` right after."""
    made = request(
        session,
        stage=Stage.RECEIVED,
        contact=contact,
        received_on=(at - timedelta(hours=1)).date(),
        at=at - timedelta(hours=1),
    )
    for n, following in enumerate(
        (
            Stage.TRIAGE,
            Stage.SCHEDULED,
            Stage.PREPARATION,
            Stage.SESSION,
            Stage.PRODUCT,
            Stage.FEEDBACK,
        )[: stage.order],
    ):
        made = move_request(
            session,
            made.id,
            made.version,
            following,
            actor="t",
            now=at + timedelta(seconds=n),
        )
    return made.id


@pytest.mark.parametrize(
    ("stage", "yellow_days", "red_days"),
    [
        # Defaults: chain 25 days (3+5+5+2+7+3), buffer 12.5. At triage x = 0: yellow past
        # y = 10 (1.25 days), red past y = 30 (3.75 days).
        (Stage.TRIAGE, 1.25, 3.75),
        # At product x = 60 (15 planned days done): yellow past 46 % of the buffer after
        # them (15 + 5.75), red past 66 % (15 + 8.25).
        (Stage.PRODUCT, 20.75, 23.25),
    ],
)
def test_a_requests_zone_turns_exactly_at_the_band_edges(
    session: Session, stage: Stage, yellow_days: float, red_days: float
) -> None:
    start = datetime(2026, 10, 1, 9, 0)
    request_id = _started(session, stage, start)

    def zone(days: float) -> Zone | None:
        point = request_buffer(session, request_id, start + timedelta(days=days))
        return point.zone if point else None

    assert zone(yellow_days) is Zone.GREEN
    assert zone(yellow_days + MINUTE) is Zone.YELLOW
    assert zone(red_days) is Zone.YELLOW
    assert zone(red_days + MINUTE) is Zone.RED


def test_planned_durations_and_bands_are_settings(session: Session) -> None:
    defaults = buffer_settings(session)
    assert defaults.chain_days == 25 and defaults.promised_days == 37.5
    set_planned_days(session, Stage.PRODUCT, 12)  # chain 30, buffer 15
    set_band(session, "yellow_base", 20)
    settings = buffer_settings(session)
    assert settings.chain_days == 30 and settings.buffer_days == 15
    assert settings.bands == FeverBands(yellow_base=20)
    session.commit()
    # A promise made now uses the new plan: 45 days after entering triage.
    asked = request(session, stage=Stage.TRIAGE, at=NOW)
    assert asked.promised_on == (NOW + timedelta(hours=1) + timedelta(days=45)).date()
    # The edges move with them: at triage yellow past 20 % of 15 days = 3 days.
    start = datetime(2026, 10, 1, 9, 0)
    request_id = _started(session, Stage.TRIAGE, start, contact="b@x.ru")
    assert request_buffer(session, request_id, start + timedelta(days=3)).zone is Zone.GREEN  # type: ignore[union-attr]
    late = request_buffer(session, request_id, start + timedelta(days=3, minutes=1))
    assert late is not None and late.zone is Zone.YELLOW
    # Back to the defaults.
    set_planned_days(session, Stage.PRODUCT, None)
    set_band(session, "yellow_base", None)
    assert buffer_settings(session) == defaults


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda s: set_planned_days(s, Stage.RECEIVED, 2), "stage"),
        (lambda s: set_planned_days(s, Stage.TRIAGE, -1), "days"),
        (lambda s: set_planned_days(s, Stage.TRIAGE, 400), "days"),
        (lambda s: set_band(s, "blue", 1), "band"),
        (lambda s: set_band(s, "yellow_base", 30), "band_order"),
        (lambda s: set_band(s, "slope", -0.1), "band_range"),
    ],
)
def test_settings_out_of_range_are_refused(session: Session, change: object, reason: str) -> None:
    with pytest.raises(BuffersInvalid) as refused:
        change(session)  # type: ignore[operator]
    assert refused.value.reason == reason


def test_a_chain_with_no_days_is_refused(session: Session) -> None:
    for stage in (Stage.TRIAGE, Stage.SCHEDULED, Stage.PREPARATION, Stage.SESSION, Stage.PRODUCT):
        set_planned_days(session, stage, 0)
    with pytest.raises(BuffersInvalid, match="empty_chain"):
        set_planned_days(session, Stage.FEEDBACK, 0)


def test_the_fever_chart_of_open_requests(session: Session) -> None:
    now = datetime(2026, 11, 20, 10, 0)
    fresh = _started(session, Stage.SCHEDULED, now - timedelta(days=1), "a@x.ru")
    worst = _started(session, Stage.TRIAGE, now - timedelta(days=20), "b@x.ru")
    late = _started(session, Stage.PRODUCT, now - timedelta(days=30), "c@x.ru")
    waiting = request(session, stage=Stage.RECEIVED, contact="d@x.ru")
    closed_id = _started(session, Stage.SESSION, now - timedelta(days=40), "e@x.ru")
    closed = move_request(
        session,
        closed_id,
        _version(session, closed_id),
        Stage.SCHEDULED,
        actor="t",
        note="уточнить",
        now=now - timedelta(days=2),
    )
    close_request(session, closed.id, closed.version, CloseReason.WITHDRAWN, actor="t", now=now)
    chart = fever_chart(session, now)
    by_id = {p.request_id: p for p in chart.points}
    assert set(by_id) == {fresh, worst, late}  # neither the waiting nor the closed one
    assert chart.not_started == 1 and waiting.id not in by_id
    assert by_id[fresh].zone is Zone.GREEN
    assert by_id[fresh].completion_pct == pytest.approx(12.0)  # triage's 3 of 25 days
    assert by_id[fresh].consumption_pct == 0.0  # floored: ahead of plan
    assert by_id[worst].consumption_pct == pytest.approx(160.0)  # 20 days of a 12.5 buffer
    assert by_id[late].completion_pct == pytest.approx(60.0)
    assert by_id[late].consumption_pct == pytest.approx(120.0)  # (30 − 15) / 12.5
    assert by_id[late].burn_rate == pytest.approx(2.0)
    assert by_id[late].promised_on == date(2026, 11, 27)  # 37.5 days after 21 October
    assert [p.request_id for p in chart.red] == [worst, late]  # most consumed first
    assert chart.counts == {Zone.GREEN: 1, Zone.YELLOW: 0, Zone.RED: 2}
    status = buffer_status(Stage.PRODUCT, 30.0)
    assert (status.completion_pct, status.zone) == (by_id[late].completion_pct, Zone.RED)


def _version(session: Session, request_id: int) -> int:
    from plc_console.services.requests import get_request

    return get_request(session, request_id).summary.version


def test_changing_a_setting_moves_the_boards_change_token(session: Session) -> None:
    from plc_console.services import board

    assert board.SETTINGS_VERSION_KEY == "board_settings_version"
    before = board.change_token(session)
    set_band(session, "slope", 0.5)
    assert board.change_token(session) != before


def test_the_boards_cards_take_their_zone_from_the_settings(session: Session) -> None:
    """A card and the fever chart agree once a coordinator changes the bands: the card
    shows the zone the chart puts the request in, and the zone filter finds it there."""
    from plc_console.services.board import BoardFilter, CardOrder, column_window, get_card

    start = datetime(2026, 10, 1, 9, 0)
    request_id = _started(session, Stage.TRIAGE, start)
    at = start + timedelta(days=2)  # past the default yellow edge (1.25 days)
    assert get_card(session, request_id, now=at).zone is Zone.YELLOW
    set_band(session, "yellow_base", 20)  # yellow past 20 % of 12.5 days: 2.5 days
    chart = request_buffer(session, request_id, at)
    assert chart is not None and chart.zone is Zone.GREEN
    assert get_card(session, request_id, now=at).zone is Zone.GREEN
    green = BoardFilter(zones=frozenset({Zone.GREEN}))
    window = column_window(
        session, Stage.TRIAGE, green, order=CardOrder.OLDEST, offset=0, limit=10, now=at
    )
    assert [card.id for card in window] == [request_id]
