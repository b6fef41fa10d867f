"""The products side of a request's screen: "someone has met this before" and feedback.

For a request at ``received`` or ``triage`` the section lists the most similar published
products and past closed requests; :meth:`RequestProducts.answer` picks one of those
products and answers the request with it (the request skips ahead to feedback). For a
request at ``feedback``, :meth:`RequestProducts.record_feedback` asks what the requester
said and records it (done when usable, back to product with the reason otherwise).

Reads and writes run in thread workers; a saved change or a refusal comes up to the
screen as :class:`RequestProducts.Saved` or :class:`RequestProducts.Refused`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from plc_console.domain import PlcError, RuleViolation, Stage
from plc_console.locale import Translator
from plc_console.services.feedback import answer_with_product, record_feedback
from plc_console.services.products_similar import similar_to_request
from plc_console.services.products_views import Similar, SimilarProduct
from plc_console.services.views import RequestDetail
from plc_console.tui.errors import describe_error
from plc_console.tui.screens.product_dialogs import (
    FeedbackDecision,
    FeedbackDialog,
    ProductPickDialog,
)

#: Stages at which a request may still be answered by a published product.
ANSWERABLE = (Stage.RECEIVED, Stage.TRIAGE)


class RequestProducts(Vertical):
    """The similar products and past requests of the request shown (hidden otherwise)."""

    @dataclass
    class SimilarRead(Message):
        request_id: int
        similar: Similar

    @dataclass
    class Saved(Message):
        """Something was saved about the request; ``text`` says what."""

        text: str

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
        super().__init__(id="request-similar-pane", classes="request-pane")
        self._sessions = sessions
        self._t = t
        self._now = now
        self._actor = actor
        self._detail: RequestDetail | None = None
        self.similar = Similar()

    def compose(self) -> ComposeResult:
        self.border_title = self._t("feedbackui.similar_title")
        yield Static("", id="request-similar", markup=False)

    def on_mount(self) -> None:
        self.display = False

    def show(self, detail: RequestDetail) -> None:
        """The request as read: read its similar products when it may still be answered."""
        self._detail = detail
        self.display = detail.summary.stage in ANSWERABLE
        if self.display:
            self._read(detail.summary.id)

    @work(thread=True, group="similar", exclusive=True, exit_on_error=False)
    def _read(self, request_id: int) -> None:
        with self._sessions() as session:
            similar = similar_to_request(session, request_id, 5)
        self.post_message(self.SimilarRead(request_id, similar))

    @on(SimilarRead)
    def _show(self, message: SimilarRead) -> None:
        message.stop()
        self.similar = message.similar
        t = self._t
        lines = [t("feedbackui.similar_products")]
        for found in message.similar.products:
            product = found.product
            lines.append(f"  • {product.title} · {t.label(product.kind)}")
        if not message.similar.products:
            lines.append(f"  {t('feedbackui.none_found')}")
        lines.append(t("feedbackui.similar_requests"))
        for past in message.similar.requests:
            lines.append(f"  • {past.number} · {t.label(past.stage)} · {past.first_line}")
        if not message.similar.requests:
            lines.append(f"  {t('feedbackui.none_found')}")
        if message.similar.products:
            lines.append(t("feedbackui.answer_hint"))
        self.query_one("#request-similar", Static).update("\n".join(lines))

    @on(Worker.StateChanged)
    def _read_failed(self, event: Worker.StateChanged) -> None:
        # A failed read of the similar ones is said here: the screen would read again.
        if event.worker.group != "similar":
            return
        event.stop()
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.query_one("#request-similar", Static).update(
                describe_error(event.worker.error, self._t)
            )

    # --- answering with a product --------------------------------------------------------

    def answer(self) -> None:
        """Pick one of the similar products; enter answers the request with it."""
        detail = self._detail
        if detail is None:
            return
        summary = detail.summary
        if summary.stage not in ANSWERABLE:
            self._refuse(RuleViolation("feedbackui.not_answerable", stage=summary.stage))
            return
        if not self.similar.products:
            self.notify(self._t("feedbackui.nothing_to_answer"), severity="warning", markup=False)
            return
        dialog = ProductPickDialog(self._t, summary.number, self.similar.products)
        self.app.push_screen(dialog, lambda chosen: self._answer(detail, chosen))

    def _answer(self, detail: RequestDetail, chosen: SimilarProduct | None) -> None:
        if chosen is not None:
            self._write_answer(detail.summary.id, detail.summary.version, chosen)

    @work(thread=True, group="db", exit_on_error=False)
    def _write_answer(self, request_id: int, version: int, chosen: SimilarProduct) -> None:
        try:
            with self._sessions.begin() as session:
                summary = answer_with_product(
                    session,
                    request_id,
                    chosen.product.id,
                    actor=self._actor,
                    now=self._now(),
                    expected_version=version,
                    lang=self._t.lang,
                )
        except PlcError as error:
            self.post_message(self.Refused(error))
            return
        text = self._t("feedbackui.answered", number=summary.number, title=chosen.product.title)
        self.post_message(self.Saved(text))

    # --- feedback ------------------------------------------------------------------------

    def record_feedback(self) -> None:
        """Ask what the requester said about the solution, and record it."""
        detail = self._detail
        if detail is None:
            return
        summary = detail.summary
        if summary.stage is not Stage.FEEDBACK:
            self._refuse(RuleViolation("feedback.rule.not_at_feedback", stage=summary.stage))
            return
        dialog = FeedbackDialog(self._t, summary.number, self._now().date())
        self.app.push_screen(dialog, lambda decision: self._feedback(detail, decision))

    def _feedback(self, detail: RequestDetail, decision: FeedbackDecision | None) -> None:
        if decision is not None:
            self._write_feedback(detail.summary.id, detail.summary.version, decision)

    @work(thread=True, group="db", exit_on_error=False)
    def _write_feedback(self, request_id: int, version: int, decision: FeedbackDecision) -> None:
        try:
            with self._sessions.begin() as session:
                outcome = record_feedback(
                    session,
                    request_id,
                    contacted_on=decision.contacted_on,
                    usable=decision.usable,
                    usefulness=decision.usefulness,
                    comment=decision.comment,
                    actor=self._actor,
                    now=self._now(),
                    expected_version=version,
                    lang=self._t.lang,
                )
        except PlcError as error:
            self.post_message(self.Refused(error))
            return
        request = outcome.request
        text = self._t("feedbackui.recorded", number=request.number, stage=request.stage)
        self.post_message(self.Saved(text))

    def _refuse(self, error: PlcError) -> None:
        self.post_message(self.Refused(error))
