"""The term report as one self-contained HTML page: the summary, then a section per table
with its chart drawn inline as SVG (:mod:`plc_console.services.report_svg`).

The page needs nothing beside it (styles embedded, no scripts, no fonts fetched) and
prints well: bordered tables, numbers right-aligned, sections kept on one page where
they fit. The charts are the workbook's (:mod:`plc_console.services.reports_xlsx`): the
table's value columns without trailing totals, bars stacked when there are several.
Every text is escaped, so a name or topic typed as markup shows as typed.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from plc_console.locale import Translator
from plc_console.services.files import write_bytes_whole
from plc_console.services.report_svg import Series, area_chart, bar_chart, line_chart
from plc_console.services.reports import Cell, Chart, ReportTable, TermReport
from plc_console.services.reports_text import text_of

__all__ = ["chart_svg", "render_html", "write_html"]

_CSS = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
line-height:1.4;color:#222}
h1{font-size:1.6rem}h2{font-size:1.2rem;margin:2rem 0 .5rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5rem 0}
th,td{border:1px solid #999;padding:.2rem .5rem;vertical-align:top}
thead th{background:#eee;text-align:left}tbody th{text-align:left;font-weight:normal}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
figure{margin:.75rem 0}svg{max-width:100%;height:auto}.empty{color:#666;font-style:italic}
section{page-break-inside:avoid;break-inside:avoid}
@media print{body{max-width:none;margin:0;font-size:10pt}thead{display:table-header-group}
tr{page-break-inside:avoid;break-inside:avoid}thead th{-webkit-print-color-adjust:exact;
print-color-adjust:exact}}
""".strip()


def _number(value: Cell) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _cell(value: Cell, t: Translator, tag: str = "td") -> str:
    shown = escape(text_of(value, t))
    if _number(value) is not None:
        return f'<{tag} class="num">{shown}</{tag}>'
    return f'<{tag} scope="row">{shown}</{tag}>' if tag == "th" else f"<{tag}>{shown}</{tag}>"


def chart_svg(table: ReportTable, t: Translator) -> str | None:
    """The table's chart as an ``<svg>`` element, or None (no chart asked for, no rows)."""
    if table.chart is None or not table.rows:
        return None
    categories = [text_of(row[0], t) for row in table.rows]
    series = [
        Series(text_of(table.columns[index], t), [_number(row[index]) for row in table.rows])
        for index in table.chart_columns()
    ]
    title = text_of(table.title, t)
    if table.chart is Chart.BAR:
        return bar_chart(title, categories, series, stacked=len(series) > 1)
    if table.chart is Chart.AREA:
        return area_chart(title, categories, series)
    return line_chart(title, categories, series)


def _table(table: ReportTable, t: Translator) -> list[str]:
    header = "".join(f'<th scope="col">{escape(text_of(c, t))}</th>' for c in table.columns)
    lines = [f"<table>\n<thead><tr>{header}</tr></thead>\n<tbody>"]
    for row in table.rows:
        first, *rest = row
        lines.append("<tr>" + _cell(first, t, "th") + "".join(_cell(v, t) for v in rest) + "</tr>")
    lines.append("</tbody>\n</table>")
    return lines


def _section(table: ReportTable, t: Translator) -> list[str]:
    lines = [
        f'<section id="{escape(table.key)}">',
        f"<h2>{escape(text_of(table.title, t))}</h2>",
        *_table(table, t),
    ]
    if not table.rows:
        lines.append(f'<p class="empty">{escape(t("report.md.empty"))}</p>')
    chart = chart_svg(table, t)
    if chart is not None:
        lines.append(f'<figure class="chart">{chart}</figure>')
    lines.append("</section>")
    return lines


def render_html(report: TermReport, t: Translator) -> str:
    """The whole report as the text of one HTML5 document."""
    title = t("report.md.title", name=report.name or "").strip()
    lines = [
        "<!DOCTYPE html>",
        f'<html lang="{escape(t.lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>",
        f"<style>\n{_CSS}\n</style>",
        "</head>",
        "<body>",
        f"<h1>{escape(title)}</h1>",
    ]
    for table in (report.summary_table(), *report.tables):
        lines += _section(table, t)
    lines += ["</body>", "</html>"]
    return "\n".join(lines) + "\n"


def write_html(report: TermReport, path: Path, t: Translator) -> Path:
    """Write ``report`` as one HTML document to ``path`` and return it."""
    page = render_html(report, t).encode("utf-8")
    write_bytes_whole(path, page)
    return path
