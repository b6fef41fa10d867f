"""A new methodological product: kind, title, summary, link, topics, authors, requests.

Authors are typed as names separated by ``;``: a name that is an expert's in the
registry (case and ё aside) is stored as that expert, any other as typed (a teacher of
the working group). Requests are typed by number (``З-2026-00042`` or its id). The
product is created as a draft in a thread worker; the screen dismisses with its id, or
None when cancelled.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, Select, SelectionList, TextArea
from textual.worker import Worker, WorkerState

from plc_console.domain import PlcError, ProductKind, fold_for_search
from plc_console.locale import Translator
from plc_console.services.experts import search_experts
from plc_console.services.products import create_product
from plc_console.services.products_views import AuthorInput, ProductForm
from plc_console.services.reference import list_topics
from plc_console.services.requests import find_request_id
from plc_console.services.views import TopicView
from plc_console.tui.errors import describe_error
from plc_console.tui.screens.help import localize_bindings
from plc_console.tui.widgets.form_field import FormRow


def _key(keys: str, action: str, name: str) -> Binding:
    return Binding(
        keys, action, f"reviewui.key_{name}", tooltip=f"reviewui.help_{name}", id=f"pf_{name}"
    )


@dataclass(frozen=True)
class TypedProduct:
    """The form as typed, before authors and requests are looked up."""

    form: ProductForm
    author_names: tuple[str, ...]
    request_refs: tuple[str, ...]


class ProductFormScreen(Screen[int | None]):
    """The product's fields, one a row; ctrl+s creates it as a draft."""

    BINDINGS = [_key("ctrl+s", "save", "save"), _key("escape", "cancel", "cancel")]

    @dataclass
    class TopicsRead(Message):
        topics: tuple[TopicView, ...]

    @dataclass
    class Created(Message):
        product_id: int

    @dataclass
    class Refused(Message):
        error: PlcError

    def __init__(
        self,
        sessions: sessionmaker[Session],
        t: Translator,
        now: Callable[[], datetime],
        actor: str,
    ) -> None:
        super().__init__(classes="product-form-screen")
        localize_bindings(self, t)
        self._sessions = sessions
        self._t = t
        self._now = now
        self._actor = actor
        self._saving = False

    def compose(self) -> ComposeResult:
        t = self._t
        yield Header()
        with VerticalScroll(id="product-form"):
            kinds = [(t.label(kind), kind.value) for kind in ProductKind]
            kind = Select[str](kinds, value=ProductKind.ARTICLE.value, allow_blank=False, id="kind")
            yield FormRow("kind", t("products.field.kind"), kind, required=True)
            yield FormRow("title", t("products.field.title"), Input(id="title"), required=True)
            summary = TextArea(id="summary", soft_wrap=True)
            yield FormRow("summary", t("products.field.summary"), summary)
            yield FormRow("link", t("products.field.link"), Input(id="link"))
            yield FormRow("topics", t("products.field.topics"), SelectionList[str](id="topics"))
            authors = Input(placeholder=t("reviewui.authors_placeholder"), id="authors")
            yield FormRow("authors", t("products.field.authors"), authors)
            requests = Input(placeholder=t("reviewui.requests_placeholder"), id="requests")
            yield FormRow("requests", t("products.field.requests"), requests)
            yield Label("", id="product-form-hint", classes="dialog-hint", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = self._t("reviewui.new_title")
        self.query_one("#title", Input).focus()
        self._read_topics()

    @work(thread=True, group="db", exit_on_error=False)
    def _read_topics(self) -> None:
        with self._sessions() as session:
            self.post_message(self.TopicsRead(tuple(list_topics(session))))

    @on(TopicsRead)
    def _show_topics(self, message: TopicsRead) -> None:
        topics = self.query_one("#topics", SelectionList)
        topics.add_options([(topic.name(self._t.lang), topic.key) for topic in message.topics])

    def typed(self) -> TypedProduct:
        """What the form holds now."""
        kind = self.query_one("#kind", Select).value
        link = self.query_one("#link", Input).value.strip()
        form = ProductForm(
            kind=ProductKind(str(kind)),
            title=self.query_one("#title", Input).value.strip(),
            summary=self.query_one("#summary", TextArea).text.strip(),
            link=link or None,
            topic_keys=tuple(self.query_one("#topics", SelectionList).selected),
        )
        authors = self.query_one("#authors", Input).value.split(";")
        refs = self.query_one("#requests", Input).value.replace(";", ",").split(",")
        return TypedProduct(
            form,
            tuple(name.strip() for name in authors if name.strip()),
            tuple(ref.strip() for ref in refs if ref.strip()),
        )

    def action_save(self) -> None:
        if self._saving:
            return
        typed = self.typed()
        if not typed.form.title:
            self._hint(self._t("products.invalid.title_required"))
            self.query_one("#title", Input).focus()
            return
        self._saving = True
        self._create(typed)

    @work(thread=True, group="db", exit_on_error=False)
    def _create(self, typed: TypedProduct) -> None:
        try:
            with self._sessions.begin() as session:
                experts = {fold_for_search(e.full_name): e.id for e in search_experts(session)}
                authors = tuple(
                    AuthorInput(expert_id=experts[fold_for_search(name)])
                    if fold_for_search(name) in experts
                    else AuthorInput(name=name)
                    for name in typed.author_names
                )
                request_ids = tuple(find_request_id(session, ref) for ref in typed.request_refs)
                form = ProductForm(
                    kind=typed.form.kind,
                    title=typed.form.title,
                    summary=typed.form.summary,
                    link=typed.form.link,
                    topic_keys=typed.form.topic_keys,
                    authors=authors,
                    request_ids=request_ids,
                )
                created = create_product(
                    session, form, actor=self._actor, now=self._now(), lang=self._t.lang
                )
        except PlcError as error:  # a field too long, an unknown request
            self.post_message(self.Refused(error))
            return
        self.post_message(self.Created(created.id))

    @on(Created)
    def _created(self, message: Created) -> None:
        self.notify(self._t("reviewui.created"), timeout=3, markup=False)
        self.dismiss(message.product_id)

    @on(Refused)
    def _refused(self, message: Refused) -> None:
        self._saving = False
        self._hint(describe_error(message.error, self._t))

    def _hint(self, text: str) -> None:
        self.query_one("#product-form-hint", Label).update(text)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self._saving = False
            self._hint(describe_error(event.worker.error, self._t))
