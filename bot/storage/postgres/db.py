"""Connecting to PostgreSQL (an asyncpg pool) and applying its numbered migrations.

Migrations run under a PostgreSQL advisory lock: replicas starting together apply each
migration once, the others wait and then find the schema current.
"""

import logging
import re
from importlib import resources
from typing import TYPE_CHECKING, TypeAlias

import asyncpg
from asyncpg.pool import PoolConnectionProxy

# A connection taken from the pool (what ``pool.acquire()`` gives).
if TYPE_CHECKING:  # the proxy is generic only in the type stubs
    Connection: TypeAlias = PoolConnectionProxy[asyncpg.Record]
else:
    Connection = PoolConnectionProxy
log = logging.getLogger(__name__)
_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
MIGRATION_LOCK = 0x6473_7175_697A  # "dsquiz": one advisory lock key for schema changes


def migrations() -> list[tuple[int, str]]:
    found = []
    for entry in resources.files("bot.storage.postgres").joinpath("migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.read_text(encoding="utf-8")))
    found.sort()
    if [v for v, _ in found] != list(range(1, len(found) + 1)):
        raise RuntimeError("PostgreSQL migrations must be numbered 001, 002, … without gaps")
    return found


def latest_version() -> int:
    return len(migrations())


async def current_version(conn: Connection) -> int:
    exists = await conn.fetchval("SELECT to_regclass('schema_version') IS NOT NULL")
    if not exists:
        return 0
    return int(await conn.fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_version"))


async def migrate(pool: asyncpg.Pool, upto: int | None = None) -> int:
    """Apply the migrations newer than the schema's version; return the version reached."""
    async with pool.acquire() as conn:
        await conn.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK)
        try:
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_version"
                " (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
            )
            version = await current_version(conn)
            for number, sql in migrations():
                if number <= version or (upto is not None and number > upto):
                    continue
                log.info("applying PostgreSQL migration %03d", number)
                async with conn.transaction():
                    await conn.execute(sql)
                    await conn.execute("INSERT INTO schema_version (version) VALUES ($1)", number)
                version = number
            return version
        finally:
            await conn.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK)


# A server that does not answer (a black-holed address, a firewall dropping packets) fails
# the start within this many seconds, not asyncpg's default minute.
CONNECT_TIMEOUT = 10.0


async def _keep_session(conn: asyncpg.Connection) -> None:
    """Nothing to undo when a connection goes back to the pool: asyncpg's default reset is a
    query (advisory unlock, CLOSE ALL, UNLISTEN *, RESET ALL) — one more round trip after
    every use, for session state the bot never leaves behind (no SET, cursors or LISTEN;
    the migration lock is released in a ``finally``). asyncpg still rolls back a transaction
    left open."""


async def create_pool(url: str, *, min_size: int = 1, max_size: int = 10) -> asyncpg.Pool:
    pool = await asyncpg.create_pool(
        url, min_size=min_size, max_size=max_size, timeout=CONNECT_TIMEOUT, reset=_keep_session
    )
    assert pool is not None
    return pool
