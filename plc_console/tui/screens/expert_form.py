"""The expert form: a new expert for the registry, or one already there corrected.

Modelled on the request form: the load limit is read here (a whole number), everything
else is checked by the registry's own rules in a thread worker
(:func:`~plc_console.services.experts.expert_problems` gives every refused field at
once); each refusal is shown under its field and the cursor goes to the first. The
screen dismisses with the stored expert, or None when the user leaves without saving.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Footer, Header, Input, Label, SelectionList
from textual.widgets.selection_list import Selection
from textual.worker import Worker, WorkerState

from plc_console.domain import PlcError
from plc_console.locale import Translator
from plc_console.services.errors import InvalidInput
from plc_console.services.experts import (
    DEFAULT_LOAD,
    NewExpert,
    add_expert,
    edit_expert,
    expert_problems,
)
from plc_console.services.views import ExpertView, TopicView
from plc_console.tui.errors import describe_error
from plc_console.tui.screens.dialogs import ConfirmDialog
from plc_console.tui.screens.help import localize_bindings
from plc_console.tui.widgets.form_field import (
    FormRow,
    parse_whole,
    show_field_errors,
    show_form_status,
)

#: The text fields, in the order of the form (the load limit comes after them).
TEXT_FIELDS = ("full_name", "organization", "contact", "subjects")


def _key(keys: str, action: str, name: str) -> Binding:
    return Binding(
        keys,
        action,
        f"expertsui.form.key_{name}",
        tooltip=f"expertsui.form.help_{name}",
        id=f"expert_form_{name}",
    )


class HintedRow(FormRow):
    """A form row with a line under the control saying what may be typed."""

    def __init__(self, field: str, label: str, control: Widget, hint: str) -> None:
        super().__init__(field, label, control)
        self._hint = hint

    def compose(self) -> ComposeResult:
        yield Label(self._label, classes="form-label", markup=False)
        with Vertical(classes="form-cell"):
            yield self.control
            yield Label("", classes="form-error", markup=False)
            yield Label(self._hint, classes="form-hint", markup=False)


class ExpertFormScreen(Screen[ExpertView | None]):
    """Name, organisation, contact, subjects, load limit, availability, competences, active.

    ``topics`` are those the competences are chosen from (inactive ones are offered only
    when the expert has them); ``editing`` fills the fields from a stored expert.
    """

    BINDINGS = [
        _key("ctrl+s", "save", "save"),
        # q too: on the list or the checkbox it would otherwise quit the app, form and all.
        _key("escape,q", "cancel", "cancel"),
        # ? types itself into a text field: f1 shows the keys from anywhere on the form.
        _key("f1", "keys", "keys"),
    ]

    @dataclass
    class Saved(Message):
        expert: ExpertView

    @dataclass
    class Refused(Message):
        """Every refusal of the services (fields, or something about the whole form)."""

        errors: tuple[PlcError, ...]

    def __init__(
        self,
        sessions: sessionmaker[Session],
        t: Translator,
        topics: Sequence[TopicView],
        editing: ExpertView | None = None,
    ) -> None:
        super().__init__(classes="expert-form-screen")
        localize_bindings(self, t)
        self._sessions = sessions
        self._t = t
        keys = editing.topic_keys if editing else ()
        self._topics = tuple(topic for topic in topics if topic.active or topic.key in keys)
        self._editing = editing
        self._saving = False
        #: Errors the form found itself (a load limit that is no number), until the save.
        self._found: dict[str, str] = {}
        self._initial: tuple[object, ...] = ()

    # --- building -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        t = self._t
        old: ExpertView | NewExpert = self._editing or NewExpert(full_name="")
        yield Header()
        yield Label("", id="form-status", markup=False)
        with VerticalScroll(id="expert-form"):
            with Horizontal(id="form-columns"):
                with Vertical(id="form-left", classes="form-column"):
                    yield from self._fields(old)
                with Vertical(id="form-right", classes="form-column"):
                    yield self._row("topic_keys", self._topic_list(old.topic_keys))
            with Horizontal(id="form-buttons"):
                yield Label(t("expertsui.form.required_note"), id="form-required", markup=False)
                yield Button(t("expertsui.form.save"), variant="primary", id="form-save")
                yield Button(t("expertsui.form.cancel"), id="form-cancel")
        yield Footer()

    def _fields(self, old: ExpertView | NewExpert) -> ComposeResult:
        """Every field but the competences, filled from ``old``."""
        t = self._t
        for field in TEXT_FIELDS:
            placeholder = t(f"expertsui.form.{field}_placeholder")
            yield self._row(field, self._input(field, getattr(old, field), placeholder))
        yield self._row("load_limit", self._input("load_limit", old.load_limit))
        example = t("expertsui.form.availability_example")
        availability = self._input("availability", old.availability, example)
        hint = t("expertsui.form.availability_hint")
        yield HintedRow("availability", self._label("availability"), availability, hint)
        active = Checkbox(t("expertsui.form.active_label"), old.active, id="field-active")
        yield self._row("active", active)

    def _row(self, field: str, control: Widget) -> FormRow:
        required = field in ("full_name", "load_limit")
        return FormRow(field, self._label(field), control, required=required)

    def _label(self, field: str) -> str:
        return self._t(f"expertsui.form.{field}")

    def _input(self, field: str, value: object, placeholder: str = "") -> Input:
        text = "" if value is None else str(value)
        # No validation of its own: the form marks the field (and clears the mark on change).
        return Input(
            text,
            placeholder=placeholder,
            id=f"field-{field}",
            select_on_focus=False,
            validate_on=(),
        )

    def _topic_list(self, chosen: Sequence[str]) -> SelectionList[str]:
        lang = self._t.lang
        options = [Selection(t.name(lang), t.key, t.key in chosen) for t in self._topics]
        return SelectionList[str](*options, id="field-topic_keys")

    def on_mount(self) -> None:
        editing = self._editing
        self.sub_title = (
            self._t("expertsui.form.title_edit", name=editing.full_name)
            if editing
            else self._t("expertsui.form.title_new")
        )
        self._initial = self._snapshot()
        self.query_one("#field-full_name").focus()

    # --- reading what was typed ----------------------------------------------------------

    def _text(self, field: str) -> str:
        return self.query_one(f"#field-{field}", Input).value

    def _snapshot(self) -> tuple[object, ...]:
        """Everything typed or chosen, to tell whether leaving loses anything."""
        inputs = tuple(i.value for i in self.query(Input))
        topics = frozenset(self.query_one(SelectionList).selected)
        return inputs, topics, self.query_one("#field-active", Checkbox).value

    def _read_form(self) -> NewExpert:
        """The form as a NewExpert; a load limit that cannot be read is noted in ``_found``."""
        self._found = {}
        typed_limit = self._text("load_limit")
        load_limit = DEFAULT_LOAD  # what the rules check instead of a limit that is no number
        try:
            parsed = parse_whole(typed_limit)
        except ValueError:
            self._found["load_limit"] = self._message(
                "form.not_a_number", "load_limit", {"value": typed_limit.strip()}
            )
        else:
            if parsed is None:
                self._found["load_limit"] = self._message("invalid.required", "load_limit")
            else:
                load_limit = parsed
        return NewExpert(
            full_name=self._text("full_name"),
            organization=self._text("organization").strip() or None,
            contact=self._text("contact").strip() or None,
            subjects=self._text("subjects").strip() or None,
            load_limit=load_limit,
            availability=self._text("availability").strip() or None,
            topic_keys=tuple(self.query_one(SelectionList).selected),
            active=self.query_one("#field-active", Checkbox).value,
        )

    def _message(self, key: str, field: str, params: Mapping[str, object] | None = None) -> str:
        """A message about a field, naming it as its label on this form does."""
        return self._t(key, **{**(params or {}), "field": self._label(field)})

    def _show_errors(self, errors: dict[str, str]) -> None:
        show_field_errors(self, errors, self._t("expertsui.form.check_fields"))

    def _show_status(self, message: str | None, *, severity: str = "warning") -> None:
        show_form_status(self, message, severity=severity)

    # --- saving --------------------------------------------------------------------------

    @on(Button.Pressed, "#form-save")
    def action_save(self) -> None:
        """Store the form in a worker; the services check every field there."""
        if self._saving:
            return
        if self._editing is not None and self._snapshot() == self._initial:
            self.app.notify(self._t("expertsui.form.unchanged"), timeout=3, markup=False)
            self.dismiss(None)
            return
        new = self._read_form()
        self._saving = True
        self._show_status(self._t("expertsui.form.saving"), severity="info")
        self._write(new, check_only=bool(self._found))

    @work(thread=True, group="db", exit_on_error=False)
    def _write(self, new: NewExpert, *, check_only: bool) -> None:
        """Check every field; store the form only when none is refused (nor found here)."""
        expert_id = self._editing.id if self._editing else None
        try:
            with self._sessions.begin() as session:
                problems = expert_problems(session, new, expert_id=expert_id)
                if problems or check_only:
                    self.post_message(self.Refused(tuple(problems)))
                    return
                if expert_id is None:
                    stored = add_expert(session, new)
                else:
                    stored = edit_expert(session, expert_id, new)
        except PlcError as error:  # the expert was deleted meanwhile, say
            self.post_message(self.Refused((error,)))
            return
        self.post_message(self.Saved(stored))

    @on(Saved)
    def _saved(self, message: Saved) -> None:
        key = "expertsui.form.saved" if self._editing else "expertsui.form.added"
        self.app.notify(self._t(key, name=message.expert.full_name), timeout=4, markup=False)
        self.dismiss(message.expert)

    @on(Refused)
    def _refused(self, message: Refused) -> None:
        self._saving = False
        errors, others = dict(self._found), []
        for error in message.errors:
            if isinstance(error, InvalidInput) and self.query(f"#row-{error.field}"):
                text = self._message(error.code, error.field, error.params)
                errors.setdefault(error.field, text)
            else:
                others.append(describe_error(error, self._t))
        self._show_errors(errors)
        if others:
            text, title = "; ".join(others), self._t("expertsui.form.not_saved")
            self._show_status(f"{title}: {text}", severity="error")
            self.notify(text, title=title, severity="error", markup=False)

    @on(SelectionList.SelectedChanged)
    def _topics_changed(self) -> None:
        """As a FormRow does for its other controls: a changed field loses its old error."""
        row = self.query_one("#row-topic_keys", FormRow)
        if row.has_class("-invalid"):
            row.show_error(None)

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR or event.worker.error is None:
            return
        self._saving = False
        text = describe_error(event.worker.error, self._t)
        self._show_status(text, severity="error")
        self.notify(text, title=self._t("tui.error_title"), severity="error", markup=False)

    async def action_keys(self) -> None:
        """The app's key help (what ? opens elsewhere), for this screen."""
        await self.app.run_action("help")

    # --- leaving -------------------------------------------------------------------------

    @on(Button.Pressed, "#form-cancel")
    def action_cancel(self) -> None:
        """Leave without saving; asks first when something was typed or changed."""
        if self._snapshot() == self._initial:
            self.dismiss(None)
            return
        t = self._t
        dialog = ConfirmDialog(
            t, t("expertsui.form.discard_title"), t("expertsui.form.discard_question")
        )

        def leave(yes: bool | None) -> None:
            if yes:
                self.dismiss(None)

        self.app.push_screen(dialog, leave)
