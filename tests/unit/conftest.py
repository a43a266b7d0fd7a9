from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.storage.engine import QuizStore, Storage
from tests.engines import ENGINES, Inspector, open_engine


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    """The storage engine of the test (a test may narrow it: parametrize it indirectly)."""
    return str(request.param)


@pytest.fixture
async def engine_storage(engine: str, tmp_path: Path) -> AsyncIterator[tuple[Storage, Inspector]]:
    async for pair in open_engine(engine, tmp_path / "test.db"):
        yield pair


@pytest.fixture
def storage(engine_storage: tuple[Storage, Inspector]) -> Storage:
    return engine_storage[0]


@pytest.fixture
def db(engine_storage: tuple[Storage, Inspector]) -> Inspector:
    return engine_storage[1]


@pytest.fixture
def repo(storage: Storage) -> QuizStore:
    return storage.quiz
