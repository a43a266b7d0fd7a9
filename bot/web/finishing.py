"""Marking handled webhook updates done in the update log, in batches, off the reply's path.

An update is answered 200 as soon as it was handled; its «done» is written with the others
handled in the same short window, in one statement. Until then this replica remembers it, so a
redelivery reaching the same replica is answered 200 at once; one reaching another replica
finds the update still claimed and is answered 503, and Telegram delivers it again a moment
later, when it is marked done. A replica killed inside the window leaves claims that Telegram,
having had its 200, does not redeliver; the log forgets them with the handled ones.
"""

import asyncio
import logging
from collections.abc import AsyncIterator

from bot.quiz.ports import UpdateLog

log = logging.getLogger(__name__)
# How long a handled update may wait for its «done» to be written with others.
FINISH_EVERY = 0.05


class FinishedUpdates:
    def __init__(self, updates: UpdateLog, every: float = FINISH_EVERY) -> None:
        self._updates = updates
        self._every = every
        self._pending: set[int] = set()
        self._writing: set[int] = set()
        self._wake = asyncio.Event()

    def add(self, update_id: int) -> None:
        self._pending.add(update_id)
        self._wake.set()

    def __contains__(self, update_id: int) -> bool:
        """Handled here and not yet marked done in the log."""
        return update_id in self._pending or update_id in self._writing

    async def flush(self) -> None:
        """Mark what is waiting done, in one statement; on failure it waits for the next."""
        if not self._pending:
            return
        self._writing, self._pending = self._pending, set()
        try:
            await self._updates.finish(self._writing)
        except BaseException:
            self._pending |= self._writing
            raise
        finally:
            self._writing = set()

    async def run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            await asyncio.sleep(self._every)
            try:
                await self.flush()
            except Exception:
                log.exception("could not mark handled updates done; trying again")

    async def running(self) -> AsyncIterator[None]:
        """For ``web.Application.cleanup_ctx``: the writer while the app runs, and a last
        flush when it stops (after the updates in flight were answered)."""
        writer = asyncio.create_task(self.run(), name="finish-updates")
        try:
            yield
        finally:
            writer.cancel()
            await asyncio.gather(writer, return_exceptions=True)  # its batch back in line
            try:
                await self.flush()
            except Exception:
                log.exception("could not mark %d handled update(s) done", len(self._pending))
