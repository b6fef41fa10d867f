"""The matching panel's list of experts, best first, each on two lines (or more)::

    ✓ Соколова Татьяна   Гимназия № 5     ████████░░  82   1 / 3
        общие темы: 1 из 1 (мотивация обучающихся) · заявок в работе: 1 из 3 · …

The first line has the columns: a mark (✓ assigned, ✕ cannot be picked), the name, the
organisation, the score as a bar and a number, and the load against the limit; the
second says in words why the expert ranks where they do (or why they cannot be picked),
wrapping onto more lines when it must. One :class:`~textual.widgets.OptionList` option
per expert, each knowing its height without being drawn (:class:`Lines`), keeps a
list of thousands fast: only the experts on screen are ever drawn.

The columns fit the list's width and are laid out again when it changes; the heading
above the list (a :class:`~textual.widgets.Static` given to the list) follows them.
Nothing here reads the database.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from textual.content import Content
from textual.css.styles import RulesMap
from textual.events import Resize
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from plc_console.locale import Translator
from plc_console.services.matching import Candidate, Reason
from plc_console.tui.widgets.card_render import fit

MARK_ASSIGNED = "✓"
MARK_EXCLUDED = "✕"
#: Cells of the score bar; the number follows it.
BAR_WIDTH = 10
_BAR_FULL, _BAR_EMPTY = "█", "░"
_GAP = 2
_MARK = 2
#: Where the reasons start (under the name).
_INDENT = 4
_MIN_NAME = 12
_NARROW = 60  # below this the organisation column is dropped
_FALLBACK_WIDTH = 100

#: Not the $text-* variables: "auto" colours are not blended in a Content span.
_MUTED = "$foreground-muted"
_GREYED = "$foreground-disabled"


class Lines(Visual):
    """Lines laid out for a width: as tall as it says, and none wrapped again.

    An option list asks every option for its height up front, and wrapping hundreds of
    multi-line prompts to find out is what makes a long list slow to show. A Lines knows
    its height, and builds its lines (``build``) only when it is first drawn.
    """

    def __init__(self, height: int, build: Callable[[], Sequence[Content]]) -> None:
        self._height = height
        self._build: Callable[[], Sequence[Content]] | None = build
        self._lines: tuple[Content, ...] = ()

    @classmethod
    def of(cls, lines: Sequence[Content]) -> Lines:
        """Lines built already."""
        built = tuple(lines)
        return cls(len(built), lambda: built)

    @property
    def lines(self) -> tuple[Content, ...]:
        if self._build is not None:
            self._lines, self._build = tuple(self._build()), None
        return self._lines

    def __str__(self) -> str:
        return "\n".join(line.plain for line in self.lines)

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        shown = self.lines if height is None else self.lines[:height]
        # One strip a line: a line too long for the width is cut, never wrapped.
        return [strip for line in shown for strip in line.render_strips(width, 1, style, options)]

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return max((line.cell_length for line in self.lines), default=0)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self._height


def say(t: Translator, reason: Reason) -> str:
    """A reason in words: its catalog key filled with its params."""
    return t(reason.key, **reason.params)


def score_parts(score: float, *, greyed: bool = False) -> list[tuple[str, str]]:
    """The score as a bar of :data:`BAR_WIDTH` cells and the number, with their styles."""
    value = max(0.0, min(100.0, score))
    full = round(value * BAR_WIDTH / 100)
    return [
        (_BAR_FULL * full, _GREYED if greyed else "$text-accent"),
        (_BAR_EMPTY * (BAR_WIDTH - full), _GREYED),
        (f" {value:3.0f}", _GREYED if greyed else "bold"),
    ]


def load_text(candidate: Candidate) -> str:
    return f"{candidate.load} / {candidate.load_limit}"


@dataclass(frozen=True)
class Columns:
    """The cells of each column of the first line, for a list ``width`` cells wide."""

    width: int
    name: int
    organization: int
    score: int
    load: int


def layout(t: Translator, candidates: Sequence[Candidate], width: int) -> Columns:
    """Columns for ``width`` cells: score and load at their width, the name and the
    organisation share the rest (each no wider than its longest value)."""
    load = max([cell_len(t("matchui.col_load"))] + [cell_len(load_text(c)) for c in candidates])
    score = max(BAR_WIDTH + 4, cell_len(t("matchui.col_score")))
    rest = max(_MIN_NAME, width - _MARK - score - load - 2 * _GAP)
    widest_name = max(
        [cell_len(t("matchui.col_name"))] + [cell_len(c.full_name) for c in candidates]
    )
    if width < _NARROW:
        return Columns(width, min(widest_name, rest), 0, score, load)
    rest -= _GAP
    widest_org = max(
        [cell_len(t("matchui.col_organization"))]
        + [cell_len(c.organization or "—") for c in candidates]
    )
    name = min(widest_name, max(rest // 2, rest - widest_org))
    organization = max(0, min(widest_org, rest - name))
    return Columns(width, max(name, 0), organization, score, load)


def heading(t: Translator, columns: Columns) -> Content:
    """The column names, over the columns of :func:`candidate_prompt`."""
    parts = [" " * _MARK, fit(t("matchui.col_name"), columns.name)]
    if columns.organization:
        parts += [" " * _GAP, fit(t("matchui.col_organization"), columns.organization)]
    parts += [" " * _GAP, fit(t("matchui.col_score"), columns.score)]
    parts += [" " * _GAP, fit(t("matchui.col_load"), columns.load)]
    return Content("".join(parts).rstrip())


def wrap(phrases: Sequence[str], width: int) -> list[str]:
    """``phrases`` joined by " · ", broken between phrases to fit ``width`` cells (and
    between words inside a phrase too long for a line of its own)."""
    lines: list[str] = []
    line = ""
    for phrase in phrases:
        joined = f"{line} · {phrase}" if line else phrase
        if cell_len(joined) <= width:
            line = joined
            continue
        if line:
            lines.append(line)
        line = ""
        for word in phrase.split():
            longer = f"{line} {word}" if line else word
            if line and cell_len(longer) > width:
                lines.append(line)
                line = word
            else:
                line = longer
    if line:
        lines.append(line)
    return lines


def _first_line(candidate: Candidate, columns: Columns) -> Content:
    excluded = candidate.excluded is not None
    if excluded:
        mark: tuple[str, str] = (f"{MARK_EXCLUDED} ", _GREYED)
    elif candidate.assigned:
        mark = (f"{MARK_ASSIGNED} ", "bold $text-success")
    else:
        mark = (" " * _MARK, "")
    name_style = _GREYED if excluded else ("bold $text-success" if candidate.assigned else "bold")
    gap = " " * _GAP
    parts: list[str | tuple[str, str]] = [
        mark,
        (fit(candidate.full_name, columns.name), name_style),
    ]
    if columns.organization:
        organization = fit(candidate.organization or "—", columns.organization)
        parts += [gap, (organization, _GREYED if excluded else _MUTED)]
    parts += [gap, *score_parts(candidate.score, greyed=excluded)]
    parts += [" " * (columns.score - BAR_WIDTH - 4), gap]
    full = candidate.load >= candidate.load_limit
    parts += [(load_text(candidate), _GREYED if excluded else ("$text-warning" if full else ""))]
    return Content.assemble(*parts)


def candidate_prompt(
    t: Translator,
    candidate: Candidate,
    columns: Columns,
    words: Callable[[Reason], str] | None = None,
) -> Lines:
    """One expert: the columns on the first line, the reasons in words below (``words``
    says a reason, :func:`say` unless given)."""
    words = words or (lambda reason: say(t, reason))
    room = max(1, columns.width - _INDENT)
    if candidate.excluded is not None:
        said = wrap([t("matchui.excluded", reason=words(candidate.excluded))], room)
        style = f"italic {_MUTED}"
    else:
        said = wrap([words(reason) for reason in candidate.reasons], room)
        said = said or [t("matchui.no_reasons")]
        style = _MUTED

    def build() -> list[Content]:
        indent = " " * _INDENT
        below = [Content.assemble(indent, (line, style)) for line in said]
        return [_first_line(candidate, columns), *below]

    return Lines(1 + len(said), build)


class ExpertList(OptionList):
    """Ranked experts; the highlighted one is :attr:`current`. Excluded experts can be
    highlighted (to read why) but are greyed; the screen refuses to pick them."""

    def __init__(
        self, t: Translator, heading: Static, *, empty: str = "", id: str | None = None
    ) -> None:
        """``heading`` shows the column names, or ``empty`` when there is no expert."""
        super().__init__(id=id, markup=False)
        self._t = t
        self._heading = heading
        self._empty = empty
        self._candidates: tuple[Candidate, ...] = ()
        self._built_for_width = -1
        #: Reasons in words, by the reason's identity: the services share equal reasons
        #: between candidates, so most are said once. Cleared with every new list.
        self._said: dict[int, str] = {}

    @property
    def candidates(self) -> tuple[Candidate, ...]:
        return self._candidates

    @property
    def current(self) -> Candidate | None:
        """The highlighted expert, if any."""
        index = self.highlighted
        if index is None or not 0 <= index < len(self._candidates):
            return None
        return self._candidates[index]

    def show(self, candidates: Sequence[Candidate], *, keep: int | None = None) -> None:
        """Replace the list; the expert ``keep`` (an id) stays highlighted if still there,
        else the same position is."""
        position = self.highlighted
        self._candidates = tuple(candidates)
        self._said.clear()
        ids = [candidate.expert_id for candidate in self._candidates]
        if keep is not None and keep in ids:
            position = ids.index(keep)
        self._rebuild(position)

    def on_resize(self, event: Resize) -> None:
        if self._content_width() != self._built_for_width:
            self._rebuild(self.highlighted)

    def _content_width(self) -> int:
        width = self.scrollable_content_region.width
        return width if width > 0 else _FALLBACK_WIDTH

    def _words(self, reason: Reason) -> str:
        said = self._said.get(id(reason))
        if said is None:
            said = self._said[id(reason)] = say(self._t, reason)
        return said

    def _rebuild(self, position: int | None) -> None:
        width = self._built_for_width = self._content_width()
        columns = layout(self._t, self._candidates, width)
        self._heading.update(heading(self._t, columns) if self._candidates else self._empty)
        self.set_options(
            Option(candidate_prompt(self._t, c, columns, self._words), id=str(c.expert_id))
            for c in self._candidates
        )
        if self._candidates:
            index = 0 if position is None else min(max(position, 0), len(self._candidates) - 1)
            self.highlighted = index
