"""Small SVG charts for the HTML term report: bars (grouped or stacked), lines and stacked
areas, drawn by hand (a plotting library would be a heavy dependency for a few bars).

Each function returns one ``<svg>`` element as text, well-formed XML that also sits inline
in HTML: a ``viewBox`` so it scales to its container, y ticks at round numbers, a legend
with the series' names and a ``<title>`` on every mark for the hover text. Every text is
escaped; values that are missing, negative or not finite are drawn as 0. The colours are
the Okabe–Ito palette, told apart by colour-blind readers; marks are outlined in white and
lines dashed differently so that a grey printout still separates them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

__all__ = ["PALETTE", "Series", "area_chart", "bar_chart", "line_chart", "nice_ticks"]

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#555")
_DASHES = ("", "7 3", "2 3", "9 3 2 3")
WIDTH = 720
_LEFT, _RIGHT, _TOP, _PLOT = 56, 16, 12, 220
_BOTTOM = _TOP + _PLOT
_PLOT_WIDTH = WIDTH - _LEFT - _RIGHT
# Generous mean widths of a character (Cyrillic included) of the x labels (11 px) and
# of the legend (12 px), so that the texts laid out by estimate do not overlap.
_CHAR, _LEGEND_CHAR = 6.8, 7.6
_LEGEND_ROW = 18
_SHORTEST = 16  # x labels are cut to this many characters before thinning is decided
_SLANT, _SLANTED, _SLANT_LINE = 35, 24, 15  # degrees, characters at most, px per label


@dataclass(frozen=True)
class Series:
    """One named row of values, a value per category."""

    name: str
    values: Sequence[float | None]

    def drawn(self) -> list[float]:
        """The values as drawn: missing, negative or not finite ones are 0."""
        return [v if v is not None and math.isfinite(v) and v > 0 else 0.0 for v in self.values]


def nice_ticks(top: float, count: int = 5, *, whole: bool = False) -> list[float]:
    """0 and round steps (1, 2 or 5 × 10ⁿ; whole numbers when ``whole``) up to ``top``
    or just above it; ``[0, 1]`` when there is nothing to show."""
    if not top > 0:
        return [0.0, 1.0]
    raw = top / count
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw * (1 - 1e-9))
    if whole:
        step = max(step, 1.0)
    steps = math.ceil(top / step - 1e-9)
    return [round(i * step, 10) for i in range(steps + 1)]


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else format(value, ".10g")


def _f(value: float) -> str:
    return format(round(value, 2), "g")


def _svg(title: str, height: float, parts: list[str]) -> str:
    label = escape(title)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {_f(height)}" '
        f'width="{WIDTH}" height="{_f(height)}" role="img" aria-label="{label}" '
        'font-family="system-ui, sans-serif" font-size="12" class="chart">'
        f"<title>{label}</title>"
    )
    return head + "".join(parts) + "</svg>"


def _y_axis(ticks: list[float]) -> list[str]:
    parts = []
    for tick in ticks:
        y = _f(_BOTTOM - tick / ticks[-1] * _PLOT)
        colour = "#444" if tick == 0 else "#ddd"
        parts.append(
            f'<line x1="{_LEFT}" x2="{WIDTH - _RIGHT}" y1="{y}" y2="{y}" stroke="{colour}"/>'
            f'<text x="{_LEFT - 6}" y="{y}" dy="4" text-anchor="end" fill="#333">'
            f"{_num(tick)}</text>"
        )
    return parts


def _shorten(text: str, room: int) -> str:
    return text if len(text) <= room else text[: max(room - 1, 1)] + "…"


def _x_axis(
    labels: Sequence[str], centres: Sequence[float], slot: float
) -> tuple[list[str], float]:
    """Labels under the plot and the height they take: side by side where they fit, else
    slanted while each still has a line's room, else only every k-th one (many days)."""
    longest = min(max((len(label) for label in labels), default=1), _SHORTEST)
    every = max(1, math.ceil((longest * _CHAR + 8) / slot))
    if every > 1 and slot >= _SLANT_LINE:
        return _slanted(labels, centres)
    room = max(4, int((slot * every - 8) / _CHAR))
    parts = []
    for index, (label, x) in enumerate(zip(labels, centres, strict=True)):
        if index % every:
            continue
        shown = _shorten(label, room)
        half, anchor = len(shown) * _CHAR / 2, "middle"
        if x + half > WIDTH:  # the last labels end at the edge rather than beyond it
            x, anchor = WIDTH - 2.0, "end"
        parts.append(
            f'<text class="x" x="{_f(x)}" y="{_BOTTOM + 16}" text-anchor="{anchor}" '
            f'font-size="11" fill="#333">{escape(shown)}</text>'
        )
    return parts, 20.0


