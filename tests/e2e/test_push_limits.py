"""The daily question through the real bot process when Telegram pushes back: a flood limit
below PUSH_RATE, a long flood wait, an unreachable Bot API, a stop in the middle of a pause.

Figures (time to finish, achieved rate) are measured by ``bench/push_bench.py``; these tests
assert what a user notices: everyone reachable gets exactly one card, a blocked user costs
one answer, nothing is lost across a stop or a restart.
"""

import asyncio
import signal
import time

from tests.e2e.conftest import BotProcess
from tests.e2e.fake_telegram import FakeTelegram, Fault
from tests.e2e.subscribers import daily_cards, daily_requests, push_statuses, seed_subscribers


async def test_a_flood_limit_below_push_rate_still_brings_everyone_one_card(
    telegram: FakeTelegram, bot_process: BotProcess
) -> None:
    db_path = bot_process.workdir / "bot.db"
    users = range(10_000, 10_200)
    blocked = set(users[::50])  # 2 %
    await seed_subscribers(db_path, users, minutes_ago=0.5)
    for user in users:
        telegram.add_chat(user)
    telegram.add_chat(1)
    telegram.blocked |= blocked
    telegram.flood_limit = 5  # Telegram lets 5 messages a second through; the bot thinks 25
    bot_process.extra_env.update(PUSH_RATE="25", PUSH_TICK_SECONDS="1")

    await bot_process.start()
    reachable = set(users) - blocked
    started = time.monotonic()
    await telegram.send_text(1, "/quiz")  # a user studying while the push runs
    await telegram.wait_for(
        lambda: set(daily_cards(telegram)) >= reachable, timeout=120, what="every daily card"
    )
    elapsed = time.monotonic() - started
    await telegram.wait_for(
        lambda: push_statuses(db_path) == {"sent": 196, "blocked": 4}, what="the push log"
    )

    assert set(daily_cards(telegram).values()) == {1}
    requests = daily_requests(telegram)
    assert all(requests[user] <= 2 for user in blocked)  # a 429 first at most, then the 403
    rejected = sum(1 for c in telegram.calls_of("sendMessage", ok_only=False) if c.status == 429)
    assert rejected <= 30, f"{rejected} answers 429 in {elapsed:.0f} s"  # was a wall of them
    assert telegram.bot_messages(1)  # the /quiz was answered


async def test_a_long_flood_wait_fails_no_push(
    telegram: FakeTelegram, bot_process: BotProcess
) -> None:
    db_path = bot_process.workdir / "bot.db"
    users = range(11_000, 11_030)
    await seed_subscribers(db_path, users, minutes_ago=0.5)
    for user in users:
        telegram.add_chat(user)
    # Every send for a while is answered 429 "retry after 4" (a global flood wait).
    telegram.faults.append(Fault("sendMessage", 429, times=4, retry_after=4))
    bot_process.extra_env.update(PUSH_RATE="25", PUSH_TICK_SECONDS="1")

    await bot_process.start()
    await telegram.wait_for(
        lambda: set(daily_cards(telegram)) == set(users), timeout=90, what="every daily card"
    )

    assert set(daily_cards(telegram).values()) == {1}
    await telegram.wait_for(lambda: push_statuses(db_path) == {"sent": 30}, what="the push log")


async def test_an_unreachable_bot_api_around_the_slot_delays_the_push_but_loses_none(
    telegram: FakeTelegram, bot_process: BotProcess
) -> None:
    db_path = bot_process.workdir / "bot.db"
    users = range(12_000, 12_050)
    for user in users:
        telegram.add_chat(user)
    bot_process.extra_env.update(PUSH_RATE="50", PUSH_TICK_SECONDS="0.5")
    await bot_process.start()

    await telegram.go_offline()  # connection refused from before the slot …
    await seed_subscribers(db_path, users, minutes_ago=0)
    await telegram.wait_for(
        lambda: "unreachable" in bot_process.log() or push_statuses(db_path)["queued"] == 50,
        timeout=20,
        what="the pushes to be queued",
    )
    time_offline = time.monotonic()
    while time.monotonic() - time_offline < 6:  # … to well after it
        assert push_statuses(db_path)["failed"] == 0
        await asyncio.sleep(0.5)
    await telegram.go_online()

    await telegram.wait_for(
        lambda: set(daily_cards(telegram)) == set(users), timeout=60, what="every daily card"
    )
    assert set(daily_cards(telegram).values()) == {1}
    await telegram.wait_for(lambda: push_statuses(db_path) == {"sent": 50}, what="the push log")


async def test_a_stop_during_a_flood_wait_keeps_every_push_for_the_restart(
    telegram: FakeTelegram, bot_process: BotProcess
) -> None:
    db_path = bot_process.workdir / "bot.db"
    users = range(13_000, 13_025)
    await seed_subscribers(db_path, users, minutes_ago=0.5)
    for user in users:
        telegram.add_chat(user)
    telegram.faults.append(Fault("sendMessage", 429, times=1, retry_after=8))
    bot_process.extra_env.update(PUSH_RATE="25", PUSH_TICK_SECONDS="0.5")

    await bot_process.start()
    await telegram.wait_for(
        lambda: any(c.status == 429 for c in telegram.calls_of("sendMessage", ok_only=False)),
        what="the flood wait",
    )
    assert await bot_process.stop(signal.SIGINT) == 0  # within the 8 s pause

    assert daily_cards(telegram) == {}
    assert push_statuses(db_path) == {"queued": 25}  # none left 'sending', none lost

    await bot_process.start()
    await telegram.wait_for(
        lambda: set(daily_cards(telegram)) == set(users), timeout=60, what="every daily card"
    )
    assert set(daily_cards(telegram).values()) == {1}
    await telegram.wait_for(lambda: push_statuses(db_path) == {"sent": 25}, what="the push log")


async def test_kill_9_during_a_flood_wait_loses_no_push_either(
    telegram: FakeTelegram, bot_process: BotProcess
) -> None:
    db_path = bot_process.workdir / "bot.db"
    users = range(14_000, 14_025)
    await seed_subscribers(db_path, users, minutes_ago=0.5)
    for user in users:
        telegram.add_chat(user)
    telegram.faults.append(Fault("sendMessage", 429, times=1, retry_after=8))
    bot_process.extra_env.update(PUSH_RATE="25", PUSH_TICK_SECONDS="0.5")

    await bot_process.start()
    await telegram.wait_for(
        lambda: any(c.status == 429 for c in telegram.calls_of("sendMessage", ok_only=False)),
        what="the flood wait",
    )
    await telegram.wait_for(lambda: push_statuses(db_path) == {"queued": 25}, what="the requeue")
    await bot_process.kill()
    await bot_process.start()

    await telegram.wait_for(
        lambda: set(daily_cards(telegram)) == set(users), timeout=60, what="every daily card"
    )
    assert set(daily_cards(telegram).values()) == {1}
    await telegram.wait_for(lambda: push_statuses(db_path) == {"sent": 25}, what="the push log")
