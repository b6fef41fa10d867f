"""The pure stage rules and the fever chart, without a database."""

from __future__ import annotations

import pytest

from plc_console.domain import (
    BOARD_STAGES,
    CloseReason,
    FeverBands,
    Role,
    RuleViolation,
    Stage,
    Zone,
    buffer_status,
    check_answer_with_product,
    check_close,
    check_move,
    is_young_teacher,
    request_number,
)


def test_board_has_seven_stages_then_done_in_design_order() -> None:
    assert [s.value for s in BOARD_STAGES] == [
        "received", "triage", "scheduled", "preparation", "session", "product", "feedback",
        "done",
    ]  # fmt: skip


@pytest.mark.parametrize("source", BOARD_STAGES[:-1])
def test_forward_moves_go_one_stage_at_a_time(source: Stage) -> None:
    following = BOARD_STAGES[BOARD_STAGES.index(source) + 1]
    assert check_move(source, following, None).is_rework is False
    for later in BOARD_STAGES[BOARD_STAGES.index(source) + 2 :]:
        with pytest.raises(RuleViolation) as refused:
            check_move(source, later, "a note does not help")
        assert refused.value.code == "rule.skip_forward"


def test_moving_back_any_number_of_stages_needs_a_note_and_is_rework() -> None:
    with pytest.raises(RuleViolation) as refused:
        check_move(Stage.FEEDBACK, Stage.TRIAGE, "   ")
    assert refused.value.code == "rule.back_needs_note"
    assert check_move(Stage.FEEDBACK, Stage.TRIAGE, "problem restated").is_rework
    assert check_move(Stage.DONE, Stage.PRODUCT, "did not work after all").is_rework


def test_a_move_to_the_same_stage_or_out_of_closed_is_refused() -> None:
    with pytest.raises(RuleViolation, match="rule.same_stage"):
        check_move(Stage.TRIAGE, Stage.TRIAGE, "note")
    with pytest.raises(RuleViolation, match="rule.closed_request"):
        check_move(Stage.CLOSED, Stage.RECEIVED, "note")
    with pytest.raises(RuleViolation, match="rule.close_is_not_a_move"):
        check_move(Stage.TRIAGE, Stage.CLOSED, "note")


def test_early_closure_needs_a_reason_and_a_kept_request_for_duplicates() -> None:
    with pytest.raises(RuleViolation, match="rule.close_needs_reason"):
        check_close(Stage.TRIAGE, None, None, request_id=1)
    with pytest.raises(RuleViolation, match="rule.duplicate_needs_kept"):
        check_close(Stage.TRIAGE, CloseReason.DUPLICATE, None, request_id=1)
    with pytest.raises(RuleViolation, match="rule.duplicate_of_itself"):
        check_close(Stage.TRIAGE, CloseReason.DUPLICATE, 1, request_id=1)
    with pytest.raises(RuleViolation, match="rule.kept_only_for_duplicate"):
        check_close(Stage.TRIAGE, CloseReason.WITHDRAWN, 2, request_id=1)
    with pytest.raises(RuleViolation, match="rule.already_terminal"):
        check_close(Stage.DONE, CloseReason.WITHDRAWN, None, request_id=1)
    check_close(Stage.PRODUCT, CloseReason.OUT_OF_SCOPE, None, request_id=1)
    check_close(Stage.RECEIVED, CloseReason.DUPLICATE, 2, request_id=1)


def test_only_early_requests_can_be_answered_by_an_existing_product() -> None:
    check_answer_with_product(Stage.RECEIVED)
    check_answer_with_product(Stage.TRIAGE)
    with pytest.raises(RuleViolation, match="rule.answer_only_early"):
        check_answer_with_product(Stage.SCHEDULED)


def test_young_teachers_have_at_most_three_years() -> None:
    assert is_young_teacher(Role.TEACHER, 0)
    assert is_young_teacher(Role.TEACHER, 3)
    assert not is_young_teacher(Role.TEACHER, 4)
    assert not is_young_teacher(Role.TEACHER, None)
    assert not is_young_teacher(Role.PARENT, 1)


def test_request_numbers_read_as_on_paper() -> None:
    assert request_number(2026, 42) == "З-2026-00042"


@pytest.mark.parametrize(
    ("completion", "consumption", "zone"),
    [
        (0, 10, Zone.GREEN),  # exactly on the yellow line is still green
        (0, 10.01, Zone.YELLOW),
        (50, 40, Zone.GREEN),
        (50, 40.5, Zone.YELLOW),
        (50, 60, Zone.YELLOW),  # exactly on the red line is yellow
        (50, 60.5, Zone.RED),
        (100, 90, Zone.YELLOW),  # on the red line at full completion (30 + 60)
        (100, 90.5, Zone.RED),
        (100, 70, Zone.GREEN),
        (100, 100.5, Zone.RED),
    ],
)
def test_fever_chart_bands(completion: float, consumption: float, zone: Zone) -> None:
    assert FeverBands().zone(completion, consumption) is zone


def test_buffer_status_from_stage_and_elapsed_days() -> None:
    # Default chain: 3+5+5+2+7+3 = 25 days, buffer 12.5 days.
    start = buffer_status(Stage.TRIAGE, elapsed_days=0)
    assert (start.completion_pct, start.consumption_pct, start.zone) == (0, 0, Zone.GREEN)
    assert start.burn_rate is None
    late = buffer_status(Stage.TRIAGE, elapsed_days=10)
    assert late.consumption_pct == pytest.approx(80.0)
    assert late.zone is Zone.RED
    on_plan = buffer_status(Stage.PREPARATION, elapsed_days=9.5)  # 8 days finished
    assert on_plan.completion_pct == pytest.approx(32.0)
    assert on_plan.consumption_pct == pytest.approx(12.0)
    assert on_plan.zone is Zone.GREEN