def _slanted(labels: Sequence[str], centres: Sequence[float]) -> tuple[list[str], float]:
    """Every label, turned up by ``_SLANT`` degrees and ending under its mark."""
    across, down = math.cos(math.radians(_SLANT)), math.sin(math.radians(_SLANT))
    parts, depth, y = [], 0.0, _BOTTOM + 12
    for label, x in zip(labels, centres, strict=True):
        shown = _shorten(label, max(4, min(_SLANTED, int((x - 4) / (_CHAR * across)))))
        depth = max(depth, len(shown) * _CHAR * down)
        parts.append(
            f'<text class="x" x="{_f(x)}" y="{y}" text-anchor="end" font-size="11" '
            f'fill="#333" transform="rotate(-{_SLANT} {_f(x)} {y})">{escape(shown)}</text>'
        )
    return parts, depth + 16


def _legend(names: Sequence[str], lines: bool, below: float) -> tuple[list[str], float]:
    """The legend ``below`` px under the plot, wrapped into rows; its parts and the
    chart's height."""
    parts, x, y = [], float(_LEFT), _BOTTOM + below + 20
    for index, name in enumerate(names):
        width = 22 + len(name) * _LEGEND_CHAR + 16
        if x + width > WIDTH - _RIGHT and x > _LEFT:
            x, y = float(_LEFT), y + _LEGEND_ROW
        colour = PALETTE[index % len(PALETTE)]
        if lines:
            dash = _DASHES[index % len(_DASHES)]
            parts.append(
                f'<line x1="{_f(x)}" x2="{_f(x + 16)}" y1="{_f(y - 4)}" y2="{_f(y - 4)}" '
                f'stroke="{colour}" stroke-width="2.5" stroke-dasharray="{dash}"/>'
            )
        else:
            parts.append(
                f'<rect x="{_f(x)}" y="{_f(y - 10)}" width="12" height="12" fill="{colour}"/>'
            )
        parts.append(f'<text x="{_f(x + 22)}" y="{_f(y)}" fill="#222">{escape(name)}</text>')
        x += width
    return parts, y + 10


def _scale(peaks: Sequence[float], series: Sequence[Series]) -> tuple[list[float], float]:
    """The y ticks for the highest of ``peaks`` and the pixels per unit."""
    whole = all(float(v).is_integer() for s in series for v in s.drawn())
    ticks = nice_ticks(max(peaks, default=0.0), whole=whole)
    return ticks, _PLOT / ticks[-1]


def _mark_title(category: str, name: str, value: float) -> str:
    return f"<title>{escape(f'{category} — {name}: {_num(value)}')}</title>"


def bar_chart(
    title: str, categories: Sequence[str], series: Sequence[Series], *, stacked: bool = False
) -> str:
    """Bars per category: one per series side by side, or stacked into one column."""
    values = [s.drawn() for s in series]
    columns = list(zip(*values, strict=True)) if values else [() for _ in categories]
    peaks = [sum(column) if stacked else max(column, default=0.0) for column in columns]
    ticks, scale = _scale(peaks, series)
    slot = _PLOT_WIDTH / max(len(categories), 1)
    parts = _y_axis(ticks)
    for index, category in enumerate(categories):
        band = min(slot * 0.6, 72.0) if stacked else min(slot * 0.8, 48.0 * len(series))
        left, base = _LEFT + index * slot + (slot - band) / 2, 0.0
        width = band if stacked else band / max(len(series), 1)
        for number, one in enumerate(series):
            value = values[number][index]
            x = left if stacked else left + number * width
            if value > 0:
                y = _BOTTOM - (base + value) * scale
                parts.append(
                    f'<rect class="bar" x="{_f(x)}" y="{_f(y)}" width="{_f(width)}" '
                    f'height="{_f(value * scale)}" fill="{PALETTE[number % len(PALETTE)]}" '
                    f'stroke="#fff" stroke-width="0.5" data-value="{_num(value)}">'
                    f"{_mark_title(category, one.name, value)}</rect>"
                )
            if stacked:
                base += value
    centres = [_LEFT + (index + 0.5) * slot for index in range(len(categories))]
    labels, below = _x_axis(categories, centres, slot)
    legend, height = _legend([s.name for s in series], lines=False, below=below)
    parts += labels
    return _svg(title, height, parts + legend)


