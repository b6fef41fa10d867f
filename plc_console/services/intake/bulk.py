"""Bulk work without the cyclic garbage collector looking on.

:func:`~.readers.read_table` and :meth:`~.rows.RowChecker.check_all` pause it
themselves; an import that reads, checks and stores a large file should hold the pause
over the whole of it, so the collector does not walk the table between the steps.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a large table is built or checked.

    A 100,000-row sheet is over a million live objects: every collection the allocations
    trigger walks them all again, which costs a third of the time. What is built here
    holds no reference cycles (rows of plain values, frozen requests), so reference
    counting frees it all the same. Collection resumes afterwards if it was on.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
