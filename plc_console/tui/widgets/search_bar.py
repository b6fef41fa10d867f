"""The board's search line: every keystroke narrows the board, escape clears it.

The board reads the text from :class:`SearchBar.Changed` and folds it the same way the
stored search text is folded (case, ё), so the widget only carries what was typed.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Label

from plc_console.locale import Translator
from plc_console.tui.screens.help import localize_bindings


class SearchBar(Horizontal):
    """A label and an input; hidden until ``/`` asks for it, kept while it holds text."""

    BINDINGS = [
        Binding("escape", "clear", "search.key_clear", tooltip="search.help_clear", id="clear"),
        Binding("enter,down", "done", "search.key_done", tooltip="search.help_done", id="done"),
    ]

    @dataclass
    class Changed(Message):
        """The search text changed (on every keystroke)."""

        text: str

    @dataclass
    class Done(Message):
        """The coordinator left the search line: back to the cards."""

    def __init__(self, t: Translator) -> None:
        super().__init__(id="search-bar")
        localize_bindings(self, t)
        self._t = t

    def compose(self) -> ComposeResult:
        yield Label(self._t("search.label"), id="search-label", markup=False)
        yield Input(placeholder=self._t("search.placeholder"), id="search", select_on_focus=False)

    @property
    def text(self) -> str:
        return self.query_one(Input).value

    def open(self) -> None:
        """Show the line and put the cursor in it."""
        self.display = True
        self.query_one(Input).focus()

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(event.value))

    @on(Input.Submitted)
    def action_done(self) -> None:
        """Keep the search and go back to the cards (the line stays while it holds text)."""
        self.display = bool(self.text)
        self.post_message(self.Done())

    def action_clear(self) -> None:
        """Forget the search: the whole board comes back."""
        self.query_one(Input).value = ""  # posts Changed("")
        self.display = False
        self.post_message(self.Done())
