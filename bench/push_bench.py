"""Benchmark of the daily push (not a test): N subscribers due at one minute, pushed by the real
bot process through the fake Bot API server with a flood limit and random 429/5xx, while one
user keeps asking /quiz.

    .venv/bin/python -m bench.push_bench --users 10000 --rate 25

Reports achieved/configured rate, lost, doubled, and /quiz reply latency during the push;
writes bench/results/push.json.
"""

import argparse
import asyncio
import json
import sqlite3
import statistics
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.harness import start_bot, stop
from bot.storage.db import connect
from bot.storage.timefmt import to_db
from tests.e2e.fake_telegram import FakeTelegram

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456789:BENCH-token-for-the-fake-server-only"
QUIZ_USER = 1


async def seed(db_path: Path, users: int) -> None:
    conn = await connect(db_path)
    slot = (datetime.now(UTC) - timedelta(seconds=30)).replace(second=0, microsecond=0)
    await conn.executemany(
        "INSERT INTO users (user_id, chat_id, created_at, timezone, daily_time, next_push_at)"
        " VALUES (?, ?, ?, 'UTC', ?, ?)",
        [(u, u, to_db(slot), f"{slot:%H:%M}", to_db(slot)) for u in range(100, 100 + users)],
    )
    await conn.commit()
    await conn.close()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run(users: int, rate: float, workdir: Path) -> dict[str, float]:
    db_path = workdir / "bot.db"
    await seed(db_path, users)
    telegram = FakeTelegram(token=TOKEN)
    telegram.chaos = {429: 0.01, 500: 0.01, 502: 0.005}
    telegram.flood_limit = 30
    await telegram.start()
    for user in range(100, 100 + users):
        telegram.add_chat(user)
    bot = start_bot(
        module="bot",
        telegram=telegram,
        db_path=db_path,
        log_path=workdir / "bot.log",
        extra_env={"PUSH_RATE": str(rate), "PUSH_TICK_SECONDS": "1"},
    )
    latencies: list[float] = []
    unanswered = 0
    try:
        await telegram.wait_for(lambda: telegram.started.get("getUpdates"), timeout=60)

        def pushed() -> Counter[int]:
            return Counter(
                int(c.params["chat_id"])
                for c in telegram.calls_of("sendMessage")
                if c.params["text"].startswith("<b>🗓 Вопрос дня</b>")
            )

        deadline = time.monotonic() + users / rate * 1.5 + 60
        while len(pushed()) < users and time.monotonic() < deadline:
            before = len(telegram.bot_messages(QUIZ_USER))
            sent_at = time.monotonic()
            await telegram.send_text(QUIZ_USER, "/quiz")
            try:
                await telegram.wait_for(
                    lambda b=before: len(telegram.bot_messages(QUIZ_USER)) > b, timeout=30
                )
            except AssertionError:
                unanswered += 1
                continue
            latencies.append(time.monotonic() - sent_at)
            await asyncio.sleep(0.5)
        await asyncio.sleep(2)
        cards = pushed()
        push_calls = [
            c for c in telegram.calls_of("sendMessage")
            if c.params["text"].startswith("<b>🗓 Вопрос дня</b>")
        ]  # fmt: skip
        span = push_calls[-1].at - push_calls[0].at if len(push_calls) > 1 else float("nan")
        with sqlite3.connect(db_path) as db:
            statuses = Counter(row[0] for row in db.execute("SELECT status FROM pushes"))
        attempts = Counter(c.status for c in telegram.calls_of("sendMessage", ok_only=False))
    finally:
        await stop(bot)
        await telegram.stop()
    return {
        "subscribers": users,
        "configured_rate": rate,
        "achieved_rate": round((len(cards) - 1) / span, 2),
        "achieved_share": round((len(cards) - 1) / span / rate, 3),
        "delivered": len(cards),
        "lost": users - len(cards),
        "doubled": sum(1 for n in cards.values() if n > 1),
        "http_429": attempts.get(429, 0),
        "http_5xx": sum(n for s, n in attempts.items() if s >= 500),
        "push_log": dict(statuses),
        "quiz_requests_during_push": len(latencies) + unanswered,
        "quiz_unanswered": unanswered,
        "quiz_latency_p50_ms": round(percentile(latencies, 0.5) * 1000, 1),
        "quiz_latency_p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "quiz_latency_mean_ms": round(statistics.mean(latencies) * 1000, 1),
        "bot_exit_code": bot.returncode,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=25.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        result = asyncio.run(run(args.users, args.rate, Path(tmp)))
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "push.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    width = max(len(k) for k in result)
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()
