"""Start a unit of work that will write, so that all of it is one transaction.

Python's sqlite3 driver opens a transaction only before its first INSERT, UPDATE or
DELETE; reads before that run on their own, and a SAVEPOINT taken first becomes the
transaction itself, committed when the savepoint is released, whatever the caller does
afterwards. A unit that reads, then writes, on a transaction begun by a read also fails
at once with "database is locked" when another desk committed in between (its snapshot
is stale: waiting cannot help). :func:`begin_writing` begins the transaction explicitly,
taking SQLite's write lock first (``BEGIN IMMEDIATE``, which waits its turn behind
another desk's write for the busy timeout), so the unit's reads and writes are one
transaction that the caller commits or rolls back. On PostgreSQL the session's own
transaction already covers everything.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

__all__ = ["begin_writing"]


def begin_writing(session: Session) -> None:
    """Make the session's transaction a real one from here on (see the module).

    Call it before the unit's first statement; on SQLite, a transaction the driver has
    open already is left as it is.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    driver = connection.connection.driver_connection
    if driver is not None and not driver.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
