"""The term report at scale (issue 8): 100,000 requests and about a million events.

Targets: the report over the term (``term_report``) written to xlsx in under 10 s, and
within 3x of the time the database needs for the same aggregates alone, measured in the
same run.

"The database alone" is every statement the report runs, captured from one report and
replayed on the driver's own cursor: each executed and its rows fetched (``fetchall``),
with no SQLAlchemy result processing, no Python arithmetic, no writing. All of them
return aggregates (a row per group: category, day, stage, expert) except two. The lead
times read every stage change up to the term's end in request order (about 755,000
here), which Python pairs into stays and sorts for the exact median and 85th
percentile, as on SQLite ``lag()`` or a ranking by window functions costs more than
sending the rows; and the times from registration to done read a pair of moments per
request done in the term (75,000). The replay fetches those rows too, so they count on both sides.

The end to end and the database alone run in turns (after one warm-up each), three
rounds each; the best of each is compared, so one slow moment of a shared machine does
not decide the ratio. The thread's CPU time of the end to end is reported beside its
wall time (on SQLite it includes the database's work; on PostgreSQL the server's is
not in it).

Data (``tests/bench/report_data.py``): built once and cached, SQLite in pytest's cache
folder, PostgreSQL as a database named by the data version and the schema revision
(older ones are dropped). Run with::

    python -m pytest -m bench -n 0 tests/bench/test_report_bench.py -p no:cacheprovider -s
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_benchmark.fixture import BenchmarkFixture
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine import make_url

from plc_console.db.models import Request
from plc_console.db.schema import head_revision
from plc_console.locale import Translator
from plc_console.services.database import Database, open_database
from plc_console.services.reports import TermReport, term_report
from plc_console.services.reports_text import write_report
from tests.bench.conftest import _cache_dir
from tests.bench.report_data import (
    DATA_VERSION,
    REQUESTS,
    TERM,
    TERM_END,
    TERM_START,
    build_report_database,
)
from tests.conftest import PG_URL

pytestmark = pytest.mark.bench

#: The issue's targets: end to end under this many seconds, within this multiple of the
#: database alone.
TARGET_S = 10.0
TARGET_RATIO = 3.0
ROUNDS = 3
#: How long building each database took in this run (absent: it came from the cache).
BUILT_IN: dict[str, float] = {}

Statement = tuple[str, Any]


def _build(database: Database, backend: str) -> None:
    started = time.perf_counter()
    build_report_database(database)
    BUILT_IN[backend] = time.perf_counter() - started


def _sqlite(request: pytest.FixtureRequest) -> Iterator[Database]:
    cache_dir = _cache_dir(request.config)
    cached = cache_dir / f"report-{DATA_VERSION}-{head_revision()}-{REQUESTS}.sqlite3"
    if not cached.exists():
        building = cached.with_suffix(".building")
        for leftover in cache_dir.glob(f"{building.name}*"):
            leftover.unlink()
        database = open_database(f"sqlite:///{building}")
        try:
            _build(database, "sqlite")
        finally:
            database.engine.dispose()
        building.replace(cached)
    # The report only reads: the cached file is used as it is.
    database = open_database(f"sqlite:///{cached}")
    try:
        yield database
    finally:
        database.engine.dispose()


def _postgresql(pg_reason: str | None) -> Iterator[Database]:
    if pg_reason:
        pytest.skip(pg_reason)
    name = f"plc_bench_report_{DATA_VERSION}_{head_revision()}".lower()
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            found = connection.scalars(
                text("SELECT datname FROM pg_database WHERE datname LIKE 'plc_bench_report_%'")
            ).all()
            for stale in set(found) - {name}:
                connection.execute(text(f'DROP DATABASE "{stale}" WITH (FORCE)'))
            if name not in found:
                building = f"{name}_building"
                connection.execute(text(f'CREATE DATABASE "{building}"'))
                url = admin.url.set(database=building).render_as_string(hide_password=False)
                database = open_database(url)
                try:
                    _build(database, "postgresql")
                finally:
                    database.engine.dispose()
                connection.execute(text(f'ALTER DATABASE "{building}" RENAME TO "{name}"'))
    finally:
        admin.dispose()
    database = open_database(make_url(PG_URL).set(database=name).render_as_string(False))
    try:
        yield database
    finally:
        database.engine.dispose()


@pytest.fixture(
    scope="session", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def report_db(request: pytest.FixtureRequest) -> Iterator[Database]:
    """The term's database, built once (or taken from the cache), on each backend."""
    if request.param == "sqlite":
        yield from _sqlite(request)
    else:
        yield from _postgresql(request.getfixturevalue("pg_reason"))


