"""The methodological base (``B`` on the board) and the list of all products (``P``).

The base lists published products only; every keystroke in the search line reads again
(Russian word forms match: «урок» finds «уроки»), and the topic and kind choices narrow
it. The list of all products is the same screen with the review state shown and a state
choice added. The highlighted product's summary and link are shown beneath the table;
``enter`` opens it on :class:`ProductScreen` and ``n`` starts a new product.

Reads run in thread workers with their own sessions and come back as this screen's
messages; a read overtaken by a newer one is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Label, Select, Static
from textual.worker import Worker, WorkerState

from plc_console.domain import ProductKind, ProductState
from plc_console.locale import Translator
from plc_console.services.products_read import list_products
from plc_console.services.products_search import search_base
from plc_console.services.products_views import ProductSummary
from plc_console.services.reference import list_topics
from plc_console.services.views import TopicView
from plc_console.tui.errors import describe_error
from plc_console.tui.screens.help import localize_bindings
from plc_console.tui.widgets.product_table import ProductTable, product_lines


def _key(keys: str, action: str, name: str, *, show: bool = True) -> Binding:
    return Binding(
        keys,
        action,
        f"baseui.key_{name}",
        tooltip=f"baseui.help_{name}",
        id=f"base_{name}",
        show=show,
    )


@dataclass(frozen=True)
class BaseQuery:
    """What is asked for: the typed words and the chosen topic, kind and state."""

    text: str = ""
    topic: str | None = None
    kind: ProductKind | None = None
    state: ProductState | None = None


class BaseScreen(Screen[bool]):
    """Search line and choices, the products found, the highlighted one beneath."""

    AUTO_FOCUS = "#base-search"

    BINDINGS = [
        _key("escape", "back", "back"),
        _key("slash", "search", "search"),
        _key("n", "new_product", "new"),
        _key("f5", "refresh", "refresh", show=False),
    ]

    @dataclass
    class Found(Message):
        serial: int
        products: tuple[ProductSummary, ...]
        topics: tuple[TopicView, ...]

    def __init__(
        self,
        sessions: sessionmaker[Session],
        t: Translator,
        now: Callable[[], datetime],
        actor: str,
        *,
        every_product: bool = False,
    ) -> None:
        super().__init__(classes="base-screen")
        localize_bindings(self, t)
        self._sessions = sessions
        self._t = t
        self._now = now
        self._actor = actor
        #: The list of all products (with their review state) rather than the base.
        self.every_product = every_product
        self.query_now = BaseQuery()
        self._asked = self._shown = 0
        self._names: dict[str, str] = {}
        self.saved = False

    def compose(self) -> ComposeResult:
        t = self._t
        yield Header()
        with Horizontal(id="base-filters"):
            yield Input(placeholder=t("baseui.search_placeholder"), id="base-search")
            yield Select[str]([], prompt=t("baseui.any_topic"), id="base-topic")
            kinds = [(t.label(kind), kind.value) for kind in ProductKind]
            yield Select[str](kinds, prompt=t("baseui.any_kind"), id="base-kind")
            if self.every_product:
                states = [(t.label(state), state.value) for state in ProductState]
                yield Select[str](states, prompt=t("baseui.any_state"), id="base-state")
        yield Label("", id="base-empty", markup=False)
        yield ProductTable(t, with_state=self.every_product, id="base-table")
        with VerticalScroll(id="base-detail-pane", classes="request-pane") as pane:
            pane.border_title = t("baseui.pane_detail")
            yield Static("", id="base-detail", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        key = "baseui.title_all" if self.every_product else "baseui.title"
        self.sub_title = self._t(key)
        self.query_one("#base-empty").display = False
        self.query_one("#base-search", Input).cursor_blink = False
        self.reload()

    def on_screen_resume(self) -> None:
        if self._shown:
            self.reload()

    @property
    def table(self) -> ProductTable:
        return self.query_one(ProductTable)

    # --- reading -------------------------------------------------------------------------

    def reload(self) -> None:
        self._asked += 1
        self._read(self._asked, self.query_now)

    @work(thread=True, group="db", exit_on_error=False)
    def _read(self, serial: int, query: BaseQuery) -> None:
        if self.every_product:
            states = (query.state,) if query.state else tuple(ProductState)
        else:
            states = (ProductState.PUBLISHED,)
        topic_keys = (query.topic,) if query.topic else ()
        kinds = (query.kind,) if query.kind else ()
        with self._sessions() as session:
            if self.every_product and not query.text:
                # Newest change first: drafts have no publication date to sort by.
                found = list_products(session, states=states, kinds=kinds, topic_keys=topic_keys)
            else:
                hits = search_base(
                    session, query.text, topic_keys=topic_keys, kinds=kinds, states=states
                )
                found = [hit.product for hit in hits]
            topics = tuple(list_topics(session, include_inactive=True))
        self.post_message(self.Found(serial, tuple(found), topics))

    @on(Found)
    def _show(self, message: Found) -> None:
        if message.serial < self._shown:
            return
        first = not self._shown
        self._shown = message.serial
        self._names = {topic.key: topic.name(self._t.lang) for topic in message.topics}
        if first:
            options = [(topic.name(self._t.lang), topic.key) for topic in message.topics]
            self.query_one("#base-topic", Select).set_options(options)
        table = self.table
        table.show(message.products, self._names)
        table.display = bool(message.products)
        empty = self.query_one("#base-empty", Label)
        empty.display = not message.products
        empty.update(self._t("baseui.nothing_found"))
        self._show_current()

    @on(DataTable.RowHighlighted, "#base-table")
    def _show_current(self) -> None:
        current = self.table.current
        text = product_lines(self._t, current, self._names) if current else ""
        self.query_one("#base-detail", Static).update(text)
        self.query_one("#base-detail-pane").display = current is not None

    # --- narrowing -----------------------------------------------------------------------

    @on(Input.Changed, "#base-search")
    def _typed(self, event: Input.Changed) -> None:
        self.query_now = BaseQuery(
            event.value.strip(), self.query_now.topic, self.query_now.kind, self.query_now.state
        )
        self.reload()

    @on(Input.Submitted, "#base-search")
    def _to_table(self) -> None:
        self.table.focus()

    @on(Select.Changed)
    def _chosen(self, event: Select.Changed) -> None:
        def value(widget_id: str) -> str | None:
            chosen = self.query_one(widget_id, Select).value
            return chosen if isinstance(chosen, str) else None

        kind, state = value("#base-kind"), value("#base-state") if self.every_product else None
        self.query_now = BaseQuery(
            self.query_now.text,
            value("#base-topic"),
            ProductKind(kind) if kind else None,
            ProductState(state) if state else None,
        )
        self.reload()

    def action_search(self) -> None:
        self.query_one("#base-search", Input).focus()

    def action_refresh(self) -> None:
        self.reload()

    # --- opening, adding -----------------------------------------------------------------

    @on(DataTable.RowSelected, "#base-table")
    def _open(self) -> None:
        product = self.table.current
        if product is None:
            return
        from plc_console.tui.screens.product import ProductScreen

        screen = ProductScreen(self._sessions, self._t, self._now, self._actor, product.id)
        self.app.push_screen(screen, self._after_change)

    def action_new_product(self) -> None:
        from plc_console.tui.screens.product_form import ProductFormScreen

        form = ProductFormScreen(self._sessions, self._t, self._now, self._actor)
        self.app.push_screen(form, self._after_new)

    def _after_new(self, product_id: int | None) -> None:
        if product_id is None:
            return
        self.saved = True
        from plc_console.tui.screens.product import ProductScreen

        screen = ProductScreen(self._sessions, self._t, self._now, self._actor, product_id)
        self.app.push_screen(screen, self._after_change)

    def _after_change(self, saved: bool | None) -> None:
        if saved:
            self.saved = True

    def action_back(self) -> None:
        self.dismiss(self.saved)

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.notify(
                describe_error(event.worker.error, self._t),
                title=self._t("tui.error_title"),
                severity="error",
                markup=False,
            )
