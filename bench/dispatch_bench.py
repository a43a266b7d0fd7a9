"""CPU per update of the dispatch alone: ds-quiz-bot against the bare aiogram echo bot,
in-process, with no HTTP and no load generator sharing the machine.

bench/load_bench.py measures the whole bot under load; its figures move ±15 % from run to run
on a shared machine, more than most single changes are worth. This bench feeds the same
/quiz → reveal → rate → next loop straight into each bot's Dispatcher (updates parsed from
JSON as polling does), answers every Bot API call at once from a canned session (the same
for both bots), and reads the process's CPU time: steady to a few per cent, so a change of
5 % shows. The real bot is built as in production — ``build_dispatcher`` with its
middlewares, ``make_bot``'s session middlewares, a copy of the load bench's SQLite history,
the start-up heap frozen — minus the network and the daily push.

    python -m bench.dispatch_bench [--updates 3000] [--repeat 3]

Each target runs in a fresh process per round (rounds alternate the two). What it leaves
out on purpose: HTTP (aiohttp's share is the same for both bots) and waiting.
"""

import argparse
import asyncio
import json
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import AsyncGenerator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import psutil
from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.base import BaseSession
from aiogram.enums import ParseMode
from aiogram.methods import EditMessageText, SendMessage, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import Chat, InlineKeyboardMarkup, Message, Update

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
TOKEN = "123456789:DISPATCH-token-for-no-server"
GRADES = ("Не знал", "С трудом", "Знал", "Легко")


class CannedSession(BaseSession):
    """Answers every call at once, as Telegram would, and remembers each chat's last card
    (text and buttons) for the simulated user to press."""

    def __init__(self) -> None:
        super().__init__()
        self.cards: dict[int, tuple[int, InlineKeyboardMarkup | None]] = {}
        self.calls = 0
        self._message_ids = iter(range(10**6, 10**9))

    async def close(self) -> None:
        pass

    def stream_content(self, *args: Any, **kwargs: Any) -> AsyncGenerator[bytes, None]:
        raise NotImplementedError

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        self.calls += 1
        if isinstance(method, SendMessage | EditMessageText):
            chat_id = int(method.chat_id or 0)
            message_id = getattr(method, "message_id", None) or next(self._message_ids)
            markup = method.reply_markup
            if isinstance(markup, InlineKeyboardMarkup) or markup is None:
                self.cards[chat_id] = (message_id, markup)
            message = Message(
                message_id=message_id,
                date=datetime.now(UTC),
                chat=Chat(id=chat_id, type="private"),
                text=method.text,
            )
            return message  # type: ignore[return-value]
        return True  # type: ignore[return-value]


def _buttons(markup: InlineKeyboardMarkup | None) -> list[tuple[str, str]]:
    if markup is None:
        return []
    return [(b.text, b.callback_data or "") for row in markup.inline_keyboard for b in row]


class Loop:
    """Users going through /quiz → reveal → rate → next."""

    def __init__(self, dp: Dispatcher, bot: Bot, session: CannedSession, users: int) -> None:
        self._dp, self._bot, self._session = dp, bot, session
        self._users = users
        self._rng = random.Random(7)
        self._update_ids = iter(range(1, 10**9))
        self._stage: dict[int, str] = {}

    def _user(self, chat: int) -> dict[str, Any]:
        return {"id": chat, "is_bot": False, "first_name": f"user{chat}"}

    async def _feed(self, payload: dict[str, Any]) -> None:
        # Parsed from JSON text and mounted on the bot, as aiogram does with a polled or
        # POSTed update (without the bot, feed_update would re-mount it through a dump).
        raw = json.dumps({"update_id": next(self._update_ids), **payload})
        update = Update.model_validate_json(raw, context={"bot": self._bot})
        await self._dp.feed_update(self._bot, update)

    async def _text(self, chat: int, text: str) -> None:
        message = {
            "message_id": next(self._update_ids),
            "date": int(time.time()),
            "chat": {"id": chat, "type": "private", "first_name": f"user{chat}"},
            "from": self._user(chat),
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
        }
        await self._feed({"message": message})

    async def _press(self, chat: int, want: tuple[str, ...]) -> bool:
        message_id, markup = self._session.cards.get(chat, (0, None))
        found = [data for label, data in _buttons(markup) if any(w in label for w in want)]
        if not found:
            return False
        query = {
            "id": str(next(self._update_ids)),
            "from": self._user(chat),
            "chat_instance": "ci",
            "data": self._rng.choice(found),
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": chat, "type": "private"},
                "text": "card",
            },
        }
        await self._feed({"callback_query": query})
        return True

    async def step(self, chat: int) -> None:
        """One update from ``chat``: the next press of its loop (/quiz when it has no card)."""
        stage = self._stage.get(chat, "quiz")
        pressed = False
        if stage == "reveal":
            pressed = await self._press(chat, ("Показать ответ",))
            self._stage[chat] = "rate"
        elif stage == "rate":
            pressed = await self._press(chat, GRADES)
            self._stage[chat] = "next"
        elif stage == "next":
            pressed = await self._press(chat, ("Следующий", "Повторить заранее"))
            self._stage[chat] = "reveal"
        if not pressed:
            await self._text(chat, "/quiz")
            self._stage[chat] = "reveal"

    async def run(self, updates: int) -> None:
        """``updates`` updates, the users going concurrently (as under the load bench: while
        one waits for the database another is handled), each one update at a time."""
        budget = iter(range(updates))

        async def user(chat: int) -> None:
            for _ in budget:
                await self.step(chat)

        await asyncio.gather(*(user(chat) for chat in range(1, self._users + 1)))


