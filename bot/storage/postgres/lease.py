"""The push lease on PostgreSQL: a session-level advisory lock held on a connection of its
own. PostgreSQL releases it when that session ends, so a replica that dies (kill -9, lost
machine) hands the lease over as soon as its connection is gone."""

import contextlib

import asyncpg

PUSH_LOCK = 0x6473_7075_7368  # "dspush"


class PgLease:
    def __init__(self, url: str) -> None:
        self._url = url
        self._conn: asyncpg.Connection | None = None

    async def try_acquire(self) -> bool:
        try:
            if self._conn is None or self._conn.is_closed():
                self._conn = await asyncpg.connect(self._url, timeout=5)
            return bool(await self._conn.fetchval("SELECT pg_try_advisory_lock($1)", PUSH_LOCK))
        except (OSError, asyncpg.PostgresError):
            await self._drop()
            return False

    async def holds(self) -> bool:
        """Still ours: the session that took the lock is alive."""
        if self._conn is None or self._conn.is_closed():
            return False
        try:
            await self._conn.fetchval("SELECT 1", timeout=5)
        except (OSError, asyncpg.PostgresError, TimeoutError):
            await self._drop()
            return False
        return True

    async def release(self) -> None:
        if self._conn is not None and not self._conn.is_closed():
            with contextlib.suppress(OSError, asyncpg.PostgresError):
                await self._conn.execute("SELECT pg_advisory_unlock($1)", PUSH_LOCK)
        await self._drop()

    async def _drop(self) -> None:
        if self._conn is not None:
            self._conn.terminate()
        self._conn = None
