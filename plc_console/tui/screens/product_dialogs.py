"""Modal questions about products: pick a reviewer, answer a request with a product, and
record the requester's feedback.

Each returns a typed result through ``dismiss`` (None when cancelled) and reads nothing
from the database: the screen that asked hands in what to choose from and does the work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, RadioButton, RadioSet
from textual.widgets.option_list import Option

from plc_console.domain import FeedbackUsable, fold_for_search
from plc_console.locale import Translator
from plc_console.services.products_views import SimilarProduct
from plc_console.services.views import ExpertView
from plc_console.tui.screens.help import localize_bindings
from plc_console.tui.widgets.form_field import format_day, parse_day

_CANCEL = Binding("escape", "cancel", "dialog.cancel", id="cancel_dialog")


class ExpertPickDialog(ModalScreen[ExpertView | None]):
    """Active experts narrowed as a name is typed; enter picks the highlighted one."""

    BINDINGS = [_CANCEL]

    def __init__(self, t: Translator, title: str, experts: Sequence[ExpertView]) -> None:
        super().__init__(classes="dialog-screen")
        localize_bindings(self, t)
        self._t = t
        self._title = title
        self._experts = tuple(expert for expert in experts if expert.active)
        self._shown: tuple[ExpertView, ...] = ()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog product-dialog") as box:
            box.border_title = self._title
            yield Input(placeholder=self._t("reviewui.expert_placeholder"), id="pick-search")
            yield OptionList(id="pick-list")

    def on_mount(self) -> None:
        self._narrow("")

    @on(Input.Changed, "#pick-search")
    def _typed(self, event: Input.Changed) -> None:
        self._narrow(event.value)

    def _narrow(self, typed: str) -> None:
        words = fold_for_search(typed).split()
        self._shown = tuple(
            expert
            for expert in self._experts
            if all(word in fold_for_search(expert.full_name) for word in words)
        )
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(
            Option(f"{expert.full_name} · {expert.organization or '—'}") for expert in self._shown
        )
        if self._shown:
            options.highlighted = 0

    @on(Input.Submitted, "#pick-search")
    def _submitted(self) -> None:
        self._pick(self.query_one(OptionList).highlighted)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._pick(event.option_index)

    def _pick(self, index: int | None) -> None:
        if index is None or not 0 <= index < len(self._shown):
            self.app.bell()
            return
        self.dismiss(self._shown[index])

    def key_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def key_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)


class ProductPickDialog(ModalScreen[SimilarProduct | None]):
    """ "Answer request N with this product?": the similar products, enter answers."""

    BINDINGS = [_CANCEL]

    def __init__(self, t: Translator, number: str, products: Sequence[SimilarProduct]) -> None:
        super().__init__(classes="dialog-screen")
        localize_bindings(self, t)
        self._t = t
        self._number = number
        self._products = tuple(products)

    def compose(self) -> ComposeResult:
        t = self._t
        with Vertical(classes="dialog product-dialog") as box:
            box.border_title = t("feedbackui.answer_title", number=self._number)
            yield Label(t("feedbackui.answer_question"), classes="dialog-text", markup=False)
            yield OptionList(
                *(Option(f"{p.product.title} · {t.label(p.product.kind)}") for p in self._products),
                id="answer-list",
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self._products[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class FeedbackDecision:
    """What the requester said: when they were reached, usable or not, how useful, why."""

    contacted_on: date
    usable: FeedbackUsable
    usefulness: int
    comment: str | None


class FeedbackDialog(ModalScreen[FeedbackDecision | None]):
    """Contacted on, usable (yes / partly / no), usefulness 1–5 and a comment; partly or
    no need the comment (what was not understood or not usable)."""

    BINDINGS = [_CANCEL]

    def __init__(self, t: Translator, number: str, today: date) -> None:
        super().__init__(classes="dialog-screen")
        localize_bindings(self, t)
        self._t = t
        self._number = number
        self._today = today

    def compose(self) -> ComposeResult:
        t = self._t
        with Vertical(classes="dialog product-dialog") as box:
            box.border_title = t("feedbackui.title", number=self._number)
            yield Label(t("feedbackui.contacted_on"), classes="dialog-text", markup=False)
            yield Input(format_day(self._today, t.lang), id="fb-contacted")
            yield Label(t("feedbackui.usable"), classes="dialog-text", markup=False)
            with RadioSet(id="fb-usable"):
                for index, usable in enumerate(FeedbackUsable):
                    yield RadioButton(t.label(usable), value=index == 0, name=usable.value)
            yield Label(t("feedbackui.usefulness"), classes="dialog-text", markup=False)
            yield Input("5", id="fb-usefulness", type="integer", max_length=1)
            yield Label(t("feedbackui.comment"), classes="dialog-text", markup=False)
            yield Input(placeholder=t("feedbackui.comment_placeholder"), id="fb-comment")
            yield Label("", id="fb-hint", classes="dialog-hint", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("feedbackui.save"), variant="primary", id="ok")
                yield Button(t("dialog.cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one(RadioSet).focus()

    @property
    def usable(self) -> FeedbackUsable:
        pressed = self.query_one(RadioSet).pressed_button
        return FeedbackUsable(pressed.name) if pressed and pressed.name else FeedbackUsable.YES

    def _refuse(self, key: str, field: str) -> None:
        self.query_one("#fb-hint", Label).update(self._t(key))
        self.query_one(field, Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def _submit(self) -> None:
        try:
            contacted = parse_day(self.query_one("#fb-contacted", Input).value)
        except ValueError:
            self._refuse("feedbackui.bad_date", "#fb-contacted")
            return
        typed = self.query_one("#fb-usefulness", Input).value.strip()
        if not typed.isdigit() or not 1 <= int(typed) <= 5:
            self._refuse("feedbackui.bad_usefulness", "#fb-usefulness")
            return
        comment = self.query_one("#fb-comment", Input).value.strip() or None
        usable = self.usable
        if usable is not FeedbackUsable.YES and comment is None:
            self._refuse("feedbackui.reason_required", "#fb-comment")
            return
        self.dismiss(FeedbackDecision(contacted, usable, int(typed), comment))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
