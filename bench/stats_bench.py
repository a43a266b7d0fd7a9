"""Benchmark of /stats (not a test): per-request cost on a small and a large synthetic DB.

    .venv/bin/python -m bench.stats_bench --users 100 100000 --ratings-per-user 100

Builds each DB once under bench/results/ (100,000 users × 100 ratings = 10M rating rows), then
times the /stats work (progress + hardest questions) for random users, and reports mean, p50
and p99 per request and the large/small ratio; writes bench/results/stats.json.
"""

import argparse
import asyncio
import json
import random
import sqlite3
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.quiz.bank import load_bank
from bot.quiz.scheduling import SpacedRepetition
from bot.quiz.service import QuizService
from bot.quiz.stats import StatsService
from bot.storage.db import connect
from bot.storage.repo import Repository
from bot.storage.stats_repo import StatsRepository
from bot.storage.timefmt import to_db

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def fsrs_state(card_id: int, rng: random.Random, reviewed: datetime, due: datetime) -> str:
    """A plausible FSRS review-state card, serialized as fsrs.Card.to_json() does."""
    return json.dumps(
        {
            "card_id": card_id,
            "state": 2,
            "step": None,
            "stability": round(rng.uniform(0.5, 30), 3),
            "difficulty": round(rng.uniform(2, 8), 3),
            "due": due.isoformat(),
            "last_review": reviewed.isoformat(),
        }
    )


async def build(path: Path, users: int, per_user: int, question_ids: list[str]) -> None:
    if path.exists():
        return
    conn = await connect(path)  # creates the schema through the real migrations
    await conn.close()
    rng = random.Random(users)
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    created = to_db(NOW - timedelta(days=200))
    db.executemany(
        "INSERT INTO users (user_id, chat_id, created_at) VALUES (?, ?, ?)",
        ((u, u, created) for u in range(1, users + 1)),
    )
    shown_id = 0
    for first in range(1, users + 1, 1000):
        shown, ratings, cards = [], [], {}
        for user in range(first, min(users, first + 999) + 1):
            moments = sorted(NOW - timedelta(minutes=rng.randrange(120 * 24 * 60))
                             for _ in range(per_user))  # fmt: skip
            for moment in moments:
                shown_id += 1
                qid = rng.choice(question_ids)
                grade = rng.choice((1, 2, 3, 3, 4))
                due = moment + timedelta(days=rng.choice((0, 1, 2, 5, 12)))
                state = fsrs_state(shown_id, rng, moment, due)
                shown.append((shown_id, user, qid, "quiz", to_db(moment)))
                ratings.append((shown_id, user, qid, grade, to_db(moment), to_db(due), state))
                cards[(user, qid)] = (user, qid, to_db(due), to_db(moment), grade, 1, state)
        db.executemany(
            "INSERT INTO shown_cards (shown_id, user_id, question_id, origin, shown_at)"
            " VALUES (?, ?, ?, ?, ?)",
            shown,
        )
        db.executemany(
            "INSERT INTO ratings (shown_id, user_id, question_id, rating, rated_at, due,"
            " fsrs_state) VALUES (?, ?, ?, ?, ?, ?, ?)",
            ratings,
        )
        db.executemany("INSERT OR REPLACE INTO cards VALUES (?, ?, ?, ?, ?, ?, ?)", cards.values())
        db.commit()
    db.execute("ANALYZE")
    db.commit()
    db.close()


async def measure(path: Path, users: int, requests: int) -> dict[str, float]:
    bank = load_bank(ROOT / "content")
    conn = await connect(path)
    repo = Repository(conn)
    stats = StatsService(bank=bank, repo=StatsRepository(repo), clock=lambda: NOW)
    zone = ZoneInfo("Europe/Moscow")
    quiz = QuizService(
        bank=bank, store=Repository(conn), srs=SpacedRepetition(), clock=lambda: NOW,
        rng=random.Random(1),
    )  # fmt: skip
    rng = random.Random(7)
    timings, quiz_timings = [], []
    for _ in range(requests):
        user = rng.randrange(1, users + 1)
        started = time.perf_counter()
        profile = await repo.load_user(user, user, "u", NOW, zone.key)
        await stats.progress(profile)
        await stats.hardest(user)
        timings.append(time.perf_counter() - started)
        started = time.perf_counter()
        await quiz.next_card(user)
        quiz_timings.append(time.perf_counter() - started)
    await conn.close()
    timings.sort()
    quiz_timings.sort()
    with sqlite3.connect(path) as db:
        ratings = db.execute("SELECT COUNT(*) FROM ratings").fetchone()[0]
    return {
        "users": users,
        "ratings": ratings,
        "mean_ms": round(statistics.mean(timings) * 1000, 2),
        "p50_ms": round(timings[len(timings) // 2] * 1000, 2),
        "p99_ms": round(timings[int(len(timings) * 0.99)] * 1000, 2),
        "db_mb": round(path.stat().st_size / 2**20, 1),
        "quiz_next_card_mean_ms": round(statistics.mean(quiz_timings) * 1000, 2),
        "quiz_next_card_p99_ms": round(quiz_timings[int(len(quiz_timings) * 0.99)] * 1000, 2),
    }


async def main_async(sizes: list[int], per_user: int, requests: int) -> list[dict[str, float]]:
    RESULTS.mkdir(parents=True, exist_ok=True)
    question_ids = [q.id for q in load_bank(ROOT / "content").questions]
    results = []
    for users in sizes:
        path = RESULTS / f"stats-{users}x{per_user}.db"
        started = time.perf_counter()
        await build(path, users, per_user, question_ids)
        print(f"DB with {users} users ready in {time.perf_counter() - started:.0f}s")
        results.append(await measure(path, users, requests))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, nargs="+", default=[100, 100_000])
    parser.add_argument("--ratings-per-user", type=int, default=100)
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args()
    results = asyncio.run(main_async(args.users, args.ratings_per_user, args.requests))
    small, large = results[0], results[-1]
    summary = {
        "runs": results,
        "ratio_mean_large_to_small": round(large["mean_ms"] / small["mean_ms"], 2),
        "ratio_p99_large_to_small": round(large["p99_ms"] / small["p99_ms"], 2),
        "quiz_ratio_mean_large_to_small": round(
            large["quiz_next_card_mean_ms"] / small["quiz_next_card_mean_ms"], 2
        ),
    }
    (RESULTS / "stats.json").write_text(json.dumps(summary, indent=2))
    print(f"{'users':>8} {'ratings':>10} {'mean ms':>8} {'p50 ms':>8} {'p99 ms':>8} {'DB MB':>7}")
    for r in results:
        print(f"{r['users']:>8} {r['ratings']:>10} {r['mean_ms']:>8} {r['p50_ms']:>8} "
              f"{r['p99_ms']:>8} {r['db_mb']:>7}")  # fmt: skip
    print(f"/stats large/small: mean {summary['ratio_mean_large_to_small']}×, "
          f"p99 {summary['ratio_p99_large_to_small']}×")  # fmt: skip
    for r in results:
        print(f"/quiz selection at {r['users']} users: mean {r['quiz_next_card_mean_ms']} ms,"
              f" p99 {r['quiz_next_card_p99_ms']} ms")  # fmt: skip
    print(f"/quiz large/small: mean {summary['quiz_ratio_mean_large_to_small']}×")


if __name__ == "__main__":
    main()
