"""`plc export base` writes the methodological base as a catalogue; `plc products …`
lists, searches, shows and publishes; `plc buffers …` shows and sets the chain."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from plc_console.cli.main import app
from plc_console.db.engine import transaction
from plc_console.domain import ProductKind
from plc_console.services import products as pr
from plc_console.services import products_review as rv
from plc_console.services.database import open_database
from plc_console.services.experts import NewExpert, add_expert
from plc_console.services.products_views import AuthorInput, ProductForm

runner = CliRunner()


def _fill(target: Path) -> dict[str, int]:
    """Two published products, one approved, one draft."""
    database = open_database(str(target))
    made: dict[str, int] = {}
    try:
        with transaction(database.sessions) as session:
            reviewer = add_expert(session, NewExpert(full_name="Смирнова Ольга Петровна")).id
            for key, title, kind, topics, state in (
                (
                    "lesson",
                    "Организация урока: <приёмы> & *идеи*",
                    ProductKind.GUIDE,
                    ("lesson_organisation",),
                    "published",
                ),
                ("parents", "Диалог с родителями", ProductKind.ARTICLE, ("parents",), "published"),
                ("approved", "Уроки без оценок", ProductKind.WEBINAR, (), "approved"),
                ("draft", "Черновик об уроках", ProductKind.ARTICLE, (), "draft"),
            ):
                p = pr.create_product(
                    session,
                    ProductForm(
                        kind=kind,
                        title=title,
                        summary="Первый абзац об уроках.\n\nВторой абзац.",
                        link="https://example.org/a.pdf" if key == "lesson" else "\\\\srv\\b.docx",
                        topic_keys=topics,
                        authors=(AuthorInput(name="Иванова Мария"),),
                    ),
                    actor="t",
                )
                made[key] = p.id
                if state == "draft":
                    continue
                p = rv.assign_reviewer(session, p.id, p.version, reviewer, actor="t")
                p = rv.submit_for_review(session, p.id, p.version, actor="t")
                p = rv.approve(session, p.id, p.version, actor="t")
                if state == "published":
                    rv.publish(session, p.id, p.version, actor="t")
    finally:
        database.engine.dispose()
    return made


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.links += [value or "" for name, value in attrs if tag == "a" and name == "href"]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_catalogue_lists_published_products_and_links_their_pages(tmp_path: Path) -> None:
    target = tmp_path / "plc.sqlite3"
    made = _fill(target)
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "--lang",
            "ru",
            "export",
            "base",
            "--format",
            "html",
            "--out",
            str(out),
            "--db",
            str(target),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Выгружено продуктов: 2" in result.output
    index = _Links()
    index.feed((out / "base" / "index.html").read_text(encoding="utf-8"))
    pages = {f"products/{made['lesson']}.html", f"products/{made['parents']}.html"}
    assert set(index.links) == pages  # by kind and by topic, both published only
    assert len(index.links) == 4
    text = " ".join(index.text)
    assert "Методическая база" in text and "По темам" in text and "организация урока" in text
    assert "Организация урока: <приёмы> & *идеи*" in text  # escaped, read back as typed
    page = _Links()
    page.feed((out / "base" / f"products/{made['lesson']}.html").read_text(encoding="utf-8"))
    assert page.links == ["https://example.org/a.pdf", "../index.html"]
    assert "Смирнова Ольга Петровна" in page.text
    assert sorted(p.name for p in (out / "base" / "products").iterdir()) == sorted(
        Path(p).name for p in pages
    )


def test_markdown_catalogue_in_exports_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "plc.sqlite3"
    made = _fill(target)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["export", "base", "--format", "md", "--db", str(target)])
    assert result.exit_code == 0, result.output
    index = (tmp_path / "exports" / "base" / "index.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\((products/\d+\.md)\)", index)
    assert sorted(set(links)) == sorted(
        {f"products/{made['lesson']}.md", f"products/{made['parents']}.md"}
    )
    assert r"Организация урока: \<приёмы\> & \*идеи\*" in index
    page = (tmp_path / "exports" / "base" / f"products/{made['parents']}.md").read_text(
        encoding="utf-8"
    )
    assert "- **Link or file:** \\\\\\\\srv\\\\b.docx" in page  # a file path, not a link
    assert "Первый абзац об уроках.\n\nВторой абзац." in page


def test_products_list_search_show_and_publish(tmp_path: Path) -> None:
    target = tmp_path / "plc.sqlite3"
    made = _fill(target)
    db = ["--db", str(target)]
    listed = runner.invoke(app, ["products", "list", "--state", "approved", *db])
    assert listed.exit_code == 0, listed.output
    assert [line.split()[0] for line in listed.output.splitlines()] == [str(made["approved"])]
    found = runner.invoke(app, ["products", "search", "уроков", *db])
    # Every summary speaks of lessons; the title's "урока" ranks its product first.
    assert [line.split()[0] for line in found.output.splitlines()] == [
        str(made["lesson"]),
        str(made["parents"]),
    ]
    refused = runner.invoke(app, ["products", "publish", str(made["draft"]), *db])
    assert refused.exit_code == 1
    assert "only an approved product can be published (this one is draft)" in refused.stderr
    done = runner.invoke(app, ["products", "publish", str(made["approved"]), *db])
    assert done.exit_code == 0, done.output
    found = runner.invoke(app, ["products", "search", "уроков", *db])
    assert {line.split()[0] for line in found.output.splitlines()} == {
        str(made["lesson"]),
        str(made["parents"]),
        str(made["approved"]),
    }
    shown = runner.invoke(app, ["--lang", "ru", "products", "show", str(made["approved"]), *db])
    assert shown.exit_code == 0, shown.output
    assert "вебинар, опубликован" in shown.output
    assert "(одобрен → опубликован)" in shown.output
    missing = runner.invoke(app, ["products", "show", "999", *db])
    assert missing.exit_code == 1 and "no product 999" in missing.stderr


def test_buffers_show_set_and_fever(tmp_path: Path) -> None:
    db = ["--db", str(tmp_path / "plc.sqlite3")]
    shown = runner.invoke(app, ["buffers", "show", *db])
    assert shown.exit_code == 0, shown.output
    assert "Chain: 25 days, buffer: 12.5 days" in shown.output
    changed = runner.invoke(app, ["buffers", "days", "product", "12", *db])
    assert changed.exit_code == 0, changed.output
    assert "Chain: 30 days, buffer: 15 days" in changed.output
    refused = runner.invoke(app, ["buffers", "band", "yellow_base", "40", *db])
    assert refused.exit_code == 1 and "yellow band must stay below" in refused.stderr
    fever = runner.invoke(app, ["buffers", "fever", *db])
    assert fever.exit_code == 0, fever.output
    assert "green 0, yellow 0, red 0" in fever.output
