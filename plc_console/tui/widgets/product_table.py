"""Products as a table (title, kind, topics, authors, state or published date), and how
one product reads in a few lines beneath it.

The base and the list of all products share the table; ``with_state`` adds the review
state column. Nothing here reads the database: the screen hands in the products and the
topics that name them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.cells import cell_len
from rich.text import Text
from textual.events import Resize
from textual.widgets import DataTable

from plc_console.locale import Translator
from plc_console.services.products_views import ProductSummary
from plc_console.tui.widgets.request_view import NO_VALUE

#: Columns that take what they need up to a cap; the title takes the rest.
_CAPS = {"kind": 22, "topics": 30, "authors": 30, "state": 20, "published": 10}
_MIN_TITLE = 20


def authors_text(product: ProductSummary) -> str:
    return ", ".join(author.name for author in product.authors) or NO_VALUE


def topics_text(product: ProductSummary, names: Mapping[str, str]) -> str:
    return ", ".join(names.get(key, key) for key in product.topic_keys) or NO_VALUE


def product_lines(t: Translator, product: ProductSummary, names: Mapping[str, str]) -> str:
    """The highlighted product in a few lines: title, kind and state, authors, link, summary."""
    published = product.published_at.strftime("%d.%m.%Y") if product.published_at else NO_VALUE
    lines = [
        product.title,
        f"{t.label(product.kind)} · {t.label(product.state)} · {published}",
        f"{t('baseui.authors')}: {authors_text(product)}",
        f"{t('baseui.topics')}: {topics_text(product, names)}",
        f"{t('baseui.link')}: {product.link or NO_VALUE}",
        "",
        product.summary or NO_VALUE,
    ]
    return "\n".join(lines)


class ProductTable(DataTable[Text]):
    """One product a row; the cursor stays on the same product when rows are replaced."""

    def __init__(self, t: Translator, *, with_state: bool, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._t = t
        self._keys = ("title", "kind", "topics", "authors") + (
            ("state",) if with_state else ("published",)
        )
        self._products: tuple[ProductSummary, ...] = ()
        self._names: dict[str, str] = {}
        self._built_for_width = -1

    @property
    def products(self) -> tuple[ProductSummary, ...]:
        return self._products

    @property
    def current(self) -> ProductSummary | None:
        """The product under the cursor (None when the table is empty)."""
        if not self._products:
            return None
        return self._products[min(max(self.cursor_row, 0), len(self._products) - 1)]

    def show(self, products: Sequence[ProductSummary], names: Mapping[str, str]) -> None:
        """Replace the rows (``names``: topic names by key), keeping the cursor's product."""
        current = self.current
        self._products, self._names = tuple(products), dict(names)
        ids = [product.id for product in self._products]
        row = ids.index(current.id) if current and current.id in ids else 0
        self._rebuild(row)

    def on_resize(self, event: Resize) -> None:
        if self.size.width != self._built_for_width:
            self._rebuild(self.cursor_row)

    def texts(self, product: ProductSummary) -> dict[str, str]:
        published = product.published_at
        return {
            "title": product.title,
            "kind": self._t.label(product.kind),
            "topics": topics_text(product, self._names),
            "authors": authors_text(product),
            "state": self._t.label(product.state),
            "published": published.strftime("%d.%m.%Y") if published else NO_VALUE,
        }

    def _rebuild(self, row: int) -> None:
        self._built_for_width = self.size.width
        self.clear(columns=True)
        rows = [self.texts(product) for product in self._products]
        widths: dict[str, int] = {}
        for key in self._keys:
            header = cell_len(self._t(f"baseui.col_{key}"))
            widest = max((cell_len(texts[key]) for texts in rows), default=0)
            widths[key] = max(header, min(widest, _CAPS.get(key, widest)))
        padding = 2 * self.cell_padding * len(self._keys) + self.styles.scrollbar_size_vertical
        others = sum(width for key, width in widths.items() if key != "title")
        widths["title"] = max(_MIN_TITLE, self.size.width - padding - others)
        for key in self._keys:
            self.add_column(Text(self._t(f"baseui.col_{key}")), width=widths[key], key=key)
        for product, texts in zip(self._products, rows, strict=True):
            cells = [Text(texts[key]) for key in self._keys]
            self.add_row(*cells, height=None, key=str(product.id))
        if self._products:
            self.move_cursor(row=min(max(row, 0), len(self._products) - 1), animate=False)