def line_chart(title: str, categories: Sequence[str], series: Sequence[Series]) -> str:
    """A line per series across the categories, with a dot per value."""
    values = [s.drawn() for s in series]
    ticks, scale = _scale([max(v, default=0.0) for v in values], series)
    slot = _PLOT_WIDTH / max(len(categories), 1)
    centres = [_LEFT + (index + 0.5) * slot for index in range(len(categories))]
    parts = _y_axis(ticks)
    for number, one in enumerate(series):
        colour, dash = PALETTE[number % len(PALETTE)], _DASHES[number % len(_DASHES)]
        points = [(x, _BOTTOM - v * scale) for x, v in zip(centres, values[number], strict=True)]
        path = " ".join(f"{_f(x)},{_f(y)}" for x, y in points)
        parts.append(
            f'<polyline class="line" points="{path}" fill="none" stroke="{colour}" '
            f'stroke-width="2" stroke-dasharray="{dash}"><title>{escape(one.name)}</title>'
            "</polyline>"
        )
        for (x, y), category, value in zip(points, categories, values[number], strict=True):
            parts.append(
                f'<circle class="point" cx="{_f(x)}" cy="{_f(y)}" r="3" fill="{colour}" '
                f'data-value="{_num(value)}">{_mark_title(category, one.name, value)}</circle>'
            )
    labels, below = _x_axis(categories, centres, slot)
    legend, height = _legend([s.name for s in series], lines=True, below=below)
    parts += labels
    return _svg(title, height, parts + legend)


def area_chart(title: str, categories: Sequence[str], series: Sequence[Series]) -> str:
    """Stacked areas, the first series at the bottom (a cumulative flow diagram); hovering
    over a category shows every series' value there."""
    values = [s.drawn() for s in series]
    count = len(categories)
    totals = [sum(column) for column in zip(*values, strict=True)] if values else []
    ticks, scale = _scale(totals, series)
    slot = _PLOT_WIDTH / max(count, 1)
    centres = [_LEFT + (index + 0.5) * slot for index in range(count)]
    # A single day is drawn across the whole width rather than as a line of no width.
    xs = centres if count > 1 else [float(_LEFT), float(WIDTH - _RIGHT)]
    base = [0.0] * count
    parts = _y_axis(ticks)
    for number, one in enumerate(series):
        top = [b + v for b, v in zip(base, values[number], strict=True)]
        if count == 1:
            top, base = top * 2, base * 2
        upper = [f"{_f(x)},{_f(_BOTTOM - v * scale)}" for x, v in zip(xs, top, strict=True)]
        lower = [f"{_f(x)},{_f(_BOTTOM - v * scale)}" for x, v in zip(xs, base, strict=True)]
        parts.append(
            f'<polygon class="area" points="{" ".join(upper + lower[::-1])}" '
            f'fill="{PALETTE[number % len(PALETTE)]}" stroke="#fff" stroke-width="0.5">'
            f"<title>{escape(one.name)}</title></polygon>"
        )
        base = top[:count]
    for index, (category, x) in enumerate(zip(categories, centres, strict=True)):
        lines = [category]
        lines += [f"{s.name}: {_num(v[index])}" for s, v in zip(series, values, strict=True)]
        parts.append(
            f'<rect class="hover" x="{_f(x - slot / 2)}" y="{_TOP}" width="{_f(slot)}" '
            f'height="{_PLOT}" fill="#fff" fill-opacity="0">'
            f"<title>{escape(chr(10).join(lines))}</title></rect>"
        )
    labels, below = _x_axis(categories, centres, slot)
    legend, height = _legend([s.name for s in series], lines=False, below=below)
    parts += labels
    return _svg(title, height, parts + legend)
