"""What the keys do, in the user's language: translated bindings and the help window.

Bindings are declared as class attributes, before any language is known, so their
``description`` and ``tooltip`` hold catalog keys; :func:`localize_bindings` turns them
into text when a screen (or the app) is created. Only bindings with an ``id`` are ours
and translated; the same ids let users remap keys with a keymap.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol, runtime_checkable

from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap
from textual.containers import Grid, VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Label

from plc_console.locale import Translator


@dataclass(frozen=True)
class KeyHelp:
    """One line of the help window: the keys as shown, and what they do."""

    keys: str
    description: str


@runtime_checkable
class DescribesNavigation(Protocol):
    """A screen that explains the keys its widgets handle (arrows, tab…), not bindings."""

    def navigation_help(self) -> Sequence[KeyHelp]: ...


def localize_bindings(node: DOMNode, t: Translator) -> None:
    """Translate the descriptions and tooltips of ``node``'s own bindings (those with an id)."""
    # Textual keeps a per-instance copy of the class bindings; replacing it is the only
    # way to give a binding a description that depends on the chosen language.
    node._bindings = BindingsMap(
        _translated(binding, t) if binding.id else binding for _key, binding in node._bindings
    )


def _translated(binding: Binding, t: Translator) -> Binding:
    return replace(
        binding,
        description=t(binding.description) if binding.description else "",
        tooltip=t(binding.tooltip) if binding.tooltip else "",
    )


def key_help(screen: Screen[object]) -> list[KeyHelp]:
    """Every key that works on ``screen`` now: its navigation, then our bindings as mapped."""
    lines = list(screen.navigation_help()) if isinstance(screen, DescribesNavigation) else []
    by_action: dict[str, list[Binding]] = {}
    for active in screen.active_bindings.values():
        if active.binding.id is not None:
            by_action.setdefault(active.binding.action, []).append(active.binding)
    for bindings in by_action.values():
        first = bindings[0]
        lines.append(KeyHelp(_keys(screen, bindings), first.tooltip or first.description))
    return lines


def _keys(node: DOMNode, bindings: Iterable[Binding]) -> str:
    return "  ".join(node.app.get_key_display(binding) for binding in bindings)


class HelpScreen(ModalScreen[None]):
    """The keys of the screen underneath, one per line; escape, q or ? closes it."""

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "key.close", id="close_help", show=False),
    ]

    def __init__(self, lines: Sequence[KeyHelp], t: Translator) -> None:
        super().__init__()
        localize_bindings(self, t)
        self._lines = tuple(lines)
        self._t = t

    def compose(self) -> ComposeResult:
        # Scrolls when a screen has more keys than the terminal has lines (arrows, PgUp/PgDn).
        with VerticalScroll(id="help-box") as box:
            box.border_title = self._t("help.title")
            close = [binding for _key, binding in self._bindings if binding.id == "close_help"]
            box.border_subtitle = f"{_keys(self, close)}: {self._t('help.close')}"
            with Grid(id="help-keys"):
                for line in self._lines:
                    yield Label(line.keys, classes="help-key", markup=False)
                    yield Label(line.description, classes="help-text", markup=False)
