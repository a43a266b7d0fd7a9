"""Exactly one replica at a time runs the daily push: the holder of a lease.

Telegram's rate limit is per bot, so the fleet must send at PUSH_RATE, not N times it; and
the at-most-once rule needs one sender. On SQLite there is one process, which always leads.
"""

import asyncio
import logging
from collections.abc import Callable
from typing import Protocol

from aiogram import Bot

log = logging.getLogger(__name__)


class Lease(Protocol):
    async def try_acquire(self) -> bool: ...

    async def holds(self) -> bool: ...

    async def release(self) -> None: ...


class LocalLease:
    """The embedded default: the only process is the leader."""

    async def try_acquire(self) -> bool:
        return True

    async def holds(self) -> bool:
        return True

    async def release(self) -> None:
        return None


class PushRunner(Protocol):
    async def start(self, bot: Bot) -> None: ...

    async def stop(self) -> None: ...


class Leadership:
    """Tries for the lease every ``interval`` seconds; runs the push while it holds it."""

    def __init__(
        self,
        lease: Lease,
        push: PushRunner,
        *,
        interval: float = 5.0,
        on_change: Callable[[bool], None] | None = None,
    ) -> None:
        self._lease = lease
        self._push = push
        self._interval = interval
        self._on_change = on_change
        self._leading = False
        self._task: asyncio.Task[None] | None = None

    @property
    def leading(self) -> bool:
        return self._leading

    async def start(self, bot: Bot) -> None:
        await self._step(bot)  # the first attempt before serving, so a lone replica leads at once
        self._task = asyncio.create_task(self._loop(bot), name="push-leadership")

    async def _loop(self, bot: Bot) -> None:
        while True:
            await asyncio.sleep(self._interval)
            try:
                await self._step(bot)
            except Exception:
                log.exception("push leadership step failed; trying again")

    async def _step(self, bot: Bot) -> None:
        if not self._leading:
            if await self._lease.try_acquire():
                log.info("this replica holds the push lease: sending the daily question")
                await self._push.start(bot)
                self._set(True)
        elif not await self._lease.holds():
            log.warning("push lease lost: this replica stops sending")
            await self._push.stop()
            self._set(False)

    def _set(self, leading: bool) -> None:
        self._leading = leading
        if self._on_change is not None:
            self._on_change(leading)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self._leading:
            await self._push.stop()
            self._set(False)
        await self._lease.release()
