"""Everything stored about one person (152-FZ art. 14): finding them, what is given out,
and that giving it out is recorded."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from plc_console.db.models import Event, Request
from plc_console.domain import EventKind, Stage
from plc_console.locale import Translator
from plc_console.services.errors import NotFound
from plc_console.services.privacy import PrivacyInvalid, purge_closed
from plc_console.services.privacy_export import PersonExport, export_person
from plc_console.services.privacy_render import export_json, export_text
from tests.unit.privacy_data import (
    CLOSED_BEFORE,
    LEBEDEVA,
    MOROZOVA,
    MOROZOVA_CONTACT,
    PURGE_AT,
    Ids,
    build_all,
    new,
)

AT = datetime(2026, 11, 26, 9, 30)


@pytest.fixture
def ids(session: Session) -> Ids:
    return build_all(session)


def _export(session: Session, query: str) -> PersonExport:
    found = export_person(session, query, actor="Петрова", now=AT)
    session.commit()
    return found


def _number(session: Session, request_id: int) -> str:
    return session.get_one(Request, request_id).number


@pytest.mark.parametrize("how", ["number", "latin", "contact", "name"])
def test_a_person_is_found_by_number_contact_or_name(session: Session, ids: Ids, how: str) -> None:
    number = _number(session, ids.morozova)
    query = {
        "number": number,
        "latin": number.replace("З", "z"),
        "contact": f"  {MOROZOVA_CONTACT.lower()} ",
        "name": f" {MOROZOVA}",
    }[how]
    assert _export(session, query).full_name == MOROZOVA


def test_the_export_holds_every_request_event_feedback_and_meeting(
    session: Session, ids: Ids
) -> None:
    found = _export(session, _number(session, ids.morozova))
    assert (found.contact, found.grade, found.consent_given) == (MOROZOVA_CONTACT, 7, True)
    assert found.consent_at is not None
    (request,) = found.requests
    stored = session.get_one(Request, ids.morozova)
    assert request.problem == stored.problem
    kinds = [e.kind for e in request.events]
    assert kinds == [EventKind.CREATED, EventKind.MOVED, EventKind.MOVED]
    assert request.stage is Stage.DONE
    assert [f.comment for f in request.feedback] == ["Спасибо, Морозова Мария"]
    assert [(m.title, m.attended) for m in found.meetings] == [("Дроби в 5 классе", True)]

    lebedeva = _export(session, LEBEDEVA)
    assert [r.number for r in lebedeva.requests] == [
        _number(session, ids.lebedeva_old),
        _number(session, ids.lebedeva_open),
    ]


def test_exporting_is_recorded_on_each_request_and_changes_no_version(
    session: Session, ids: Ids
) -> None:
    versions = {
        i: session.get_one(Request, i).version for i in (ids.lebedeva_old, ids.lebedeva_open)
    }
    _export(session, LEBEDEVA)
    session.expire_all()
    for request_id, version in versions.items():
        request = session.get_one(Request, request_id)
        assert request.version == version
        last = request.events[-1]
        assert (last.kind, last.actor, last.at) == (EventKind.DATA_EXPORTED, "Петрова", AT)
        assert last.from_stage is last.to_stage is request.stage


def test_an_ambiguous_name_is_refused_with_the_candidates(session: Session, ids: Ids) -> None:
    other = new(session, MOROZOVA, datetime(2026, 11, 19, 9), "Другое", contact="m2@example.ru")
    session.commit()
    before = session.scalars(select(Event.id)).all()
    with pytest.raises(PrivacyInvalid) as caught:
        export_person(session, MOROZOVA, actor="t", now=AT)
    assert caught.value.code == "privacy.invalid.ambiguous"
    candidates = str(caught.value.params["candidates"])
    assert _number(session, ids.morozova) in candidates
    assert other.number in candidates
    assert session.scalars(select(Event.id)).all() == before
    message = Translator("ru")(caught.value.code, **caught.value.params)
    assert other.number in message


def test_nobody_found_and_an_unknown_number_are_refused(session: Session, ids: Ids) -> None:
    with pytest.raises(PrivacyInvalid) as caught:
        export_person(session, "Никто Никтович", actor="t", now=AT)
    assert caught.value.code == "privacy.invalid.no_person"
    with pytest.raises(PrivacyInvalid):
        export_person(session, "   ", actor="t", now=AT)
    with pytest.raises(NotFound):
        export_person(session, "З-2026-99999", actor="t", now=AT)


def test_a_purged_person_is_exported_as_stored_now(session: Session, ids: Ids) -> None:
    number = _number(session, ids.zaitseva)
    purge_closed(session, CLOSED_BEFORE, dry_run=False, actor="t", now=PURGE_AT)
    session.commit()
    found = _export(session, number)
    assert found.contact == ""
    assert found.full_name.startswith("Удалено (152-ФЗ)")
    assert found.requests[0].events[-1].kind is EventKind.PURGED


def test_json_and_text(session: Session, ids: Ids) -> None:
    found = _export(session, _number(session, ids.morozova))
    data = json.loads(export_json(found))
    assert data["full_name"] == MOROZOVA
    assert data["exported_at"] == AT.isoformat()
    assert data["requests"][0]["received_on"] == "2026-10-01"
    assert data["requests"][0]["events"][0]["kind"] == "created"
    assert "\\u" not in export_json(found)
    text = export_text(found, Translator("ru"))
    assert MOROZOVA in text
    assert found.requests[0].number in text
    assert "Согласие на обработку ПДн: да" in text
    assert "Дроби в 5 классе" in text
    assert "Спасибо, Морозова Мария" in text
