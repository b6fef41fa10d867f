"""Working days and the backward plan of a meeting: pure rules, no database."""

from __future__ import annotations

from datetime import date

import pytest

from plc_console.domain import (
    DEFAULT_LEAD_DAYS,
    MeetingStep,
    fold_place,
    is_working_day,
    overlaps,
    working_days_after,
    working_days_before,
)
from plc_console.domain import backward_plan as plan
from tests.unit.meeting_helpers import MONDAY

NO_HOLIDAYS: frozenset[tuple[int, int]] = frozenset()


@pytest.mark.parametrize(
    ("day", "count", "expected"),
    [
        (date(2026, 12, 14), 0, date(2026, 12, 14)),  # Monday: itself
        (date(2026, 12, 14), 1, date(2026, 12, 11)),  # Monday − 1 → the Friday before
        (date(2026, 12, 14), 3, date(2026, 12, 9)),  # Wednesday of the week before
        (date(2026, 12, 14), 5, date(2026, 12, 7)),  # a whole week: the Monday before
        (date(2026, 12, 14), 7, date(2026, 12, 3)),  # across two weekends
        (date(2026, 12, 14), 10, date(2026, 11, 30)),
        (date(2026, 12, 13), 1, date(2026, 12, 11)),  # from a Sunday: the Friday
        (date(2026, 12, 12), 1, date(2026, 12, 11)),  # from a Saturday: the Friday
    ],
)
def test_working_days_before_skip_weekends(day: date, count: int, expected: date) -> None:
    assert working_days_before(day, count, NO_HOLIDAYS) == expected
    assert is_working_day(expected, NO_HOLIDAYS)


def test_public_holidays_are_skipped_too() -> None:
    # Thursday 5 November 2026; Wednesday 4 November is National Unity Day.
    assert working_days_before(date(2026, 11, 5), 1) == date(2026, 11, 3)
    assert working_days_before(date(2026, 11, 5), 1, NO_HOLIDAYS) == date(2026, 11, 4)
    # Monday 11 January 2027: the New Year holidays (1–8 January) are not working days.
    assert working_days_before(date(2027, 1, 11), 1) == date(2026, 12, 31)
    assert working_days_after(date(2026, 12, 31), 1) == date(2027, 1, 11)
    assert not is_working_day(date(2027, 1, 7))


def test_working_days_after_mirror_before() -> None:
    friday = date(2026, 12, 11)
    assert working_days_after(friday, 1, NO_HOLIDAYS) == date(2026, 12, 14)
    for count in range(12):
        back = working_days_before(date(2026, 12, 14), count, NO_HOLIDAYS)
        assert working_days_after(back, count, NO_HOLIDAYS) == date(2026, 12, 14)
    with pytest.raises(ValueError):
        working_days_before(friday, -1)


def test_backward_plan_counts_working_days_back_from_the_meeting() -> None:
    milestones = plan(MONDAY.date(), today=date(2026, 11, 20), holidays=NO_HOLIDAYS)
    assert [(m.step, m.lead_days, m.due) for m in milestones] == [
        (MeetingStep.EXPERTS_CONFIRMED, 10, date(2026, 11, 30)),
        (MeetingStep.ANNOUNCEMENT_POSTED, 7, date(2026, 12, 3)),
        (MeetingStep.PREPARATION_SENT, 3, date(2026, 12, 9)),
    ]
    assert not any(m.late or m.done for m in milestones)
    assert DEFAULT_LEAD_DAYS[MeetingStep.EXPERTS_CONFIRMED] == 10


def test_late_means_past_due_and_not_done() -> None:
    # On Friday 4 December: the experts were due on 30 November, the announcement on the
    # 3rd; the preparation list is due on the 9th.
    today = date(2026, 12, 4)
    milestones = {m.step: m for m in plan(MONDAY.date(), today, holidays=NO_HOLIDAYS)}
    assert milestones[MeetingStep.EXPERTS_CONFIRMED].late
    assert milestones[MeetingStep.ANNOUNCEMENT_POSTED].late
    assert not milestones[MeetingStep.PREPARATION_SENT].late
    done = {MeetingStep.EXPERTS_CONFIRMED}
    milestones = {m.step: m for m in plan(MONDAY.date(), today, done, holidays=NO_HOLIDAYS)}
    assert milestones[MeetingStep.EXPERTS_CONFIRMED].done
    assert not milestones[MeetingStep.EXPERTS_CONFIRMED].late
    # Due today is not late yet.
    on_the_day = plan(MONDAY.date(), date(2026, 12, 3), done, holidays=NO_HOLIDAYS)
    assert [m.late for m in on_the_day] == [False, False, False]


def test_lead_times_are_configurable_and_sort_the_plan() -> None:
    leads = {MeetingStep.PREPARATION_SENT: 12, MeetingStep.EXPERTS_CONFIRMED: 2}
    milestones = plan(MONDAY.date(), date(2026, 11, 20), lead_days=leads, holidays=NO_HOLIDAYS)
    assert [(m.step, m.due) for m in milestones] == [
        (MeetingStep.PREPARATION_SENT, date(2026, 11, 26)),
        (MeetingStep.ANNOUNCEMENT_POSTED, date(2026, 12, 3)),
        (MeetingStep.EXPERTS_CONFIRMED, date(2026, 12, 10)),
    ]


def test_overlap_and_room_folding() -> None:
    start, end = MONDAY, MONDAY.replace(hour=16, minute=30)
    assert overlaps(start, end, MONDAY.replace(hour=16), MONDAY.replace(hour=17))
    assert not overlaps(start, end, end, end.replace(hour=18))  # back to back
    assert fold_place("ЦНППМ,  ауд. 204") == fold_place("цнппм ауд 204") == "цнппм ауд 204"
    assert fold_place("Ёлочный зал") == fold_place("елочный ЗАЛ")
    assert fold_place("онлайн, Сферум") == "" == fold_place(None)
