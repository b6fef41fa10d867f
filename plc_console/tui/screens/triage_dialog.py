"""The triage editor: a request's difficulty category and its topics.

Returns a :class:`TriageDecision` through ``dismiss`` (None when cancelled) and reads
nothing from the database: the request screen hands it the topics and saves the result
in a worker.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Select, SelectionList
from textual.widgets.selection_list import Selection

from plc_console.domain import Category
from plc_console.locale import Translator
from plc_console.services.views import TopicView
from plc_console.tui.screens.help import localize_bindings


@dataclass(frozen=True)
class TriageDecision:
    """The category (None: not decided yet) and the topics' keys, in list order."""

    category: Category | None
    topic_keys: tuple[str, ...]


class TriageDialog(ModalScreen[TriageDecision | None]):
    """A category Select and a topics SelectionList (space ticks a topic)."""

    BINDINGS = [
        Binding("escape", "cancel", "dialog.cancel", id="cancel_dialog"),
        Binding("ctrl+s", "save", "request.save", id="save_triage"),
    ]

    def __init__(
        self,
        t: Translator,
        number: str,
        category: Category | None,
        topic_keys: Sequence[str],
        topics: Sequence[TopicView],
    ) -> None:
        """``topics`` are those offered: the active ones and any the request already has."""
        super().__init__(classes="dialog-screen")
        localize_bindings(self, t)
        self._t = t
        self._number = number
        self._category = category
        self._chosen = set(topic_keys)
        self._topics = tuple(topics)

    def compose(self) -> ComposeResult:
        t = self._t
        with Vertical(classes="dialog", id="triage-dialog") as box:
            box.border_title = t("request.triage_title", number=self._number)
            yield Label(t("request.category_prompt"), classes="dialog-text", markup=False)
            yield Select[Category](
                [(t.label(category), category) for category in Category],
                prompt=t("request.no_category"),
                value=self._category if self._category is not None else Select.NULL,
                id="triage-category",
            )
            yield Label(t("request.topics_prompt"), classes="dialog-text", markup=False)
            yield SelectionList[str](
                *(
                    Selection(topic.name(t.lang), topic.key, topic.key in self._chosen)
                    for topic in self._topics
                ),
                id="triage-topics",
            )
            yield Label(t("request.triage_hint"), classes="dialog-hint", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("request.save"), variant="primary", id="ok")
                yield Button(t("dialog.cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#triage-category", Select).focus()

    @property
    def decision(self) -> TriageDecision:
        """What the dialog holds now: the category, and the ticked topics in list order."""
        value = self.query_one("#triage-category", Select).value
        ticked = set(self.query_one("#triage-topics", SelectionList).selected)
        keys = tuple(topic.key for topic in self._topics if topic.key in ticked)
        return TriageDecision(value if isinstance(value, Category) else None, keys)

    @on(Button.Pressed, "#ok")
    def action_save(self) -> None:
        self.dismiss(self.decision)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
