"""How one request reads on its screen: labelled fields, and the history as a table.

:func:`request_fields` and :func:`requester_fields` turn a
:class:`~plc_console.services.views.RequestDetail` into (key, value) pairs in the user's
language; a value of None means the field does not apply (a close reason of an open
request) and its line is hidden. Nothing here reads the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Grid
from textual.events import Resize
from textual.widgets import DataTable, Label

from plc_console.domain import Category, CloseReason, EventKind, Stage
from plc_console.locale import Translator
from plc_console.services.views import EventView, RequestDetail, TopicView

NO_VALUE = "—"
#: The history's note and stage columns never get narrower (the table scrolls sideways
#: instead); a long name of who did it wraps beyond this width.
MIN_NOTE_WIDTH = 20
MAX_WHO_WIDTH = 20
_WHEN_WIDTH = len("01.11.2026 09:00")

#: The request's own fields, top to bottom, with the catalog key of each label.
REQUEST_LABELS: tuple[tuple[str, str], ...] = (
    ("number", "request.number"),
    ("stage", "request.stage"),
    ("received_on", "field.received_on"),
    ("channel", "field.channel"),
    ("form_no", "field.form_no"),
    ("help_wanted", "field.help_wanted"),
    ("category", "request.category"),
    ("topics", "request.topics"),
    ("promised_on", "request.promised_on"),
    ("close_reason", "request.close_reason"),
    ("duplicate_of", "request.duplicate_of"),
    ("answered_by", "request.answered_by"),
    ("imported", "request.imported"),
)
#: The requester's fields, as on the paper form.
REQUESTER_LABELS: tuple[tuple[str, str], ...] = (
    ("full_name", "field.full_name"),
    ("role", "field.role"),
    ("organization", "field.organization"),
    ("subject", "field.subject"),
    ("experience_years", "field.experience_years"),
    ("grade", "field.grade"),
    ("contact", "field.contact"),
    ("consent", "field.consent"),
)


def _date(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else NO_VALUE


def _text(value: object | None) -> str:
    return NO_VALUE if value is None or value == "" else str(value)


def topic_names(keys: Sequence[str], topics: Sequence[TopicView], lang: str) -> list[str]:
    """The names of ``keys`` in ``lang``; a key missing from ``topics`` shows as itself."""
    by_key = {topic.key: topic for topic in topics}
    return [by_key[key].name(lang) if key in by_key else key for key in keys]


def request_fields(
    t: Translator, detail: RequestDetail, topics: Sequence[TopicView], now: datetime
) -> dict[str, str | None]:
    """The request's fields as shown; None for the ones that do not apply to it."""
    summary = detail.summary
    days = t("request.days_in_stage", days=summary.days_in_stage(now))
    names = topic_names(summary.topic_keys, topics, t.lang)
    imported: str | None = None
    if detail.import_batch_id is not None:
        imported = (
            t("request.import_row", batch=detail.import_batch_id, row=detail.import_row)
            if detail.import_row is not None
            else t("request.import_batch", batch=detail.import_batch_id)
        )
    closed = summary.stage is Stage.CLOSED
    return {
        "number": summary.number,
        "stage": f"{t.label(summary.stage)} · {days}",
        "received_on": _date(summary.received_on),
        "channel": t.label(summary.channel),
        "form_no": _text(detail.form_no),
        "help_wanted": t.label(detail.help_wanted) if detail.help_wanted else NO_VALUE,
        "category": t.label(summary.category) if summary.category else NO_VALUE,
        "topics": ", ".join(names) or NO_VALUE,
        "promised_on": _date(summary.promised_on),
        "close_reason": (
            (t.label(summary.close_reason) if summary.close_reason else NO_VALUE)
            if closed
            else None
        ),
        "duplicate_of": detail.duplicate_of_number,
        "answered_by": (
            t("request.product", id=detail.answered_by_product_id)
            if detail.answered_by_product_id is not None
            else None
        ),
        "imported": imported,
    }


def requester_fields(t: Translator, detail: RequestDetail) -> dict[str, str | None]:
    """Who asked, as on the paper form; a young teacher is named as such beside the role."""
    summary = detail.summary
    role = t.label(summary.role)
    if summary.young_teacher:
        role = f"{role} · {t('young.teacher')}"
    consent = "request.consent_given" if detail.consent_given else "request.consent_missing"
    return {
        "full_name": summary.requester,
        "role": role,
        "organization": _text(detail.organization),
        "subject": _text(detail.subject),
        "experience_years": _text(summary.experience_years),
        "grade": _text(detail.grade),
        "contact": _text(detail.contact),
        "consent": t(consent),
    }


#: The note ``set_triage`` writes: ``category=methodological; topics=engagement,parents``.
_TRIAGE_NOTE = re.compile(r"category=(?P<category>[a-z_-]+); topics=(?P<topics>[a-z_,-]*)")