async def _ours(db_path: Path) -> tuple[Dispatcher, Bot, CannedSession, Any]:
    from bot.app import build_dispatcher, build_services
    from bot.quiz.bank import load_bank
    from bot.retry import RetryRequests
    from bot.serve import freeze_startup_heap
    from bot.storage.engine import open_sqlite
    from bot.web.metrics import ApiCallMetrics, Metrics

    storage = await open_sqlite(db_path)
    services = build_services(
        bank=load_bank(ROOT / "content"), storage=storage, zone=ZoneInfo("Europe/Moscow")
    )
    metrics = Metrics()
    dp = build_dispatcher(services, run_push=False, metrics=metrics)
    session = CannedSession()
    session.middleware(RetryRequests())
    session.middleware(ApiCallMetrics(metrics))
    bot = Bot(TOKEN, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    freeze_startup_heap()
    return dp, bot, session, storage


def _echo() -> tuple[Dispatcher, Bot, CannedSession]:
    from bench import echo_bot

    payloads = RESULTS / "load-run-sqlite" / "payloads.json"
    replies = (
        echo_bot.Replies.recorded(payloads) if payloads.exists() else echo_bot.Replies.stand_in()
    )
    dp = echo_bot.dispatcher(replies)
    session = CannedSession()
    bot = Bot(TOKEN, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    return dp, bot, session


async def measure(target: str, updates: int, users: int) -> dict[str, float]:
    """CPU per update of one bot (this process), after a warm-up of one loop per user."""
    storage = None
    if target == "ours":
        history = RESULTS / "load-history-2000.db"
        if not history.exists():
            from bench.stats_bench import build
            from bot.quiz.bank import load_bank

            ids = [q.id for q in load_bank(ROOT / "content").questions]
            await build(history, 2000, 50, ids)
        copy = RESULTS / "dispatch-bench.db"
        shutil.copy(history, copy)
        dp, bot, session, storage = await _ours(copy)
    else:
        dp, bot, session = _echo()
    loop = Loop(dp, bot, session, users)
    try:
        await loop.run(users * 4)  # warm-up: every user registered and into the loop
        proc = psutil.Process()
        threads_before = {t.id: t.user_time + t.system_time for t in proc.threads()}
        calls_before = session.calls
        cpu_before = time.process_time()
        await loop.run(updates)
        cpu = time.process_time() - cpu_before
        # On Linux the main thread's id is the process id.
        main = next(t for t in proc.threads() if t.id == proc.pid)
        main_cpu = main.user_time + main.system_time - threads_before[proc.pid]
    finally:
        if storage is not None:
            await storage.close()
    return {
        "cpu_ms_per_update": round(cpu / updates * 1000, 4),
        "cpu_ms_per_update_event_loop": round(main_cpu / updates * 1000, 4),
        "api_calls_per_update": round((session.calls - calls_before) / updates, 3),
    }


def _run_target(target: str, updates: int, users: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.dispatch_bench", "--target", target,
         "--updates", str(updates), "--users", str(users)],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--updates", type=int, default=3000)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--target", choices=["ours", "echo"], help="measure one, in-process")
    args = parser.parse_args()
    if args.target:
        print(json.dumps(asyncio.run(measure(args.target, args.updates, args.users))))
        return
    rounds = []
    for n in range(args.repeat):
        ours = _run_target("ours", args.updates, args.users)
        echo = _run_target("echo", args.updates, args.users)
        ratio = round(ours["cpu_ms_per_update"] / echo["cpu_ms_per_update"], 3)
        rounds.append({"ours": ours, "echo": echo, "ratio_cpu": ratio})
        print(f"round {n + 1}: ours {ours} echo {echo} ratio {ratio}", file=sys.stderr)
    report = {
        "ours_cpu_ms_per_update": statistics.median(r["ours"]["cpu_ms_per_update"] for r in rounds),
        "echo_cpu_ms_per_update": statistics.median(r["echo"]["cpu_ms_per_update"] for r in rounds),
        "ratio_cpu": statistics.median(r["ratio_cpu"] for r in rounds),
        "rounds": rounds,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "dispatch.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(json.dumps({k: v for k, v in report.items() if k != "rounds"}, indent=2))


if __name__ == "__main__":
    main()
