"""The expert registry's rules: checks, search, edit, deactivate, never delete with history."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plc_console.db.models import Assignment, Expert
from plc_console.domain import CloseReason, Role
from plc_console.locale import Translator
from plc_console.services.errors import InvalidInput, NotFound, RuleViolation
from plc_console.services.experts import (
    NewExpert,
    add_expert,
    contact_keys,
    delete_expert,
    edit_expert,
    expert_problems,
    get_expert,
    list_experts,
    name_key,
    search_experts,
    set_active,
)
from plc_console.services.requests import NewRequest, close_request, create_request
from tests.conftest import NOW

SOKOLOVA = NewExpert(
    full_name="Соколова Ирина Викторовна",
    organization="ГАУ ДПО «Институт развития образования»",
    contact="+7 912 405-18-33",
    subjects="математика",
    load_limit=4,
    availability="вт, чт после 15:00",
    topic_keys=("subject_methods", "task_choice"),
)
BELOV = NewExpert(
    full_name="Белов Андрей Николаевич",
    organization="ЦНППМ «Педагог будущего»",
    contact="a.belov@cnppm-pedagog.ru",
    subjects="физика, информатика",
    availability="онлайн, пн–пт",
    topic_keys=("engagement",),
)
KOROLEVA = NewExpert(
    full_name="Королёва Вера Михайловна",
    organization="ППМС-центр «Доверие»",
    contact="+7 920 674-38-12",
    subjects="начальные классы",
)


def _refusal(session: Session, new: NewExpert) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        add_expert(session, new)
    session.rollback()
    return caught.value


def test_an_expert_is_added_cleaned_and_read_back(session: Session) -> None:
    typed = NewExpert(
        full_name="  Соколова   Ирина Викторовна ",
        organization="   ",
        contact=" +7 912 405-18-33 ",
        availability=" вт, чт  после 15:00 ",
        topic_keys=("task_choice", "task_choice", " engagement "),
    )
    added = add_expert(session, typed)
    session.commit()
    assert added.full_name == "Соколова Ирина Викторовна"
    assert added.organization is None
    assert added.contact == "+7 912 405-18-33"
    assert added.availability == "вт, чт после 15:00"
    assert added.topic_keys == ("engagement", "task_choice")  # in the topics' order
    assert (added.load_limit, added.active, added.open_load, added.assignments) == (3, True, 0, 0)
    assert get_expert(session, added.id) == added
    assert added.has_capacity


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"full_name": "   "}, "full_name", "invalid.required"),
        ({"full_name": "Я" * 201}, "full_name", "invalid.too_long"),
        ({"load_limit": 0}, "load_limit", "invalid.range"),
        ({"load_limit": 21}, "load_limit", "invalid.range"),
        ({"contact": "спросить у завуча"}, "contact", "registry.invalid.contact"),
        ({"availability": "как получится"}, "availability", "registry.invalid.availability"),
        ({"availability": "ср 17-9"}, "availability", "registry.invalid.availability_window"),
        ({"topic_keys": ("astrology",)}, "topic_keys", "registry.invalid.unknown_topic"),
    ],
)
def test_a_refused_field_is_named_with_a_message(
    session: Session, changes: dict[str, object], field: str, code: str
) -> None:
    from dataclasses import replace

    refusal = _refusal(session, replace(SOKOLOVA, **changes))  # type: ignore[arg-type]
    assert (refusal.field, refusal.code) == (field, code)
    for lang in ("ru", "en"):
        message = Translator(lang)(refusal.code, **refusal.params)
        assert "{" not in message and "registry." not in message, message
    assert session.scalar(select(func.count()).select_from(Expert)) == 0


def test_every_problem_at_once_in_the_form_s_order(session: Session) -> None:
    bad = NewExpert(full_name="", contact="нет", load_limit=50, availability="?", topic_keys=("x",))
    fields = [p.field for p in expert_problems(session, bad)]
    assert fields == ["full_name", "contact", "load_limit", "availability", "topic_keys"]
    assert expert_problems(session, SOKOLOVA) == []


def test_load_limits_at_the_bounds_are_taken(session: Session) -> None:
    from dataclasses import replace

    assert add_expert(session, replace(SOKOLOVA, load_limit=1)).load_limit == 1
    assert add_expert(session, replace(BELOV, load_limit=20)).load_limit == 20


def test_the_same_person_is_not_entered_twice(session: Session) -> None:
    from dataclasses import replace

    add_expert(session, SOKOLOVA)
    session.commit()
    # The same phone written differently (8 for +7, no spaces) is the same contact.
    twin = replace(BELOV, contact="8(912)4051833")
    refusal = _refusal(session, twin)
    assert (refusal.field, refusal.code) == ("contact", "registry.invalid.contact_taken")
    # Same name and organisation, case and spaces aside, without a contact.
    same = replace(SOKOLOVA, full_name="СОКОЛОВА  ирина викторовна", contact=None)
    refusal = _refusal(session, same)
    assert (refusal.field, refusal.code) == ("full_name", "registry.invalid.name_taken")
    # The same name elsewhere is another person.
    add_expert(session, replace(same, organization="МБОУ СОШ № 5"))


def test_identity_keys() -> None:
    assert contact_keys("+7 912 405-18-33, A.Belov@Mail.ru") == {"79124051833", "a.belov@mail.ru"}
    assert contact_keys("8 912 405 18 33") == contact_keys("9124051833") == {"79124051833"}
    assert contact_keys(None) == frozenset()
    assert name_key("Королёва  Вера", "ППМС-центр «Доверие»") == name_key(
        "королева вера", "ппмс центр доверие"
    )


def test_edit_replaces_every_field_and_keeps_the_expert(session: Session) -> None:
    from dataclasses import replace

    added = add_expert(session, SOKOLOVA)
    other = add_expert(session, BELOV)
    session.commit()
    changed = replace(
        SOKOLOVA,
        organization="МБОУ Гимназия № 2",
        load_limit=6,
        availability="будни после 16",
        topic_keys=("psychology",),
    )
    edited = edit_expert(session, added.id, changed)
    session.commit()
    assert edited.id == added.id
    assert (edited.organization, edited.load_limit) == ("МБОУ Гимназия № 2", 6)
    assert edited.topic_keys == ("psychology",)
    assert get_expert(session, added.id) == edited
    # Editing to someone else's contact is refused; to its own is fine.
    with pytest.raises(InvalidInput) as caught:
        edit_expert(session, added.id, replace(changed, contact=BELOV.contact))
    assert caught.value.field == "contact"
    session.rollback()
    assert get_expert(session, other.id).contact == BELOV.contact
    with pytest.raises(NotFound):
        edit_expert(session, 99_999, SOKOLOVA)


def test_search_ignores_case_and_yo_and_sorts_by_name(session: Session) -> None:
    for new in (SOKOLOVA, BELOV, KOROLEVA):
        add_expert(session, new)
    session.commit()

    def names(text: str = "", **options: bool) -> list[str]:
        return [e.full_name.split()[0] for e in search_experts(session, text, **options)]

    assert names() == ["Белов", "Королёва", "Соколова"]
    assert names("королева") == names("КОРОЛЁВА") == ["Королёва"]
    assert names("доверие") == ["Королёва"]  # organisation
    assert names("ФИЗИКА") == ["Белов"]  # subjects
    assert names("cnppm-pedagog") == ["Белов"]  # contact
    assert names("9124051833") == names("405-18") == ["Соколова"]  # phone digits
    assert names("ирина математика") == ["Соколова"]  # every word, any field
    assert names("ирина физика") == []
    assert names("  ") == names()


def test_deactivated_experts_are_left_out_when_asked(session: Session) -> None:
    added = add_expert(session, SOKOLOVA)
    add_expert(session, BELOV)
    session.commit()
    assert set_active(session, added.id, False).active is False
    session.commit()
    assert [e.full_name for e in search_experts(session, active_only=True)] == [BELOV.full_name]
    assert len(search_experts(session)) == len(list_experts(session)) == 2
    assert set_active(session, added.id, True).active
    with pytest.raises(NotFound):
        set_active(session, 99_999, False)


def _request(session: Session, n: int) -> int:
    new = NewRequest(
        received_on=date(2026, 11, 2),
        full_name=f"Петрова Анна {n}",
        role=Role.TEACHER,
        contact=f"anna{n}@mail.ru",
        problem="Не получается заинтересовать класс.",
        consent=True,
    )
    return create_request(session, new, actor="t", now=NOW).id


def test_open_load_counts_requests_not_done_or_closed(session: Session) -> None:
    expert = add_expert(session, SOKOLOVA)
    requests = [_request(session, n) for n in range(3)]
    for request_id in requests:
        session.add(
            Assignment(request_id=request_id, expert_id=expert.id, assigned_at=NOW, assigned_by="t")
        )
    session.flush()
    closed = requests[0]
    close_request(session, closed, 1, CloseReason.WITHDRAWN, actor="t", now=NOW)
    session.commit()
    seen = get_expert(session, expert.id)
    assert (seen.open_load, seen.assignments) == (2, 3)
    assert [e.open_load for e in search_experts(session)] == [2]
    assert [e.open_load for e in list_experts(session)] == [2]


def test_an_expert_with_history_is_never_deleted(session: Session) -> None:
    kept = add_expert(session, SOKOLOVA)
    mistake = add_expert(session, BELOV)
    request_id = _request(session, 1)
    session.add(
        Assignment(request_id=request_id, expert_id=kept.id, assigned_at=NOW, assigned_by="t")
    )
    session.commit()
    with pytest.raises(RuleViolation) as caught:
        delete_expert(session, kept.id)
    assert caught.value.code == "registry.has_assignments"
    session.rollback()
    delete_expert(session, mistake.id)
    session.commit()
    assert [e.id for e in list_experts(session)] == [kept.id]
    with pytest.raises(NotFound):
        get_expert(session, mistake.id)
