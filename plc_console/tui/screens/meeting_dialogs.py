"""The meeting screens' questions: book anyway, cancel, a preparation item, held, a checklist.

Each returns a typed result through ``dismiss`` (None when the user backs out) and reads
nothing from the database: the screen that asked does the work in a worker.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, SelectionList, TextArea
from textual.widgets.button import ButtonVariant

from plc_console.domain import MeetingSourceKind
from plc_console.locale import Translator
from plc_console.services.meetings_views import MeetingConflict
from plc_console.tui.errors import describe_error
from plc_console.tui.meeting_changes import HeldDecision, SourceDecision
from plc_console.tui.screens.dialogs import AnswerDialog, Refused
from plc_console.tui.screens.help import localize_bindings

ResultT = TypeVar("ResultT")

_CANCEL = Binding("escape", "cancel", "dialog.cancel", id="cancel_dialog")
_SUBMIT = Binding("ctrl+s", "submit", "meetui.key_save", id="submit_dialog")


def clash_lines(t: Translator, conflict: MeetingConflict) -> list[str]:
    """One line a double booking: who or what, and the meeting it clashes with."""
    return [
        t(
            "meetui.clash_line",
            kind=clash.kind,
            who=clash.who,
            title=clash.title,
            when=f"{clash.starts_at:%d.%m.%Y %H:%M}–{clash.ends_at:%H:%M}",
        )
        for clash in conflict.clashes
    ]


class OverrideDialog(AnswerDialog[str]):
    """The double bookings a save would make; a note books anyway, cancel gives None."""

    def __init__(self, t: Translator, conflict: MeetingConflict) -> None:
        lines = "\n".join(f"• {line}" for line in clash_lines(t, conflict))
        prompt = f"{describe_error(conflict, t)}\n\n{lines}\n\n{t('meetui.override_prompt')}"
        super().__init__(
            t, t("meetui.override_title"), prompt, placeholder=t("meetui.override_placeholder")
        )

    def answer(self, typed: str) -> str:
        if not typed:
            raise Refused("meetui.override_required")
        return typed


class _Dialog(ModalScreen[ResultT | None], Generic[ResultT]):
    """A titled box: what :meth:`body` yields, a hint line, then OK and Cancel."""

    BINDINGS = [_CANCEL, _SUBMIT]
    OK: ClassVar[str] = "dialog.ok"
    OK_VARIANT: ClassVar[ButtonVariant] = "primary"

    def __init__(self, t: Translator, title: str, *, box_id: str | None = None) -> None:
        super().__init__(classes="dialog-screen")
        localize_bindings(self, t)
        self._t = t
        self._title = title
        self._box_id = box_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id=self._box_id) as box:
            box.border_title = self._title
            yield from self.body()
            yield Label("", id="dialog-hint", classes="dialog-hint", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(self._t(self.OK), variant=self.OK_VARIANT, id="ok")
                yield Button(self._t("dialog.cancel"), id="cancel")

    def body(self) -> ComposeResult:
        yield from ()

    def hint(self, key: str) -> None:
        self.query_one("#dialog-hint", Label).update(self._t(key))

    @on(Button.Pressed, "#ok")
    def action_submit(self) -> None:
        raise NotImplementedError

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class CancelDialog(_Dialog[str]):
    """Cancel the meeting? An optional reason; the reason ('' for none), or None to keep it."""

    OK = "meetui.cancel_ok"
    OK_VARIANT = "warning"

    def __init__(self, t: Translator, question: str) -> None:
        super().__init__(t, t("meetui.cancel_title"))
        self._question = question

    def body(self) -> ComposeResult:
        yield Label(self._question, classes="dialog-text", markup=False)
        yield Label(self._t("meetui.cancel_reason"), classes="dialog-text", markup=False)
        yield Input(placeholder=self._t("meetui.cancel_placeholder"), id="cancel-reason")

    def on_mount(self) -> None:
        self.query_one("#cancel-reason").focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def action_submit(self) -> None:
        self.dismiss(self.query_one("#cancel-reason", Input).value.strip())


class SourceDialog(_Dialog[SourceDecision]):
    """Literature, a link or a product of the methodological base, for the preparation list."""

    OK = "meetui.source_ok"

    def __init__(self, t: Translator) -> None:
        super().__init__(t, t("meetui.source_title"), box_id="source-dialog")

    def body(self) -> ComposeResult:
        t = self._t
        with RadioSet(id="source-kind"):
            for index, kind in enumerate(MeetingSourceKind):
                yield RadioButton(t.label(kind), value=index == 0, name=kind.value)
        yield Label(t("meetui.source_text"), classes="dialog-text", markup=False)
        yield Input(placeholder=t("meetui.source_text_placeholder"), id="source-text")
        yield Label(t("meetui.source_url"), classes="dialog-text", markup=False)
        yield Input(placeholder="https://…", id="source-url")

    def on_mount(self) -> None:
        self.query_one("#source-text").focus()

    @property
    def kind(self) -> MeetingSourceKind:
        pressed = self.query_one(RadioSet).pressed_button
        return (
            MeetingSourceKind(pressed.name)
            if pressed and pressed.name
            else MeetingSourceKind.LITERATURE
        )

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def action_submit(self) -> None:
        text = self.query_one("#source-text", Input).value.strip()
        url = self.query_one("#source-url", Input).value.strip() or None
        if not text:
            self.hint("meetings.invalid.source_text_required")
            self.query_one("#source-text").focus()
            return
        if self.kind is MeetingSourceKind.LINK and url is None:
            self.hint("meetings.invalid.source_url_required")
            self.query_one("#source-url").focus()
            return
        self.dismiss(SourceDecision(self.kind, text, url))


@dataclass(frozen=True)
class Attendee:
    """Someone who was to come: an expert (``expert``) or an invited person."""

    label: str
    id: int
    expert: bool


class HeldDialog(_Dialog[HeldDecision]):
    """Short minutes and who came (everyone ticked to begin with)."""

    OK = "meetui.held_ok"

    def __init__(self, t: Translator, title: str, attendees: Sequence[Attendee]) -> None:
        super().__init__(t, title, box_id="held-dialog")
        self._attendees = tuple(attendees)

    def body(self) -> ComposeResult:
        t = self._t
        yield Label(t("meetui.held_minutes"), classes="dialog-text", markup=False)
        yield TextArea(id="held-minutes")
        yield Label(t("meetui.held_attendance"), classes="dialog-text", markup=False)
        people: SelectionList[str] = SelectionList(
            *((a.label, f"{'e' if a.expert else 'p'}{a.id}", True) for a in self._attendees),
            id="held-attendance",
        )
        yield people
        yield Label(t("meetui.held_keys"), classes="dialog-text", markup=False)

    def on_mount(self) -> None:
        self.query_one("#held-minutes").focus()

    @on(Button.Pressed, "#ok")
    def action_submit(self) -> None:
        minutes = self.query_one("#held-minutes", TextArea).text.strip()
        if not minutes:
            self.hint("meetui.held_minutes_required")
            self.query_one("#held-minutes").focus()
            return
        came = set(self.query_one("#held-attendance", SelectionList).selected)
        experts = tuple(a.id for a in self._attendees if a.expert and f"e{a.id}" in came)
        people = tuple(a.id for a in self._attendees if not a.expert and f"p{a.id}" in came)
        self.dismiss(HeldDecision(minutes, experts, people))


class ChecklistDialog(_Dialog[tuple[int, ...]]):
    """Tick some of a list (space ticks); the ticked values, or None when cancelled."""

    def __init__(
        self, t: Translator, title: str, prompt: str, items: Sequence[tuple[str, int, bool]]
    ) -> None:
        super().__init__(t, title, box_id="checklist-dialog")
        self._prompt = prompt
        self._items = tuple(items)

    def body(self) -> ComposeResult:
        yield Label(self._prompt, classes="dialog-text", markup=False)
        yield SelectionList[int](*self._items, id="checklist")

    def on_mount(self) -> None:
        self.query_one("#checklist").focus()

    @on(Button.Pressed, "#ok")
    def action_submit(self) -> None:
        self.dismiss(tuple(self.query_one("#checklist", SelectionList).selected))
