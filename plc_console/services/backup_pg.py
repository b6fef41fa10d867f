"""PostgreSQL backups through the server's own tools, ``pg_dump`` and ``pg_restore``.

``pg_dump`` reads one transaction snapshot, so its archive is consistent while consoles
keep working; ``pg_restore --single-transaction`` applies an archive all or nothing. The
tools must be at least the server's major version (an older ``pg_dump`` refuses a newer
server), which is checked first so the user is told what to install.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy import Engine, text

from plc_console.services.backup import (
    BackupFileError,
    BackupKind,
    BackupRefused,
    BackupResult,
    check_empty,
    publish,
    temporary_beside,
)
from plc_console.services.live import NOTIFY_FUNCTION

_VERSION = re.compile(r"\(PostgreSQL\)\s+(\d+)")


def dump(engine: Engine, out: Path, overwrite: bool) -> BackupResult:
    """``pg_dump --format=custom`` into a temporary file beside ``out``, then renamed."""
    tool = _tool("pg_dump", server_major(engine))
    temporary = temporary_beside(out)
    try:
        _run([tool, "--format=custom", f"--file={temporary}", _conninfo(engine)], engine)
        # Reading the version back also proves that pg_restore can read the archive.
        revision = dump_revision(temporary, server_major(engine))
        size = temporary.stat().st_size
        publish(temporary, out, overwrite)
    finally:
        temporary.unlink(missing_ok=True)
    return BackupResult(out, BackupKind.POSTGRESQL, size, revision)


def restore_dump(engine: Engine, source: Path) -> None:
    """Restore an archive into the (checked empty) database in one transaction."""
    tool = _tool("pg_restore", server_major(engine))
    _drop_empty_tables(engine)
    handle, name = tempfile.mkstemp(prefix="plc-restore-", suffix=".list")
    os.close(handle)
    listing = Path(name)
    try:
        listing.write_text(_restore_list(tool, source), encoding="utf-8")
        _run(
            [
                tool,
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--use-list={listing}",
                f"--dbname={_conninfo(engine)}",
                str(source),
            ],
            engine,
        )
    finally:
        listing.unlink(missing_ok=True)


def dump_revision(source: Path, server: int) -> str | None:
    """The schema revision inside an archive, read with pg_restore without restoring."""
    tool = _tool("pg_restore", server)
    args = [tool, "--data-only", "--table=alembic_version", "--file=-", str(source)]
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupFileError("backup.damaged", path=str(source), reason=_first_line(result))
    lines = result.stdout.splitlines()
    for number, line in enumerate(lines):
        if line.startswith("COPY ") and "alembic_version" in line:
            rows = lines[number + 1 :]
            return rows[0].strip() if rows and rows[0] != "\\." else None
    return None


def server_major(engine: Engine) -> int:
    with engine.connect() as connection:
        number = int(connection.execute(text("SHOW server_version_num")).scalar_one())
    return number // 10_000


def tool_major(tool: str) -> int | None:
    result = subprocess.run([tool, "--version"], capture_output=True, text=True, check=False)
    found = _VERSION.search(result.stdout)
    return int(found.group(1)) if found else None


def _tool(name: str, server: int) -> str:
    """The tool's path, refused with what to install when missing or older than the server."""
    path = shutil.which(name)
    if path is None:
        raise BackupRefused("backup.tool_missing", tool=name, major=server)
    found = tool_major(path)
    if found is None or found < server:
        raise BackupRefused("backup.tool_old", tool=name, found=found or "?", major=server)
    return path


def _restore_list(tool: str, source: Path) -> str:
    """The archive's table of contents without extension comments.

    ``COMMENT ON EXTENSION`` needs the extension's owner (a superuser); as one failing
    statement would undo a single-transaction restore, it is left out.
    """
    args = [tool, "--list", str(source)]
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupFileError("backup.damaged", path=str(source), reason=_first_line(result))
    kept = [line for line in result.stdout.splitlines() if " COMMENT - EXTENSION " not in line]
    return "\n".join(kept) + "\n"


def _drop_empty_tables(engine: Engine) -> None:
    """Remove a schema the console made but nobody used, so the archive can recreate it.

    The tables are locked and checked again inside the transaction that drops them, so a
    row written by another console after the first check stops the drop.
    """
    with engine.begin() as connection:
        names = connection.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        ).scalars()
        quoted = ", ".join(f'"{name}"' for name in sorted(names))
        if not quoted:
            return
        connection.execute(text(f"LOCK TABLE {quoted} IN ACCESS EXCLUSIVE MODE"))
        check_empty(connection)
        connection.execute(text(f"DROP TABLE {quoted} CASCADE"))
        # The archive creates the triggers' function again; dropping the tables left it.
        connection.execute(text(f"DROP FUNCTION IF EXISTS {NOTIFY_FUNCTION}()"))


def _conninfo(engine: Engine) -> str:
    """A libpq URI for the tools; the password travels in PGPASSWORD, never in argv."""
    url = engine.url.set(drivername="postgresql", password=None)
    return url.render_as_string(hide_password=False)


def _run(args: list[str], engine: Engine) -> None:
    environment = dict(os.environ)
    if engine.url.password:
        environment["PGPASSWORD"] = str(engine.url.password)
    result = subprocess.run(args, capture_output=True, text=True, env=environment, check=False)
    if result.returncode != 0:
        name = Path(args[0]).name
        raise BackupRefused("backup.tool_failed", tool=name, reason=_first_line(result))


def _first_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = [line.strip() for line in result.stderr.splitlines() if line.strip()]
    return lines[0] if lines else f"exit code {result.returncode}"
