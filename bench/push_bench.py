"""Benchmark of the daily push (not a test): N subscribers due at one minute, pushed by the real
bot process through the fake Bot API server with a flood limit, random 5xx and blocked users,
while one user keeps asking /quiz.

    .venv/bin/python -m bench.push_bench --users 10000 --rate 25          # 30/s limit, 1 % 5xx
    .venv/bin/python -m bench.push_bench --scenario low-limit             # Telegram allows 5/s
    .venv/bin/python -m bench.push_bench --scenario flaky                 # 30/s, 5 % 5xx

Reports time to finish against the ideal, achieved/configured rate, 429s, lost, doubled,
requests per blocked user and /quiz reply latency during the push; writes
bench/results/push-<scenario>.json.
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


SCENARIOS = {
    # name: (subscribers, PUSH_RATE, server limit per second, random 5xx share, blocked share,
    #        seconds between the studying user's /quiz requests)
    "default": (10_000, 25.0, 30, 0.01, 0.0, 0.5),
    "low-limit": (200, 25.0, 5, 0.0, 0.02, 2.0),
    "flaky": (5_000, 25.0, 30, 0.05, 0.0, 0.5),
}


async def run(
    users: int,
    rate: float,
    limit: int,
    errors: float,
    blocked_share: float,
    quiz_gap: float,
    workdir: Path,
) -> dict[str, float]:
    db_path = workdir / "bot.db"
    await seed(db_path, users)
    telegram = FakeTelegram(token=TOKEN)
    telegram.chaos = {500: errors * 2 / 3, 502: errors / 3} if errors else {}
    telegram.flood_limit = limit
    await telegram.start()
    for user in range(100, 100 + users):
        telegram.add_chat(user)
    step = round(1 / blocked_share) if blocked_share else 0
    blocked = set(range(100, 100 + users, step)) if step else set()
    telegram.blocked |= blocked
    telegram.add_chat(QUIZ_USER)
    bot = start_bot(
        module="bot",
        telegram=telegram,
        db_path=db_path,
        log_path=workdir / "bot.log",
        extra_env={"PUSH_RATE": str(rate), "PUSH_TICK_SECONDS": "1", "LOG_LEVEL": "INFO"},
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

        reachable = users - len(blocked)
        deadline = time.monotonic() + users / min(rate, limit) * 2 + 60
        while len(pushed()) < reachable and time.monotonic() < deadline:
            if quiz_gap <= 0:  # the push alone, nobody studying meanwhile
                await asyncio.sleep(0.5)
                continue
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
            await asyncio.sleep(quiz_gap)
        await asyncio.sleep(2)
        cards = pushed()
        push_calls = [
            c for c in telegram.calls_of("sendMessage")
            if c.params["text"].startswith("<b>🗓 Вопрос дня</b>")
        ]  # fmt: skip
        every_call = [
            c for c in telegram.calls_of("sendMessage", ok_only=False)
            if c.params["text"].startswith("<b>🗓 Вопрос дня</b>")
        ]  # fmt: skip
        span = push_calls[-1].at - every_call[0].at if len(push_calls) > 1 else float("nan")
        per_blocked = Counter(
            int(c.params["chat_id"]) for c in every_call if int(c.params["chat_id"]) in blocked
        )
        with sqlite3.connect(db_path) as db:
            statuses = Counter(row[0] for row in db.execute("SELECT status FROM pushes"))
        attempts = Counter(c.status for c in telegram.calls_of("sendMessage", ok_only=False))
    finally:
        await stop(bot)
        await telegram.stop()
    ideal = users / min(rate, limit)
    return {
        "subscribers": users,
        "blocked_subscribers": len(blocked),
        "configured_rate": rate,
        "server_limit_per_s": limit,
        "random_5xx_share": errors,
        "time_to_finish_s": round(span, 1),
        "ideal_time_s": round(ideal, 1),
        "time_vs_ideal": round(span / ideal, 2),
        "achieved_rate": round(len(cards) / span, 2),
        "achieved_share_of_push_rate": round(len(cards) / span / rate, 3),
        "delivered": len(cards),
        "lost": reachable - len(cards),
        "doubled": sum(1 for n in cards.values() if n > 1),
        "max_requests_per_blocked_user": max(per_blocked.values(), default=0),
        "http_429": attempts.get(429, 0),
        "http_5xx": sum(n for s, n in attempts.items() if s >= 500),
        "push_log": dict(statuses),
        "quiz_requests_during_push": len(latencies) + unanswered,
        "quiz_seconds_between_requests": quiz_gap,
        "quiz_unanswered": unanswered,
        "quiz_latency_p50_ms": round(percentile(latencies, 0.5) * 1000, 1) if latencies else 0,
        "quiz_latency_p99_ms": round(percentile(latencies, 0.99) * 1000, 1) if latencies else 0,
        "quiz_latency_mean_ms": round(statistics.mean(latencies) * 1000, 1) if latencies else 0,
        "bot_exit_code": bot.returncode,
        "delivered_per_5s": [
            sum(1 for c in push_calls if i <= c.at - every_call[0].at < i + 5)
            for i in range(0, int(span) + 1, 5)
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), default="default")
    parser.add_argument("--users", type=int, help="subscribers (default: the scenario's)")
    parser.add_argument("--rate", type=float, help="PUSH_RATE (default: the scenario's)")
    parser.add_argument(
        "--quiz-gap", type=float, help="seconds between the studying user's /quiz (0: none)"
    )
    args = parser.parse_args()
    users, rate, limit, errors, blocked, quiz_gap = SCENARIOS[args.scenario]
    with tempfile.TemporaryDirectory() as tmp:
        result = asyncio.run(
            run(
                args.users or users,
                args.rate or rate,
                limit,
                errors,
                blocked,
                quiz_gap if args.quiz_gap is None else args.quiz_gap,
                Path(tmp),
            )
        )
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"push-{args.scenario}.json").write_text(
        json.dumps(result, indent=2, ensure_ascii=False)
    )
    width = max(len(k) for k in result)
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()
