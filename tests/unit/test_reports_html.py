"""The term report as one HTML page with inline SVG charts, read back with the standard
library's parsers (html.parser for the page, xml.etree for each chart)."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from plc_console.locale import Key, Translator
from plc_console.services.report_svg import Series, area_chart, bar_chart, nice_ticks
from plc_console.services.reports import Chart, ReportTable, Span, TermReport, term_report
from plc_console.services.reports_html import chart_svg, render_html
from plc_console.services.reports_text import FORMATS, text_of, write_report
from tests.unit.report_data import END, EXPERTS, INJECTED_NAME, NAMES, START, build

T = Translator("en")
SVG = "{http://www.w3.org/2000/svg}"
SCRIPT = "<script>alert(1)</script>"


@dataclass
class Section:
    key: str
    title: str = ""
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    charts: int = 0


class Page(HTMLParser):
    """The page's sections with their cells as text; charts are only counted here."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.lang: str | None = None
        self.sections: list[Section] = []
        self._svg = self._head = 0
        self._row: list[str] = []
        self._text: list[str] | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "svg" and not self._svg:
            self.sections[-1].charts += 1
        self._svg += tag == "svg"
        if self._svg:
            return
        if tag == "html":
            self.lang = dict(attrs).get("lang")
        elif tag == "section":
            self.sections.append(Section(dict(attrs).get("id") or ""))
        elif tag == "thead":
            self._head = 1
        elif tag == "tr":
            self._row = []
        elif tag in ("th", "td", "h2", "p"):
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if self._svg:
            self._svg -= tag == "svg"
            return
        section = self.sections[-1] if self.sections else None
        text = "".join(self._text or [])
        if tag in ("th", "td"):
            self._row.append(text)
        elif tag == "tr" and section is not None:
            if self._head:
                section.header = self._row
            else:
                section.rows.append(self._row)
        elif tag == "thead":
            self._head = 0
        elif tag == "h2" and section is not None:
            section.title = text
        elif tag == "p" and section is not None:
            section.notes.append(text)
        if tag in ("th", "td", "h2", "p"):
            self._text = None

    def handle_data(self, data: str) -> None:
        if self._text is not None and not self._svg:
            self._text.append(data)


def charts(text: str) -> list[ET.Element]:
    """Every inline chart, parsed as XML (a chart that is not well-formed fails here)."""
    return [ET.fromstring(svg) for svg in re.findall(r"<svg\b.*?</svg>", text, re.DOTALL)]


def bars(svg: ET.Element) -> list[tuple[float, str]]:
    """(height, hover text) of each bar of a chart."""
    return [
        (float(rect.attrib["height"]), rect.findtext(f"{SVG}title") or "")
        for rect in svg.iter(f"{SVG}rect")
        if rect.get("class") == "bar"
    ]


@pytest.fixture
def report(session: Session) -> TermReport:
    build(session)
    return term_report(session, START, END, name="2026-T2", lang="ru")


def test_every_table_in_its_section_with_its_rows(report: TermReport) -> None:
    page = Page(render_html(report, T))
    assert page.lang == "en"
    summary, *sections = page.sections
    # The summary beside the 14 days before (no stored term before this one).
    assert summary.header == ["Measure", "This term", "Term before", "Change"]
    assert ["Requests received", "5", "1", "4"] in summary.rows
    assert ["Term", "2026-T2", "", ""] in summary.rows
    assert [s.title for s in sections] == [text_of(table.title, T) for table in report.tables]
    for section, table in zip(sections, report.tables, strict=True):
        assert section.key == table.key
        assert section.header == [text_of(column, T) for column in table.columns]
        assert section.rows == [[text_of(value, T) for value in row] for row in table.rows]
    by_key = {section.key: section for section in sections}
    assert by_key["top_topics"].rows == [["мотивация обучающихся", "3"], ["подбор заданий", "1"]]
    assert by_key["workload"].rows[0] == [EXPERTS[1], "2", "3", "1", "2"]
    assert ["held", "1", "3", "2", "66.7", "1"] in by_key["meetings"].rows
    assert Page(render_html(report, Translator("ru"))).lang == "ru"


def test_one_well_formed_chart_per_charted_table(report: TermReport) -> None:
    text = render_html(report, T)
    _, *sections = Page(text).sections
    expected = [int(table.chart is not None and bool(table.rows)) for table in report.tables]
    assert [section.charts for section in sections] == expected
    svgs = charts(text)
    assert len(svgs) == sum(expected) == 5
    for svg in svgs:
        assert svg.tag == f"{SVG}svg" and svg.get("viewBox", "").startswith("0 0 ")
        assert svg.findtext(f"{SVG}title")
    flow = svgs[-1]
    assert flow.findtext(f"{SVG}title") == "Cumulative flow"
    assert len([p for p in flow.iter(f"{SVG}polygon") if p.get("class") == "area"]) == 8
    legend = {node.text for node in flow.iter(f"{SVG}text")}
    assert {"Received", "Done"} <= legend
    days = [node for node in flow.iter(f"{SVG}text") if node.get("class") == "x"]
    assert len(days) == 14  # too long to fit side by side, each day is written slanted
    assert all(day.get("transform", "").startswith("rotate(-") for day in days)


