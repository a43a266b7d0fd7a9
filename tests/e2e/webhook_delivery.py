"""Telegram's side of webhooks for the fake server: every update is POSTed to the bot's
replicas (round-robin, as a load balancer would spread them) with the secret-token header,
and retried on anything but a 2xx answer, as Telegram does, until some replica accepts it."""

from __future__ import annotations

import asyncio
import collections
import itertools
from typing import Any

import aiohttp

from tests.e2e.fake_telegram import FakeTelegram

RETRY_DELAY = 0.3


class WebhookDelivery:
    def __init__(self, telegram: FakeTelegram, urls: list[str], secret: str) -> None:
        self._telegram = telegram
        self._targets = itertools.cycle(urls)
        self._secret = secret
        self._session: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.acked: set[int] = set()
        self.attempts: collections.Counter[int] = collections.Counter()
        self.refused: collections.Counter[int] = collections.Counter()  # status → count

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        self._telegram.on_update = self._deliver

    async def stop(self) -> None:
        self._telegram.on_update = None
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()

    def _deliver(self, update: dict[str, Any]) -> None:
        task = asyncio.get_running_loop().create_task(self._post_until_accepted(update))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _post_until_accepted(self, update: dict[str, Any]) -> None:
        assert self._session is not None
        headers = {"X-Telegram-Bot-Api-Secret-Token": self._secret}
        while True:
            url = next(self._targets)
            self.attempts[update["update_id"]] += 1
            try:
                async with self._session.post(url, json=update, headers=headers) as response:
                    if 200 <= response.status < 300:
                        self.acked.add(update["update_id"])
                        return
                    self.refused[response.status] += 1
            except (aiohttp.ClientError, TimeoutError):
                self.refused[0] += 1
            await asyncio.sleep(RETRY_DELAY)
