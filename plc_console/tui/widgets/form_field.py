"""A labelled field of the request form, with its error beneath, and how typed values read.

The form shows each error beside the field it is about: a row marks itself ``-invalid``
(the control gets a red border) and shows the message under the control.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, TextArea

from plc_console.domain import Role
from plc_console.services.errors import InvalidInput
from plc_console.services.requests import NewRequest, validate_new_request

#: How a date may be typed: as on the paper form (дд.мм.гггг, also д.м.гггг) or ISO.
DATE_FORMATS = ("%d.%m.%Y", "%Y-%m-%d")


class FormRow(Horizontal):
    """One field: its name on the left, the control on the right, the error under it."""

    def __init__(self, field: str, label: str, control: Widget, *, required: bool = False) -> None:
        super().__init__(id=f"row-{field}", classes="form-row")
        self.field = field
        self.control = control
        self._label = f"{label} *" if required else label

    def compose(self) -> ComposeResult:
        yield Label(self._label, classes="form-label", markup=False)
        with Vertical(classes="form-cell"):
            yield self.control
            yield Label("", classes="form-error", markup=False)

    # A class, not :focus-within: Textual does not restyle the label when focus leaves.
    def on_descendant_focus(self) -> None:
        self.add_class("-focused")

    def on_descendant_blur(self) -> None:
        self.remove_class("-focused")

    @on(Input.Changed)
    @on(Select.Changed)
    @on(TextArea.Changed)
    @on(Checkbox.Changed)
    def _edited(self) -> None:
        """Once the field is changed its old error no longer holds: the next save checks."""
        if self.has_class("-invalid"):
            self.show_error(None)

    @property
    def error(self) -> str | None:
        """The message shown, or None when the field is fine."""
        return str(self.query_one(".form-error", Label).content) or None

    def show_error(self, message: str | None) -> None:
        """Show ``message`` under the control (None clears it)."""
        self.set_class(message is not None, "-invalid")
        self.control.set_class(message is not None, "-invalid")
        self.query_one(".form-error", Label).update(message or "")


def show_form_status(screen: Widget, message: str | None, *, severity: str = "warning") -> None:
    """The line above a form's fields (``#form-status``): a message, or nothing."""
    status = screen.query_one("#form-status", Label)
    status.update(message or "")
    status.set_classes(f"-{severity}" if message else "")


def show_field_errors(screen: Widget, errors: dict[str, str], summary: str) -> None:
    """Each message under its field, ``summary`` above the form when there is any, and
    the cursor on the first field refused (every form of the console shows them so)."""
    rows = list(screen.query(FormRow))
    for row in rows:
        row.show_error(errors.get(row.field))
    show_form_status(screen, summary if errors else None)
    first = next((row for row in rows if row.field in errors), None)
    if first is not None:
        first.control.focus()
        first.scroll_visible(animate=False)


def parse_day(text: str) -> date:
    """A typed date: ``20.11.2026``, ``1.9.2026`` or ``2026-11-20``; ValueError otherwise."""
    typed = text.strip()
    for layout in DATE_FORMATS:
        try:
            return datetime.strptime(typed, layout).date()
        except ValueError:
            continue
    raise ValueError(text)


def format_day(day: date, lang: str) -> str:
    """How the form shows a date: дд.мм.гггг in Russian, ISO in English."""
    return day.strftime("%d.%m.%Y") if lang == "ru" else day.isoformat()


def parse_whole(text: str) -> int | None:
    """A typed whole number, None when blank; ValueError for anything else."""
    typed = text.strip()
    if not typed:
        return None
    digits = typed.removeprefix("-")  # a negative number is refused by its range, later
    if not digits.isdecimal():
        raise ValueError(text)
    return int(typed)


def rule_errors(new: NewRequest, today: date) -> list[InvalidInput]:
    """Everything :func:`validate_new_request` refuses in ``new``, not only the first.

    The rules stop at the first wrong field: that field is set to a value a good form
    has and the form checked again, so the user sees all that is wrong in one go.
    """
    good = NewRequest(
        received_on=today, full_name="-", role=Role.OTHER, contact="-", problem="-", consent=True
    )
    errors: list[InvalidInput] = []
    while True:
        try:
            validate_new_request(new, today=today)
        except InvalidInput as error:
            if not hasattr(good, error.field) or error.field in {e.field for e in errors}:
                return errors  # a rule this loop cannot look past: report what it has
            errors.append(error)
            new = replace(new, **{error.field: getattr(good, error.field)})
        else:
            return errors
