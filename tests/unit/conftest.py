from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage.db import connect
from bot.storage.repo import Repository


@pytest.fixture
async def repo(tmp_path: Path) -> AsyncIterator[Repository]:
    conn = await connect(tmp_path / "test.db")
    yield Repository(conn)
    await conn.close()