def _ignore(done: int, total: int) -> None:
    """A progress callback, as ``plc report`` passes one."""


def _end_to_end(database: Database, folder: Path) -> TermReport:
    """What ``plc report --term`` does: the tables, then the workbook."""
    with database.sessions() as session:
        report = term_report(session, TERM_START, TERM_END, name=TERM, lang="ru", progress=_ignore)
    write_report(report, folder, "xlsx", Translator("ru"), _ignore)
    return report


def _statements(database: Database, folder: Path) -> list[Statement]:
    """Every statement one report runs, with its parameters, as the driver got them."""
    captured: list[Statement] = []

    def capture(_c: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        captured.append((statement, parameters))

    event.listen(database.engine, "before_cursor_execute", capture)
    try:
        _end_to_end(database, folder)
    finally:
        event.remove(database.engine, "before_cursor_execute", capture)
    return captured


def _database_alone(database: Database, statements: list[Statement]) -> list[int]:
    """Each statement executed and fetched on the driver's cursor; the rows of each."""
    raw = database.engine.raw_connection()
    try:
        cursor = raw.cursor()
        sizes = []
        for statement, parameters in statements:
            cursor.execute(statement, parameters)
            sizes.append(len(cursor.fetchall()))
        cursor.close()
        raw.rollback()
    finally:
        raw.close()
    return sizes


def _timed(work: Callable[[], object]) -> tuple[float, float]:
    """Wall and thread CPU seconds of ``work``."""
    wall, cpu = time.perf_counter(), time.thread_time()
    work()
    return time.perf_counter() - wall, time.thread_time() - cpu


def test_term_report_to_xlsx(
    benchmark: BenchmarkFixture, report_db: Database, tmp_path: Path
) -> None:
    """The report over 100,000 requests and a million events, written as a workbook,
    against the database alone running the same statements, in turns."""
    backend = report_db.engine.dialect.name
    statements = _statements(report_db, tmp_path)  # also the end to end's warm-up
    sizes = _database_alone(report_db, statements)  # the database's warm-up
    alone: list[float] = []
    cpu: list[float] = []

    def database_round() -> None:
        alone.append(_timed(lambda: _database_alone(report_db, statements))[0])

    def end_to_end() -> TermReport:
        started = time.thread_time()
        try:
            return _end_to_end(report_db, tmp_path)
        finally:
            cpu.append(time.thread_time() - started)

    report = benchmark.pedantic(  # type: ignore[no-untyped-call]
        end_to_end, setup=database_round, rounds=ROUNDS, iterations=1
    )
    assert benchmark.stats is not None
    stats = benchmark.stats.stats
    best, best_alone = stats.min, min(alone)
    with report_db.sessions() as session:
        received = session.scalar(
            select(func.count(Request.id)).where(
                Request.received_on >= TERM_START, Request.received_on <= TERM_END
            )
        )
    assert dict(report.summary)["report.summary.received"] == received > 80_000
    assert [path.suffix for path in tmp_path.iterdir()] == [".xlsx"]
    figures = {
        "backend": backend,
        "end_to_end_best_s": round(best, 2),
        "end_to_end_median_s": round(stats.median, 2),
        "end_to_end_cpu_median_s": round(statistics.median(cpu), 2),
        "database_alone_best_s": round(best_alone, 2),
        "database_alone_median_s": round(statistics.median(alone), 2),
        "ratio": round(best / best_alone, 2),
        "statements": len(statements),
        "largest_result_rows": max(sizes),
        "build": f"{BUILT_IN[backend]:.1f} s" if backend in BUILT_IN else "cached",
        "load_average": round(os.getloadavg()[0], 1),
        "cpus": os.cpu_count(),
    }
    benchmark.extra_info.update(figures)
    print(
        f"\n[{backend}] term report to xlsx: best {best:.2f} s (median {stats.median:.2f},"
        f" CPU median {figures['end_to_end_cpu_median_s']} s; target {TARGET_S:.0f} s);"
        f" database alone: best {best_alone:.2f} s (median {statistics.median(alone):.2f});"
        f" ratio {best / best_alone:.2f}x (target {TARGET_RATIO:.0f}x);"
        f" {len(statements)} statements, the largest result {max(sizes):,} rows;"
        f" build {figures['build']}; load average {figures['load_average']}"
        f" on {figures['cpus']} CPUs"
    )
    assert best < TARGET_S, figures
    assert best / best_alone <= TARGET_RATIO, figures
