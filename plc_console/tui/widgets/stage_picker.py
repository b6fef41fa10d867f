"""The list of stages with the number of requests in each; moving in it picks a stage."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from plc_console.domain import BOARD_STAGES, Stage
from plc_console.locale import Translator

#: The board's columns, then (after a separator) the requests closed early.
PICKER_STAGES: tuple[Stage, ...] = (*BOARD_STAGES, Stage.CLOSED)
#: Room for the count: a space and up to four digits (done requests pile up over the years).
_COUNT_WIDTH = 5


class StagePicker(OptionList):
    """One line per stage: its name and, once read, how many requests it holds."""

    @dataclass
    class StageHighlighted(Message):
        """The user moved to another stage."""

        stage: Stage

    def __init__(self, t: Translator, *, id: str | None = None) -> None:
        self._t = t
        self._name_width = max(cell_len(t.label(stage)) for stage in PICKER_STAGES)
        options: list[Option | None] = [self._option(stage, None) for stage in BOARD_STAGES]
        options += [None, self._option(Stage.CLOSED, None)]
        super().__init__(*options, id=id)

    def select_stage(self, stage: Stage) -> None:
        """Highlight ``stage``, as if the user had moved there."""
        self.highlighted = self.get_option_index(stage.value)

    def show_counts(self, counts: Mapping[Stage, int]) -> None:
        """Put fresh counts beside the stage names."""
        for stage in PICKER_STAGES:
            self.replace_option_prompt(stage.value, self._prompt(stage, counts.get(stage, 0)))

    def _option(self, stage: Stage, count: int | None) -> Option:
        return Option(self._prompt(stage, count), id=stage.value)

    def _prompt(self, stage: Stage, count: int | None) -> Text:
        # Names padded to the longest one: the counts line up and the list sizes itself.
        name = self._t.label(stage)
        shown = "" if count is None else str(count)
        gap = self._name_width - cell_len(name) + _COUNT_WIDTH - len(shown)
        return Text.assemble(name, " " * max(1, gap), shown)

    @on(OptionList.OptionHighlighted)
    def _announce_stage(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option_id:
            self.post_message(self.StageHighlighted(Stage(event.option_id)))
