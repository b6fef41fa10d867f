"""Availability as people type it: weekdays, hours, online, by arrangement — or refused."""

from __future__ import annotations

from datetime import time

import pytest

from plc_console.locale import Translator
from plc_console.services.availability import (
    ALL_DAYS,
    Availability,
    AvailabilityError,
    Slot,
    parse_availability,
)
from plc_console.services.reference import read_csv

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
WEEKDAYS = {MON, TUE, WED, THU, FRI}


def _days(text: str) -> set[int]:
    return set(parse_availability(text).weekdays)


def _hours(text: str) -> tuple[time | None, time | None]:
    found = parse_availability(text)
    return found.start, found.end


@pytest.mark.parametrize(
    ("text", "days", "start", "end"),
    [
        # The demo registry's spellings and the examples.
        ("вт, чт после 15:00", {TUE, THU}, time(15), None),
        ("ср, пт 10:00–16:00", {WED, FRI}, time(10), time(16)),
        ("пн-ср 9-13", {MON, TUE, WED}, time(9), time(13)),
        ("пн–чт 9:00–17:00", {MON, TUE, WED, THU}, time(9), time(17)),
        ("пн–пт до 17:00", WEEKDAYS, None, time(17)),
        ("сб 10:00–13:00", {SAT}, time(10), time(13)),
        ("ср после 14:00", {WED}, time(14), None),
        ("пн, ср, пт", {MON, WED, FRI}, None, None),
        ("вт", {TUE}, None, None),
        ("будни", WEEKDAYS, None, None),
        ("по выходным", {SAT, SUN}, None, None),
        ("Mon, Wed 14:00-17:00", {MON, WED}, time(14), time(17)),
        # Full names, inflections, dots, capitals, other dashes.
        ("по вторникам и четвергам после 15.00", {TUE, THU}, time(15), None),
        ("Пн.–Пт. 9.00–18.00", WEEKDAYS, time(9), time(18)),
        ("ПОНЕДЕЛЬНИК — ПЯТНИЦА, 8:00 — 16:00", WEEKDAYS, time(8), time(16)),
        ("во вторник и в субботу", {TUE, SAT}, None, None),
        ("среда, пятница", {WED, FRI}, None, None),
        ("по средам с 10 до 12", {WED}, time(10), time(12)),
        ("с понедельника по пятницу с 9 до 13", WEEKDAYS, time(9), time(13)),
        ("с пн по чт", {MON, TUE, WED, THU}, None, None),
        ("пт-пн", {FRI, SAT, SUN, MON}, None, None),
        ("чт 15-17 ч", {THU}, time(15), time(17)),
        ("вт с 14 ч", {TUE}, time(14), None),
        ("10:00–16:00 по средам", {WED}, time(10), time(16)),
        ("рабочие дни до 16", WEEKDAYS, None, time(16)),
        ("в будние дни после 16:30", WEEKDAYS, time(16, 30), None),
        ("ежедневно", set(ALL_DAYS), None, None),
        ("каждый день кроме воскресенья", set(ALL_DAYS) - {SUN}, None, None),
        ("все дни, кроме выходных", WEEKDAYS, None, None),
        ("кроме пятницы", set(ALL_DAYS) - {FRI}, None, None),
        ("без выходных", set(ALL_DAYS), None, None),
        # Parts of the day and "after lessons".
        ("чт после уроков", {THU}, time(14), None),
        ("сб до обеда", {SAT}, None, time(13)),
        ("пн, ср после обеда", {MON, WED}, time(13), None),
        ("вечером по пятницам", {FRI}, time(17), time(21)),
        ("с 3 до 6 вечера", set(ALL_DAYS), time(15), time(18)),
        ("после 3 дня", set(ALL_DAYS), time(15), None),
        ("после 3", set(ALL_DAYS), time(15), None),
        ("с 9 утра до 12", set(ALL_DAYS), time(9), time(12)),
        # English.
        ("Mon-Fri 9am-5pm", WEEKDAYS, time(9), time(17)),
        ("weekdays after 3pm", WEEKDAYS, time(15), None),
        ("Tuesdays and Thursdays, 15:00–17:00", {TUE, THU}, time(15), time(17)),
        ("Monday through Wednesday", {MON, TUE, WED}, None, None),
        ("weekends from 10 to 14", {SAT, SUN}, time(10), time(14)),
        ("between 10 and 16 on Fridays", {FRI}, time(10), time(16)),
        ("Mo, We 10-12", {MON, WED}, time(10), time(12)),
        ("Tu-Th 2-5 p.m.", {TUE, WED, THU}, time(14), time(17)),
        ("every day except Sunday", set(ALL_DAYS) - {SUN}, None, None),
    ],
)
def test_what_people_type(text: str, days: set[int], start: time | None, end: time | None) -> None:
    found = parse_availability(text)
    assert set(found.weekdays) == days
    assert (found.start, found.end) == (start, end)


