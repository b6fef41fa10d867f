"""Hearing at once that the board changed at another desk (PostgreSQL only).

Migration 0010 has PostgreSQL send ``NOTIFY plc_board`` whenever an event or a board
setting is written, at commit. A :class:`BoardListener` holds a connection of its own
that listens on that channel, so a board can block in :meth:`BoardListener.wait` in a
thread and read again the moment another desk commits, instead of at its next poll.
SQLite has no such thing; its boards keep polling :func:`~plc_console.services.board.change_token`.

The listener never reports a change it may have missed as "nothing": whenever it
(re)connects, changes may have been committed while nobody was listening, so
:meth:`~BoardListener.wait` says True and the caller reads again.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    # Imported where a listener works: a console on SQLite never needs the driver, and
    # loading it would add a fifth of a second to every start.
    import psycopg

#: The channel migration 0010's triggers notify.
CHANNEL = "plc_board"
#: The function those triggers call (a restore drops it with the tables it replaces).
NOTIFY_FUNCTION = "plc_board_notify"
#: How the listening connection shows in ``pg_stat_activity``.
APPLICATION_NAME = "plc-console board"
#: After a failed connection, the next attempt waits this long (no storm of attempts
#: while the server is down).
RECONNECT_SECONDS = 2.0
#: Seconds a connection attempt may take (libpq's minimum is 2): a board stopping while
#: the server is unreachable waits at most this long for its listener.
CONNECT_TIMEOUT = 2


class BoardListener:
    """A connection listening for board changes; made by :func:`listener_for`.

    Not thread-safe: one thread calls :meth:`wait` and, when done, :meth:`close`.
    Nothing is opened until the first :meth:`wait`.
    """

    def __init__(self, conninfo: str) -> None:
        self._conninfo = conninfo
        self._connection: psycopg.Connection[Any] | None = None
        self._retry_at = 0.0

    @property
    def connected(self) -> bool:
        return self._connection is not None and not self._connection.closed

    def wait(self, timeout: float) -> bool:
        """Block up to ``timeout`` seconds; True if the board may have changed since the
        last call: a notification came (all pending ones are taken), or the listener
        just (re)connected. False when nothing came, or the server cannot be reached
        (it keeps trying, every RECONNECT_SECONDS)."""
        import psycopg

        if self._connection is None:
            return self._connect(timeout)
        try:
            heard = any(True for _ in self._connection.notifies(timeout=timeout, stop_after=1))
            if heard:
                # Changes that came together are one re-read: take the rest now.
                for _ in self._connection.notifies(timeout=0):
                    pass
        except psycopg.OperationalError:
            # The connection dropped (server restart, idle cut-off): listen again at once.
            self._drop()
            return self._connect(timeout)
        return heard

    def close(self) -> None:
        """Stop listening and close the connection (waiting again reconnects)."""
        self._drop()

    def _connect(self, timeout: float) -> bool:
        import psycopg

        pause = self._retry_at - time.monotonic()
        if pause > 0:
            time.sleep(min(pause, timeout))
            return False
        try:
            connection = psycopg.connect(
                self._conninfo,
                autocommit=True,
                application_name=APPLICATION_NAME,
                connect_timeout=CONNECT_TIMEOUT,
            )
        except psycopg.OperationalError:
            self._retry_at = time.monotonic() + RECONNECT_SECONDS
            return False
        try:
            connection.execute(f"LISTEN {CHANNEL}")
        except psycopg.OperationalError:
            connection.close()
            self._retry_at = time.monotonic() + RECONNECT_SECONDS
            return False
        self._connection = connection
        return True

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()


def listener_for(bind: Engine | sessionmaker[Session]) -> BoardListener | None:
    """A listener for the database behind ``bind`` (an engine, or the session factory
    the screens hold); None on SQLite, whose boards poll instead."""
    engine = bind if isinstance(bind, Engine) else bind.kw.get("bind")
    if not isinstance(engine, Engine) or engine.dialect.name != "postgresql":
        return None
    # The engine's URL minus SQLAlchemy's driver name is a libpq URI psycopg takes.
    conninfo = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    return BoardListener(conninfo)