def describe_note(t: Translator, event: EventView, topics: Sequence[TopicView]) -> str:
    """An event's note for reading: the notes the services write in code words (a close
    reason, a triage, the names of edited fields) in the user's language; others as typed.
    """
    note = event.note or ""
    if event.kind is EventKind.CLOSED and note in set(CloseReason):
        return t.label(CloseReason(note))
    if event.kind is not EventKind.EDITED:
        return note
    triage = _TRIAGE_NOTE.fullmatch(note)
    if triage:
        category = triage["category"]
        keys = [key for key in triage["topics"].split(",") if key not in ("", "-")]
        return t(
            "request.triage_note",
            category=t.label(Category(category)) if category in set(Category) else NO_VALUE,
            topics=", ".join(topic_names(keys, topics, t.lang)) or NO_VALUE,
        )
    names = [name.strip() for name in note.split(",")]
    labels = [t(f"field.{name}") for name in names]
    if note and all(label != f"field.{name}" for name, label in zip(names, labels, strict=True)):
        return ", ".join(labels)
    return note


class FieldGrid(Grid):
    """Label and value, one field a line; a field whose value is None is hidden."""

    def __init__(
        self, t: Translator, labels: Sequence[tuple[str, str]], *, id: str | None = None
    ) -> None:
        super().__init__(id=id, classes="field-grid")
        self._t = t
        self._labels = tuple(labels)

    def compose(self) -> ComposeResult:
        for key, label in self._labels:
            yield Label(self._t(label), id=f"label-{key}", classes="field-label", markup=False)
            yield Label("", id=f"value-{key}", classes="field-value", markup=False)

    def show(self, values: Mapping[str, str | None]) -> None:
        for key, _label in self._labels:
            value = values.get(key)
            self.query_one(f"#label-{key}").display = value is not None
            shown = self.query_one(f"#value-{key}", Label)
            shown.display = value is not None
            shown.update(value or "")

    def value(self, key: str) -> str | None:
        """What the field shows now; None when its line is hidden."""
        shown = self.query_one(f"#value-{key}", Label)
        return str(shown.content) if shown.display else None


class HistoryTable(DataTable[Text]):
    """Every event of a request, oldest first: when, who, what, from → to, and the note.

    The note column takes the width left over and long notes wrap onto more lines.
    """

    def __init__(self, t: Translator, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._t = t
        self._events: tuple[EventView, ...] = ()
        self._topics: tuple[TopicView, ...] = ()
        self._built_for_width = -1

    def show_events(self, events: Sequence[EventView], topics: Sequence[TopicView]) -> None:
        """Replace the rows (``topics`` name those in notes); the cursor goes to the newest
        event unless it was moved up."""
        following = not self._events or self.cursor_row >= len(self._events) - 1
        self._events, self._topics = tuple(events), tuple(topics)
        self._rebuild(len(self._events) - 1 if following else self.cursor_row)

    def on_resize(self, event: Resize) -> None:
        if self._content_width() != self._built_for_width:
            self._rebuild(self.cursor_row)

    def _content_width(self) -> int:
        return self.size.width - self.styles.scrollbar_size_vertical

    def _rebuild(self, row: int) -> None:
        self._built_for_width = self._content_width()
        self.clear(columns=True)
        for key, label, width in self._columns():
            self.add_column(Text(label), width=width, key=key)
        for index, event in enumerate(self._events):
            self.add_row(*self.cells(event), height=None, key=str(index))
        if self._events:
            self.move_cursor(row=min(max(row, 0), len(self._events) - 1), animate=False)

    def _columns(self) -> list[tuple[str, str, int]]:
        """Time and kind at their width; who, the stages and the note share what is left
        (rows grow taller where a cell wraps), the note keeping at least half of it."""
        t = self._t
        events = self._events
        labels = {key: t(f"request.col_{key}") for key in ("when", "who", "what", "stages", "note")}
        widest = {
            "when": _WHEN_WIDTH,
            "who": _widest(e.actor for e in events),
            "what": _widest(t.label(e.kind) for e in events),
            "stages": _widest(self._stages(e) for e in events),
        }
        width = {key: max(value, cell_len(labels[key])) for key, value in widest.items()}
        padding = 2 * self.cell_padding * (len(labels) + 1)
        left = self._built_for_width - padding - width["when"] - width["what"]
        width["who"] = min(width["who"], MAX_WHO_WIDTH)
        shared = max(0, left - width["who"])
        width["stages"] = min(width["stages"], max(MIN_NOTE_WIDTH, shared // 2))
        width["note"] = max(MIN_NOTE_WIDTH, shared - width["stages"])
        return [(key, label, width[key]) for key, label in labels.items()]

    def _stages(self, event: EventView) -> str:
        """``from → to``; one name for an edit in place, ``→ to`` for the first event."""
        source, target = event.from_stage, event.to_stage
        label = self._t.label
        if target is None:
            return f"{label(source)} →" if source is not None else NO_VALUE
        if source is None:
            return f"→ {label(target)}"
        return label(source) if source is target else f"{label(source)} → {label(target)}"

    def cells(self, event: EventView) -> tuple[Text, ...]:
        """One event's row as shown."""
        return (
            Text(event.at.strftime("%d.%m.%Y %H:%M")),
            Text(event.actor),
            Text(self._t.label(event.kind)),
            Text(self._stages(event)),
            Text(describe_note(self._t, event, self._topics)),
        )


def _widest(labels: Iterable[str]) -> int:
    return max((cell_len(label) for label in labels), default=0)
