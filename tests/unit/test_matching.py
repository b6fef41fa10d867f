"""Matching: each part of the score, each reason and exclusion, and the ranking order,
on small hand-built pools where the right answer is known."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import FrozenInstanceError, fields
from pathlib import Path

import pytest

from plc_console.locale import Translator, catalog
from plc_console.services.expert_pool import CLOSED, DONE, OPEN
from plc_console.services.matching import (
    Candidate,
    ExpertPool,
    ExpertRow,
    Need,
    Reason,
    rank,
)

#: An expert as the pool reads them: the row, their requests' stages, their topics.
Expert = tuple[ExpertRow, list[tuple[int, int]], list[tuple[int, int]]]

PARENTS, MOTIVATION, DNEVNIK = 1, 2, 3
TOPIC_NAMES = {PARENTS: "working with parents", MOTIVATION: "engaging students", DNEVNIK: "Dnevnik"}


def _need(
    topics: Sequence[int] = (PARENTS, MOTIVATION),
    *,
    name: str = "Козлов Иван Петрович",
    contact: str | None = "+7 937 138-21-65",
    subject: str | None = "математика",
    assigned: frozenset[int] = frozenset(),
) -> Need:
    return Need(
        request_id=10,
        number="З-2026-00010",
        topic_ids=tuple(topics),
        topic_names=tuple(TOPIC_NAMES[t] for t in topics),
        requester_name=name,
        requester_contact=contact,
        requester_subject=subject,
        assigned=assigned,
    )


def _expert(
    expert_id: int,
    name: str,
    *,
    topics: Sequence[int] = (),
    subjects: str | None = None,
    limit: int = 3,
    load: int = 0,
    done: int = 0,
    closed: int = 0,
    availability: str | None = None,
    active: bool = True,
    contact: str | None = None,
) -> Expert:
    row: ExpertRow = (expert_id, name, "ИРО", contact, subjects, limit, availability, active)
    work = [(OPEN, load), (DONE, done), (CLOSED, closed)]
    stages = [(expert_id, stage) for stage, times in work for _ in range(times)]
    return row, stages, [(expert_id, t) for t in topics]


def _pool(*experts: Expert) -> ExpertPool:
    return ExpertPool(
        [e[0] for e in experts],
        [work for e in experts for work in e[1]],
        [link for e in experts for link in e[2]],
        sorted(TOPIC_NAMES),
    )


def _only(need: Need, *expert: Expert) -> Candidate:
    (candidate,) = rank(need, _pool(*expert))
    return candidate


def _reason(candidate: Candidate, key_part: str) -> Reason:
    return next(r for r in candidate.reasons if r.key.startswith(f"matching.reason.{key_part}"))


def test_a_perfect_expert_scores_every_part_as_documented() -> None:
    # topics 2/2 → 50, subject → 20, 1 of 3 busy → 10, availability → 5, 2 of 4 done → 5.
    candidate = _only(
        _need(),
        _expert(
            1,
            "Соколова Ирина",
            topics=(PARENTS, MOTIVATION),
            subjects="Физика; МАТЕМАТИКА",
            load=1,
            done=2,
            closed=2,
            availability=" вт, чт после 15:00 ",
        ),
    )
    assert candidate.score == 90.0
    assert candidate.excluded is None and not candidate.assigned
    assert (candidate.load, candidate.load_limit) == (1, 3)
    assert candidate.reasons == (
        Reason(
            "matching.reason.topics",
            {"common": 2, "total": 2, "topics": ("working with parents", "engaging students")},
        ),
        Reason("matching.reason.subject", {"subject": "математика"}),
        Reason("matching.reason.load", {"load": 1, "limit": 3}),
        Reason("matching.reason.availability", {"availability": "вт, чт после 15:00"}),
        Reason("matching.reason.record", {"done": 2, "finished": 4}),
    )


def test_an_expert_with_nothing_going_for_them_still_gets_the_neutral_parts() -> None:
    # No topic, no subject, full load room is 15, no availability, no record yet → 5.
    candidate = _only(_need(), _expert(1, "Белов Андрей", topics=(DNEVNIK,), subjects="история"))
    assert candidate.score == 20.0
    assert candidate.reasons == (
        Reason("matching.reason.topics_none", {"total": 2}),
        Reason("matching.reason.subject_other", {"subject": "математика"}),
        Reason("matching.reason.load", {"load": 0, "limit": 3}),
        Reason("matching.reason.availability_unknown"),
        Reason("matching.reason.record_none"),
    )


def test_topics_in_common_count_as_a_share_and_name_only_the_shared_ones() -> None:
    need = _need((PARENTS, MOTIVATION, DNEVNIK))
    candidate = _only(need, _expert(1, "Соколова", topics=(DNEVNIK, PARENTS)))
    topics = _reason(candidate, "topics")
    assert topics.params == {
        "common": 2,
        "total": 3,
        "topics": ("working with parents", "Dnevnik"),  # in the request's order
    }
    assert candidate.score == pytest.approx(50 * 2 / 3 + 15 + 5, abs=0.05)


def test_a_request_without_topics_says_so_and_topics_score_nothing() -> None:
    need = _need(())
    for candidate in rank(need, _pool(_expert(1, "А", topics=(PARENTS,)), _expert(2, "Б"))):
        assert candidate.reasons[0] == Reason("matching.reason.no_request_topics")
        assert candidate.score == 20.0  # load 15 + record 5


@pytest.mark.parametrize(
    ("requester", "listed", "matches"),
    [
        ("Математика", "математика", True),
        ("математика", "физика, Математика", True),
        ("русский  язык", "литература;Русский язык", True),
        ("математика", "прикладная математика", False),  # a whole subject, not a word in it
        ("математика", None, False),
    ],
)
def test_the_subject_matches_case_insensitively_in_a_comma_or_semicolon_list(
    requester: str, listed: str | None, matches: bool
) -> None:
    candidate = _only(_need(subject=requester), _expert(1, "Э", subjects=listed))
    assert _reason(candidate, "subject").key == (
        "matching.reason.subject" if matches else "matching.reason.subject_other"
    )
    assert candidate.score == (40.0 if matches else 20.0)


def test_an_unknown_subject_is_said_and_scores_nothing() -> None:
    candidate = _only(_need(subject=None), _expert(1, "Э", subjects="математика"))
    assert _reason(candidate, "subject") == Reason("matching.reason.subject_unknown")
    assert candidate.score == 20.0


def test_more_room_scores_more() -> None:
    ranked = rank(
        _need(),
        _pool(
            _expert(1, "Занятая", limit=4, load=3),
            _expert(2, "Свободная", limit=4, load=0),
            _expert(3, "Наполовину", limit=4, load=2),
        ),
    )
    assert [c.full_name for c in ranked] == ["Свободная", "Наполовину", "Занятая"]
    assert [c.score for c in ranked] == [20.0, 12.5, 8.8]


def test_blank_availability_is_unknown() -> None:
    candidate = _only(_need(), _expert(1, "Э", availability="   "))
    assert _reason(candidate, "availability") == Reason("matching.reason.availability_unknown")


def test_the_track_record_is_the_share_of_finished_requests_done() -> None:
    good = _only(_need(), _expert(1, "Э", done=3, closed=0))
    poor = _only(_need(), _expert(1, "Э", done=0, closed=3))
    new = _only(_need(), _expert(1, "Э"))
    assert (good.score, new.score, poor.score) == (25.0, 20.0, 15.0)
    assert _reason(poor, "record") == Reason("matching.reason.record", {"done": 0, "finished": 3})


def test_an_inactive_expert_is_excluded_whatever_the_score() -> None:
    candidate = _only(_need(), _expert(1, "Э", topics=(PARENTS, MOTIVATION), active=False))
    assert candidate.excluded == Reason("matching.excluded.inactive")
    assert candidate.score == 70.0  # still scored: the screen shows it greyed


def test_an_expert_at_the_load_limit_is_excluded_unless_already_on_this_request() -> None:
    full = _expert(1, "Э", limit=2, load=2)
    assert _only(_need(), full).excluded == Reason(
        "matching.excluded.full", {"load": 2, "limit": 2}
    )
    on_it = _only(_need(assigned=frozenset({1})), full)
    assert on_it.excluded is None and on_it.assigned
    over = _only(_need(), _expert(1, "Э", limit=2, load=3))  # the limit was lowered since
    assert over.excluded is not None and over.excluded.key == "matching.excluded.full"


@pytest.mark.parametrize(
    ("expert_name", "expert_contact"),
    [
        ("Совсем Другой Человек", "+7937 138 2165"),  # the same phone, spaced otherwise
        ("Совсем Другой Человек", "+7 (937) 138-21-65"),
        ("КОЗЛОВ  иван петрович", None),  # the same name, case and spaces aside
    ],
)
def test_the_requester_cannot_be_their_own_expert(
    expert_name: str, expert_contact: str | None
) -> None:
    candidate = _only(_need(), _expert(1, expert_name, contact=expert_contact))
    assert candidate.excluded == Reason("matching.excluded.requester")


def test_yo_and_e_are_the_same_letter_in_names_and_emails_ignore_case() -> None:
    by_name = _only(_need(name="Фёдорова Алёна"), _expert(1, "федорова алена"))
    by_mail = _only(
        _need(name="Х", contact="A.Belov@Mail.ru"), _expert(1, "Белов", contact="a.belov@mail.ru")
    )
    assert by_name.excluded == by_mail.excluded == Reason("matching.excluded.requester")
    namesake = _only(_need(name="Фёдорова Алёна"), _expert(1, "Фёдорова Алёна Сергеевна"))
    assert namesake.excluded is None


def test_ranking_puts_eligible_by_score_then_name_then_the_excluded_by_score() -> None:
    ranked = rank(
        _need(),
        _pool(
            _expert(1, "Яковлева", topics=(PARENTS,)),  # 45
            _expert(2, "Антонова", topics=(PARENTS,)),  # 45, same score: by name
            _expert(3, "Борисова", topics=(PARENTS, MOTIVATION), active=False),  # 70, excluded
            _expert(4, "Власова", topics=(PARENTS, MOTIVATION), limit=1, load=1),  # excluded
            _expert(5, "Гаврилова", topics=(PARENTS, MOTIVATION)),  # 70
            _expert(6, "Дьякова"),  # 20
        ),
    )
    assert [c.full_name for c in ranked] == [
        "Гаврилова",
        "Антонова",
        "Яковлева",
        "Дьякова",
        "Борисова",
        "Власова",
    ]
    assert [c.excluded is None for c in ranked] == [True] * 4 + [False] * 2


def test_a_limit_keeps_the_best_and_breaks_ties_by_name() -> None:
    pool = _pool(
        _expert(1, "Вера", topics=(PARENTS,)),
        _expert(2, "Анна", topics=(PARENTS,)),
        _expert(3, "Белла", topics=(PARENTS,)),
        _expert(4, "Лучшая", topics=(PARENTS, MOTIVATION)),
    )
    assert [c.full_name for c in rank(_need(), pool, limit=3)] == ["Лучшая", "Анна", "Белла"]
    assert rank(_need(), pool, limit=0) == []
    assert len(rank(_need(), pool, limit=10)) == 4


def test_a_limit_still_lists_the_experts_already_assigned() -> None:
    """A panel showing the best few must still show whom it can unassign."""
    pool = _pool(
        _expert(1, "Вера", topics=(PARENTS,)),
        _expert(2, "Анна", topics=(PARENTS,)),
        _expert(3, "Слабая", topics=()),
        _expert(4, "Лучшая", topics=(PARENTS, MOTIVATION)),
    )
    ranked = rank(_need(assigned=frozenset({3})), pool, limit=2)
    assert [(c.full_name, c.assigned) for c in ranked] == [
        ("Лучшая", False),
        ("Анна", False),
        ("Слабая", True),
    ]


def test_an_empty_registry_ranks_nobody() -> None:
    assert rank(_need(), _pool()) == []


# --- the words -------------------------------------------------------------------------

_SOURCES = [
    Path(__file__).parents[2] / "plc_console" / "services" / name
    for name in ("matching.py", "assignments.py", "demo_assignments.py")
] + [Path(__file__).parents[2] / "plc_console" / "cli" / "experts_assign.py"]


def test_every_matching_message_exists_in_both_languages() -> None:
    keys = {
        key
        for path in _SOURCES
        for key in re.findall(r"""["'](matching\.[a-z_]+\.[a-z_]+)["']""", path.read_text("utf-8"))
    }
    assert len(keys) > 20, "the pattern finds the keys"
    for lang in ("en", "ru"):
        assert sorted(keys - set(catalog(lang))) == [], lang


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_reasons_read_as_sentences_with_their_values(lang: str) -> None:
    t = Translator(lang)
    candidate = _only(
        _need(),
        _expert(1, "Э", topics=(PARENTS,), subjects="математика", load=1, availability="пн"),
    )
    texts = [t(r.key, **r.params) for r in candidate.reasons]
    assert "1" in texts[0] and "2" in texts[0] and "working with parents" in texts[0]
    assert "математика" in texts[1]
    assert "1" in texts[2] and "3" in texts[2]
    assert "пн" in texts[3]
    assert all("{" not in text and "matching." not in text for text in texts)


