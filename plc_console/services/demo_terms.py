"""The demo's terms: the school year's quarters (четверти) that have begun by ``today``.

Russian schools mostly work in quarters with a week's holiday between them; the dates
are the usual ones. The demo term starts on 1 September, so the first quarter is a whole
term with a report to show, and the quarter under way a report in progress.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from plc_console.services.terms import TermView, add_term

__all__ = ["add_demo_terms", "school_quarters"]

#: (number, first day, last day) as (month, day), the school year starting in September.
_QUARTERS = (
    (1, (9, 1), (10, 26)),
    (2, (11, 5), (12, 28)),
    (3, (1, 12), (3, 22)),
    (4, (4, 1), (5, 26)),
)


def school_quarters(today: date) -> list[tuple[str, date, date]]:
    """The quarters of the school year holding ``today`` that have begun by then."""
    first_year = today.year if today.month >= 9 else today.year - 1
    label = f"{first_year}/{(first_year + 1) % 100:02d}"
    quarters = []
    for number, (m1, d1), (m2, d2) in _QUARTERS:
        year = first_year if m1 >= 9 else first_year + 1
        start, end = date(year, m1, d1), date(year if m2 >= m1 else year + 1, m2, d2)
        if start <= today:
            quarters.append((f"{number} четверть {label}", start, end))
    return quarters


def add_demo_terms(session: Session, *, today: date) -> list[TermView]:
    """Store the quarters begun by ``today`` as terms."""
    return [add_term(session, name, start, end) for name, start, end in school_quarters(today)]
