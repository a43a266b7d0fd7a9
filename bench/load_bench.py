"""Load benchmark (not a test): the real bot vs a bare aiogram echo bot, same load, same run.

    .venv/bin/python -m bench.load_bench --users 100 --updates 6000 [--engine postgres]

N simulated users loop /quiz → reveal → rating → next through the fake Bot API server; the
bot's DB already holds a history (bench.stats_bench's generator). The echo bot gets the same
sequence of updates. ``--engine sqlite`` (the default) runs both bots with long polling on an
SQLite copy of the history; ``--engine postgres`` runs both with ``BOT_MODE=webhook`` — the
fake server POSTs every update to the bot's webhook (tests.e2e.webhook_delivery) — and the real
bot on a fresh PostgreSQL schema holding the same history (copied by ``migrate-data``).
Reported per target: CPU seconds of the bot process per 1,000 updates,
updates/s, latency from an update being offered to the bot's first API call for it (p50/p99),
peak RSS, and updates lost or answered twice; then ours/echo ratios. With ``--large-db`` it
also runs the bot on a DB of 100,000 users for RSS and /quiz latency (SQLite: 10M ratings;
PostgreSQL: the history plus 100,000 user rows, since the data stays in the server's process).
``--repeat N`` runs N rounds (ours then echo, each round on a fresh copy of the history) and
reports each figure's median. The echo bot replays the payloads ours sent in the same round
(bench/echo_bot.py); ``--profile`` records both with py-spy. Writes
bench/results/load-<engine>.json (with every round; load-<engine>-versus.json with ``--versus``).

``--versus TREE`` measures a change instead: the bot of another checkout (a git worktree of
the commit before it) takes the echo bot's place, each on a fresh copy of the history, and
the ratios are this tree's bot over that one, round by round (a change of a few per cent
is lost in the noise between rounds of separate runs).
"""

import argparse
import asyncio
import contextlib
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

from bench.harness import start_bot, stop
from bench.stats_bench import build
from bot.ops import migrate_data
from bot.quiz.bank import load_bank
from tests.e2e.fake_telegram import Call, FakeTelegram, StoredMessage
from tests.e2e.local_server import free_port, wait_ready
from tests.e2e.webhook_delivery import WebhookDelivery
from tests.engines import PgSchema

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
TOKEN = "123456789:LOAD-token-for-the-fake-server-only"
SEND = frozenset({"sendMessage"})
EDIT = frozenset({"editMessageText"})
ANSWER = frozenset({"answerCallbackQuery"})
GRADES = ("Не знал", "С трудом", "Знал", "Легко")
SECRET = "load-bench-webhook-secret"
SAMPLES = 30


@dataclass
class Load:
    telegram: FakeTelegram
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
            if not any("Показать ответ" in label for label, _ in card.buttons()):
                # «На сегодня всё» (a fresh user past the daily limit of new questions): go on
                # reviewing ahead of time, as a user who wants more would.
                early = self.telegram.press(chat, card, card.button("Повторить заранее"))
                call = await self.step(chat, early, SEND, callback=True)
                self.expected["sendMessage"] += 1
                self.expected["answerCallbackQuery"] += 1
                card = self.message(chat, call) if call else None
                continue
            # The echo bot makes the same calls (edit + answer per press, a new card for next)
            # with the same payloads, recorded from ours.
            reveal = self.telegram.press(chat, card, card.button("Показать ответ"))
            await self.step(chat, reveal, EDIT, callback=True)
            grade = self.telegram.press(chat, card, card.button(rng.choice(GRADES)))
            await self.step(chat, grade, EDIT, callback=True)
            nxt = self.telegram.press(chat, card, card.button("Следующий"))
            nxt_call = await self.step(chat, nxt, SEND, callback=True)
            self.expected["editMessageText"] += 2
            self.expected["sendMessage"] += 1
            self.expected["answerCallbackQuery"] += 3
            card = self.message(chat, nxt_call) if nxt_call else None