@pytest.mark.parametrize("ids", [(1, 2), (3, 10)], ids=["consecutive", "with-gaps"])
def test_work_and_topics_land_on_the_right_expert(ids: tuple[int, int]) -> None:
    first, second = ids
    pool = ExpertPool(
        [_expert(second, "Вторая")[0], _expert(first, "Первая")[0]],  # in any order
        [(second, OPEN), (second, OPEN), (first, DONE), (99, OPEN)],  # 99: deleted meanwhile
        [(second, PARENTS), (99, PARENTS), (first, DNEVNIK)],
        [PARENTS, MOTIVATION],  # Dnevnik is not asked for
    )
    by_name = {c.full_name: c for c in rank(_need(), pool)}
    assert (by_name["Вторая"].load, by_name["Первая"].load) == (2, 0)
    assert by_name["Первая"].reasons[-1].params == {"done": 1, "finished": 1}
    assert by_name["Вторая"].reasons[0].key == "matching.reason.topics"
    assert by_name["Первая"].reasons[0].key == "matching.reason.topics_none"


def test_candidates_are_ordinary_frozen_dataclasses() -> None:
    candidate = _only(_need(), _expert(1, "Э", topics=(PARENTS,), limit=1, load=1))
    assert set(vars(candidate)) == {f.name for f in fields(Candidate)}
    assert candidate == Candidate(**vars(candidate))
    assert "excluded=Reason(key='matching.excluded.full'" in repr(candidate)
    with pytest.raises(FrozenInstanceError):
        candidate.score = 100.0  # type: ignore[misc]
