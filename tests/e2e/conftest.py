"""Fixtures that run the real ``python -m bot`` process against the fake Bot API server."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.e2e.fake_telegram import FakeTelegram

TOKEN = "123456789:TEST-token-for-the-fake-server-only"


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram(token=TOKEN)
    await server.start()
    yield server
    await server.stop()


@dataclass
class BotProcess:
    """The bot as a child process; its log is kept for assertions and failure reports."""

    telegram: FakeTelegram
    workdir: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None
    runs: int = 0

    @property
    def log_path(self) -> Path:
        return self.workdir / f"bot-{self.runs}.log"

    def env(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("BOT_", "DB_", "TELEGRAM_", "CONTENT_", "PUSH_"))
        }
        env.update(
            BOT_TOKEN=TOKEN,
            TELEGRAM_API_URL=f"http://127.0.0.1:{self.telegram.port}",
            DB_PATH=str(self.workdir / "bot.db"),
            CONTENT_DIR=str(ROOT / "content"),
            LOG_LEVEL="INFO",
            PYTHONUNBUFFERED="1",
        )
        env.update(self.extra_env)
        return env

    async def start(self) -> None:
        """Start the bot and wait until it polls for updates."""
        self.runs += 1
        polls_before = self.telegram.started.get("getUpdates", 0)
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot"],
                cwd=self.workdir,
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        await self.telegram.wait_for(
            lambda: (
                self.telegram.started.get("getUpdates", 0) > polls_before
                or self.process is None
                or self.process.poll() is not None
            ),
            timeout=30,
            what="the bot to start polling",
        )
        if self.process.poll() is not None:
            raise AssertionError(f"bot exited at start-up:\n{self.log()}")

    def log(self) -> str:
        return "\n".join(
            (self.workdir / f"bot-{run}.log").read_text(errors="replace")
            for run in range(1, self.runs + 1)
        )

    async def stop(self, sig: signal.Signals = signal.SIGTERM, timeout: float = 20) -> int:
        """Signal the bot and wait for it to exit, serving its last API calls meanwhile."""
        assert self.process is not None
        self.process.send_signal(sig)
        deadline = time.monotonic() + timeout
        while (code := self.process.poll()) is None:
            if time.monotonic() > deadline:
                self.process.kill()
                raise AssertionError(f"bot did not exit within {timeout}s:\n{self.log()}")
            await asyncio.sleep(0.05)
        self.process = None
        return code

    async def kill(self) -> None:
        await self.stop(signal.SIGKILL)


@pytest.fixture
async def bot_process(telegram: FakeTelegram, tmp_path: Path) -> AsyncIterator[BotProcess]:
    bot = BotProcess(telegram=telegram, workdir=tmp_path)
    yield bot
    if bot.process is not None and bot.process.poll() is None:
        await bot.kill()
