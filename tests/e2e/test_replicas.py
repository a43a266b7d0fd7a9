"""Production mode end to end: two real bot processes in webhook mode on one PostgreSQL, the
fake Telegram POSTing every update to them round-robin (retrying like Telegram), one replica
killed with SIGKILL mid-run, and the daily push handed over when its leader dies."""

from __future__ import annotations

import asyncio
import random
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import asyncpg
import pytest

from tests.e2e.conftest import TOKEN, BotProcess
from tests.e2e.fake_telegram import FakeTelegram, StoredMessage
from tests.e2e.local_server import NotReady, free_port, wait_ready
from tests.e2e.webhook_delivery import WebhookDelivery
from tests.engines import PgSchema

SECRET = "e2e-webhook-secret"


@dataclass
class Replica(BotProcess):
    """A bot process in webhook mode; it is up when its /readyz answers 200."""

    port: int = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        self.runs += 1
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot"],
                cwd=self.workdir,
                env=self.env(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            await wait_ready(self.base, self.process, timeout=30)
        except NotReady as exc:
            raise AssertionError(f"replica {exc}:\n{self.log()}") from exc


@pytest.fixture
async def schema() -> AsyncIterator[PgSchema]:
    created = PgSchema()
    await created.create()
    yield created
    await created.drop()


@pytest.fixture
async def replicas(
    telegram: FakeTelegram, tmp_path: Path, schema: PgSchema
) -> AsyncIterator[list[Replica]]:
    env = {
        "DATABASE_URL": schema.url,
        "BOT_MODE": "webhook",
        "WEBHOOK_SECRET": SECRET,
        "WEB_HOST": "127.0.0.1",
        "PUSH_TICK_SECONDS": "0.5",
        "PUSH_RATE": "200",
    }
    pair = []
    for n in (1, 2):
        workdir = tmp_path / f"replica{n}"
        workdir.mkdir()
        port = free_port()
        pair.append(
            Replica(
                telegram=telegram, workdir=workdir, port=port,
                extra_env={**env, "WEB_PORT": str(port)},
            )
        )  # fmt: skip
    migrate = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "bot", "migrate"], env=pair[0].env(),
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert migrate.returncode == 0, migrate.stderr
    yield pair
    for replica in pair:
        if replica.process is not None and replica.process.poll() is None:
            await replica.kill()


@pytest.fixture
async def delivery(
    telegram: FakeTelegram, replicas: list[Replica]
) -> AsyncIterator[WebhookDelivery]:
    urls = [f"{r.base}/telegram" for r in replicas]
    deliverer = WebhookDelivery(telegram, urls, SECRET)
    await deliverer.start()
    yield deliverer
    await deliverer.stop()


