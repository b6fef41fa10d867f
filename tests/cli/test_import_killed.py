"""`plc import` killed mid-file (power cut, OOM killer, `kill -9`): nothing of the file stays.

An exception mid-import is rolled back by the import itself (see test_import.py); a
process killed outright runs no handler at all, so only the database's own transaction
keeps the promise that a file is imported whole or not at all. Here a real `plc import`
runs in a child process that kills itself with SIGKILL right after the first 5,000
requests went in inside its transaction (on SQLite, while the search index's trigger is
dropped). Afterwards the board shows nothing of the file, the database is sound, the
trigger is back, and importing the same file again stores every form, which search finds.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, make_url, select, text

from plc_console.db.bulk import CHUNK
from plc_console.db.engine import DB_URL_ENV
from plc_console.db.models import Event, ImportBatch, Person, Request, RequestCounter
from plc_console.domain import Stage
from plc_console.services.board import BoardFilter, CardOrder, column_counts, column_window
from plc_console.services.database import Database
from tests.conftest import NOW
from tests.unit.intake_files import HEADERS_RU, form_row, write_xlsx

#: Forms in the file: two whole chunks of requests and part of a third.
ROWS = 2 * CHUNK + 2_000
#: The one form whose requester has a name of her own, for search to find.
SOUGHT_ROW, SOUGHT_NAME = 7_777, "Смирнова Ольга Викторовна"
TRIGGER = "requests_search_insert"
ROOT = Path(__file__).resolve().parents[2]
#: Seconds a child `plc import` may take before the test gives up on it (no hang).
CHILD_TIMEOUT = 180
#: Seconds PostgreSQL may take to notice the killed client and end its session.
SERVER_NOTICES = 30

#: The child: `plc import FILE` through the console's entry point, with the bulk insert
#: of requests wrapped so that right after the first chunk went in, the process notes
#: what its open transaction holds (in MARKER, as JSON) and kills itself.
CHILD = """
import json, os, signal, sys
from pathlib import Path

from plc_console.services.intake import store

source, marker = sys.argv[1], Path(sys.argv[2])
real_insert_columns = store.insert_columns


def insert_columns(connection, table, columns, **options):
    if table.name != "requests":
        return real_insert_columns(connection, table, columns, **options)

    def one(sql):
        return connection.exec_driver_sql(sql).scalar()

    seen = {}
    if connection.dialect.name == "sqlite":
        files = {row[1]: row[2] for row in connection.exec_driver_sql("PRAGMA database_list")}
        wal = files["main"] + "-wal"
        seen["wal_before"] = os.path.getsize(wal)
        # A page cache smaller than a chunk, as a 100,000-row file outgrows the real one:
        # SQLite spills the uncommitted pages into the WAL file before the kill.
        connection.exec_driver_sql("PRAGMA cache_size=50")

    def die(done):
        seen["done"] = done
        seen["requests"] = one("SELECT count(*) FROM requests")
        if connection.dialect.name == "sqlite":
            seen["trigger"] = one(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
                " AND name = 'requests_search_insert'"
            )
            seen["wal_at_kill"] = os.path.getsize(wal)
        else:
            seen["backend_pid"] = one("SELECT pg_backend_pid()")
        marker.write_text(json.dumps(seen))
        os.kill(os.getpid(), signal.SIGKILL)

    return real_insert_columns(connection, table, columns, **{**options, "progress": die})


store.insert_columns = insert_columns
sys.argv = ["plc", "import", source]
from plc_console.cli.main import run

run()
"""


@pytest.fixture(scope="module")
def forms_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ROWS valid forms, each from a different requester, so every one of them is new."""
    rows = [
        form_row(
            n,
            full_name=SOUGHT_NAME if n == SOUGHT_ROW else f"Петрова Анна {n}",
            contact=f"anna{n}@mail.ru",
        )
        for n in range(1, ROWS + 1)
    ]
    return write_xlsx(tmp_path_factory.mktemp("killed") / "forms.xlsx", [HEADERS_RU, *rows])


def _plc(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run a Python child with PLC_DB_URL naming the test's database."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**os.environ, DB_URL_ENV: db_url},
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT,
        check=False,
    )


