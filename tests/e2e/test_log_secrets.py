"""The token never reaches the log, on every error path, at LOG_LEVEL=DEBUG."""

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT
from tests.e2e.conftest import TOKEN, BotProcess
from tests.e2e.fake_telegram import FakeTelegram, Fault

USER = 621
SECRET = TOKEN.split(":")[1]
WRONG_SECRET = "WRONG-token-the-server-does-not-know"


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "TELEGRAM_"))}
    env.update(
        BOT_TOKEN=TOKEN,
        DB_PATH=str(tmp_path / "bot.db"),
        CONTENT_DIR=str(ROOT / "content"),
        LOG_LEVEL="DEBUG",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


async def _run_until(seen: str | None, env: dict[str, str], cwd: Path) -> str:
    """Run the bot until it prints ``seen`` or exits (at most 60 s); return all it printed.

    ``seen=None``: the bot is expected to exit by itself."""
    out = cwd / "out.log"
    with out.open("wb") as sink:
        # Started as a shell starts a background job: SIGINT ignored. The bot must still stop
        # on `kill -INT`, also while it waits for Telegram.
        process = subprocess.Popen(
            [sys.executable, "-m", "bot"],
            cwd=cwd,
            env=env,
            stdout=sink,
            stderr=sink,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
        )
    for _ in range(600):
        if process.poll() is not None or (seen and seen in out.read_text(errors="replace")):
            break
        await asyncio.sleep(0.1)
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            assert process.wait(timeout=30) == 0, "the bot did not stop cleanly on SIGINT"
        finally:
            process.kill()
    process.wait(timeout=30)
    return out.read_text(errors="replace")


async def test_no_error_path_logs_the_token(
    telegram: FakeTelegram, bot_process: BotProcess, tmp_path: Path
) -> None:
    logs: list[str] = []
    # Nothing listens: connection refused, retried with backoff.
    refused = _env(tmp_path, TELEGRAM_API_URL="http://127.0.0.1:9")
    logs.append(await _run_until("retrying in 2s", refused, tmp_path))
    # A URL without a scheme (refused at start-up) and a token Telegram does not know.
    logs.append(await _run_until(None, _env(tmp_path, TELEGRAM_API_URL="127.0.0.1:8081"), tmp_path))
    wrong = _env(
        tmp_path,
        TELEGRAM_API_URL=f"http://127.0.0.1:{telegram.port}",
        BOT_TOKEN=f"999999:{WRONG_SECRET}",
    )
    logs.append(await _run_until(None, wrong, tmp_path))
    # The real bot at DEBUG: getMe 5xx retried, a send failing with 5xx, a dropped connection.
    bot_process.extra_env["LOG_LEVEL"] = "DEBUG"
    telegram.faults += [Fault("getMe", 502, times=2), Fault("sendMessage", 502)]
    await bot_process.start()
    await telegram.send_text(USER, "/quiz")
    await telegram.wait_for(lambda: telegram.bot_messages(USER), what="the card")
    telegram.faults.append(Fault("sendMessage", 200, drop=True))
    await telegram.send_text(USER, "/help")
    await telegram.send_text(USER, "/start")
    await telegram.wait_for(lambda: len(telegram.bot_messages(USER)) >= 3, what="replies")
    assert await bot_process.stop() == 0
    logs.append(bot_process.log())

    everything = "\n".join(logs)
    assert "Connect call failed" in everything or "Cannot connect" in everything
    assert "TELEGRAM_API_URL" in everything and "401" in everything
    assert "retrying" in everything and "DEBUG" in everything
    assert SECRET not in everything
    assert WRONG_SECRET not in everything  # the token Telegram refused is a secret too
