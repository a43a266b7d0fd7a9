"""A PostgreSQL server that never answers fails the start quickly, with the operator's
paragraph, instead of hanging for asyncpg's default minute."""

import asyncio

import pytest

from bot.config import Settings
from bot.serve import StartupError, open_storage
from bot.storage.postgres import db


async def test_a_server_that_accepts_but_never_answers_fails_the_start_in_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert db.CONNECT_TIMEOUT <= 10  # what the bot uses: well under asyncpg's 60 s
    monkeypatch.setattr(db, "CONNECT_TIMEOUT", 0.5)  # the same path, faster
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
