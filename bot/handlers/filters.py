"""Filters checked on the event loop.

aiogram 3 calls a bare ``F.…`` expression through ``asyncio.to_thread``: a hop to a worker
thread and back (a thread wake-up and two GIL hand-offs) for every check, and router-level
filters are checked for every update that passes the router. Wrapped in a ``Filter`` the same
expression is awaited in place. Use ``on_loop(F.…)`` on every path an update commonly takes.
"""

from typing import Any

from aiogram.filters import Filter
from aiogram.types import TelegramObject
from magic_filter import MagicFilter


class OnLoop(Filter):
    def __init__(self, magic: MagicFilter) -> None:
        self._magic = magic

    async def __call__(self, event: TelegramObject) -> Any:
        return self._magic.resolve(event)

    def __str__(self) -> str:
        return f"OnLoop({self._magic!r})"


def on_loop(magic: MagicFilter) -> OnLoop:
    return OnLoop(magic)