def _markup(call: Call) -> dict[str, Any] | None:
    markup = call.params.get("reply_markup")
    return json.loads(markup) if isinstance(markup, str) else markup


def _buttons_data(markup: dict[str, Any] | None) -> str:
    rows = (markup or {}).get("inline_keyboard", [])
    return " ".join(str(button.get("callback_data", "")) for row in rows for button in row)


def recorded_payloads(calls: list[Call]) -> dict[str, list[Any]]:
    """The real bot's replies by kind — question cards, revealed answers, rated cards — and
    its rating toasts, for the echo bot to send the same bytes (bench/echo_bot.py)."""
    kinds: dict[str, list[Any]] = {"card": [], "reveal": [], "rated": [], "toast": []}
    for call in calls:
        if call.method == "answerCallbackQuery":
            if call.params.get("text"):
                kinds["toast"].append(call.params["text"])
            continue
        markup = _markup(call)
        data = _buttons_data(markup)
        kind = (
            "card" if call.method == "sendMessage" and "rv:" in data
            else "reveal" if call.method == "editMessageText" and "rt:" in data
            else "rated" if call.method == "editMessageText" and ("nx:" in data or "ne:" in data)
            else None
        )  # fmt: skip
        if kind is not None:
            kinds[kind].append([call.params["text"], markup])
    # A spread of at most SAMPLES each: enough variety, without weighing on the echo's memory.
    return {k: found[:: max(1, len(found) // SAMPLES)][:SAMPLES] for k, found in kinds.items()}


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


BOT_CORE = (os.cpu_count() or 1) - 1  # --pin: the bot alone on the last core


def pin_threads(pid: int, cores: set[int]) -> None:
    """Every thread of ``pid`` onto ``cores`` (affinity is per thread on Linux)."""
    for thread in psutil.Process(pid).threads():
        os.sched_setaffinity(thread.id, cores)


def keep_postgres_off_the_bot_core() -> Callable[[], None]:
    """--pin on PostgreSQL: the server's processes onto the bench's cores (the backends it
    forks later inherit it), so the bot's core runs the bot alone, as PostgreSQL on a server
    of its own would leave it. Returns what puts them back. Without the right to (neither
    root nor the postgres user) it says so and leaves them."""
    pinned: dict[int, set[int]] = {}
    for proc in psutil.process_iter(["name"]):
        if proc.info["name"] != "postgres":
            continue
        try:
            pinned[proc.pid] = os.sched_getaffinity(proc.pid)
            pin_threads(proc.pid, set(range(BOT_CORE)) or {0})
        except (psutil.Error, OSError) as exc:
            print(f"PostgreSQL process {proc.pid} left where it runs: {exc}")

    def restore() -> None:
        for pid, cores in pinned.items():
            with contextlib.suppress(psutil.Error, OSError):  # a backend that ended since
                pin_threads(pid, cores)

    return restore


def thread_cpu(proc: psutil.Process) -> dict[int, tuple[float, float]]:
    """User and system CPU seconds of each live thread of ``proc``."""
    return {t.id: (t.user_time, t.system_time) for t in proc.threads()}


def cpu_split(
    pid: int, before: dict[int, tuple[float, float]], after: dict[int, tuple[float, float]]
) -> dict[str, float]:
    """CPU spent between two readings: the event loop's thread and the rest, user and system.

    The rest is mostly the aiosqlite worker thread; it shows what a hop to it costs.
    """
    split = dict.fromkeys(("main_user", "main_sys", "threads_user", "threads_sys"), 0.0)
    for tid, (user, system) in after.items():
        user0, system0 = before.get(tid, (0.0, 0.0))
        side = "main" if tid == pid else "threads"
        split[f"{side}_user"] += user - user0
        split[f"{side}_sys"] += system - system0
    return split


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


@dataclass
class Database:
    """Where the real bot keeps its data: an SQLite file, or a PostgreSQL schema."""

    sqlite: Path
    pg_url: str | None = None


async def postgres_copy(history: Path, extra_users: int = 0) -> tuple[PgSchema, Database]:
    """A fresh schema holding ``history`` (and ``extra_users`` more users without cards)."""
    schema = PgSchema()
    await schema.create()
    await migrate_data(f"sqlite:///{history}", schema.url)
    if extra_users:
        import asyncpg

        conn = await asyncpg.connect(schema.url)
        try:
            await conn.execute(
                "INSERT INTO users (user_id, chat_id, first_name, created_at)"
                " SELECT u, u, 'u', now() FROM generate_series(1, $1) AS u"
                " ON CONFLICT (user_id) DO NOTHING",
                extra_users,
            )
        finally:
            await conn.close()
    return schema, Database(history, schema.url)


async def _launch(
    *,
    module: str,
    telegram: FakeTelegram,
    db: Database,
    workdir: Path,
    env: dict[str, str],
    tree: Path = ROOT,
) -> tuple[subprocess.Popen[bytes], WebhookDelivery | None]:
    """Start ``module``: polling on SQLite, or a webhook server (the real bot on PostgreSQL)."""
    log_path = workdir / f"{module}.log"
    if db.pg_url is None:
        process = start_bot(
            module=module, telegram=telegram, db_path=db.sqlite, log_path=log_path,
            extra_env=env, tree=tree,
        )  # fmt: skip
        await telegram.wait_for(lambda: telegram.started.get("getUpdates"), timeout=120)
        return process, None
    port = free_port()
    env = {**env, "DATABASE_URL": db.pg_url, "BOT_MODE": "webhook", "WEBHOOK_SECRET": SECRET,
           "WEB_HOST": "127.0.0.1", "WEB_PORT": str(port)}  # fmt: skip
    process = start_bot(
        module=module, telegram=telegram, db_path=db.sqlite, log_path=log_path, extra_env=env,
        tree=tree,
    )  # fmt: skip
    await wait_ready(f"http://127.0.0.1:{port}", process, timeout=60)
    delivery = WebhookDelivery(telegram, [f"http://127.0.0.1:{port}/telegram"], SECRET)
    await delivery.start()
    return process, delivery


async def run_target(
    *,
    echo: bool,
    users: int,
    updates: int,
    db: Database,
    workdir: Path,
    profile: Path | None = None,
    payloads: Path | None = None,
    pin: bool = False,
    tree: Path = ROOT,
) -> dict[str, object]:
    """One bot under the load. Ours writes the payloads it sent to ``payloads``; the echo bot
    reads them from there, to send the same. ``tree``: the checkout whose bot runs."""
    telegram = FakeTelegram(token=TOKEN)
    await telegram.start()
    for chat in range(1, users + 1):
        telegram.add_chat(chat)
    module = "bench.echo_bot" if echo else "bot"
    env = {"ECHO_PAYLOADS": str(payloads)} if echo and payloads is not None else {}
    process, delivery = await _launch(
        module=module, telegram=telegram, db=db, workdir=workdir, env=env, tree=tree
    )
    spy: subprocess.Popen[bytes] | None = None
    try:
        await asyncio.sleep(1)  # let start-up work (first tick, imports) settle
        if pin:
            pin_threads(process.pid, {BOT_CORE})
        if profile is not None:
            # py-spy samples the bot from outside, with little overhead on it.
            spy = subprocess.Popen(
                [str(Path(sys.executable).with_name("py-spy")), "record", "--pid",
                 str(process.pid), "--format", "raw", "-o", str(profile), "--rate", "200"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
        proc = psutil.Process(process.pid)
        cpu_before = sum(proc.cpu_times()[:2])
        threads_before = thread_cpu(proc)
        calls_before = Counter(c.method for c in telegram.calls_of_all())
        load = Load(telegram=telegram, budget=updates)
        started = time.monotonic()
        await asyncio.gather(
            *(load.user(chat, random.Random(chat)) for chat in range(1, users + 1))
        )
        wall = time.monotonic() - started
        await asyncio.sleep(1)
        cpu = sum(proc.cpu_times()[:2]) - cpu_before
        split = cpu_split(proc.pid, threads_before, thread_cpu(proc))
        rss = peak_rss_mb(process.pid)
        calls = Counter(c.method for c in telegram.calls_of_all()) - calls_before
        if not echo and payloads is not None:
            recorded = recorded_payloads(telegram.calls_of_all())
            payloads.write_text(json.dumps(recorded, ensure_ascii=False), encoding="utf-8")
    finally:
        if spy is not None:
            await stop(spy, signal.SIGINT)  # py-spy writes its profile on SIGINT
        if delivery is not None:
            await delivery.stop()
        await stop(process)
        await telegram.stop()
    extra = {m: calls[m] - n for m, n in load.expected.items() if calls[m] > n}
    return {
        "target": "echo" if echo else "ds-quiz-bot" if tree == ROOT else tree.name,
        "updates": load.sent,
        "cpu_s_per_1000_updates": round(cpu / load.sent * 1000, 3),
        **{
            f"cpu_ms_per_update_{part}": round(seconds / load.sent * 1000, 3)
            for part, seconds in split.items()
        },
        "updates_per_s": round(load.sent / wall, 1),
        "latency_p50_ms": round(percentile(load.latencies, 0.5) * 1000, 2),
        "latency_p99_ms": round(percentile(load.latencies, 0.99) * 1000, 2),
        "peak_rss_mb": round(rss, 1),
        "lost": load.lost,
        "answered_twice": sum(extra.values()),
        "api_calls_per_update": round(sum(calls.values()) / load.sent, 2),
    }


def _ratios(ours: dict[str, Any], echo: dict[str, Any]) -> dict[str, float]:
    return {
        "ratio_cpu": round(ours["cpu_s_per_1000_updates"] / echo["cpu_s_per_1000_updates"], 2),
        "ratio_p99": round(ours["latency_p99_ms"] / echo["latency_p99_ms"], 2),
        "rss_over_echo_mb": round(ours["peak_rss_mb"] - echo["peak_rss_mb"], 1),
    }


_SUMMED = frozenset({"updates", "lost", "answered_twice"})


def _median_target(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Each figure's median over the runs of one target; counts (a loss in any run counts)
    are summed."""
    return {
        key: runs[0][key]
        if key == "target"
        else sum(r[key] for r in runs)
        if key in _SUMMED
        else round(statistics.median(r[key] for r in runs), 3)
        for key in runs[0]
    }


async def _fresh_database(
    engine: str, history: Path, workdir: Path, schemas: list[PgSchema], run: int, name: str = "bot"
) -> Database:
    """A copy of the history for one round: every round starts from the same data."""
    if engine == "postgres":
        schema, db = await postgres_copy(history)
        schemas.append(schema)
        return db
    db = Database(workdir / f"{name}-{run}.db")
    shutil.copy(history, db.sqlite)
    return db


def _nothing() -> None:
    return None


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    restore_postgres: Callable[[], None] = _nothing
    if args.pin:
        # The load, the fake server and py-spy on the other cores: the bot's core does only
        # the bot's work, so its samples are time on the CPU and noise from the bench is less.
        os.sched_setaffinity(0, set(range(BOT_CORE)) or {0})
        if args.engine == "postgres":
            restore_postgres = keep_postgres_off_the_bot_core()
    RESULTS.mkdir(parents=True, exist_ok=True)
    question_ids = [q.id for q in load_bank(ROOT / "content").questions]
    history = RESULTS / f"load-history-{args.history_users}.db"
    await build(history, args.history_users, 50, question_ids)
    workdir = RESULTS / f"load-run-{args.engine}"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir()
    schemas: list[PgSchema] = []
    rounds: list[dict[str, Any]] = []
    try:
        for run in range(args.repeat):
            # Rounds alternate ours and echo, so a slow spell of the machine hits both.
            db = await _fresh_database(args.engine, history, workdir, schemas, run)
            profile = args.profile if run == 0 else None
            payloads = workdir / "payloads.json"
            ours = await run_target(
                echo=False, users=args.users, updates=args.updates, db=db, workdir=workdir,
                profile=profile, payloads=payloads, pin=args.pin,
            )  # fmt: skip
            if args.versus is None:
                echo = await run_target(
                    echo=True, users=args.users, updates=args.updates, db=db, workdir=workdir,
                    profile=profile and profile.with_suffix(".echo" + profile.suffix),
                    payloads=payloads, pin=args.pin,
                )  # fmt: skip
            else:  # the other checkout's bot, on its own copy of the history
                other = await _fresh_database(
                    args.engine, history, workdir, schemas, run, name="versus"
                )
                echo = await run_target(
                    echo=False, users=args.users, updates=args.updates, db=other,
                    workdir=workdir, pin=args.pin, tree=args.versus.resolve(),
                )  # fmt: skip
            ratios = _ratios(ours, echo)
            rounds.append({"ours": ours, "echo": echo, **ratios})
            print(f"round {run + 1}: " + ", ".join(f"{k} {v}" for k, v in ratios.items()))
        report: dict[str, Any] = {
            "engine": args.engine,
            "ours": _median_target([r["ours"] for r in rounds]),
            "echo": _median_target([r["echo"] for r in rounds]),
            **{k: round(statistics.median(r[k] for r in rounds), 2) for k in ratios},
            "rounds": rounds,
        }
        if args.large_db:
            large = RESULTS / "stats-100000x100.db"
            if args.engine == "postgres":
                schema, large_db = await postgres_copy(history, extra_users=100_000)
                schemas.append(schema)
            else:
                await build(large, 100_000, 100, question_ids)
                large_db = Database(large)
            report["large_db"] = await run_target(
                echo=False, users=args.users, updates=2000, db=large_db, workdir=workdir
            )
    finally:
        for schema in schemas:
            await schema.drop()
        restore_postgres()
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--updates", type=int, default=6_000)
    parser.add_argument("--history-users", type=int, default=2_000)
    parser.add_argument("--large-db", action="store_true")
    parser.add_argument(
        "--repeat", type=int, default=1, help="rounds of ours + echo; the report gives medians"
    )
    parser.add_argument(
        "--pin",
        action="store_true",
        help="run each bot alone on the last core, the bench and PostgreSQL on the others (Linux)",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        help="record both bots with py-spy (collapsed stacks) to this file and to <name>.echo<ext>",
    )
    parser.add_argument(
        "--versus",
        type=Path,
        help="compare with the bot of this checkout (e.g. a git worktree) instead of the echo bot",
    )
    args = parser.parse_args()
    report = asyncio.run(main_async(args))
    name = f"load-{args.engine}" + ("" if args.versus is None else "-versus")
    (RESULTS / f"{name}.json").write_text(json.dumps(report, indent=2))
    rows = [report["ours"], report["echo"]] + ([report["large_db"]] if "large_db" in report else [])
    keys = [k for k in rows[0] if k != "target"]
    print(f"{'':24}" + "".join(f"{r['target']:>16}" for r in rows))
    for key in keys:
        print(f"{key:24}" + "".join(f"{r[key]!s:>16}" for r in rows))
    versus = "echo" if args.versus is None else args.versus.resolve().name
    print(
        f"ours/{versus} ({args.engine}): CPU {report['ratio_cpu']}×, p99 latency"
        f" {report['ratio_p99']}×, RSS +{report['rss_over_echo_mb']} MB"
    )


if __name__ == "__main__":
    main()
