"""Editing a request's form fields (those of the paper form) after it was registered.

An edit is checked like a new form (:func:`validate_new_request`), refused on a stale
version like every change, and recorded as one ``edited`` event naming the fields.

A requester's record (:class:`Person`) may be shared by several requests: the same name
and contact is the same person. Editing one request therefore never renames the person
under another request: when the name or the contact changes and the person has other
requests, this request moves to the person with the new name and contact (found, or
new). The person's other details (role, school, subject, experience, grade) describe
the person, so they are updated for all of their requests.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from plc_console.db.models import Person, Request
from plc_console.domain import Channel, HelpWanted, Role, request_search_text
from plc_console.services.clock import utcnow
from plc_console.services.requests import (
    NewRequest,
    _clean,
    _locked_for_change,
    record_edit,
    refused_if_stale,
    summarize,
    validate_new_request,
)
from plc_console.services.views import RequestSummary


@dataclass(frozen=True)
class _FormFields:
    """The paper form's fields as stored (spaces collapsed, blanks as None), in form order."""

    form_no: str | None
    received_on: date
    channel: Channel
    full_name: str
    role: Role
    organization: str | None
    subject: str | None
    experience_years: int | None
    grade: int | None
    contact: str
    problem: str
    help_wanted: HelpWanted | None

    @classmethod
    def of_form(cls, new: NewRequest) -> _FormFields:
        return cls(
            form_no=_clean(new.form_no),
            received_on=new.received_on,
            channel=new.channel,
            full_name=_clean(new.full_name) or "",
            role=new.role,
            organization=_clean(new.organization),
            subject=_clean(new.subject),
            experience_years=new.experience_years,
            grade=new.grade,
            contact=_clean(new.contact) or "",
            problem=new.problem.strip(),
            help_wanted=new.help_wanted,
        )

    @classmethod
    def of_request(cls, request: Request) -> _FormFields:
        person = request.person
        return cls(
            form_no=request.form_no,
            received_on=request.received_on,
            channel=request.channel,
            full_name=person.full_name,
            role=person.role,
            organization=person.organization,
            subject=person.subject,
            experience_years=person.experience_years,
            grade=person.grade,
            contact=person.contact,
            problem=request.problem,
            help_wanted=request.help_wanted,
        )


#: The requester's fields; the others belong to the request.
PERSON_FIELDS = frozenset(
    {"full_name", "role", "organization", "subject", "experience_years", "grade", "contact"}
)


def edit_request(
    session: Session,
    request_id: int,
    expected_version: int,
    changes: NewRequest,
    *,
    actor: str,
    now: datetime | None = None,
) -> RequestSummary:
    """Apply the form's fields to a request and its requester; one event lists what changed.

    ``changes`` is the whole form as it stands after editing (its ``topic_keys`` are not
    read: topics are decided at triage, see ``set_triage``). When nothing changed there
    is no event and no new version.
    """
    now = now or utcnow()
    request = _locked_for_change(session, request_id, expected_version)
    with refused_if_stale(request):
        validate_new_request(changes, today=now.date())
        wanted = _FormFields.of_form(changes)
        before = _FormFields.of_request(request)
        changed = [
            f.name
            for f in fields(_FormFields)
            if getattr(before, f.name) != getattr(wanted, f.name)
        ]
        if not changed:
            return summarize(request)

        request.form_no = wanted.form_no
        request.received_on = wanted.received_on
        request.channel = wanted.channel
        request.problem = wanted.problem
        request.help_wanted = wanted.help_wanted
        if PERSON_FIELDS.intersection(changed):
            _apply_person(session, request, wanted, now)
        request.search_text = request_search_text(
            request.number, request.person.full_name, request.problem
        )
        request.updated_at = now
        record_edit(request, actor=actor, now=now, note=", ".join(changed))
        session.flush()
    return summarize(request)


def _apply_person(session: Session, request: Request, wanted: _FormFields, now: datetime) -> None:
    """Update the requester, or move this request to another person (see the module doc)."""
    person = request.person
    if (person.full_name, person.contact) == (wanted.full_name, wanted.contact):
        _set_details(person, wanted)
        return
    found = session.scalars(
        select(Person)
        .where(
            Person.full_name == wanted.full_name,
            Person.contact == wanted.contact,
            Person.id != person.id,
        )
        .limit(1)
    ).first()
    shared = _other_requests(session, person, request) > 0
    if found is None and not shared:
        # Only this request's requester: a typo in the name or contact, fixed in place.
        person.full_name, person.contact = wanted.full_name, wanted.contact
        _set_details(person, wanted)
        return
    if found is None:
        found = Person(
            full_name=wanted.full_name, contact=wanted.contact, role=wanted.role, created_at=now
        )
        session.add(found)
        _set_details(found, wanted)
    else:
        # Someone already known: what the form leaves blank is kept, as registering does.
        found.role = wanted.role
        found.organization = wanted.organization or found.organization
        found.subject = wanted.subject or found.subject
        if wanted.experience_years is not None:
            found.experience_years = wanted.experience_years
        if wanted.grade is not None:
            found.grade = wanted.grade
    found.consent_given = True
    found.consent_at = found.consent_at or now
    request.person = found
    if not shared:
        session.delete(person)  # nobody's requester any more: keep no personal data


def _set_details(person: Person, wanted: _FormFields) -> None:
    """Everything but name and contact, exactly as the form says (a blank clears)."""
    person.role = wanted.role
    person.organization = wanted.organization
    person.subject = wanted.subject
    person.experience_years = wanted.experience_years
    person.grade = wanted.grade


def _other_requests(session: Session, person: Person, request: Request) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Request)
            .where(Request.person_id == person.id, Request.id != request.id)
        )
        or 0
    )
