"""The board's filters: a side panel of lists, applied on every toggle.

The panel holds no data of its own beyond the choices: topics and experts come from the
screen (read in a worker), and every change posts the whole filter, so the board only
ever sets one value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Checkbox, Label, SelectionList

from plc_console.domain import Category, Channel, Role, Zone
from plc_console.locale import Translator
from plc_console.services.board import BoardFilter
from plc_console.services.views import ExpertView, TopicView
from plc_console.tui.screens.help import localize_bindings

#: Each list of the panel: its id, and the filter field its selection fills.
_ENUM_LISTS: tuple[tuple[str, type[StrEnum]], ...] = (
    ("categories", Category),
    ("roles", Role),
    ("zones", Zone),
    ("channels", Channel),
)


class FilterPanel(VerticalScroll):
    """Category, role, zone, channel, young teachers, topic and expert, each a list."""

    BINDINGS = [
        Binding("escape", "done", "filters.key_done", tooltip="filters.help_done", id="done"),
        Binding(
            "delete,backspace",
            "clear",
            "filters.key_clear",
            tooltip="filters.help_clear",
            id="clear",
        ),
    ]

    @dataclass
    class Changed(Message):
        """The filter the coordinator has set now (the search text is not the panel's)."""

        flt: BoardFilter

    @dataclass
    class Done(Message):
        """Back to the cards; the filter stays."""

    def __init__(self, t: Translator) -> None:
        super().__init__(id="filter-panel")
        localize_bindings(self, t)
        self._t = t
        self._quiet = False
        #: Names of the topics and experts offered, for :meth:`describe`.
        self._topic_names: dict[str, str] = {}
        self._expert_names: dict[int, str] = {}

    def compose(self) -> ComposeResult:
        for name, enum in _ENUM_LISTS:
            yield Label(self._t(f"filters.{name}"), classes="filter-title", markup=False)
            yield SelectionList[str](
                *((self._t.label(member), member.value) for member in enum),
                id=f"filter-{name}",
            )
        yield Checkbox(self._t("filters.young"), id="filter-young")
        yield Label(self._t("filters.topics"), classes="filter-title", markup=False)
        yield SelectionList[str](id="filter-topics")
        yield Label(self._t("filters.experts"), classes="filter-title", markup=False)
        yield SelectionList[int](id="filter-experts")

    def on_mount(self) -> None:
        self.border_title = self._t("filters.title")
        first: dict[str, Binding] = {}
        for _key, binding in self._bindings:
            if binding.id:
                first.setdefault(binding.id, binding)  # one key per action: the first
        self.border_subtitle = "  ".join(
            f"{self.app.get_key_display(b)} {b.description}" for b in first.values()
        )

    def set_choices(self, topics: Sequence[TopicView], experts: Sequence[ExpertView]) -> None:
        """Fill the topic and expert lists (read by the screen), keeping what was chosen."""
        self._topic_names = {t.key: t.name(self._t.lang) for t in topics}
        self._expert_names = {e.id: e.full_name for e in experts}
        self._quiet = True
        try:
            topic_list = self.query_one("#filter-topics", SelectionList)
            chosen_topics = set(topic_list.selected)
            topic_list.clear_options()
            topic_list.add_options(
                [(t.name(self._t.lang), t.key, t.key in chosen_topics) for t in topics]
            )
            expert_list = self.query_one("#filter-experts", SelectionList)
            chosen_experts = set(expert_list.selected)
            expert_list.clear_options()
            expert_list.add_options(
                [(e.full_name, e.id, e.id in chosen_experts) for e in experts if e.active]
            )
        finally:
            self._quiet = False

    def open(self) -> None:
        self.display = True
        self.query_one("#filter-categories", SelectionList).focus()

    @property
    def value(self) -> BoardFilter:
        """The filter the lists describe now."""

        def chosen(name: str) -> list[str]:
            return list(self.query_one(f"#filter-{name}", SelectionList).selected)

        experts = self.query_one("#filter-experts", SelectionList).selected
        return BoardFilter(
            categories=frozenset(Category(v) for v in chosen("categories")),
            roles=frozenset(Role(v) for v in chosen("roles")),
            zones=frozenset(Zone(v) for v in chosen("zones")),
            channels=frozenset(Channel(v) for v in chosen("channels")),
            topic_keys=frozenset(chosen("topics")),
            expert_ids=frozenset(int(e) for e in experts),
            young_teachers_only=self.query_one("#filter-young", Checkbox).value,
        )

    def show(self, flt: BoardFilter) -> None:
        """Tick what ``flt`` asks for (e.g. after the palette cleared the filters)."""
        self._quiet = True
        try:
            wanted: dict[str, set[object]] = {
                "categories": {c.value for c in flt.categories},
                "roles": {r.value for r in flt.roles},
                "zones": {z.value for z in flt.zones},
                "channels": {c.value for c in flt.channels},
                "topics": set(flt.topic_keys),
                "experts": set(flt.expert_ids),
            }
            for name, values in wanted.items():
                selection = self.query_one(f"#filter-{name}", SelectionList)
                selection.deselect_all()
                for value in values:
                    selection.select(value)
            self.query_one("#filter-young", Checkbox).value = flt.young_teachers_only
        finally:
            self._quiet = False

    @on(SelectionList.SelectedChanged)
    @on(Checkbox.Changed)
    def _changed(self, event: Message) -> None:
        event.stop()
        if not self._quiet:
            self.post_message(self.Changed(self.value))

    def describe(self, flt: BoardFilter) -> str:
        """The filter line for ``flt``, naming topics and experts as the panel offers them."""
        return describe_filter(flt, self._t, self._topic_names, self._expert_names)

    def action_done(self) -> None:
        self.post_message(self.Done())

    def action_clear(self) -> None:
        """Untick everything: every card comes back (the search stays)."""
        self.show(BoardFilter())
        self.post_message(self.Changed(self.value))


def describe_filter(
    flt: BoardFilter,
    t: Translator,
    topic_names: dict[str, str],
    expert_names: dict[int, str],
) -> str:
    """One line saying what the filters narrow the board to, or "" for none.

    The search is not repeated: the search line above shows it while it holds text.
    """
    parts: list[str] = []
    for name, values in (
        ("categories", flt.categories),
        ("roles", flt.roles),
        ("zones", flt.zones),
        ("channels", flt.channels),
    ):
        if values:
            shown = ", ".join(sorted(t.label(v) for v in values))
            parts.append(f"{t(f'filters.{name}')}: {shown}")
    if flt.young_teachers_only:
        parts.append(t("filters.young"))
    if flt.topic_keys:
        shown = ", ".join(sorted(topic_names.get(k, k) for k in flt.topic_keys))
        parts.append(f"{t('filters.topics')}: {shown}")
    if flt.expert_ids:
        shown = ", ".join(sorted(expert_names.get(i, f"#{i}") for i in flt.expert_ids))
        parts.append(f"{t('filters.experts')}: {shown}")
    return " · ".join(parts)
