"""A PostgreSQL server that never answers fails the start quickly, with the operator's
paragraph, instead of hanging for asyncpg's default minute; a replica keeps to the
connections DB_POOL_SIZE allows."""

import asyncio

import pytest

from bot.config import Settings
from bot.serve import StartupError, open_storage
from bot.storage.postgres import db as pg_db
from tests.engines import Inspector


async def test_a_server_that_accepts_but_never_answers_fails_the_start_in_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert pg_db.CONNECT_TIMEOUT <= 10  # what the bot uses: well under asyncpg's 60 s
    monkeypatch.setattr(pg_db, "CONNECT_TIMEOUT", 0.5)  # the same path, faster
    held: list[asyncio.StreamWriter] = []

    async def silent(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)  # accept the connection, then say nothing, as a black hole would

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    settings = Settings(
        bot_token="123456789:AAtest-token-for-the-timeout-test",
        database_url=f"postgresql://postgres@127.0.0.1:{port}/test",
        _env_file=None,
    )
    try:
        with pytest.raises(StartupError, match="недоступен"):
            await asyncio.wait_for(open_storage(settings, migrate=False), 30)
    finally:
        for writer in held:
            writer.close()
        server.close()
        await server.wait_closed()


@pytest.mark.parametrize("engine", ["postgres"], indirect=True)
async def test_a_replica_opens_at_most_db_pool_size_connections(db: Inspector) -> None:
    settings = Settings(
        bot_token="123456789:AAtest-token-for-the-pool-test",
        database_url=db.pg_url,
        db_pool_size=3,
        _env_file=None,
    )
    storage = await open_storage(settings, migrate=False)
    try:
        pool = storage.quiz.pool  # type: ignore[attr-defined]

        async def slow(_: int) -> None:
            await pool.execute("SELECT pg_sleep(0.2)")

        await asyncio.gather(*map(slow, range(6)))

        assert pool.get_max_size() == 3 and pool.get_size() == 3
    finally:
        await storage.close()