def test_bar_heights_follow_the_values(report: TermReport) -> None:
    by_title = {svg.findtext(f"{SVG}title"): svg for svg in charts(render_html(report, T))}
    topics = bars(by_title["Top topics"])
    assert len(topics) == 2
    tallest = max(topics)
    assert tallest[1].startswith("мотивация обучающихся")
    assert tallest[0] == pytest.approx(3 * min(topics)[0], rel=0.01)
    # Stacked bars: every segment's height is its value on one scale (totals left out).
    stacked = by_title["Requests by category and role"]
    heights = [
        (float(r.attrib["height"]), float(r.attrib["data-value"]))
        for r in stacked.iter()
        if r.get("class") == "bar"
    ]
    assert len(heights) == 4 and len({round(h / v, 3) for h, v in heights}) == 1
    assert not any("Total" in title for _, title in bars(stacked))


def test_names_only_with_names(session: Session) -> None:
    build(session)
    plain = render_html(term_report(session, START, END), T)
    assert not any(name in plain for name in NAMES)
    named = Page(render_html(term_report(session, START, END, with_names=True), T))
    oldest = next(section for section in named.sections if section.key == "oldest_open")
    assert [row[-1] for row in oldest.rows] == ["Орлов Олег", NAMES[1], NAMES[2], INJECTED_NAME]


def test_every_text_is_escaped() -> None:
    table = ReportTable(
        "topics",
        (Key("report.column.topic"), Key("<b>count</b>")),
        ((SCRIPT, 3), (INJECTED_NAME, -2), ("пусто", None)),
        Chart.BAR,
        title_key=Key("<i>title</i>"),
    )
    report = TermReport(SCRIPT, Span(START, END), False, ((Key("x"), SCRIPT),), (table,))
    text = render_html(report, T)
    assert "<script" not in text.lower() and "<b>" not in text and "<i>" not in text
    page = Page(text)
    assert page.sections[0].rows == [["x", SCRIPT]]
    assert page.sections[1].title == "<i>title</i>"
    assert page.sections[1].header == ["Topic", "<b>count</b>"]
    assert page.sections[1].rows == [[SCRIPT, "3"], [INJECTED_NAME, "-2"], ["пусто", ""]]
    (svg,) = charts(text)
    assert [title for _, title in bars(svg)] == [f"{SCRIPT} — <b>count</b>: 3"]
    assert "<b>count</b>" in {node.text for node in svg.iter(f"{SVG}text")}


def test_empty_tables_say_so_and_draw_nothing(session: Session) -> None:
    report = term_report(session, START, END)
    page = Page(render_html(report, T))
    empty = [table.key for table in report.tables if not table.rows]
    assert "top_topics" in empty
    for section in page.sections[1:]:
        if section.key in empty:
            assert section.notes == [T("report.md.empty")] and section.charts == 0


def test_write_report_writes_one_html_file(report: TermReport, tmp_path: Path) -> None:
    assert "html" in FORMATS
    (path,) = write_report(report, tmp_path / "out", "html", T)
    assert path.name == "report-2026-T2.html"
    assert Page(path.read_text(encoding="utf-8")).sections[1].key == "by_category_role"


def test_ticks_are_round_numbers() -> None:
    assert nice_ticks(3, whole=True) == [0, 1, 2, 3]
    assert nice_ticks(7) == [0, 2, 4, 6, 8]
    assert nice_ticks(66.7) == [0, 20, 40, 60, 80]
    assert nice_ticks(0.9) == pytest.approx([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    assert nice_ticks(1, whole=True) == [0, 1]
    assert nice_ticks(0) == [0, 1]


def test_missing_and_negative_values_are_drawn_as_zero() -> None:
    one = Series("A", [2, None, -5, math.nan, 4])
    assert one.drawn() == [2, 0, 0, 0, 4]
    svg = ET.fromstring(bar_chart("t", list("abcde"), [one]))
    assert [title.split(":")[0] for _, title in bars(svg)] == ["a — A", "e — A"]


def test_many_days_thin_the_labels_not_the_areas() -> None:
    days = [(date(2026, 9, 1) + timedelta(days=n)).isoformat() for n in range(92)]
    svg = ET.fromstring(area_chart("flow", days, [Series("A", [1] * 92), Series("B", [2] * 92)]))
    labels = [node for node in svg.iter(f"{SVG}text") if node.get("class") == "x"]
    assert 3 <= len(labels) <= 12 and not any("transform" in node.attrib for node in labels)
    xs = [float(node.attrib["x"]) for node in labels]
    assert all(b - a >= 70 for a, b in zip(xs, xs[1:], strict=False))  # 10 characters apart
    hovers = [node for node in svg.iter(f"{SVG}rect") if node.get("class") == "hover"]
    assert len(hovers) == 92 and hovers[0].findtext(f"{SVG}title") == "2026-09-01\nA: 1\nB: 2"


def test_a_line_chart_per_series_with_a_dot_per_value() -> None:
    table = ReportTable(
        "trend",
        (Key("report.column.week"), Key("report.column.done"), Key("report.column.total")),
        ((date(2026, 11, 2), 4, 9), (date(2026, 11, 9), 2.5, 9)),
        Chart.LINE,
    )
    svg = ET.fromstring(chart_svg(table, T) or "")
    (line,) = [node for node in svg.iter(f"{SVG}polyline") if node.get("class") == "line"]
    assert line.findtext(f"{SVG}title") == "Done"  # the total column is not drawn
    dots = [node for node in svg.iter(f"{SVG}circle") if node.get("class") == "point"]
    assert [dot.findtext(f"{SVG}title") for dot in dots] == [
        "2026-11-02 — Done: 4",
        "2026-11-09 — Done: 2.5",
    ]
    assert float(dots[0].attrib["cy"]) < float(dots[1].attrib["cy"])  # 4 is drawn higher
