"""The meeting editor: time, place and topic on the left, requests and experts on the right.

Started from a card, it offers that request and the open requests close to it in topic and
text (the grouping suggestion) to share the meeting: the coordinator ticks them. Experts
come from those assigned to the listed requests, or from the registry (type a name in the
search line and press enter). Typed values are read first (a date, a time, whole
numbers), then checked by the services' rules; each error shows beside its field.

Saving is one transaction (:func:`~plc_console.tui.meeting_data.save_plan`). A double
booking (an expert, the room or an invited person already at an overlapping meeting)
is shown with the clashing meeting, and the coordinator may save anyway with a note
(:class:`OverrideDialog`). The screen dismisses with the meeting saved, or None.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Footer, Header, Input, Label, Select, SelectionList
from textual.worker import Worker, WorkerState

from plc_console.domain import PlcError
from plc_console.services.meetings_views import (
    MeetingConflict,
    MeetingDetail,
    MeetingForm,
    MeetingStale,
    MeetingSummary,
)
from plc_console.services.views import TopicView
from plc_console.tui.errors import describe_error
from plc_console.tui.meeting_data import (
    EditorChoices,
    ExpertChoice,
    MeetingPlan,
    RequestChoice,
    find_experts,
    find_requests,
    read_choices,
    save_plan,
    split,
)
from plc_console.tui.meeting_desk import MeetingDesk
from plc_console.tui.screens.dialogs import ConfirmDialog
from plc_console.tui.screens.help import localize_bindings
from plc_console.tui.screens.meeting_dialogs import OverrideDialog
from plc_console.tui.widgets.form_field import FormRow, show_field_errors, show_form_status
from plc_console.tui.widgets.meeting_fields import (
    LABELS,
    REQUIRED,
    TYPED,
    default_day,
    expert_label,
    first_values,
    read_meeting_form,
    request_detail,
    request_label,
)


class MeetingFormScreen(Screen[MeetingSummary | None]):
    """A new meeting (from a card: ``anchor``; from the calendar: ``day``) or ``editing``."""

    BINDINGS = [
        Binding("ctrl+s", "save", "form.key_save", tooltip="meetui.help_save", id="meeting_save"),
        Binding(
            "escape", "cancel", "form.key_cancel", tooltip="form.help_cancel", id="meeting_cancel"
        ),
        Binding("f1", "keys", "form.key_help", tooltip="form.help_help", id="meeting_help"),
    ]

    @dataclass
    class ChoicesRead(Message):
        choices: EditorChoices

    @dataclass
    class Found(Message):
        """What a search line found: requests by number, or experts of the registry."""

        what: str  # "requests" or "experts": the list it goes to
        text: str
        found: tuple[RequestChoice, ...] | tuple[ExpertChoice, ...]

    @dataclass
    class Saved(Message):
        summary: MeetingSummary

    @dataclass
    class Refused(Message):
        error: PlcError
        plan: MeetingPlan

    def __init__(
        self,
        desk: MeetingDesk,
        *,
        editing: MeetingDetail | None = None,
        anchor: int | None = None,
        day: date | None = None,
    ) -> None:
        super().__init__(classes="meeting-form-screen")
        localize_bindings(self, desk.t)
        self._desk = desk
        self._t = desk.t
        self._editing = editing
        self._anchor = anchor
        self._day = day
        #: The requests offered, by id (those read with the form and those searched for).
        self._offered: dict[int, RequestChoice] = {}
        self._topics: tuple[TopicView, ...] = ()
        self._saving = False
        self._initial: tuple[object, ...] = ()

    # --- building ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        t = self._t
        yield Header()
        yield Label("", id="form-status", markup=False)
        with VerticalScroll(id="meeting-form"):
            with Horizontal(id="form-columns"):
                with Vertical(id="form-left", classes="form-column"):
                    for field in TYPED:
                        yield self._row(field, self._control(field), required=field in REQUIRED)
                    yield Label(t("meetui.place_hint"), classes="form-hint", markup=False)
                with Vertical(id="form-right", classes="form-column"):
                    yield self._row("requests", SelectionList[int](id="field-requests"))
                    yield Label(t("meetui.form.requests_hint"), classes="form-hint", markup=False)
                    yield Label("", id="request-detail", classes="form-hint", markup=False)
                    yield self._search_row("request_search", "meetui.search.requests")
                    yield Checkbox(t("meetui.invite"), True, id="field-invite")
                    yield self._row("experts", SelectionList[int](id="field-experts"))
                    yield Label(t("meetui.form.experts_hint"), classes="form-hint", markup=False)
                    yield self._search_row("expert_search", "meetui.expert_search")
            with Horizontal(id="form-buttons"):
                yield Label(t("form.required_note"), id="form-required", markup=False)
                yield Button(t("form.save"), variant="primary", id="form-save")
                yield Button(t("form.cancel"), id="form-cancel")
        yield Footer()

    def _row(self, field: str, control: Widget, *, required: bool = False) -> FormRow:
        label = self._t(LABELS.get(field, f"meetui.field.{field}"))
        return FormRow(field, label, control, required=required)

    def _search_row(self, field: str, placeholder: str) -> FormRow:
        return self._row(field, Input(placeholder=self._t(placeholder), id=f"field-{field}"))

    def _control(self, field: str) -> Widget:
        if field == "topic":
            prompt = self._t("meetui.topic_prompt")
            return Select[str]([], prompt=prompt, allow_blank=True, id="field-topic")
        old = self._editing.summary if self._editing else None
        day = self._day or default_day(self._desk.today())
        return Input(
            first_values(self._t.lang, old, day)[field],
            placeholder=self._t(f"meetui.placeholder.{field}"),
            id=f"field-{field}",
            select_on_focus=False,
            validate_on=(),
        )

    def on_mount(self) -> None:
        m = self._editing.summary if self._editing else None
        self.sub_title = (
            self._t("meetui.form_edit", title=m.title) if m else self._t("meetui.form_new")
        )
        self._initial = self._snapshot()
        self.query_one("#field-title").focus()
        self._read()

    @work(thread=True, exclusive=True, group="meeting-form-read", exit_on_error=False)
    def _read(self) -> None:
        desk = self._desk
        with desk.sessions() as session:
            choices = read_choices(
                session, anchor_id=self._anchor, editing=self._editing, lang=desk.t.lang
            )
        self.post_message(self.ChoicesRead(choices))

    @on(ChoicesRead)
    def _show_choices(self, message: ChoicesRead) -> None:
        choices, t = message.choices, self._t
        self._offered.update((r.id, r) for r in choices.requests)
        self._topics = choices.topics
        untouched = self._snapshot() == self._initial
        topic = self.query_one("#field-topic", Select)
        topic.set_options((tp.name(t.lang), tp.key) for tp in choices.topics)
        chosen_ids = {r.id for r in self._editing.requests} if self._editing else set()
        if choices.anchor is not None:
            chosen_ids.add(choices.anchor.id)
        requests = self.query_one("#field-requests", SelectionList)
        requests.add_options(
            (request_label(t, r, choices.topics), r.id, r.id in chosen_ids)
            for r in choices.requests
        )
        if choices.requests:
            requests.highlighted = 0
        mine = {e.expert_id for e in self._editing.experts} if self._editing else set()
        anchor = choices.anchor
        experts = self.query_one("#field-experts", SelectionList)
        experts.add_options(
            (
                expert_label(self._t, e),
                e.id,
                e.id in mine or (anchor is not None and anchor.number in e.assigned_to),
            )
            for e in choices.experts
        )
        if self._editing is not None:
            old_topic = self._editing.summary.topic
            key = old_topic.key if old_topic else None
        else:
            key = anchor.topic_keys[0] if anchor and anchor.topic_keys else None
        if key and any(tp.key == key for tp in choices.topics):
            topic.value = key
        title = self.query_one("#field-title", Input)
        if anchor is not None and not title.value:
            title.value = anchor.first_line[:120]
        if untouched:
            self._initial = self._snapshot()

    @on(SelectionList.SelectionHighlighted, "#field-requests")
    def _request_highlighted(self, event: SelectionList.SelectionHighlighted[int]) -> None:
        """The highlighted request in full under the list (the list cuts long lines)."""
        r = self._offered.get(event.selection.value)
        if r is not None:
            detail = request_detail(self._t, r, self._topics)
            self.query_one("#request-detail", Label).update(detail)

    # --- the search lines: a request by its number, an expert of the registry ------------

    @on(Input.Submitted, "#field-request_search, #field-expert_search")
    def _search(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip() and event.input.id:
            what = "requests" if event.input.id == "field-request_search" else "experts"
            self._find(what, event.value.strip())

    @work(thread=True, group="meeting-form-find", exit_on_error=False)
    def _find(self, what: str, text: str) -> None:
        with self._desk.sessions() as session:
            found: tuple[RequestChoice, ...] | tuple[ExpertChoice, ...] = (
                find_requests(session, text) if what == "requests" else find_experts(session, text)
            )
        self.post_message(self.Found(what, text, found))

    @on(Found)
    def _found(self, message: Found) -> None:
        """Add what was found to its list (ticked when it is the only one found)."""
        t, found = self._t, message.found
        listed = self.query_one(f"#field-{message.what}", SelectionList)
        known = {listed.get_option_at_index(i).value for i in range(listed.option_count)}
        new = [item for item in found if item.id not in known]
        for item in new:
            if isinstance(item, RequestChoice):
                self._offered[item.id] = item
                label = request_label(t, item, self._topics)
            else:
                label = expert_label(t, item)
            listed.add_option((label, item.id, len(new) == 1))
        key = "meetui.found" if found else "meetui.found_none"
        self.notify(t(key, text=message.text, count=len(new)), timeout=4, markup=False)

    # --- reading what was typed ----------------------------------------------------------

    def _text(self, field: str) -> str:
        return self.query_one(f"#field-{field}", Input).value

    def _selected(self, field: str) -> list[int]:
        return [int(v) for v in self.query_one(f"#field-{field}", SelectionList).selected]

    def _snapshot(self) -> tuple[object, ...]:
        inputs = tuple(i.value for i in self.query(Input) if not str(i.id).endswith("_search"))
        lists = (self._selected("requests"), self._selected("experts"))
        return inputs, self.query_one("#field-topic", Select).value, lists

    def _read_form(self) -> MeetingForm | None:
        """The typed fields as a MeetingForm, or None after showing every field that is wrong."""
        typed = {field: self._text(field) for field in TYPED if field != "topic"}
        topic = self.query_one("#field-topic", Select).value
        form, errors = read_meeting_form(
            self._t, typed, topic if isinstance(topic, str) else None, self._desk.today()
        )
        self._show_errors(errors)
        return None if errors else form

    def _show_errors(self, errors: dict[str, str]) -> None:
        show_field_errors(self, errors, self._t("form.check_fields"))

    def _status(self, message: str | None, *, severity: str = "warning") -> None:
        show_form_status(self, message, severity=severity)

    # --- saving --------------------------------------------------------------------------

    @on(Button.Pressed, "#form-save")
    def action_save(self) -> None:
        """Check the form, then save it in a worker (one transaction)."""
        if self._saving:
            return
        form = self._read_form()
        if form is None:
            return
        old = self._editing
        requests = split([r.id for r in old.requests] if old else [], self._selected("requests"))
        experts = split(
            [e.expert_id for e in old.experts] if old else [], self._selected("experts")
        )
        plan = MeetingPlan(
            form=form,
            meeting_id=old.summary.id if old else None,
            version=old.summary.version if old else None,
            add_requests=requests[0],
            remove_requests=requests[1],
            add_experts=experts[0],
            remove_experts=experts[1],
            invite_requesters=self.query_one("#field-invite", Checkbox).value,
        )
        self._write(plan, None)

    def _write(self, plan: MeetingPlan, note: str | None) -> None:
        self._saving = True
        self._status(self._t("form.saving"), severity="info")
        self._save(plan, note)

    @work(thread=True, group="db", exit_on_error=False)
    def _save(self, plan: MeetingPlan, note: str | None) -> None:
        desk = self._desk
        try:
            with desk.sessions.begin() as session:
                summary = save_plan(
                    session, plan, actor=desk.actor, now=desk.now(), override_note=note
                )
        except PlcError as error:
            self.post_message(self.Refused(error, plan))
            return
        self.post_message(self.Saved(summary))

    @on(Saved)
    def _saved(self, message: Saved) -> None:
        self.app.notify(
            self._t("meetui.saved", title=message.summary.title), timeout=4, markup=False
        )
        self.dismiss(message.summary)

    @on(Refused)
    def _refused(self, message: Refused) -> None:
        self._saving = False
        error, text = message.error, describe_error(message.error, self._t)
        if isinstance(error, MeetingConflict):
            self._status(text, severity="warning")

            def book_anyway(note: str | None) -> None:
                if note:
                    self._write(message.plan, note)

            self.app.push_screen(OverrideDialog(self._t, error), book_anyway)
            return
        self._status(f"{self._t('form.not_saved')}: {text}", severity="error")
        self.notify(
            text,
            title=self._t("form.not_saved"),
            severity="warning" if isinstance(error, MeetingStale) else "error",
            markup=False,
        )

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR or event.worker.error is None:
            return
        self._saving = False
        text = describe_error(event.worker.error, self._t)
        self._status(text, severity="error")
        self.notify(text, title=self._t("tui.error_title"), severity="error", markup=False)

    async def action_keys(self) -> None:
        await self.app.run_action("help")

    # --- leaving -------------------------------------------------------------------------

    @on(Button.Pressed, "#form-cancel")
    def action_cancel(self) -> None:
        """Leave without saving; asks first when something was typed or changed."""
        if self._snapshot() == self._initial:
            self.dismiss(None)
            return
        t = self._t
        dialog = ConfirmDialog(t, t("form.discard_title"), t("meetui.discard_question"))

        def leave(yes: bool | None) -> None:
            if yes:
                self.dismiss(None)

        self.app.push_screen(dialog, leave)
