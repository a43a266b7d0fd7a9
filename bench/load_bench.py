"""Load benchmark (not a test): the real bot vs a bare aiogram echo bot, same load, same run.

    .venv/bin/python -m bench.load_bench --users 500 --updates 20000

N simulated users loop /quiz → reveal → rating → next through the fake Bot API server; the
bot's DB already holds a history (bench.stats_bench's generator). The echo bot gets the same
sequence of updates. Reported per target: CPU seconds of the bot process per 1,000 updates,
updates/s, latency from an update being offered to the bot's first API call for it (p50/p99),
peak RSS, and updates lost or answered twice; then ours/echo ratios. With ``--large-db`` it
also runs the bot on a DB of 100,000 users (10M ratings) for RSS and /quiz latency.
Writes bench/results/load.json.
"""

import argparse
import asyncio
import json
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from bench.harness import start_bot, stop
from bench.stats_bench import build
from bot.quiz.bank import load_bank
from tests.e2e.fake_telegram import Call, FakeTelegram, StoredMessage

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
TOKEN = "123456789:LOAD-token-for-the-fake-server-only"
SEND = frozenset({"sendMessage"})
EDIT = frozenset({"editMessageText"})
ANSWER = frozenset({"answerCallbackQuery"})
GRADES = ("Не знал", "С трудом", "Знал", "Легко")


