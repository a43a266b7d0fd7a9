"""Both storage engines for the tests: SQLite in a temporary file, and a real PostgreSQL in
a schema of its own, created for the test and dropped after it.

Without a reachable server the PostgreSQL tests are skipped with the reason; with ``CI=true``
they fail instead, so CI can never pass without having run them.
"""

import asyncio
import os
import sqlite3
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from bot.storage.engine import Storage, open_postgres, open_sqlite

PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
ENGINES = ["sqlite", "postgres"]


async def _pg_available() -> str | None:
    try:
        conn = await asyncpg.connect(PG_URL, timeout=3)
    except (OSError, asyncpg.PostgresError) as exc:
        return f"PostgreSQL at {PG_URL} is not reachable: {exc}"
    await conn.close()
    return None


async def require_postgres() -> None:
    problem = await _pg_available()
    if problem is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{problem} (CI=true: the PostgreSQL tests must run)")
    pytest.skip(problem)


class PgSchema:
    """A throw-away schema: its URL points every connection at it."""

    def __init__(self) -> None:
        self.name = f"t_{uuid.uuid4().hex[:16]}"
        self.url = f"{PG_URL}?search_path={self.name}"

    async def create(self) -> None:
        await require_postgres()
        conn = await asyncpg.connect(PG_URL)
        await conn.execute(f"CREATE SCHEMA {self.name}")
        await conn.close()

    async def drop(self) -> None:
        conn = await asyncpg.connect(PG_URL)
        await conn.execute(f"DROP SCHEMA IF EXISTS {self.name} CASCADE")
        await conn.close()


class Inspector:
    """Plain SQL against the test's database, whichever the engine (for assertions only)."""

    def __init__(self, engine: str, sqlite_path: Path, pg_url: str) -> None:
        self.engine = engine
        self._sqlite_path = sqlite_path
        self._pg_url = pg_url

    @property
    def pg_url(self) -> str:
        """The test schema's URL, for a test that needs a connection of its own."""
        return self._pg_url

    async def rows(self, sql: str) -> list[tuple[Any, ...]]:
        if self.engine == "sqlite":
            with sqlite3.connect(self._sqlite_path) as db:
                return [tuple(r) for r in db.execute(sql).fetchall()]
        conn = await asyncpg.connect(self._pg_url)
        try:
            return [tuple(r) for r in await conn.fetch(sql)]
        finally:
            await conn.close()

    async def execute(self, sql: str) -> None:
        """A change made behind the bot's back (a broken row, an operator's edit)."""
        if self.engine == "sqlite":
            with sqlite3.connect(self._sqlite_path) as db:
                db.execute(sql)
            return
        conn = await asyncpg.connect(self._pg_url)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    async def open_again(self) -> Storage:
        """Another storage on the same database: a second replica, or the bot restarted."""
        if self.engine == "sqlite":
            return await open_sqlite(self._sqlite_path)
        return await open_postgres(self._pg_url, pool_size=2)

    async def value(self, sql: str) -> Any:
        ((value,),) = await self.rows(sql)
        return value

    async def waiting(self, query: str) -> None:
        """PostgreSQL: until a statement starting with ``query`` waits for a lock (asked on a
        connection of its own: a transaction keeps seeing its first look at pg_stat_activity)."""
        for _ in range(200):
            if await self.value(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                f" AND starts_with(query, '{query}') AND datname = current_database()"
            ):
                return
            await asyncio.sleep(0.01)
        raise AssertionError(f"{query!r} never waited")


async def open_engine(engine: str, sqlite_path: Path) -> AsyncIterator[tuple[Storage, Inspector]]:
    """Open the storage of ``engine`` for one test; clean up after it."""
    if engine == "sqlite":
        storage = await open_sqlite(sqlite_path)
        yield storage, Inspector(engine, sqlite_path, "")
        await storage.close()
        return
    schema = PgSchema()
    await schema.create()
    storage = await open_postgres(schema.url, pool_size=4)
    try:
        yield storage, Inspector(engine, sqlite_path, schema.url)
    finally:
        await storage.close()
        await schema.drop()
