"""Starting and stopping a bot process against the fake Bot API server, for the benchmarks."""

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.e2e.fake_telegram import FakeTelegram

ROOT = Path(__file__).resolve().parent.parent


def start_bot(
    *,
    module: str,
    telegram: FakeTelegram,
    db_path: Path,
    log_path: Path,
    extra_env: dict[str, str] | None = None,
    tree: Path = ROOT,
) -> subprocess.Popen[bytes]:
    """Run ``python -m module`` with the settings that point it at the fake server
    (``tree``: the checkout whose code runs; ``-m`` imports from the working directory)."""
    env = {
        **os.environ,
        "BOT_TOKEN": telegram.token,
        "TELEGRAM_API_URL": f"http://127.0.0.1:{telegram.port}",
        "DB_PATH": str(db_path),
        "CONTENT_DIR": str(ROOT / "content"),
        "LOG_LEVEL": "WARNING",
        "USER_RATE": "0",  # simulated users tap faster than any person: no flood control
        **(extra_env or {}),
    }
    with log_path.open("wb") as log:
        return subprocess.Popen(
            [sys.executable, "-m", module], cwd=tree, env=env, stdout=log, stderr=log
        )


async def stop(process: subprocess.Popen[bytes], sig: signal.Signals = signal.SIGTERM) -> None:
    """Signal the process and wait for it while the fake server keeps answering."""
    process.send_signal(sig)
    while process.poll() is None:
        await asyncio.sleep(0.05)
