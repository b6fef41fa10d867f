"""The balanced proposal as a table: one line per proposed pair::

    З-2026-00001  Не удаётся удержать внимание 5 «Б»…  Соколова Татьяна  ████████░░  82

Request number, the problem's first line, the expert, and how well they match. One
:class:`~textual.widgets.OptionList` option per pair (fast with hundreds of them); the
columns fit the width and are laid out again when it changes, the heading (a
:class:`~textual.widgets.Static` given to the list) following them. Nothing here reads
the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from textual.content import Content
from textual.events import Resize
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from plc_console.locale import Translator
from plc_console.services.assignments import ProposedPair
from plc_console.tui.widgets.card_render import fit
from plc_console.tui.widgets.expert_list import BAR_WIDTH, Lines, score_parts

_GAP = 2
_MAX_EXPERT = 30
_MIN_PROBLEM = 12
#: Below this the expert's column gives up cells for the problem's.
_ROOMY_PROBLEM = 30
_MIN_EXPERT = 16
_FALLBACK_WIDTH = 100


def first_line(text: str) -> str:
    stripped = text.strip()
    return stripped.splitlines()[0] if stripped else ""


@dataclass(frozen=True)
class PairColumns:
    number: int
    problem: int
    expert: int
    score: int


def pair_layout(t: Translator, pairs: Sequence[ProposedPair], width: int) -> PairColumns:
    """Number, expert and score at their width; the problem takes what is left."""
    number = max([cell_len(t("matchui.proposal.col_number"))] + [cell_len(p.number) for p in pairs])
    expert = max(
        [cell_len(t("matchui.proposal.col_expert"))] + [cell_len(p.expert_name) for p in pairs]
    )
    expert = min(expert, _MAX_EXPERT)
    score = max(BAR_WIDTH + 4, cell_len(t("matchui.col_score")))
    left = width - number - score - 3 * _GAP
    if left - expert < _ROOMY_PROBLEM:
        expert = max(min(expert, _MIN_EXPERT), left - _ROOMY_PROBLEM)
    problem = max(_MIN_PROBLEM, left - expert)
    return PairColumns(number, problem, expert, score)


def pair_heading(t: Translator, columns: PairColumns) -> Content:
    gap = " " * _GAP
    return Content(
        gap.join(
            (
                fit(t("matchui.proposal.col_number"), columns.number),
                fit(t("matchui.proposal.col_problem"), columns.problem),
                fit(t("matchui.proposal.col_expert"), columns.expert),
                fit(t("matchui.col_score"), columns.score),
            )
        ).rstrip()
    )


def pair_prompt(pair: ProposedPair, columns: PairColumns) -> Lines:
    """One pair on one line, in the columns of :func:`pair_heading`."""
    gap = " " * _GAP
    line = Content.assemble(
        (fit(pair.number, columns.number), "bold"),
        gap,
        fit(first_line(pair.problem), columns.problem),
        gap,
        (fit(pair.expert_name, columns.expert), "$text-success"),
        gap,
        *score_parts(pair.score),
    )
    return Lines.of([line])


class PairList(OptionList):
    """The proposed pairs; the highlighted one is :attr:`current`."""

    def __init__(self, t: Translator, heading: Static, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self._t = t
        self._heading = heading
        self._pairs: tuple[ProposedPair, ...] = ()
        self._built_for_width = -1

    @property
    def current(self) -> ProposedPair | None:
        index = self.highlighted
        if index is None or not 0 <= index < len(self._pairs):
            return None
        return self._pairs[index]

    def show(self, pairs: Sequence[ProposedPair]) -> None:
        self._pairs = tuple(pairs)
        self._rebuild(0)

    def on_resize(self, event: Resize) -> None:
        if self._content_width() != self._built_for_width:
            self._rebuild(self.highlighted)

    def _content_width(self) -> int:
        width = self.scrollable_content_region.width
        return width if width > 0 else _FALLBACK_WIDTH

    def _rebuild(self, position: int | None) -> None:
        width = self._built_for_width = self._content_width()
        columns = pair_layout(self._t, self._pairs, width)
        self._heading.update(pair_heading(self._t, columns))
        self.set_options(Option(pair_prompt(pair, columns)) for pair in self._pairs)
        if self._pairs:
            self.highlighted = min(max(position or 0, 0), len(self._pairs) - 1)
