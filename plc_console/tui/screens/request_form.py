"""The request form: a web, phone or walk-in request typed at the desk, or a request edited.

The fields are those of the paper form (DESIGN.md section 3). Typed values are read
first (a date, whole numbers), then checked by the same rules the services apply
(:func:`validate_new_request`); each error is shown beside its field and the cursor
goes there. Saving runs in a thread worker with its own transaction; the UI thread
never touches the database. The screen dismisses with the saved request's summary, or
None when the user leaves without saving.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import (
    Button,
    Checkbox,
    Footer,
    Header,
    Input,
    Label,
    Select,
    SelectionList,
    TextArea,
)
from textual.worker import Worker, WorkerState

from plc_console.domain import Channel, HelpWanted, PlcError, Role
from plc_console.locale import Key, Translator
from plc_console.services.errors import InvalidInput, StaleVersion
from plc_console.services.reference import list_topics
from plc_console.services.request_edit import edit_request
from plc_console.services.requests import NewRequest, create_request
from plc_console.services.views import RequestDetail, RequestSummary, TopicView
from plc_console.tui.errors import describe_error
from plc_console.tui.screens.dialogs import ConfirmDialog
from plc_console.tui.screens.help import localize_bindings
from plc_console.tui.widgets.form_field import (
    FormRow,
    format_day,
    parse_day,
    parse_whole,
    rule_errors,
    show_field_errors,
    show_form_status,
)

#: A request typed at the desk most often comes by telephone (paper forms are imported
#: in bulk, web forms arrive by themselves): the channel a new form starts with.
DEFAULT_CHANNEL = Channel.PHONE


class RequestFormScreen(Screen[RequestSummary | None]):
    """Every field of the paper form; ``editing`` fills them from a stored request."""

    BINDINGS = [
        Binding("ctrl+s", "save", "form.key_save", tooltip="form.help_save", id="form_save"),
        # q too: on a list or a checkbox it would otherwise quit the app, form and all.
        Binding(
            "escape,q", "cancel", "form.key_cancel", tooltip="form.help_cancel", id="form_cancel"
        ),
        # ? types itself into a text field: f1 shows the keys from anywhere on the form.
        Binding("f1", "keys", "form.key_help", tooltip="form.help_help", id="form_help"),
    ]

    @dataclass
    class Saved(Message):
        """The worker stored the form; ``changed`` is False for an edit that changed nothing."""

        summary: RequestSummary
        changed: bool

    @dataclass
    class Refused(Message):
        """The services refused the form (a field, a stale version, an unknown topic…)."""

        error: PlcError

    @dataclass
    class TopicsRead(Message):
        topics: tuple[TopicView, ...]

    def __init__(
        self,
        sessions: sessionmaker[Session],
        t: Translator,
        now: Callable[[], datetime],
        actor: str,
        editing: RequestDetail | None = None,
    ) -> None:
        super().__init__(classes="request-form-screen")
        localize_bindings(self, t)
        self._sessions = sessions
        self._t = t
        self._now = now
        self._actor = actor
        self._editing = editing
        self._saving = False
        self._initial: tuple[object, ...] = ()

    # --- building -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        t, old = self._t, self._editing
        yield Header()
        yield Label("", id="form-status", markup=False)
        with VerticalScroll(id="request-form"):
            with Horizontal(id="form-columns"):
                with Vertical(id="form-left", classes="form-column"):
                    yield from self._left_fields(old)
                with Vertical(id="form-right", classes="form-column"):
                    yield from self._right_fields(old)
            with Horizontal(id="form-buttons"):
                yield Label(t("form.required_note"), id="form-required", markup=False)
                yield Button(t("form.save"), variant="primary", id="form-save")
                yield Button(t("form.cancel"), id="form-cancel")
        yield Footer()

    def _row(self, field: str, control: Widget, *, required: bool = False) -> FormRow:
        return FormRow(field, self._t(f"field.{field}"), control, required=required)

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

    def _left_fields(self, old: RequestDetail | None) -> ComposeResult:
        t, summary = self._t, old.summary if old else None
        day = summary.received_on if summary else self._now().date()
        date_hint = t("form.date_placeholder")
        yield self._row(
            "received_on",
            self._input("received_on", format_day(day, t.lang), date_hint),
            required=True,
        )
        channel = summary.channel if summary else DEFAULT_CHANNEL
        yield self._row("channel", self._select("channel", Channel, channel, blank=False))
        yield self._row(
            "full_name", self._input("full_name", summary and summary.requester), required=True
        )
        role = summary.role if summary else None
        yield self._row("role", self._select("role", Role, role, blank=True), required=True)
        contact = self._input("contact", old and old.contact, t("form.contact_placeholder"))
        yield self._row("contact", contact, required=True)
        yield self._row("organization", self._input("organization", old and old.organization))
        yield self._row("subject", self._input("subject", old and old.subject))
        experience = summary.experience_years if summary else None
        yield self._row("experience_years", self._input("experience_years", experience))
        yield self._row("grade", self._input("grade", old and old.grade))
        yield self._row("form_no", self._input("form_no", old and old.form_no))

    def _right_fields(self, old: RequestDetail | None) -> ComposeResult:
        t = self._t
        problem = TextArea(
            old.summary.problem if old else "",
            id="field-problem",
            placeholder=t("form.problem_placeholder"),
        )
        yield self._row("problem", problem, required=True)
        wanted = old.help_wanted if old else None
        yield self._row("help_wanted", self._select("help_wanted", HelpWanted, wanted, blank=True))
        if old is None:
            topics: SelectionList[str] = SelectionList(id="field-topics")
            yield FormRow("topics", t("form.topics"), topics)
        else:
            yield Label(t("form.topics_at_triage"), id="form-topics-note", markup=False)
        consent = Checkbox(
            t("form.consent_label"), old.consent_given if old else False, id="field-consent"
        )
        yield self._row("consent", consent, required=True)

    def _select(
        self, field: str, vocabulary: type[Role | Channel | HelpWanted], value: object, blank: bool
    ) -> Select[str]:
        options = [(self._t.label(member), member.value) for member in vocabulary]
        chosen = value.value if isinstance(value, vocabulary) else Select.NULL
        prompt = self._t(f"form.{field}_prompt")
        return Select(options, prompt=prompt, allow_blank=blank, value=chosen, id=f"field-{field}")

    def on_mount(self) -> None:
        number = self._editing.summary.number if self._editing else None
        self.sub_title = (
            self._t("form.title_edit", number=number) if number else self._t("form.title_new")
        )
        self._initial = self._snapshot()
        if self._editing is None:
            self.query_one("#field-full_name").focus()
            self._read_topics()
        else:
            # An edit most often adds to the problem: the cursor waits at its end.
            problem = self.query_one("#field-problem", TextArea)
            problem.move_cursor(problem.document.end)
            problem.focus()

    @work(thread=True, group="db", exit_on_error=False)
    def _read_topics(self) -> None:
        with self._sessions() as session:
            topics = tuple(list_topics(session))
        self.post_message(self.TopicsRead(topics))

    @on(TopicsRead)
    def _show_topics(self, message: TopicsRead) -> None:
        topics = self.query_one("#field-topics", SelectionList)
        topics.add_options([(topic.name(self._t.lang), topic.key) for topic in message.topics])

    # --- reading what was typed ----------------------------------------------------------

    def _text(self, field: str) -> str:
        return self.query_one(f"#field-{field}", Input).value

    def _choice(self, field: str) -> str | None:
        value = self.query_one(f"#field-{field}", Select).value
        return value if isinstance(value, str) else None

    def _snapshot(self) -> tuple[object, ...]:
        """Everything typed or chosen, to tell whether leaving loses anything."""
        inputs = tuple(i.value for i in self.query(Input))
        selects = tuple(s.value for s in self.query(Select))
        topics = tuple(self.query_one(SelectionList).selected) if self._editing is None else ()
        problem = self.query_one("#field-problem", TextArea).text
        consent = self.query_one("#field-consent", Checkbox).value
        return inputs, selects, topics, problem, consent

    def _read_form(self) -> NewRequest | None:
        """The form as a NewRequest, or None after showing every field that is wrong."""
        errors: dict[str, str] = {}
        typed_day = self._text("received_on")
        today = self._now().date()
        received_on = today
        if not typed_day.strip():
            errors["received_on"] = self._field_message("required", "received_on")
        else:
            try:
                received_on = parse_day(typed_day)
            except ValueError:
                errors["received_on"] = self._field_message("bad_date", "received_on", typed_day)
        numbers: dict[str, int | None] = {}
        for field in ("experience_years", "grade"):
            try:
                numbers[field] = parse_whole(self._text(field))
            except ValueError:
                errors[field] = self._field_message("not_a_number", field, self._text(field))
                numbers[field] = None
        role = self._choice("role")
        if role is None:
            errors["role"] = self._field_message("required", "role")
        help_wanted = self._choice("help_wanted")
        topics = self.query_one(SelectionList).selected if self._editing is None else ()
        new = NewRequest(
            received_on=received_on,
            role=Role(role or Role.OTHER),
            channel=Channel(self._choice("channel") or DEFAULT_CHANNEL),
            problem=self.query_one("#field-problem", TextArea).text,
            consent=self.query_one("#field-consent", Checkbox).value,
            experience_years=numbers["experience_years"],
            grade=numbers["grade"],
            help_wanted=HelpWanted(help_wanted) if help_wanted else None,
            topic_keys=tuple(str(key) for key in topics),
            full_name=self._text("full_name"),
            contact=self._text("contact"),
            organization=self._text("organization"),
            subject=self._text("subject"),
            form_no=self._text("form_no"),
        )
        for error in rule_errors(new, today):
            errors.setdefault(error.field, describe_error(error, self._t))
        self._show_errors(errors)
        return None if errors else new

    def _field_message(self, reason: str, field: str, value: str = "") -> str:
        key = f"invalid.{reason}" if reason == "required" else f"form.{reason}"
        return self._t(key, field=Key(f"field.{field}"), value=value.strip())

    def _show_errors(self, errors: dict[str, str]) -> None:
        show_field_errors(self, errors, self._t("form.check_fields"))

    def _show_status(self, message: str | None, *, severity: str = "warning") -> None:
        show_form_status(self, message, severity=severity)

    # --- saving --------------------------------------------------------------------------

    @on(Button.Pressed, "#form-save")
    def action_save(self) -> None:
        """Check the form here, then store it in a worker (create, or edit the version read)."""
        if self._saving:
            return
        new = self._read_form()
        if new is None:
            return
        self._saving = True
        self._show_status(self._t("form.saving"), severity="info")
        self._write(new)

    @work(thread=True, group="db", exit_on_error=False)
    def _write(self, new: NewRequest) -> None:
        now, editing = self._now(), self._editing
        try:
            with self._sessions.begin() as session:
                if editing is None:
                    summary = create_request(session, new, actor=self._actor, now=now)
                else:
                    base = editing.summary
                    summary = edit_request(
                        session, base.id, base.version, new, actor=self._actor, now=now
                    )
        except PlcError as error:
            self.post_message(self.Refused(error))
            return
        changed = editing is None or summary.version != editing.summary.version
        self.post_message(self.Saved(summary, changed))

    @on(Saved)
    def _saved(self, message: Saved) -> None:
        number = message.summary.number
        if self._editing is None:
            text = self._t("form.registered", number=number)
        elif message.changed:
            text = self._t("form.saved", number=number)
        else:
            text = self._t("form.unchanged", number=number)
        self.app.notify(text, timeout=4, markup=False)
        self.dismiss(message.summary)

    @on(Refused)
    def _refused(self, message: Refused) -> None:
        self._saving = False
        error, text = message.error, describe_error(message.error, self._t)
        if isinstance(error, InvalidInput) and self.query(f"#row-{error.field}"):
            self._show_errors({error.field: text})
            return
        self._show_status(f"{self._t('form.not_saved')}: {text}", severity="error")
        self.notify(
            text,
            title=self._t("form.not_saved"),
            severity="warning" if isinstance(error, StaleVersion) else "error",
            markup=False,
        )

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
        dialog = ConfirmDialog(
            self._t, self._t("form.discard_title"), self._t("form.discard_question")
        )

        def leave(yes: bool | None) -> None:
            if yes:
                self.dismiss(None)

        self.app.push_screen(dialog, leave)
