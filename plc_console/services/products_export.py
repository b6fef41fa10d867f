"""The methodological base as a browsable catalogue of Markdown or HTML files.

:func:`export_base` writes, into ``out_dir/base/``:

- ``index.md`` (or ``index.html``): every published product by kind, then by topic,
  each entry linking to its page, with authors and the date it was published;
- ``products/<id>.md`` (or ``.html``): one page per product with its kind, authors,
  topics, reviewer, date, link or file path and summary, and a link back.

Only published products are written (drafts and products under review are not in the
base). Written anew each time: pages of products no longer published are removed.
Labels follow ``lang`` (ru or en); text is escaped for its format.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

from sqlalchemy.orm import Session

from plc_console.domain import ProductKind, ProductState
from plc_console.locale import Translator
from plc_console.services.clock import utcnow
from plc_console.services.products_read import list_products
from plc_console.services.products_views import ProductSummary
from plc_console.services.reference import list_topics

ExportFormat = Literal["md", "html"]
FORMATS: tuple[ExportFormat, ...] = ("md", "html")
BASE_DIR = "base"


@dataclass(frozen=True)
class BaseExport:
    """What was written: the index file, the product pages, how many products."""

    index: Path
    pages: tuple[Path, ...]

    @property
    def count(self) -> int:
        return len(self.pages)


def _md(text: str) -> str:
    """Text safe inside Markdown: the characters Markdown reads as syntax escaped."""
    return re.sub(r"([\\`*_\[\]{}<>#|!])", r"\\\1", " ".join(text.split()))


def _is_url(link: str) -> bool:
    return bool(re.match(r"^(https?|ftp)://", link, re.IGNORECASE))


class _Catalogue:
    def __init__(self, session: Session, fmt: ExportFormat, lang: str, now: datetime) -> None:
        self.t = Translator(lang)
        self.lang = lang
        self.fmt = fmt
        self.now = now
        self.topic_names = {
            topic.key: topic.name(lang) for topic in list_topics(session, include_inactive=True)
        }
        published = list_products(session, states=(ProductState.PUBLISHED,))
        self.products = sorted(
            published, key=lambda p: (p.published_at or p.updated_at, p.id), reverse=True
        )

    def day(self, product: ProductSummary) -> str:
        when = product.published_at or product.updated_at
        return f"{when:%d.%m.%Y}" if self.lang == "ru" else f"{when:%Y-%m-%d}"

    def page_name(self, product: ProductSummary) -> str:
        return f"products/{product.id}.{self.fmt}"

    def groups(self) -> list[tuple[str, list[tuple[str, list[ProductSummary]]]]]:
        """(section title, [(group title, products)]) for the index: by kind, by topic."""
        by_kind = [
            (self.t.label(kind), [p for p in self.products if p.kind is kind])
            for kind in ProductKind
        ]
        by_topic = [
            (name, [p for p in self.products if key in p.topic_keys])
            for key, name in self.topic_names.items()
        ]
        untopical = [p for p in self.products if not p.topic_keys]
        if untopical:
            by_topic.append((self.t("products.export.no_topic"), untopical))
        return [
            (self.t("products.export.by_kind"), [g for g in by_kind if g[1]]),
            (self.t("products.export.by_topic"), [g for g in by_topic if g[1]]),
        ]

    def facts(self, product: ProductSummary) -> list[tuple[str, str, str | None]]:
        """(label, text, address or None) of a product page's fact lines."""
        t = self.t
        facts: list[tuple[str, str, str | None]] = [
            (t("products.export.kind"), t.label(product.kind), None),
            (t("products.export.authors"), product.author_names or "—", None),
            (
                t("products.export.topics"),
                ", ".join(self.topic_names.get(k, k) for k in product.topic_keys) or "—",
                None,
            ),
            (t("products.export.published"), self.day(product), None),
        ]
        if product.reviewer:
            facts.append((t("products.export.reviewer"), product.reviewer, None))
        if product.link:
            address = product.link if _is_url(product.link) else None
            facts.append((t("products.export.link"), product.link, address))
        if product.request_numbers:
            facts.append((t("products.export.requests"), ", ".join(product.request_numbers), None))
        return facts


