"""Production-mode benchmark (not a test): the quiz loop on SQLite (polling) and on PostgreSQL
with 1 and 2 webhook replicas, and the daily push of N subscribers on PostgreSQL with two
replicas, in one run.

    .venv/bin/python -m bench.replica_bench --users 100 --updates 6000 --subscribers 10000

Reported per setup: CPU seconds of the bot processes per 1,000 updates, updates/s, reply
latency p50/p99, updates lost or answered twice; for the push: achieved rate vs PUSH_RATE,
delivered, lost and doubled. Writes bench/results/replicas.json.
"""

import argparse
import asyncio
import json
import random
import shutil
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import psutil

from bench.harness import start_bot, stop
from bench.load_bench import TOKEN, Load, percentile
from tests.e2e.fake_telegram import FakeTelegram
from tests.e2e.local_server import free_port, wait_ready
from tests.e2e.webhook_delivery import WebhookDelivery
from tests.engines import PgSchema

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
SECRET = "bench-webhook-secret"


async def _start(
    telegram: FakeTelegram, workdir: Path, replicas: int, pg_url: str | None, push_rate: float
) -> tuple[list[subprocess.Popen[bytes]], WebhookDelivery | None]:
    env = {"PUSH_RATE": str(push_rate), "PUSH_TICK_SECONDS": "1"}
    if pg_url is None:
        process = start_bot(module="bot", telegram=telegram, db_path=workdir / "bot.db",
                            log_path=workdir / "sqlite.log", extra_env=env)  # fmt: skip
        await telegram.wait_for(lambda: telegram.started.get("getUpdates"), timeout=120)
        return [process], None
    env.update(DATABASE_URL=pg_url, BOT_MODE="webhook", WEBHOOK_SECRET=SECRET,
               WEB_HOST="127.0.0.1")  # fmt: skip
    await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "bot", "migrate"], check=True, cwd=ROOT,
        env={**start_env(telegram, workdir), **env}, capture_output=True,
    )  # fmt: skip
    processes, urls = [], []
    for n in range(replicas):
        port = free_port()
        process = start_bot(module="bot", telegram=telegram, db_path=workdir / "unused.db",
                            log_path=workdir / f"replica{n}.log",
                            extra_env={**env, "WEB_PORT": str(port)})  # fmt: skip
        await wait_ready(f"http://127.0.0.1:{port}", process, timeout=60)
        processes.append(process)
        urls.append(f"http://127.0.0.1:{port}/telegram")
    delivery = WebhookDelivery(telegram, urls, SECRET)
    await delivery.start()
    return processes, delivery


def start_env(telegram: FakeTelegram, workdir: Path) -> dict[str, str]:
    import os

    return {**os.environ, "BOT_TOKEN": telegram.token,
            "TELEGRAM_API_URL": f"http://127.0.0.1:{telegram.port}",
            "DB_PATH": str(workdir / "unused.db"), "CONTENT_DIR": str(ROOT / "content"),
            "LOG_LEVEL": "WARNING"}  # fmt: skip


def _cpu(processes: list[subprocess.Popen[bytes]]) -> float:
    return sum(sum(psutil.Process(p.pid).cpu_times()[:2]) for p in processes)


async def quiz_loop(users: int, updates: int, replicas: int, engine: str) -> dict[str, object]:
    telegram = FakeTelegram(token=TOKEN)
    await telegram.start()
    for chat in range(1, users + 1):
        telegram.add_chat(chat)
    workdir = RESULTS / f"replica-run-{engine}-{replicas}"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    schema = PgSchema() if engine == "postgres" else None
    if schema is not None:
        await schema.create()
    processes, delivery = await _start(
        telegram, workdir, replicas, schema.url if schema else None, push_rate=25
    )
    try:
        await asyncio.sleep(1)
        cpu_before = _cpu(processes)
        calls_before = Counter(c.method for c in telegram.calls_of_all())
        load = Load(telegram=telegram, echo=False, budget=updates)
        started = time.monotonic()
        await asyncio.gather(*(load.user(c, random.Random(c)) for c in range(1, users + 1)))
        wall = time.monotonic() - started
        await asyncio.sleep(1)
        cpu = _cpu(processes) - cpu_before
        calls = Counter(c.method for c in telegram.calls_of_all()) - calls_before
    finally:
        if delivery is not None:
            await delivery.stop()
        for process in processes:
            await stop(process)
        await telegram.stop()
        if schema is not None:
            await schema.drop()
    extra = {m: calls[m] - n for m, n in load.expected.items() if calls[m] > n}
    return {
        "setup": f"{engine}, {'polling' if engine == 'sqlite' else 'webhook'}, {replicas}",
        "cpu_s_per_1000_updates": round(cpu / load.sent * 1000, 3),
        "updates_per_s": round(load.sent / wall, 1),
        "latency_p50_ms": round(percentile(load.latencies, 0.5) * 1000, 1),
        "latency_p99_ms": round(percentile(load.latencies, 0.99) * 1000, 1),
        "lost": load.lost,
        "answered_twice": sum(extra.values()),
    }


async def push(subscribers: int, rate: float) -> dict[str, object]:
    telegram = FakeTelegram(token=TOKEN)
    await telegram.start()
    for chat in range(1, subscribers + 1):
        telegram.add_chat(chat)
    workdir = RESULTS / "replica-run-push"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    schema = PgSchema()
    await schema.create()
    processes: list[subprocess.Popen[bytes]] = []
    delivery = None
    try:
        processes, delivery = await _start(telegram, workdir, 2, schema.url, push_rate=rate)
        now = datetime.now(UTC).replace(microsecond=0)
        db = await asyncpg.connect(schema.url)
        await db.executemany(
            "INSERT INTO users (user_id, chat_id, first_name, created_at, daily_time,"
            " next_push_at, timezone) VALUES ($1, $1, 'u', $2, '09:00', $3, 'UTC')",
            [(u, now, now - timedelta(seconds=1)) for u in range(1, subscribers + 1)],
        )
        await db.close()
        started = time.monotonic()
        await telegram.wait_for(
            lambda: len(telegram.calls_of("sendMessage")) >= subscribers,
            timeout=subscribers / rate * 3 + 60,
            what="every push",
        )
        sends = telegram.calls_of("sendMessage")
        first, last = min(c.at for c in sends), max(c.at for c in sends)
        wall = time.monotonic() - started
    finally:
        if delivery is not None:
            await delivery.stop()
        for process in processes:
            await stop(process)
        await telegram.stop()
        await schema.drop()
    per_chat = Counter(int(c.params["chat_id"]) for c in sends)
    return {
        "subscribers": subscribers,
        "configured_rate": rate,
        "achieved_rate": round(len(sends) / max(last - first, 1e-9), 2),
        "time_to_finish_s": round(wall, 1),
        "delivered": len(per_chat),
        "lost": subscribers - len(per_chat),
        "doubled": sum(1 for n in per_chat.values() if n > 1),
    }


async def main_async(args: argparse.Namespace) -> dict[str, object]:
    RESULTS.mkdir(parents=True, exist_ok=True)
    loops = [
        await quiz_loop(args.users, args.updates, 1, "sqlite"),
        await quiz_loop(args.users, args.updates, 1, "postgres"),
        await quiz_loop(args.users, args.updates, 2, "postgres"),
    ]
    return {"quiz_loop": loops, "push": await push(args.subscribers, args.rate)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--updates", type=int, default=6_000)
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=25.0)
    args = parser.parse_args()
    report = asyncio.run(main_async(args))
    (RESULTS / "replicas.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
