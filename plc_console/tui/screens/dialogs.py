"""Small modal questions the board asks before it changes anything.

Each returns a typed result through ``dismiss`` (None when the user cancels) and reads
nothing from the database: the screen that asked does the work in a worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet

from plc_console.domain import CloseReason
from plc_console.locale import Translator
from plc_console.tui.screens.help import localize_bindings

AnswerT = TypeVar("AnswerT")

_CANCEL = Binding("escape,q", "cancel", "dialog.cancel", id="cancel_dialog")


class Refused(ValueError):
    """What was typed cannot be the answer; ``key`` is the hint shown under the input."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class AnswerDialog(ModalScreen[AnswerT | None]):
    """A prompt, one input, a hint line for what is wrong, OK and Cancel.

    Subclasses say what the typed text means in :meth:`answer` (raising
    :class:`Refused` for text that cannot be the answer); cancel gives None.
    """

    BINDINGS = [_CANCEL]

    def __init__(
        self,
        t: Translator,
        title: str,
        prompt: str,
        *,
        value: str = "",
        placeholder: str = "",
        numbers_only: bool = False,
    ) -> None:
        super().__init__(classes="dialog-screen")
        localize_bindings(self, t)
        self._t = t
        self._title = title
        self._prompt = prompt
        self._input = Input(
            value,
            placeholder=placeholder,
            id="answer",
            type="integer" if numbers_only else "text",
        )

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = self._title
            yield Label(self._prompt, classes="dialog-text", markup=False)
            yield self._input
            yield Label("", id="answer-hint", classes="dialog-hint", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(self._t("dialog.ok"), variant="primary", id="ok")
                yield Button(self._t("dialog.cancel"), id="cancel")

    def answer(self, typed: str) -> AnswerT:
        raise NotImplementedError

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def _submit(self) -> None:
        try:
            result = self.answer(self._input.value.strip())
        except Refused as refused:
            self.query_one("#answer-hint", Label).update(self._t(refused.key))
            self._input.focus()
            return
        self.dismiss(result)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class NoteDialog(AnswerDialog[str]):
    """Asks why (a move back needs a note); the note, or None when cancelled."""

    def __init__(self, t: Translator, title: str, prompt: str) -> None:
        super().__init__(t, title, prompt, placeholder=t("dialog.note_placeholder"))

    def answer(self, typed: str) -> str:
        if not typed:
            raise Refused("dialog.note_required")
        return typed


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question; True only for yes."""

    BINDINGS = [
        _CANCEL,
        Binding("y", "answer(True)", "dialog.yes", id="confirm_yes", show=False),
        Binding("n", "answer(False)", "dialog.no", id="confirm_no", show=False),
    ]

    def __init__(self, t: Translator, title: str, question: str) -> None:
        super().__init__(classes="dialog-screen")
        localize_bindings(self, t)
        self._t = t
        self._title = title
        self._question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = self._title
            yield Label(self._question, classes="dialog-text", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(self._t("dialog.yes"), variant="warning", id="yes")
                yield Button(self._t("dialog.no"), variant="primary", id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()  # the safe answer is the default

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    def action_cancel(self) -> None:
        self.dismiss(False)


@dataclass(frozen=True)
class CloseDecision:
    """Why a request is closed early; ``kept`` is the typed number of the kept request."""

    reason: CloseReason
    kept: str | None = None
    note: str | None = None


class CloseDialog(ModalScreen[CloseDecision | None]):
    """Reason (duplicate / out of scope / withdrawn), the kept request, an optional note."""

    BINDINGS = [_CANCEL]

    def __init__(self, t: Translator, number: str) -> None:
        super().__init__(classes="dialog-screen")
        localize_bindings(self, t)
        self._t = t
        self._number = number

    def compose(self) -> ComposeResult:
        t = self._t
        with Vertical(classes="dialog") as box:
            box.border_title = t("dialog.close_title", number=self._number)
            yield Label(t("dialog.close_reason"), classes="dialog-text", markup=False)
            with RadioSet(id="reason"):
                for index, reason in enumerate(CloseReason):
                    yield RadioButton(t.label(reason), value=index == 0, name=reason.value)
            yield Label(t("dialog.kept_label"), classes="dialog-text", markup=False)
            yield Input(placeholder=t("dialog.kept_placeholder"), id="kept")
            yield Label(t("dialog.note_optional"), classes="dialog-text", markup=False)
            yield Input(placeholder=t("dialog.note_placeholder"), id="close-note")
            yield Label("", id="close-hint", classes="dialog-hint", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("dialog.close_ok"), variant="warning", id="ok")
                yield Button(t("dialog.cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one(RadioSet).focus()

    @property
    def reason(self) -> CloseReason:
        pressed = self.query_one(RadioSet).pressed_button
        return CloseReason(pressed.name) if pressed and pressed.name else CloseReason.DUPLICATE

    @on(RadioSet.Changed)
    def _reason_changed(self) -> None:
        self.query_one("#kept", Input).disabled = self.reason is not CloseReason.DUPLICATE

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def _submit(self) -> None:
        reason = self.reason
        kept = self.query_one("#kept", Input).value.strip() or None
        note = self.query_one("#close-note", Input).value.strip() or None
        if reason is CloseReason.DUPLICATE and kept is None:
            self.query_one("#close-hint", Label).update(self._t("dialog.kept_required"))
            self.query_one("#kept", Input).focus()
            return
        kept = kept if reason is CloseReason.DUPLICATE else None
        self.dismiss(CloseDecision(reason, kept, note))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class LimitChoice:
    """A column's new WIP limit; ``limit`` None removes it."""

    limit: int | None


class LimitDialog(AnswerDialog[LimitChoice]):
    """A whole number of cards, or empty for no limit; None when cancelled."""

    def __init__(self, t: Translator, title: str, current: int | None) -> None:
        super().__init__(
            t,
            title,
            t("dialog.limit_prompt"),
            value="" if current is None else str(current),
            placeholder=t("dialog.limit_none"),
            numbers_only=True,
        )

    def answer(self, typed: str) -> LimitChoice:
        if not typed:
            return LimitChoice(None)
        if typed.isdigit() and int(typed) >= 1:
            return LimitChoice(int(typed))
        raise Refused("dialog.limit_invalid")