def test_online_and_by_arrangement() -> None:
    assert parse_availability("онлайн, пн–пт") == Availability(
        weekdays=frozenset(WEEKDAYS), online=True
    )
    online = parse_availability("онлайн")
    assert online.online and not online.days_named and online.weekdays == ALL_DAYS
    for text in ("он-лайн, вт", "дистанционно по вторникам", "online on Tuesdays", "Zoom, вт"):
        found = parse_availability(text)
        assert found.online and found.weekdays == {TUE}, text
    evening = parse_availability("онлайн, вечер")
    assert evening.online and (evening.start, evening.end) == (time(17), time(21))
    assert parse_availability("онлайн, пн–чт после 16:00").start == time(16)
    for text in ("по согласованию", "по договорённости", "by arrangement", "по запросу"):
        found = parse_availability(text)
        assert found.by_arrangement and found.weekdays == ALL_DAYS, text
        assert not found.days_named
    assert parse_availability("ежедневно, онлайн").days_named


def test_days_with_their_own_hours_stay_apart() -> None:
    found = parse_availability("пн 10-12, ср 14-16")
    assert found.weekdays == {MON, WED}
    assert found.slots == (
        Slot(frozenset({MON}), time(10), time(12)),
        Slot(frozenset({WED}), time(14), time(16)),
    )
    # The span of all the hours, for a quick look.
    assert (found.start, found.end) == (time(10), time(16))
    assert found.covers(MON, time(11)) and not found.covers(MON, time(15))
    assert found.covers(WED, time(15)) and not found.covers(TUE)
    mixed = parse_availability("будни после 16, сб до обеда")
    assert mixed.weekdays == WEEKDAYS | {SAT}
    assert (mixed.start, mixed.end) == (None, None)
    assert mixed.covers(SAT, time(10)) and not mixed.covers(SAT, time(15))
    assert mixed.covers(TUE, time(17)) and not mixed.covers(TUE, time(10))


def test_hours_after_days_of_an_earlier_clause() -> None:
    found = parse_availability("пн, ср; после 15:00")
    assert (set(found.weekdays), found.start) == ({MON, WED}, time(15))


def test_covers_a_day_and_an_hour() -> None:
    found = parse_availability("вт, чт после 15:00")
    assert found.covers(TUE) and found.covers(THU, time(16, 30))
    assert not found.covers(THU, time(9)) and not found.covers(WED, time(16))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "как получится",
        "2 раза в неделю",
        "5 класс",
        "when possible",
        "-",
    ],
)
def test_text_with_no_day_and_no_time_is_refused(text: str) -> None:
    with pytest.raises(AvailabilityError) as caught:
        parse_availability(text)
    assert caught.value.key == "registry.invalid.availability"
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("пн 25:00-26:00", "availability_time"),
        ("вт 10:75", "availability_time"),
        ("ср 17:00-9:00", "availability_window"),
        ("чт с 16 до 10", "availability_window"),
    ],
)
def test_impossible_hours_are_refused_with_their_reason(text: str, reason: str) -> None:
    with pytest.raises(AvailabilityError) as caught:
        parse_availability(text)
    assert caught.value.reason == reason
    assert caught.value.params["value"] == text
    message = Translator("en")(caught.value.key, field="Availability", **caught.value.params)
    assert message.startswith("Availability: ") and "{" not in message


def test_a_bare_number_is_no_hour() -> None:
    assert parse_availability("вт 2").start is None


def test_every_demo_expert_s_availability_is_read() -> None:
    for row in read_csv("demo_experts.csv"):
        if row["availability"]:
            parse_availability(row["availability"])


@pytest.mark.parametrize(
    ("text", "ru", "en"),
    [
        ("вт, чт после 15:00", "вт, чт после 15:00", "Tue, Thu after 15:00"),
        ("онлайн, пн–пт", "онлайн, пн–пт", "online, Mon–Fri"),
        ("ср, пт 10:00–16:00", "ср, пт 10:00–16:00", "Wed, Fri 10:00–16:00"),
        ("пн-ср 9-13", "пн–ср 9:00–13:00", "Mon–Wed 9:00–13:00"),
        ("по выходным до 14", "сб, вс до 14:00", "Sat, Sun until 14:00"),
        ("по согласованию", "по согласованию", "by arrangement"),
        ("ежедневно, онлайн", "онлайн, ежедневно", "online, every day"),
        (
            "пн 10-12, ср 14-16",
            "пн 10:00–12:00, ср 14:00–16:00",
            "Mon 10:00–12:00, Wed 14:00–16:00",
        ),
    ],
)
def test_described_in_both_languages(text: str, ru: str, en: str) -> None:
    found = parse_availability(text)
    assert found.describe(Translator("ru")) == ru
    assert found.describe(Translator("en")) == en
