"""What starting `plc` imports: heavy libraries load only when their feature is used.

Each check runs in a fresh interpreter, so modules this test process already holds do
not hide an import.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

#: Spreadsheets and data frames (imports and exports) take a second or more to import;
#: Alembic (with Mako and Pygments) only upgrades or checks a schema.
NEVER_AT_START = ("pandas", "openpyxl", "python_calamine", "calamine", "alembic", "mako")
#: Plain commands (`plc db status`, `plc --help`) start without the terminal UI.
UI = ("textual", "rich")


def _imported(module: str, candidates: tuple[str, ...]) -> list[str]:
    """Which of ``candidates`` are loaded after importing ``module`` alone."""
    code = f"import sys, {module}\nprint(' '.join(m for m in {candidates!r} if m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return done.stdout.split()


@pytest.mark.parametrize("module", ["plc_console.cli.main", "plc_console.tui.app"])
def test_start_imports_no_heavy_library(module: str) -> None:
    assert _imported(module, NEVER_AT_START) == []


def test_commands_import_no_terminal_ui() -> None:
    assert _imported("plc_console.cli.main", UI) == []
