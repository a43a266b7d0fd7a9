"""Handled webhook updates are marked done in batches: one statement for many, none lost when
the database fails a write, and the last ones written when the server stops."""

import asyncio
from collections.abc import Collection
from datetime import datetime

import pytest

from bot.quiz.ports import UpdateClaim
from bot.web.finishing import FinishedUpdates


class RecordingLog:
    """An update log that records each ``finish`` call and can fail the next ones."""

    def __init__(self) -> None:
        self.batches: list[set[int]] = []
        self.failures = 0

    async def claim(self, update_id: int, now: datetime, stale_before: datetime) -> UpdateClaim:
        raise NotImplementedError

    async def finish(self, update_ids: Collection[int]) -> None:
        await asyncio.sleep(0)
        if self.failures:
            self.failures -= 1
            raise ConnectionError("database unreachable")
        self.batches.append(set(update_ids))

    async def release(self, update_id: int) -> None:
        raise NotImplementedError

    async def prune(self, before: datetime) -> int:
        raise NotImplementedError


async def test_updates_handled_together_are_marked_done_in_one_write() -> None:
    log = RecordingLog()
    finished = FinishedUpdates(log, every=0.01)
    running = finished.running()
    await anext(running)
    for update_id in (1, 2, 3):
        finished.add(update_id)
    assert 2 in finished

    await asyncio.sleep(0.1)

    assert log.batches == [{1, 2, 3}]
    assert 2 not in finished
    await running.aclose()


async def test_a_failed_write_keeps_the_updates_for_the_next_one() -> None:
    log = RecordingLog()
    log.failures = 1
    finished = FinishedUpdates(log)
    finished.add(7)

    with pytest.raises(ConnectionError):
        await finished.flush()
    assert 7 in finished  # a redelivery here is still answered as handled

    finished.add(8)
    await finished.flush()
    assert log.batches == [{7, 8}]
    assert 7 not in finished


async def test_stopping_writes_what_is_left() -> None:
    log = RecordingLog()
    finished = FinishedUpdates(log, every=3600)
    running = finished.running()
    await anext(running)
    finished.add(5)
    await asyncio.sleep(0.05)
    assert log.batches == []

    await running.aclose()

    assert log.batches == [{5}]