@dataclass
class Load:
    telegram: FakeTelegram
    echo: bool
    budget: int
    step_timeout: float = 30.0
    sent: int = 0
    lost: int = 0
    latencies: list[float] = field(default_factory=list)
    expected: Counter[str] = field(default_factory=Counter)

    async def step(
        self, chat: int, action: object, reply: frozenset[str], callback: bool = False
    ) -> Call | None:
        """Offer one update; latency runs until the reply the user waits for (the new or
        edited card, or the echo). A callback step also waits for its answer, so no late
        call of one step is taken for the next step's reply."""
        replied = self.telegram.next_call(chat, reply)
        answered = self.telegram.next_call(chat, ANSWER) if callback else None
        offered = time.monotonic()
        self.sent += 1
        await action  # type: ignore[misc]
        try:
            call = await asyncio.wait_for(replied, self.step_timeout)
            self.latencies.append(call.at - offered)
            if answered is not None and answered is not replied:
                await asyncio.wait_for(answered, self.step_timeout)
            return call
        except TimeoutError:
            self.lost += 1
            return None

    def message(self, chat: int, call: Call) -> StoredMessage:
        return self.telegram.messages[(chat, int(call.result["message_id"]))]

    async def user(self, chat: int, rng: random.Random) -> None:
        card: StoredMessage | None = None
        while self.sent < self.budget:
            if card is None:
                call = await self.step(chat, self.telegram.send_text(chat, "/quiz"), SEND)
                self.expected["sendMessage"] += 1
                card = self.message(chat, call) if call else None
                continue
            # The echo bot makes the same calls (edit + answer per press, a new card for next).
            reveal = self.telegram.press(chat, card, card.button("Показать ответ"))
            await self.step(chat, reveal, EDIT, callback=True)
            grades = GRADES if not self.echo else ("Не знал", "Знал")
            grade = self.telegram.press(chat, card, card.button(rng.choice(grades)))
            await self.step(chat, grade, EDIT, callback=True)
            nxt = self.telegram.press(chat, card, card.button("Следующий"))
            nxt_call = await self.step(chat, nxt, SEND, callback=True)
            self.expected["editMessageText"] += 2
            self.expected["sendMessage"] += 1
            self.expected["answerCallbackQuery"] += 3
            card = self.message(chat, nxt_call) if nxt_call else None


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def run_target(
    *,
    echo: bool,
    users: int,
    updates: int,
    db_path: Path,
    workdir: Path,
    profile: Path | None = None,
) -> dict[str, object]:
    telegram = FakeTelegram(token=TOKEN)
    await telegram.start()
    for chat in range(1, users + 1):
        telegram.add_chat(chat)
    module = "bench.echo_bot" if echo else "bot"
    process = start_bot(
        module=module, telegram=telegram, db_path=db_path, log_path=workdir / f"{module}.log"
    )
    spy: subprocess.Popen[bytes] | None = None
    try:
        await telegram.wait_for(lambda: telegram.started.get("getUpdates"), timeout=120)
        await asyncio.sleep(1)  # let start-up work (first tick, imports) settle
        if profile is not None and not echo:
            # py-spy samples the bot from outside, with little overhead on it.
            spy = subprocess.Popen(
                [str(Path(sys.executable).with_name("py-spy")), "record", "--pid",
                 str(process.pid), "--format", "raw", "-o", str(profile), "--rate", "200"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
        proc = psutil.Process(process.pid)
        cpu_before = sum(proc.cpu_times()[:2])
        calls_before = Counter(c.method for c in telegram.calls_of_all())
        load = Load(telegram=telegram, echo=echo, budget=updates)
        started = time.monotonic()
        await asyncio.gather(
            *(load.user(chat, random.Random(chat)) for chat in range(1, users + 1))
        )
        wall = time.monotonic() - started
        await asyncio.sleep(1)
        cpu = sum(proc.cpu_times()[:2]) - cpu_before
        rss = peak_rss_mb(process.pid)
        calls = Counter(c.method for c in telegram.calls_of_all()) - calls_before
    finally:
        if spy is not None:
            await stop(spy, signal.SIGINT)  # py-spy writes its profile on SIGINT
        await stop(process)
        await telegram.stop()
    extra = {m: calls[m] - n for m, n in load.expected.items() if calls[m] > n}
    return {
        "target": "echo" if echo else "ds-quiz-bot",
        "updates": load.sent,
        "cpu_s_per_1000_updates": round(cpu / load.sent * 1000, 3),
        "updates_per_s": round(load.sent / wall, 1),
        "latency_p50_ms": round(percentile(load.latencies, 0.5) * 1000, 2),
        "latency_p99_ms": round(percentile(load.latencies, 0.99) * 1000, 2),
        "peak_rss_mb": round(rss, 1),
        "lost": load.lost,
        "answered_twice": sum(extra.values()),
    }


async def main_async(args: argparse.Namespace) -> dict[str, object]:
    RESULTS.mkdir(parents=True, exist_ok=True)
    question_ids = [q.id for q in load_bank(ROOT / "content").questions]
    history = RESULTS / f"load-history-{args.history_users}.db"
    await build(history, args.history_users, 50, question_ids)
    workdir = RESULTS / "load-run"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir()
    db_path = workdir / "bot.db"
    shutil.copy(history, db_path)
    ours = await run_target(
        echo=False, users=args.users, updates=args.updates, db_path=db_path, workdir=workdir,
        profile=args.profile,
    )  # fmt: skip
    echo = await run_target(
        echo=True, users=args.users, updates=args.updates, db_path=db_path, workdir=workdir
    )
    report: dict[str, object] = {
        "ours": ours,
        "echo": echo,
        "ratio_cpu": round(ours["cpu_s_per_1000_updates"] / echo["cpu_s_per_1000_updates"], 2),  # type: ignore[operator]
        "ratio_p99": round(ours["latency_p99_ms"] / echo["latency_p99_ms"], 2),  # type: ignore[operator]
    }
    if args.large_db:
        large = RESULTS / "stats-100000x100.db"
        await build(large, 100_000, 100, question_ids)
        report["large_db"] = await run_target(
            echo=False, users=50, updates=2000, db_path=large, workdir=workdir
        )
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--updates", type=int, default=20_000)
    parser.add_argument("--history-users", type=int, default=2_000)
    parser.add_argument("--large-db", action="store_true")
    parser.add_argument(
        "--profile", type=Path, help="record our bot with py-spy (speedscope JSON) to this file"
    )
    args = parser.parse_args()
    report = asyncio.run(main_async(args))
    (RESULTS / "load.json").write_text(json.dumps(report, indent=2))
    rows = [report["ours"], report["echo"]] + ([report["large_db"]] if "large_db" in report else [])
    keys = [k for k in rows[0] if k != "target"]  # type: ignore[union-attr]
    print(f"{'':24}" + "".join(f"{r['target']:>16}" for r in rows))  # type: ignore[index]
    for key in keys:
        print(f"{key:24}" + "".join(f"{r[key]!s:>16}" for r in rows))  # type: ignore[index]
    print(f"ours/echo: CPU {report['ratio_cpu']}×, p99 latency {report['ratio_p99']}×")


if __name__ == "__main__":
    main()
