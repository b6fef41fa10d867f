"""One methodological product in full, and its review: submit, name a reviewer, comment,
ask for changes, approve, publish.

Every change names the version read; a refusal (publishing a draft, an author named as
the reviewer, someone else's change meanwhile) is shown in the user's language and the
product read afresh. Reads and writes run in thread workers with their own sessions and
come back as this screen's messages. The screen dismisses with whether it saved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Static
from textual.worker import Worker, WorkerState

from plc_console.domain import PlcError, ProductState, RuleViolation
from plc_console.locale import Translator
from plc_console.services.experts import search_experts
from plc_console.services.products_read import get_product
from plc_console.services.products_review import (
    add_comment,
    approve,
    assign_reviewer,
    publish,
    request_changes,
    submit_for_review,
)
from plc_console.services.products_views import ProductDetail, ProductStale
from plc_console.services.reference import list_topics
from plc_console.services.views import ExpertView
from plc_console.tui.errors import describe_error
from plc_console.tui.screens.dialogs import ConfirmDialog, NoteDialog
from plc_console.tui.screens.help import localize_bindings
from plc_console.tui.screens.product_dialogs import ExpertPickDialog
from plc_console.tui.widgets.product_view import PRODUCT_LABELS, ProductHistory, product_fields
from plc_console.tui.widgets.request_view import FieldGrid

_READ = "product-read"
#: A write: what it does to the product, given a session and the version read.
Change = Callable[[Session, int], object]


def _key(keys: str, action: str, name: str, *, show: bool = True) -> Binding:
    return Binding(
        keys,
        action,
        f"reviewui.key_{name}",
        tooltip=f"reviewui.help_{name}",
        id=f"review_{name}",
        show=show,
    )


class ProductScreen(Screen[bool]):
    """The product's fields and summary, then its history (review moves and comments)."""

    BINDINGS = [
        _key("escape", "back", "back"),
        _key("s", "submit", "submit"),
        _key("v", "reviewer", "reviewer"),
        _key("c", "comment", "comment"),
        _key("x", "changes", "changes"),
        _key("a", "approve", "approve"),
        _key("p", "publish", "publish"),
        _key("r", "refresh", "refresh", show=False),
    ]

    @dataclass
    class ProductRead(Message):
        detail: ProductDetail
        names: dict[str, str]

    @dataclass
    class ExpertsRead(Message):
        experts: tuple[ExpertView, ...]

    @dataclass
    class Saved(Message):
        done_key: str

    @dataclass
    class Refused(Message):
        error: PlcError

    def __init__(
        self,
        sessions: sessionmaker[Session],
        t: Translator,
        now: Callable[[], datetime],
        actor: str,
        product_id: int,
    ) -> None:
        super().__init__(classes="product-screen")
        localize_bindings(self, t)
        self._sessions = sessions
        self._t = t
        self._now = now
        self._actor = actor
        self.product_id = product_id
        self.detail: ProductDetail | None = None
        self._busy = False
        self.saved = False

    def compose(self) -> ComposeResult:
        t = self._t
        yield Header()
        with VerticalScroll(id="product-body"):
            with Vertical(id="product-card", classes="request-pane") as card:
                card.border_title = t("reviewui.pane_product")
                yield FieldGrid(t, PRODUCT_LABELS, id="product-fields")
            with Vertical(id="product-summary-pane", classes="request-pane") as summary:
                summary.border_title = t("products.field.summary")
                yield Static("", id="product-summary", markup=False)
        with Vertical(id="product-history-pane", classes="request-pane") as history:
            history.border_title = t("reviewui.pane_history")
            yield ProductHistory(t, id="product-history")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#product-body").focus()
        self.reload()

    # --- reading -------------------------------------------------------------------------

    def reload(self) -> None:
        self._read()

    @work(thread=True, group="db", exit_on_error=False, name=_READ)
    def _read(self) -> None:
        with self._sessions() as session:
            detail = get_product(session, self.product_id)
            topics = list_topics(session, include_inactive=True)
        names = {topic.key: topic.name(self._t.lang) for topic in topics}
        self.post_message(self.ProductRead(detail, names))

    @on(ProductRead)
    def _show(self, message: ProductRead) -> None:
        detail = self.detail = message.detail
        product = detail.summary
        self.sub_title = f"{product.title} · {self._t.label(product.state)}"
        fields = product_fields(self._t, detail, message.names)
        self.query_one("#product-fields", FieldGrid).show(fields)
        self.query_one("#product-summary", Static).update(product.summary or "—")
        self.query_one("#product-history", ProductHistory).show_events(detail.events)

    def action_refresh(self) -> None:
        self.reload()

    # --- review --------------------------------------------------------------------------

    def _ready(self) -> ProductDetail | None:
        if self.detail is None or self._busy:
            self.notify(self._t("reviewui.wait"), severity="warning", markup=False)
            return None
        return self.detail

    def _change(self, done_key: str, change: Change) -> None:
        detail = self._ready()
        if detail is None:
            return
        self._busy = True
        self._write(done_key, change, detail.summary.version)

    @work(thread=True, group="db", exit_on_error=False)
    def _write(self, done_key: str, change: Change, version: int) -> None:
        try:
            with self._sessions.begin() as session:
                change(session, version)
        except PlcError as error:  # a rule, a stale version, an unknown expert
            self.post_message(self.Refused(error))
            return
        self.post_message(self.Saved(done_key))

    def action_submit(self) -> None:
        """Send the product to review (from a draft, or after changes)."""
        actor, now, pid = self._actor, self._now(), self.product_id
        self._change(
            "reviewui.submitted",
            lambda s, v: submit_for_review(s, pid, v, actor=actor, now=now),
        )

    def action_reviewer(self) -> None:
        """Name the reviewer: an expert of the registry who is not an author."""
        if self._ready() is not None:
            self._read_experts()

    @work(thread=True, group="db", exit_on_error=False)
    def _read_experts(self) -> None:
        with self._sessions() as session:
            experts = tuple(search_experts(session, "", active_only=True))
        self.post_message(self.ExpertsRead(experts))

    @on(ExpertsRead)
    def _pick_reviewer(self, message: ExpertsRead) -> None:
        dialog = ExpertPickDialog(self._t, self._t("reviewui.reviewer_title"), message.experts)

        def picked(expert: ExpertView | None) -> None:
            if expert is None:
                return
            actor, now, pid = self._actor, self._now(), self.product_id
            self._change(
                "reviewui.reviewer_set",
                lambda s, v: assign_reviewer(s, pid, v, expert.id, actor=actor, now=now),
            )

        self.app.push_screen(dialog, picked)

    def _ask_note(self, title_key: str, then: Callable[[str], None]) -> None:
        t = self._t
        dialog = NoteDialog(t, t(title_key), t("reviewui.comment_prompt"))
        self.app.push_screen(dialog, lambda note: then(note) if note else None)

    def action_comment(self) -> None:
        """Add a comment (a reviewer's remark or a coordinator's note)."""
        actor, now, pid = self._actor, self._now(), self.product_id

        def save(note: str) -> None:
            self._change(
                "reviewui.commented",
                lambda s, v: add_comment(s, pid, note, actor=actor, now=now, expected_version=v),
            )

        self._ask_note("reviewui.comment_title", save)

    def action_changes(self) -> None:
        """Send the product back to its authors, saying what to change."""
        actor, now, pid = self._actor, self._now(), self.product_id

        def save(note: str) -> None:
            self._change(
                "reviewui.changes_requested",
                lambda s, v: request_changes(s, pid, v, note, actor=actor, now=now),
            )

        self._ask_note("reviewui.changes_title", save)

    def _confirmed(self, question_key: str, done_key: str, change: Change) -> None:
        detail = self._ready()
        if detail is None:
            return
        t = self._t
        question = t(question_key, title=detail.summary.title)
        dialog = ConfirmDialog(t, t("reviewui.confirm_title"), question)
        self.app.push_screen(dialog, lambda yes: self._change(done_key, change) if yes else None)

    def action_approve(self) -> None:
        """The reviewer approves the product (it can then be published)."""
        actor, now, pid = self._actor, self._now(), self.product_id
        self._confirmed(
            "reviewui.approve_question",
            "reviewui.approved",
            lambda s, v: approve(s, pid, v, actor=actor, now=now),
        )

    def action_publish(self) -> None:
        """Publish an approved product to the methodological base."""
        detail = self._ready()
        if detail is None:
            return
        if detail.summary.state is not ProductState.APPROVED:
            # Said at once, in the service's words, rather than after a needless yes.
            error = RuleViolation("products.rule.publish_unapproved", state=detail.summary.state)
            self._refused(self.Refused(error))
            return
        actor, now, pid, lang = self._actor, self._now(), self.product_id, self._t.lang
        self._confirmed(
            "reviewui.publish_question",
            "reviewui.published_done",
            lambda s, v: publish(s, pid, v, actor=actor, now=now, lang=lang),
        )

    @on(Saved)
    def _saved(self, message: Saved) -> None:
        self._busy = False
        self.saved = True
        title = self.detail.summary.title if self.detail else ""
        self.notify(self._t(message.done_key, title=title), timeout=3, markup=False)
        self.reload()

    @on(Refused)
    def _refused(self, message: Refused) -> None:
        self._busy = False
        stale = isinstance(message.error, ProductStale)
        self.notify(
            describe_error(message.error, self._t),
            title=self._t("reviewui.not_saved"),
            severity="warning" if stale else "error",
            markup=False,
        )
        self.reload()

    # --- leaving, errors -----------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss(self.saved)

    @on(Worker.StateChanged)
    def _worker_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR or event.worker.error is None:
            return
        self._busy = False
        self.notify(
            describe_error(event.worker.error, self._t),
            title=self._t("tui.error_title"),
            severity="error",
            markup=False,
        )