async def _rows(schema: PgSchema, sql: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(schema.url)
    try:
        return list(await conn.fetch(sql))
    finally:
        await conn.close()


async def _new_card(telegram: FakeTelegram, user: int, action: object) -> StoredMessage:
    before = len(telegram.bot_messages(user))
    await action  # type: ignore[misc]
    await telegram.wait_for(
        lambda: any(
            "Показать ответ" in str(m.buttons()) for m in telegram.bot_messages(user)[before:]
        ),
        timeout=30,
        what=f"a card for user {user}",
    )
    return next(
        m for m in telegram.bot_messages(user)[before:] if "Показать ответ" in str(m.buttons())
    )


async def _study(telegram: FakeTelegram, user: int, rounds: int, rng: random.Random) -> int:
    """quiz → reveal → rate (sometimes double-tapped) → next; returns ratings confirmed."""
    confirmed = 0
    card = await _new_card(telegram, user, telegram.send_text(user, "/quiz"))
    for _ in range(rounds):
        await telegram.press(user, card, card.button("Показать ответ"))
        await telegram.wait_for(lambda c=card: "Насколько" in c.text, timeout=30, what="reveal")
        grade = card.button(rng.choice(["Не знал", "С трудом", "Знал", "Легко"]))
        taps = 2 if rng.random() < 0.3 else 1  # a double tap may reach the other replica
        for _ in range(taps):
            await telegram.press(user, card, grade)
        await telegram.wait_for(lambda c=card: "вернётся" in c.text, timeout=30, what="rating")
        confirmed += 1
        card = await _new_card(telegram, user, telegram.press(user, card, card.button("Следующий")))
    return confirmed


async def test_two_replicas_lose_no_rating_when_one_is_killed(
    telegram: FakeTelegram,
    replicas: list[Replica],
    delivery: WebhookDelivery,
    schema: PgSchema,
) -> None:
    for replica in replicas:
        await replica.start()
    rng = random.Random(15)
    users = list(range(7001, 7013))
    first_half = await asyncio.gather(*(_study(telegram, u, 2, rng) for u in users))
    acked_before = len(delivery.acked)

    second = asyncio.gather(*(_study(telegram, u, 2, rng) for u in users))
    await telegram.wait_for(
        lambda: len(delivery.acked) > acked_before + 10, timeout=30, what="the second half"
    )
    await replicas[0].kill()  # mid-run, taps in flight: Telegram redelivers them (no 200 yet)
    second_half = await second

    confirmed = sum(first_half) + sum(second_half)
    per_card = await _rows(
        schema, "SELECT s.shown_id, COUNT(r.rating_id) FROM shown_cards s"
        " LEFT JOIN ratings r ON r.shown_id = s.shown_id GROUP BY s.shown_id"
    )  # fmt: skip
    assert sum(n for _, n in per_card) == confirmed  # none lost, none doubled
    assert all(n <= 1 for _, n in per_card)
    reviews = await _rows(schema, "SELECT SUM(reviews) FROM cards")
    assert reviews[0][0] == confirmed
    assert len(delivery.acked) >= len(users) * 4 * 3  # every update was accepted in the end


async def test_survivor_takes_over_the_daily_push_and_sends_each_card_once(
    telegram: FakeTelegram,
    replicas: list[Replica],
    delivery: WebhookDelivery,
    schema: PgSchema,
) -> None:
    subscribers = list(range(8001, 8301))
    now = datetime.now(UTC).replace(microsecond=0)
    conn = await asyncpg.connect(schema.url)
    await conn.executemany(
        "INSERT INTO users (user_id, chat_id, first_name, created_at, daily_time, next_push_at,"
        " timezone) VALUES ($1, $1, 'u', $2, '09:00', $3, 'UTC')",
        [(u, now, now - timedelta(minutes=1)) for u in subscribers],
    )
    await conn.close()
    for user in subscribers:
        telegram.add_chat(user)
    for replica in replicas:
        replica.extra_env["PUSH_RATE"] = "20"  # 300 cards take 15 s: the leader dies mid-push

    leader = replicas[0]
    await leader.start()
    await telegram.wait_for(lambda: len(telegram.calls_of("sendMessage")) >= 40, timeout=30,
                            what="the push to start")  # fmt: skip
    await replicas[1].start()
    await leader.kill()
    killed_at = time.monotonic()

    deadline = killed_at + 60
    while time.monotonic() < deadline:  # until every push has reached a final state
        waiting = await _rows(
            schema, "SELECT COUNT(*) FROM pushes WHERE status IN ('queued', 'sending')"
        )
        logged = await _rows(schema, "SELECT COUNT(*) FROM pushes")
        if waiting[0][0] == 0 and logged[0][0] == len(subscribers):
            break
        await asyncio.sleep(0.5)
    statuses = dict(await _rows(schema, "SELECT status, COUNT(*) FROM pushes GROUP BY status"))
    delivered: dict[int, int] = {}
    for call in telegram.calls_of("sendMessage"):
        delivered[int(call.params["chat_id"])] = delivered.get(int(call.params["chat_id"]), 0) + 1
    assert all(n == 1 for n in delivered.values()), "a subscriber got the card twice"
    unknown = statuses.get("unknown", 0)  # a request on the wire at the kill: never resent
    assert len(delivered) + unknown >= len(subscribers)
    assert unknown <= 5
    first_after = min(c.at for c in telegram.calls_of("sendMessage") if c.at > killed_at)
    assert first_after - killed_at < 30, "the survivor took the lease too late"


async def test_webhook_without_the_secret_is_refused(
    telegram: FakeTelegram, replicas: list[Replica]
) -> None:
    await replicas[0].start()
    update = {"update_id": 1, "message": {"message_id": 1, "date": 0, "text": "/start",
              "chat": {"id": 5, "type": "private"}, "from": {"id": 5, "is_bot": False,
              "first_name": "x"}}}  # fmt: skip
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{replicas[0].base}/telegram", json=update) as response:
            assert response.status == 401
        async with http.get(f"{replicas[0].base}/metrics") as response:
            text = await response.text()
            assert "bot_push_leader 1.0" in text and "bot_updates_total" in text
        async with http.get(f"{replicas[0].base}/healthz") as response:
            assert response.status == 200
    assert telegram.bot_messages(5) == []
    assert await replicas[0].stop(signal.SIGTERM) == 0
    assert "stopped cleanly" in replicas[0].log()
    assert TOKEN.split(":")[1] not in replicas[0].log()
