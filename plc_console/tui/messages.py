"""Messages that carry data from database workers back to the screens.

Workers run in threads and post these; handlers run on the UI thread and only ever
see plain, frozen data from the services.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from textual.message import Message

from plc_console.domain import Stage
from plc_console.services.views import RequestSummary


@dataclass
class StageLoaded(Message):
    """The count of every stage and (some of) the requests of one stage, read together."""

    stage: Stage
    counts: Mapping[Stage, int]
    rows: tuple[RequestSummary, ...]
    #: The moment of reading, for "days in stage" (the app's clock, fixed in tests).
    read_at: datetime

    @property
    def total(self) -> int:
        """How many requests the stage holds; more than ``len(rows)`` when truncated."""
        return self.counts.get(self.stage, 0)