def _markdown_index(cat: _Catalogue) -> str:
    t = cat.t
    lines = [
        f"# {_md(t('products.export.title'))}",
        "",
        _md(t("products.export.summary", count=len(cat.products), day=f"{cat.now:%d.%m.%Y}")),
    ]
    for section, groups in cat.groups():
        lines += ["", f"## {_md(section)}"]
        for title, products in groups:
            lines += ["", f"### {_md(title)} ({len(products)})", ""]
            lines += [
                f"- [{_md(p.title)}]({cat.page_name(p)}) — {_md(p.author_names or '—')}, "
                f"{cat.day(p)}"
                for p in products
            ]
    if not cat.products:
        lines += ["", _md(t("products.export.empty"))]
    return "\n".join(lines) + "\n"


def _markdown_page(cat: _Catalogue, product: ProductSummary) -> str:
    lines = [f"# {_md(product.title)}", ""]
    for label, text, address in cat.facts(product):
        shown = f"<{address}>" if address else _md(text)
        lines.append(f"- **{_md(label)}:** {shown}")
    for paragraph in _paragraphs(product.summary):
        lines += ["", _md(paragraph)]
    lines += ["", f"[← {_md(cat.t('products.export.back'))}](../index.md)"]
    return "\n".join(lines) + "\n"


def _paragraphs(text: str) -> list[str]:
    parts = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip())]
    return [p for p in parts if p]


_CSS = (
    "body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;"
    "line-height:1.5;color:#222}a{color:#0b5cad}h2{border-bottom:1px solid #ddd;"
    "margin-top:2rem}dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}"
    "dt{font-weight:600}dd{margin:0}.meta{color:#666}"
)


def _html(lang: str, title: str, body: list[str]) -> str:
    head = (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
    )
    return head + "\n".join(body) + "\n</body>\n</html>\n"


def _html_index(cat: _Catalogue) -> str:
    t, e = cat.t, html.escape
    title = t("products.export.title")
    body = [
        f"<h1>{e(title)}</h1>",
        "<p class=meta>"
        + e(t("products.export.summary", count=len(cat.products), day=f"{cat.now:%d.%m.%Y}"))
        + "</p>",
    ]
    for section, groups in cat.groups():
        body.append(f"<h2>{e(section)}</h2>")
        for group, products in groups:
            body.append(f"<h3>{e(group)} ({len(products)})</h3>\n<ul>")
            body += [
                f'<li><a href="{e(cat.page_name(p))}">{e(p.title)}</a> '
                f"<span class=meta>— {e(p.author_names or '—')}, {e(cat.day(p))}</span></li>"
                for p in products
            ]
            body.append("</ul>")
    if not cat.products:
        body.append(f"<p>{e(t('products.export.empty'))}</p>")
    return _html(cat.lang, title, body)


def _html_page(cat: _Catalogue, product: ProductSummary) -> str:
    e = html.escape
    body = [f"<h1>{e(product.title)}</h1>", "<dl>"]
    for label, text, address in cat.facts(product):
        shown = f'<a href="{e(address)}">{e(text)}</a>' if address else e(text)
        body.append(f"<dt>{e(label)}</dt><dd>{shown}</dd>")
    body.append("</dl>")
    body += [f"<p>{e(paragraph)}</p>" for paragraph in _paragraphs(product.summary)]
    body.append(f'<p><a href="../index.html">← {e(cat.t("products.export.back"))}</a></p>')
    return _html(cat.lang, product.title, body)


_WRITERS: dict[
    ExportFormat,
    tuple[Callable[[_Catalogue], str], Callable[[_Catalogue, ProductSummary], str]],
] = {
    "md": (_markdown_index, _markdown_page),
    "html": (_html_index, _html_page),
}


def export_base(
    session: Session,
    out_dir: Path,
    fmt: ExportFormat,
    *,
    lang: str = "ru",
    now: datetime | None = None,
) -> BaseExport:
    """Write the methodological base as a catalogue into ``out_dir/base/`` (created
    when missing); pages of this format left from an earlier export are replaced."""
    if fmt not in _WRITERS:
        raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    cat = _Catalogue(session, fmt, lang, now or utcnow())
    write_index, write_page = _WRITERS[fmt]
    base = out_dir / BASE_DIR
    pages_dir = base / "products"
    pages_dir.mkdir(parents=True, exist_ok=True)
    for old in pages_dir.glob(f"*.{fmt}"):
        old.unlink()
    pages = []
    for product in cat.products:
        page = base / cat.page_name(product)
        page.write_text(write_page(cat, product), encoding="utf-8")
        pages.append(page)
    index = base / f"index.{fmt}"
    index.write_text(write_index(cat), encoding="utf-8")
    return BaseExport(index, tuple(pages))
