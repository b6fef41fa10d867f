"""The expert registry as a table: one row an expert, inactive ones greyed.

Columns share the width they are given: the name, the availability, the load and the
active mark take what they need (up to a cap); organisation, subjects and competences
share the rest, and a long cell wraps onto more lines instead of being cut off.
Nothing here reads the database: the screen hands in the experts and the topics.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.events import Resize
from textual.widgets import DataTable
from textual.widgets.data_table import RowDoesNotExist

from plc_console.locale import Translator
from plc_console.services.views import ExpertView, TopicView
from plc_console.tui.widgets.request_view import NO_VALUE

#: Column keys, left to right; each header is ``expertsui.col_<key>``.
COLUMNS = ("name", "organization", "subjects", "competences", "load", "availability", "active")
#: Widest a column gets before its cells wrap (competences take whatever is left).
CAPS = {"name": 28, "organization": 36, "subjects": 22, "availability": 24}
#: The shared columns never get narrower than this or their header (the table scrolls
#: sideways instead).
MIN_SHARED_WIDTH = 12
_SHARED = ("organization", "subjects", "competences")


class ExpertTable(DataTable[Text]):
    """Experts by name; the cursor stays on the same expert when the rows are replaced."""

    COMPONENT_CLASSES = DataTable.COMPONENT_CLASSES | {"expert-table--inactive"}

    def __init__(self, t: Translator, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._t = t
        self._experts: tuple[ExpertView, ...] = ()
        self._topic_names: dict[str, str] = {}
        self._built_for_width = -1

    @property
    def experts(self) -> tuple[ExpertView, ...]:
        """The experts shown, top to bottom."""
        return self._experts

    @property
    def current(self) -> ExpertView | None:
        """The expert under the cursor (None when the table is empty)."""
        if not self._experts:
            return None
        return self._experts[min(max(self.cursor_row, 0), len(self._experts) - 1)]

    def show(
        self,
        experts: Sequence[ExpertView],
        topics: Sequence[TopicView],
        *,
        select: int | None = None,
    ) -> None:
        """Replace the rows; the cursor goes to expert ``select`` when shown, else stays on
        its expert (or on its row, when that expert is gone)."""
        current, row = self.current, self.cursor_row
        shown = {expert.id for expert in experts}
        keep = next((i for i in (select, current.id if current else None) if i in shown), None)
        self._experts = tuple(experts)
        self._topic_names = {topic.key: topic.name(self._t.lang) for topic in topics}
        self._rebuild(keep, row)

    @property
    def inactive_style(self) -> Style:
        """How an inactive expert's cells are drawn: the colour and text style only (the
        row's background stays, so the cursor and the stripes show on them too)."""
        # The theme's muted colours are translucent: the full style has them blended.
        full = self.get_component_rich_style("expert-table--inactive")
        return Style(color=full.color, italic=full.italic, dim=full.dim)

    def row_of(self, expert_id: int) -> int | None:
        """Where the expert is in the table, or None when not shown."""
        try:
            return self.get_row_index(str(expert_id))
        except RowDoesNotExist:
            return None

    def texts(self, expert: ExpertView) -> dict[str, str]:
        """What each column shows for ``expert``, by column key."""
        t = self._t
        competences = ", ".join(self._topic_names.get(key, key) for key in expert.topic_keys)
        values = {
            "name": expert.full_name,
            "organization": expert.organization,
            "subjects": expert.subjects,
            "competences": competences,
            "load": t("expertsui.table.load", open=expert.open_load, limit=expert.load_limit),
            "availability": expert.availability,
            "active": t("expertsui.active_yes" if expert.active else "expertsui.active_no"),
        }
        return {key: value or NO_VALUE for key, value in values.items()}

    def on_resize(self, event: Resize) -> None:
        if self._content_width() != self._built_for_width:
            current = self.current
            self._rebuild(current.id if current else None, self.cursor_row)

    def _content_width(self) -> int:
        return self.size.width - self.styles.scrollbar_size_vertical

    def _rebuild(self, keep: int | None, row: int) -> None:
        """Columns and rows anew; the cursor on expert ``keep``, else on ``row``."""
        self._built_for_width = self._content_width()
        self.clear(columns=True)
        rows = [self.texts(expert) for expert in self._experts]
        for key, width in self._widths(rows).items():
            self.add_column(Text(self._t(f"expertsui.col_{key}")), width=width, key=key)
        inactive = self.inactive_style
        for expert, texts in zip(self._experts, rows, strict=True):
            style = inactive if not expert.active else Style()
            cells = [Text(texts[key], style=style) for key in COLUMNS]
            self.add_row(*cells, height=None, key=str(expert.id))
        if keep is not None:
            row = self.row_of(keep) or 0
        if self._experts:
            self.move_cursor(row=min(max(row, 0), len(self._experts) - 1), animate=False)

    def _widths(self, rows: Sequence[dict[str, str]]) -> dict[str, int]:
        """Each column's width: what it needs, up to its cap; the shared ones fill the rest."""
        width, floor = {}, {}
        for key in COLUMNS:
            header = cell_len(self._t(f"expertsui.col_{key}"))
            widest = max((cell_len(row[key]) for row in rows), default=0)
            width[key] = max(header, min(widest, CAPS.get(key, widest)))
            floor[key] = min(width[key], max(header, MIN_SHARED_WIDTH))
        padding = 2 * self.cell_padding * (len(COLUMNS) + 1)
        spare = self._built_for_width - padding - sum(width.values())
        if spare >= 0:
            width["competences"] += spare
            return width
        # Too wide: take a cell at a time from the widest shared column, down to the minimum.
        while spare < 0:
            key = max(_SHARED, key=lambda k: width[k] - floor[k])
            if width[key] <= floor[key]:
                break
            width[key] -= 1
            spare += 1
        return width