def _what_is_stored(database: Database) -> dict[str, Any]:
    """What the board and the history hold: row counts and the request-number counters."""
    with database.sessions() as session:

        def count(model: type) -> int:
            return session.scalar(select(func.count()).select_from(model)) or 0

        return {
            "requests": count(Request),
            "people": count(Person),
            "import batches": count(ImportBatch),
            "events": count(Event),
            "counters": sorted(session.execute(select(RequestCounter.year, RequestCounter.last))),
        }


def _sqlite_path(db_url: str) -> Path:
    return Path(make_url(db_url).database or "")


def _await_session_end(database: Database, backend_pid: int) -> None:
    """PostgreSQL: wait until the server has ended the killed client's session (and so
    rolled back its transaction and let go of its locks)."""
    deadline = time.monotonic() + SERVER_NOTICES
    query = text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid")
    while True:
        with database.engine.connect() as connection:
            if not connection.scalar(query, {"pid": backend_pid}):
                return
        assert time.monotonic() < deadline, f"backend {backend_pid} outlived its client"
        time.sleep(0.1)


def test_a_killed_import_leaves_nothing_and_the_file_imports_afterwards(
    db_url: str, database: Database, forms_file: Path, tmp_path: Path
) -> None:
    """A `plc import` killed mid-file leaves the board, the history and the request
    numbers as they were, a sound database with search intact, and the same file then
    imports whole."""
    sqlite = db_url.startswith("sqlite")
    before = _what_is_stored(database)
    assert before["requests"] == 0

    marker = tmp_path / "at-kill.json"
    killed = _plc(db_url, "-c", CHILD, str(forms_file), str(marker))
    assert killed.returncode == -signal.SIGKILL, (killed.returncode, killed.stderr)
    seen = json.loads(marker.read_text(encoding="utf-8"))
    # The kill came mid-file: a chunk of requests was in the open transaction.
    assert seen["done"] == CHUNK and seen["requests"] == CHUNK, seen
    if sqlite:
        assert seen["trigger"] == 0, seen  # dropped for the bulk insert when it died
        assert seen["wal_at_kill"] > seen["wal_before"], seen  # uncommitted pages on disk
    else:
        _await_session_end(database, seen["backend_pid"])

    # Nothing of the file: no request, person, batch, event, nor a used-up number.
    assert _what_is_stored(database) == before
    if sqlite:
        with closing(sqlite3.connect(_sqlite_path(db_url))) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            triggers = connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name = ?", (TRIGGER,)
            ).fetchall()
        assert triggers == [(TRIGGER,)]  # the drop died with the transaction

    # The coordinator runs the same import again: every form is stored, as new.
    again = _plc(db_url, "-m", "plc_console", "import", str(forms_file))
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"forms.xlsx: {ROWS} new, 0 duplicate, 0 flagged, 0 refused" in again.stdout
    assert "was imported before" not in again.stdout  # the killed run left no batch
    assert _what_is_stored(database) == {
        "requests": ROWS,
        "people": ROWS,
        "import batches": 1,
        "events": ROWS,
        "counters": [(2026, ROWS)],  # numbered from 1, as if the killed run never was
    }
    with database.sessions() as session:
        one = BoardFilter(search="смирнова ольга")
        assert column_counts(session, one, now=NOW)[Stage.RECEIVED] == 1
        (card,) = column_window(
            session, Stage.RECEIVED, one, order=CardOrder.OLDEST, offset=0, limit=5, now=NOW
        )
        assert card.requester == SOUGHT_NAME
        assert card.number == f"З-2026-{SOUGHT_ROW:05d}"
        everyone = column_counts(session, BoardFilter(search="петрова анна"), now=NOW)
        assert everyone[Stage.RECEIVED] == ROWS - 1
    if sqlite:
        with closing(sqlite3.connect(_sqlite_path(db_url))) as connection:
            # The search index holds exactly the stored requests' texts (else: "malformed").
            connection.execute(
                "INSERT INTO requests_search(requests_search, rank) VALUES ('integrity-check', 1)"
            )
            connection.rollback()
            assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
