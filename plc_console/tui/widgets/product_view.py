"""How one product reads on its screen: labelled fields, and its history as a table.

Nothing here reads the database: the screen hands in a
:class:`~plc_console.services.products_views.ProductDetail` and the topic names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text
from textual.widgets import DataTable

from plc_console.locale import Translator
from plc_console.services.products_views import ProductDetail, ProductEventView
from plc_console.tui.widgets.product_table import authors_text, topics_text
from plc_console.tui.widgets.request_view import NO_VALUE

#: The product's fields, top to bottom, with the catalog key of each label.
PRODUCT_LABELS: tuple[tuple[str, str], ...] = (
    ("title", "products.field.title"),
    ("kind", "products.field.kind"),
    ("state", "reviewui.state"),
    ("authors", "products.field.authors"),
    ("reviewer", "reviewui.reviewer"),
    ("topics", "products.field.topics"),
    ("link", "products.field.link"),
    ("requests", "products.field.requests"),
    ("answered", "reviewui.answered"),
    ("meeting", "products.field.meeting"),
    ("published", "reviewui.published"),
    ("feedback", "reviewui.feedback"),
)


def product_fields(
    t: Translator, detail: ProductDetail, names: Mapping[str, str]
) -> dict[str, str | None]:
    """The product's fields as shown; None hides a line that does not apply."""
    product = detail.summary
    feedback = [
        t(
            "reviewui.feedback_line",
            number=item.request_number,
            usable=t.label(item.usable),
            usefulness=item.usefulness,
        )
        for item in detail.feedback
    ]
    return {
        "title": product.title,
        "kind": t.label(product.kind),
        "state": t.label(product.state),
        "authors": authors_text(product),
        "reviewer": product.reviewer or NO_VALUE,
        "topics": topics_text(product, names),
        "link": product.link or NO_VALUE,
        "requests": ", ".join(ref.number for ref in detail.requests) or NO_VALUE,
        "answered": ", ".join(ref.number for ref in detail.answered) or None,
        "meeting": detail.meeting_title,
        "published": (product.published_at.strftime("%d.%m.%Y") if product.published_at else None),
        "feedback": "; ".join(feedback) or None,
    }


class ProductHistory(DataTable[Text]):
    """Every event of the product, oldest first; comments are events with their text."""

    def __init__(self, t: Translator, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self._t = t

    def show_events(self, events: Sequence[ProductEventView]) -> None:
        t = self._t
        self.clear(columns=True)
        keys = ("when", "who", "what", "states", "note")
        fixed = {"when": 16, "who": 16, "what": 26, "states": 30}
        rest = self.size.width - sum(fixed.values()) - 2 * len(keys) - 2
        for key in keys:
            width = fixed.get(key, max(20, rest))
            self.add_column(Text(t(f"reviewui.col_{key}")), width=width, key=key)
        for event in events:
            states = ""
            if event.to_state is not None and event.to_state is not event.from_state:
                source = t.label(event.from_state) if event.from_state else ""
                states = f"{source} → {t.label(event.to_state)}".strip()
            cells = (
                event.at.strftime("%d.%m.%Y %H:%M"),
                event.actor,
                t.label(event.kind),
                states,
                event.note or "",
            )
            self.add_row(*(Text(cell) for cell in cells), height=None)
        if events:
            self.move_cursor(row=len(events) - 1, animate=False)
