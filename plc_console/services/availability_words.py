"""Words of availability text as tokens: days, groups of days, hours, bounds, online.

The vocabulary of :mod:`.availability`, kept apart from its grammar: text is folded
(lower case, ё as е, every dash as "-"), cut into numbers, words and punctuation, and
each word (or phrase: "после уроков", "every day") becomes what it means. A number is
an hour only where something says so: minutes ("15:00"), "ч"/"h", "am"/"pm", "утра"/
"вечера", or a bound word before it (:func:`~.availability.parse_availability` looks at
those); "2 урока" or "5 класс" are no hours.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import time
from functools import lru_cache
from typing import NamedTuple

__all__ = ["AFTERNOON_BELOW", "ALL_DAYS", "WEEKEND", "WORKDAYS", "Time", "Token", "tokens"]

ALL_DAYS: frozenset[int] = frozenset(range(7))
WORKDAYS: frozenset[int] = frozenset(range(5))
WEEKEND: frozenset[int] = frozenset({5, 6})
#: What "after lessons", "in the evening" … stand for (start, end; None: open).
_AFTER_LESSONS = (time(14), None)
_AFTER_LUNCH = (time(13), None)
_MORNING = (time(8), time(12))
_AFTERNOON = (time(12), time(17))
_EVENING = (time(17), time(21))


@dataclass(frozen=True)
class Time:
    """An hour as typed: ``marked`` when it is surely a time (minutes, "ч", "pm", or a
    word such as "после" before it), ``meridiem`` "am"/"pm" when said."""

    hour: int
    minutes: int = 0
    clock: bool = False
    marked: bool = False
    meridiem: str | None = None


class Token(NamedTuple):
    kind: str
    value: object = None


#: The weekday each word names (folded: lower case, ё as е).
_DAY_WORDS: tuple[tuple[re.Pattern[str], int], ...] = tuple(
    (re.compile(pattern), day)
    for day, pattern in enumerate(
        (
            r"пн|пнд|пон|понед|понедельник\w*|mon|monday|mondays|mo",
            r"вт|втр|вторн|вторник\w*|tue|tues|tuesday|tuesdays|tu",
            r"ср|срд|сред|сред(а|у|ы|е|ам|ами|ах)|wed|weds|wednesday|wednesdays|we",
            r"чт|чтв|чет|четв|четверг\w*|thu|thur|thurs|thursday|thursdays|th",
            r"пт|птн|пят|пятн|пятниц\w*|fri|friday|fridays|fr",
            r"сб|суб|сбт|суббот\w*|sat|saturday|saturdays|sa",
            r"вс|вск|воскр|воскресень\w*|sun|sunday|sundays|su",
        )
    )
)
#: Two-letter English abbreviations that are also words: days only beside other days.
_WEAK_DAYS = frozenset({"mo", "tu", "we", "th", "fr", "sa", "su"})

#: Phrases (words; a trailing * matches by the beginning) and what they stand for.
_PHRASES: tuple[tuple[tuple[str, ...], Token], ...] = tuple(
    (tuple(pattern.split()), meaning)
    for pattern, meaning in (
        ("без выходн*", Token("days", ALL_DAYS)),
        ("7 дней в неделю", Token("days", ALL_DAYS)),
        ("кажд* день", Token("days", ALL_DAYS)),
        ("кажд* дня", Token("days", ALL_DAYS)),
        ("все дни", Token("days", ALL_DAYS)),
        ("люб* день", Token("days", ALL_DAYS)),
        ("люб* дни", Token("days", ALL_DAYS)),
        ("every day", Token("days", ALL_DAYS)),
        ("any day", Token("days", ALL_DAYS)),
        ("рабоч* дн*", Token("days", WORKDAYS)),
        ("working days", Token("days", WORKDAYS)),
        ("business days", Token("days", WORKDAYS)),
        ("люб* врем*", Token("anytime")),
        ("any time", Token("anytime")),
        ("после урок*", Token("named", _AFTER_LESSONS)),
        ("после заняти*", Token("named", _AFTER_LESSONS)),
        ("after school", Token("named", _AFTER_LESSONS)),
        ("after classes", Token("named", _AFTER_LESSONS)),
        ("after lessons", Token("named", _AFTER_LESSONS)),
        ("после обеда", Token("named", _AFTER_LUNCH)),
        ("after lunch", Token("named", _AFTER_LUNCH)),
        ("до обеда", Token("named", (None, time(13)))),
        ("before lunch", Token("named", (None, time(13)))),
        ("перв* половин*", Token("named", (time(8), time(13)))),
        ("втор* половин*", Token("named", (time(13), time(18)))),
        ("но не", Token("except")),
        ("but not", Token("except")),
    )
)
_WORDS: dict[str, Token] = {
    **dict.fromkeys(("будни", "будние", "будням", "буднями", "weekdays", "weekday",
                     "workdays", "workday"), Token("days", WORKDAYS)),
    **dict.fromkeys(("выходные", "выходным", "выходных", "weekend", "weekends"),
                    Token("days", WEEKEND)),
    **dict.fromkeys(("ежедневно", "ежедневный", "daily", "everyday"), Token("days", ALL_DAYS)),
    **dict.fromkeys(("anytime", "круглосуточно"), Token("anytime")),
    **dict.fromkeys(("утро", "утром", "утрам", "morning", "mornings"), Token("named", _MORNING)),
    **dict.fromkeys(("днем", "afternoon", "afternoons"), Token("named", _AFTERNOON)),
    **dict.fromkeys(("вечер", "вечером", "вечерам", "вечерами", "evening", "evenings"),
                    Token("named", _EVENING)),
    **dict.fromkeys(("кроме", "except", "excluding", "исключая"), Token("except")),
    **dict.fromkeys(("после", "позже", "after"), Token("after")),
    **dict.fromkeys(("с", "c", "со", "от", "from", "since", "starting"), Token("from")),
    **dict.fromkeys(("до", "until", "till", "til", "before"), Token("before")),
    **dict.fromkeys(("по", "to", "through", "thru"), Token("to")),
    **dict.fromkeys(("between", "между"), Token("between")),
    **dict.fromkeys(("и", "and", "а", "также"), Token("and")),
}  # fmt: skip
#: Word beginnings that mean online work or "by arrangement".
_STEMS: tuple[tuple[str, Token], ...] = (
    *((stem, Token("online")) for stem in (
        "онлайн", "online", "дистанц", "удален", "remote", "zoom", "зум", "видеосвяз",
        "сферум", "скайп", "skype", "вебинар",
    )),
    *((stem, Token("arrange")) for stem in (
        "согласован", "договорен", "запрос", "arrangement", "appointment", "request",
        "гибк", "flexib",
    )),
)  # fmt: skip
#: Words after a number that make it morning or afternoon hours ("3 дня" is 15:00).
_MERIDIEM = {"утра": "am", "ночи": "am", "дня": "pm", "вечера": "pm", "am": "am", "pm": "pm"}
#: Words after a number that mean hours ("15 ч", "9 часов", "14h").
_HOUR_WORDS = frozenset({"ч", "час", "часа", "часов", "h", "hr", "hrs", "hour", "hours"})
#: Words after a number that mean it is no hour ("2 урока", "5 класс", "3 раза").
_NOT_HOURS = ("урок", "класс", "раз", "заяв", "дн", "недел", "time", "lesson", "day")
#: A bare hour below this (no minutes, no "am") is in the afternoon: "после 3" is 15:00.
AFTERNOON_BELOW = 7

#: Punctuation as tokens: a dash joins a range, ";" ends a clause, "," "/" "&" "+" join.
_PUNCTUATION = {"dash": "to", "hard": "hard", "soft": "and"}
_DASHES = re.compile(r"[\u2010-\u2015\u2212\u2043\ufe58\ufe63\uff0d]")
_ON_LINE = re.compile(r"\b(?:он|on)\s*-?\s*(?:лайн|line)\b")
_AMPM = re.compile(r"(?:(?<=\d)|\b)([ap])\.?\s?m\b\.?")
_TOKEN = re.compile(
    r"(?<!\d)(?P<clock>\d{1,2})\s*[:.]\s*(?P<minutes>\d{2})(?!\d)"
    r"|(?<!\d)(?P<number>\d{1,2})(?!\d)"
    r"|(?P<digits>\d+)"
    r"|(?P<word>[^\W\d_]+)"
    r"|(?P<dash>-)"
    r"|(?P<hard>[;\n\r])"
    r"|(?P<soft>[,/&+])"
)


def tokens(text: str) -> list[Token]:
    folded = _DASHES.sub("-", text.casefold().replace("ё", "е"))
    folded = _AMPM.sub(lambda m: f" {m.group(1)}m ", folded)
    folded = _ON_LINE.sub("online", folded)
    raw: list[Token] = []
    for match in _TOKEN.finditer(folded):
        kind = "clock" if match["clock"] is not None else match.lastgroup
        if kind == "clock":
            raw.append(Token("time", Time(int(match["clock"]), int(match["minutes"]), True, True)))
        elif kind == "number":
            raw.append(Token("time", Time(int(match["number"]))))
        elif kind == "word":
            raw.append(Token("word", match["word"]))
        else:
            raw.append(Token(_PUNCTUATION.get(str(kind), "noise")))
    return _weak_days(_words(raw))


def _words(raw: Sequence[Token]) -> list[Token]:
    """Words as what they mean (days, phrases, bounds); words after a number mark it."""
    out: list[Token] = []
    i = 0
    while i < len(raw):
        phrase = _phrase_at(raw, i)
        if phrase is not None:
            length, meaning = phrase
            out.append(meaning)
            i += length
            continue
        token = raw[i]
        i += 1
        if token.kind != "word":
            out.append(token)
            continue
        word = str(token.value)
        previous = out[-1].value if out else None
        if isinstance(previous, Time):
            if word in _HOUR_WORDS:
                out[-1] = Token("time", replace(previous, marked=True))
                continue
            if word in _MERIDIEM:
                out[-1] = Token("time", replace(previous, marked=True, meridiem=_MERIDIEM[word]))
                continue
            if word.startswith(_NOT_HOURS):
                out[-1] = Token("noise")
                continue
        out.append(_word(word))
    return out


def _phrase_at(raw: Sequence[Token], i: int) -> tuple[int, Token] | None:
    for pattern, meaning in _PHRASES:
        if i + len(pattern) <= len(raw) and all(
            _matches(raw[i + k], part) for k, part in enumerate(pattern)
        ):
            return len(pattern), meaning
    return None


def _matches(token: Token, part: str) -> bool:
    if isinstance(token.value, Time):
        return part.isdigit() and token.value.hour == int(part) and not token.value.clock
    if token.kind != "word":
        return False
    word = str(token.value)
    return word.startswith(part[:-1]) if part.endswith("*") else word == part


@lru_cache(maxsize=512)
def _word(word: str) -> Token:
    found = _WORDS.get(word)
    if found is not None:
        return found
    for pattern, day in _DAY_WORDS:
        if pattern.fullmatch(word):
            return Token("weak_day" if word in _WEAK_DAYS else "day", day)
    for stem, meaning in _STEMS:
        if word.startswith(stem):
            return meaning
    return Token("noise")


def _weak_days(tokens: list[Token]) -> list[Token]:
    """ "we", "th" … count as days only beside another day ("Mo–Fr", "Tu, Th")."""
    out: list[Token] = []
    for i, token in enumerate(tokens):
        if token.kind == "weak_day":
            near = tokens[max(0, i - 2) : i] + tokens[i + 1 : i + 3]
            token = (
                Token("day", token.value)
                if any(t.kind in ("day", "weak_day") for t in near)
                else Token("noise")
            )
        out.append(token)
    return out
