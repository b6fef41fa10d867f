"""A person's export (:class:`~plc_console.services.privacy_export.PersonExport`) written
out: JSON for machines and archives, plain text for the person to read.

JSON keeps the stored values (vocabulary as its codes, dates and times in ISO 8601, UTC)
so it reads the same in any language; the text is labelled in the chosen language.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime

from plc_console.locale import Translator
from plc_console.services.privacy_export import PersonExport, RequestRecord

__all__ = ["export_json", "export_text"]


def _iso(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"not JSON: {type(value).__name__}")


def export_json(export: PersonExport) -> str:
    """The export as indented UTF-8 JSON (Cyrillic kept as it is)."""
    return json.dumps(asdict(export), ensure_ascii=False, indent=2, default=_iso) + "\n"


def _when(value: datetime | date | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def _value(value: object) -> str:
    return "—" if value is None or value == "" else str(value)


def export_text(export: PersonExport, t: Translator) -> str:
    """The export as labelled plain text in ``t``'s language."""
    k = "privacy.export"
    yes_no = {True: t(f"{k}.yes"), False: t(f"{k}.no"), None: "—"}
    lines = [
        t(f"{k}.title", name=export.full_name),
        t(f"{k}.given", at=_when(export.exported_at), actor=export.exported_by),
        "",
    ]
    person = [
        ("field.full_name", export.full_name),
        ("field.role", t.label(export.role)),
        ("field.organization", export.organization),
        ("field.contact", export.contact),
        ("field.subject", export.subject),
        ("field.experience_years", export.experience_years),
        ("field.grade", export.grade),
        ("field.consent", yes_no[export.consent_given]),
        (f"{k}.consent_at", _when(export.consent_at)),
        (f"{k}.created_at", _when(export.created_at)),
    ]
    lines += [f"{t(key)}: {_value(value)}" for key, value in person]
    for request in export.requests:
        lines += ["", *_request_lines(request, t)]
    lines += ["", t(f"{k}.meetings")]
    for m in export.meetings:
        lines.append(
            f"  {_when(m.starts_at)}  {m.title} ({_value(m.place)}): {t.label(m.status)}, "
            f"{t.label(m.role)}, {t(f'{k}.attended')} {yes_no[m.attended]}"
        )
    if not export.meetings:
        lines.append(f"  {t(f'{k}.none')}")
    lines += ["", t(f"{k}.products")]
    lines += [f"  {title}" for title in export.products_authored] or [f"  {t(f'{k}.none')}"]
    return "\n".join(lines) + "\n"


def _request_lines(r: RequestRecord, t: Translator) -> list[str]:
    k = "privacy.export"
    label = t.label
    fields = [
        ("field.form_no", r.form_no),
        ("field.received_on", _when(r.received_on)),
        ("field.channel", label(r.channel)),
        ("field.problem", r.problem),
        ("field.help_wanted", label(r.help_wanted) if r.help_wanted else None),
        (f"{k}.category", label(r.category) if r.category else None),
        (f"{k}.topics", ", ".join(r.topic_names)),
        (f"{k}.stage", f"{label(r.stage)} ({_when(r.stage_since)})"),
        (f"{k}.close_reason", label(r.close_reason) if r.close_reason else None),
        (f"{k}.promised_on", _when(r.promised_on) if r.promised_on else None),
    ]
    lines = [t(f"{k}.request", number=r.number)]
    lines += [f"  {t(key)}: {_value(value)}" for key, value in fields]
    lines.append(f"  {t(f'{k}.history')}")
    for e in r.events:
        moved = (e.from_stage, e.to_stage) if e.from_stage is not e.to_stage else (e.to_stage,)
        stages = " → ".join(label(s) for s in moved if s is not None)
        note = f": {e.note}" if e.note else ""
        lines.append(f"    {_when(e.at)}  {e.actor}  {label(e.kind)} {stages}{note}".rstrip())
    for f in r.feedback:
        said = t(f"{k}.feedback", day=_when(f.contacted_on), usable=f.usable, score=f.usefulness)
        lines.append(f"  {said}: {f.comment}" if f.comment else f"  {said}")
    return lines
