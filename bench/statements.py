"""Statements per request as PostgreSQL itself sees them (its statement log), not as the ORM logs them.

The bench database is switched to `log_statement = all` for new sessions (`ALTER DATABASE`,
which needs a superuser or the SET privilege on log_statement), a server started after that
opens its connections under the setting, and the log entries written while one request runs
are counted. The server's log is read through the database (`pg_read_binary_file`): the
logging collector's current file, or the file behind the server's stderr. Sessions opened
before the switch (this module's own) do not log, so only the server's statements count.
asyncpg's pool reset (`SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL;`,
sent when a connection goes back to the pool) is one entry; such entries are counted apart.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import asyncpg

ENTRY = re.compile(r"\bLOG:  (?:statement|execute [^:]*): (.*)")
POOL_RESET = "pg_advisory_unlock_all()"
SETTLE = 0.3


@dataclass(frozen=True)
class Count:
    entries: tuple[str, ...]

    @property
    def pool_resets(self) -> int:
        return sum(POOL_RESET in entry for entry in self.entries)

    def __str__(self) -> str:
        return f"{len(self.entries)} ({self.pool_resets} of them pool resets)"


class StatementLog:
    def __init__(self, conn: asyncpg.Connection, path: str) -> None:
        self.conn = conn
        self.path = path

    async def _size(self) -> int:
        size: int = await self.conn.fetchval("SELECT size FROM pg_stat_file($1)", self.path)
        return size

    async def count(self, request: Callable[[], Awaitable[object]]) -> Count:
        """The log entries written while `request` runs (and a moment after, for the pool reset)."""
        start = await self._size()
        await request()
        await asyncio.sleep(SETTLE)
        written = await self._size() - start
        raw: bytes = await self.conn.fetchval("SELECT pg_read_binary_file($1, $2, $3)", self.path, start, written)
        return Count(tuple(m.group(1) for m in ENTRY.finditer(raw.decode(errors="replace"))))


async def _log_file(conn: asyncpg.Connection) -> str | None:
    """The file the server logs to now, if it is a file the database can read."""
    current: str | None = await conn.fetchval("SELECT pg_current_logfile()")
    if current is not None:
        return current
    with contextlib.suppress(asyncpg.PostgresError):
        if await conn.fetchval("SELECT size > 0 AND NOT isdir FROM pg_stat_file('/proc/self/fd/2')"):
            return "/proc/self/fd/2"
    return None


@contextlib.asynccontextmanager
async def statement_log(url: str) -> AsyncIterator[StatementLog | str]:
    """A StatementLog while new sessions of the database log every statement, else why not."""
    conn = await asyncpg.connect(url)
    database = await conn.fetchval("SELECT quote_ident(current_database())")
    try:
        path = await _log_file(conn)
        if path is None:
            yield "not counted: the server's log is not a file the database can read"
            return
        try:
            await conn.execute(f"ALTER DATABASE {database} SET log_statement = 'all'")
        except asyncpg.InsufficientPrivilegeError as exc:
            yield f"not counted: {exc}"
            return
        try:
            yield StatementLog(conn, path)
        finally:
            await conn.execute(f"ALTER DATABASE {database} RESET log_statement")
    finally:
        await conn.close()
