"""How a board card looks, line by line: pure functions from a Card to Strips.

A card is :data:`CARD_HEIGHT` lines: four of text and a separator. Each text line starts
with the zone mark (a bar in the zone's colour, or the separator's without a zone)::

    З-2026-00001   17 d     number, days in the current stage
    young teacher           the requester's role
    Не удаётся удержать…    the problem's first line
    motivational  topics: 1 category and how many topics

Nothing here reads the database or knows about widgets, so the column widget stays
about scrolling and loading, and a card's look can be tested on its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from plc_console.domain import Zone
from plc_console.locale import Translator
from plc_console.services.board import Card

#: Lines per card: four of text and a separator.
CARD_HEIGHT = 5
TEXT_LINES = 4
ZONE_MARK = "▌"
ELLIPSIS = "…"
NO_VALUE = "—"


@dataclass(frozen=True)
class CardStyles:
    """The rich styles a column resolved from its component classes (theme colours)."""

    base: Style
    cursor: Style
    number: Style
    young: Style
    muted: Style
    placeholder: Style
    separator: Style
    zones: Mapping[Zone, Style]


def fit(text: str, width: int) -> str:
    """``text`` in exactly ``width`` cells: padded, or cut with an ellipsis."""
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    cut = set_cell_size(text, width - 1).rstrip() + ELLIPSIS
    return set_cell_size(cut, width)


def _two_sided(
    left: str, rights: Sequence[str], width: int, *, keep_right: bool
) -> tuple[str, str]:
    """``left`` and the first of ``rights`` that fits beside it (one space between).

    When none fits, ``keep_right`` keeps the last (shortest) one and cuts ``left``;
    otherwise the right part is dropped and ``left`` takes the whole line.
    """
    for right in rights:
        room = width - cell_len(right) - 1
        if cell_len(left) <= room:
            return fit(left, room) + " ", right
    if keep_right and rights:
        right = rights[-1]
        room = max(0, width - cell_len(right) - 1)
        return fit(left, room) + " ", right
    return fit(left, width), ""


def card_line(
    card: Card, line: int, width: int, t: Translator, styles: CardStyles, *, cursor: bool
) -> Strip:
    """Line ``line`` (0 … CARD_HEIGHT-1) of ``card``, ``width`` cells wide."""
    background = styles.base + styles.cursor if cursor else styles.base
    if line >= TEXT_LINES:
        return Strip([Segment("─" * width, styles.base + styles.separator)], width)
    # Without a zone (not in the chain yet, or done) the bar is drawn as a plain card edge.
    mark_style = styles.zones[card.zone] if card.zone is not None else styles.separator
    body = max(0, width - 1)
    parts = _body(card, line, body, t, styles)
    segments = [Segment(ZONE_MARK, background + mark_style)]
    segments += [Segment(text, background + style) for text, style in parts if text]
    return Strip(segments, width).adjust_cell_length(width, background)


def _body(
    card: Card, line: int, width: int, t: Translator, styles: CardStyles
) -> list[tuple[str, Style]]:
    if line == 0:
        days = (
            t("boardui.days", days=card.days_in_stage),
            t("boardui.days_short", days=card.days_in_stage),
        )
        left, right = _two_sided(card.number, days, width, keep_right=True)
        return [(left, styles.number), (right, styles.muted)]
    if line == 1:
        if card.young_teacher:
            return [(fit(t("young.teacher"), width), styles.young)]
        return [(fit(t.label(card.role), width), Style())]
    if line == 2:
        return [(fit(card.first_line, width), Style())]
    category = t.label(card.category) if card.category is not None else NO_VALUE
    count = len(card.topic_keys)
    topics = (
        (t("boardui.topics", count=count), t("boardui.topics_short", count=count)) if count else ()
    )
    left, right = _two_sided(category, topics, width, keep_right=False)
    return [(left, styles.muted if card.category is None else Style()), (right, styles.muted)]


def placeholder_line(line: int, width: int, styles: CardStyles) -> Strip:
    """A line of a card not read yet: a dim mark where the number will be."""
    if line >= TEXT_LINES:
        return Strip([Segment("─" * width, styles.base + styles.separator)], width)
    text = fit(" " + ELLIPSIS if line == 0 else "", width)
    return Strip([Segment(text, styles.base + styles.placeholder)], width)


def blank_line(width: int, styles: CardStyles) -> Strip:
    """Below the last card."""
    return Strip.blank(width, styles.base)
