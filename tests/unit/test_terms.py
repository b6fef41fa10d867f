"""Terms: named date ranges, refused when empty, reversed, taken or overlapping."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from plc_console.services.terms import TermInvalid, add_term, get_term, list_terms, parse_day


def test_add_list_and_get(session: Session) -> None:
    second = add_term(session, "  2 четверть  2026/27 ", date(2026, 11, 5), date(2026, 12, 28))
    first = add_term(session, "1 четверть 2026/27", date(2026, 9, 1), date(2026, 10, 26))
    session.commit()
    assert second.name == "2 четверть 2026/27"
    assert [term.name for term in list_terms(session)] == [first.name, second.name]
    assert get_term(session, "2 четверть 2026/27 ") == second


@pytest.mark.parametrize(
    ("name", "start", "end", "reason"),
    [
        ("  ", date(2027, 1, 1), date(2027, 1, 2), "empty_name"),
        ("x" * 101, date(2027, 1, 1), date(2027, 1, 2), "long_name"),
        ("T", date(2027, 1, 2), date(2027, 1, 1), "end_before_start"),
        ("2026-T1", date(2027, 1, 1), date(2027, 1, 2), "taken"),
        ("overlap", date(2026, 10, 1), date(2026, 11, 1), "overlap"),
        ("touches", date(2026, 10, 31), date(2026, 11, 1), "overlap"),
    ],
)
def test_refused(session: Session, name: str, start: date, end: date, reason: str) -> None:
    add_term(session, "2026-T1", date(2026, 9, 1), date(2026, 10, 31))
    with pytest.raises(TermInvalid) as caught:
        add_term(session, name, start, end)
    assert caught.value.reason == reason


def test_next_day_is_no_overlap(session: Session) -> None:
    add_term(session, "2026-T1", date(2026, 9, 1), date(2026, 10, 31))
    assert add_term(session, "2026-T2", date(2026, 11, 1), date(2026, 11, 1)).name == "2026-T2"


def test_unknown_term(session: Session) -> None:
    with pytest.raises(TermInvalid) as caught:
        get_term(session, "нет такого")
    assert caught.value.reason == "unknown"


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2026-11-02", date(2026, 11, 2)),
        ("02.11.2026", date(2026, 11, 2)),
        (" 2.1.2027", date(2027, 1, 2)),
    ],
)
def test_parse_day(text: str, day: date) -> None:
    assert parse_day(text) == day


@pytest.mark.parametrize("text", ["31.02.2026", "2026/11/02", "завтра", ""])
def test_parse_day_refuses(text: str) -> None:
    with pytest.raises(TermInvalid):
        parse_day(text)
