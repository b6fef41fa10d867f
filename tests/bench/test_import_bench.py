"""`plc import` at scale: 100,000 valid forms from .xlsx into SQLite, against the floor.

The floor is measured in the same run: the file read by python-calamine plus a raw
``executemany`` of the same rows into a plain table. Floor and import each run three
times (a fresh database each time) and the best of each is compared, so one slow moment
of a shared machine does not decide the ratio. The issue's targets: under 3 s, within
2.5x of the floor, and under 600 MB of peak memory for ``plc import`` as a person runs
it (measured in a child process, interpreter and imports included). The figures are
printed with ``-s``.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import func, select

from plc_console.db.models import Event, Person, Request
from plc_console.services.database import open_database
from plc_console.services.intake.importer import ImportReport, import_file
from tests.bench.test_intake_bench import FORMS, forms_xlsx
from tests.conftest import NOW

pytestmark = pytest.mark.bench

__all__ = ["forms_xlsx"]  # the cached 100,000-form file, shared with the intake bench

ROUNDS = 3
PEAK_MEMORY_MB = 600

#: ``plc import`` in a child process; prints its exit code and peak memory as JSON.
_CHILD = """
import json, resource, sys
from plc_console.cli.main import run
sys.argv = ["plc", "import", sys.argv[1]]
try:
    run()
except SystemExit as exit:
    code = exit.code
print(json.dumps({"code": code, "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def _floor(path: Path, database: Path) -> float:
    start = time.perf_counter()
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Заявки").to_python()
    connection = sqlite3.connect(database)
    columns = ", ".join(f"c{i}" for i in range(13))
    connection.execute(f"CREATE TABLE forms ({columns})")
    with connection:
        connection.executemany(
            f"INSERT INTO forms VALUES ({', '.join('?' * 13)})",
            ([str(cell) for cell in row[:13]] for row in rows[1:]),
        )
    connection.close()
    return time.perf_counter() - start


def _import(path: Path, database: Path) -> tuple[float, ImportReport]:
    opened = open_database(f"sqlite:///{database}")
    try:
        start = time.perf_counter()
        with opened.sessions() as session, session.begin():
            report = import_file(session, path, actor="bench", now=NOW)
        took = time.perf_counter() - start
        with opened.sessions() as session:
            assert session.scalar(select(func.count()).select_from(Request)) == FORMS
            assert session.scalar(select(func.count()).select_from(Event)) == FORMS
            assert session.scalar(select(func.count()).select_from(Person)) > 0
    finally:
        opened.engine.dispose()
    assert report.stored and report.new == FORMS and not report.refused
    return took, report


def _peak_memory_mb(path: Path, folder: Path) -> float:
    environment = {**os.environ, "PLC_DB_URL": f"sqlite:///{folder / 'child.sqlite3'}"}
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["code"] in (0, None), done.stdout + done.stderr
    return float(result["peak_kb"]) / 1024


def test_import_100k_forms(forms_xlsx: Path, tmp_path: Path) -> None:  # noqa: F811
    floors, imports = [], []
    for round_ in range(ROUNDS):
        floors.append(_floor(forms_xlsx, tmp_path / f"floor-{round_}.sqlite3"))
        took, _ = _import(forms_xlsx, tmp_path / f"plc-{round_}.sqlite3")
        imports.append(took)
    floor, best = min(floors), min(imports)
    peak = _peak_memory_mb(forms_xlsx, tmp_path)
    print(
        f"\nimport {best:.2f} s (target 3 s), floor {floor:.2f} s,"
        f" ratio {best / floor:.2f}x (target 2.5x), peak {peak:.0f} MB (target {PEAK_MEMORY_MB})"
    )
    assert peak < PEAK_MEMORY_MB
