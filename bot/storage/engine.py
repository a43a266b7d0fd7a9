"""The storage engine behind the Protocols: SQLite (the embedded default) or PostgreSQL.

Both implement the same data-access interfaces with the same data model; which one runs is
decided by ``DATABASE_URL`` alone.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from bot.quiz.ports import (
    AdminStore,
    CardStore,
    ImportStore,
    PushQueue,
    ReportStore,
    StatsStore,
    SubscriptionStore,
    UpdateLog,
    UserStore,
)


class QuizStore(UserStore, CardStore, Protocol):
    """Users and their cards live in one repository (one transaction may touch both)."""


@dataclass(frozen=True)
class Storage:
    engine: str  # "sqlite" or "postgres"
    quiz: QuizStore
    stats: StatsStore
    admin: AdminStore
    pushes: PushQueue
    subscriptions: SubscriptionStore
    imports: ImportStore
    reports: ReportStore
    updates: UpdateLog
    ready: Callable[[], Awaitable[bool]]  # reachable, with every migration applied
    close: Callable[[], Awaitable[None]]


async def open_sqlite(path: Path) -> Storage:
    from bot.storage import db
    from bot.storage.admin_repo import AdminRepository
    from bot.storage.bank_repo import ImportRepository
    from bot.storage.pushes import PushStore
    from bot.storage.repo import Repository
    from bot.storage.report_repo import ReportRepository
    from bot.storage.stats_repo import StatsRepository
    from bot.storage.update_log import UpdateLogRepository

    conn = await db.connect(path)
    repo = Repository(conn)
    pushes = PushStore(repo)

    async def ready() -> bool:
        async with conn.execute("PRAGMA user_version") as cursor:
            row = await cursor.fetchone()
        return row is not None and int(row[0]) == len(db.migrations())

    return Storage(
        engine="sqlite",
        quiz=repo,
        stats=StatsRepository(repo),
        admin=AdminRepository(repo),
        pushes=pushes,
        subscriptions=pushes,
        imports=ImportRepository(repo),
        reports=ReportRepository(repo),
        updates=UpdateLogRepository(repo),
        ready=ready,
        close=conn.close,
    )


async def open_postgres(url: str, *, migrate: bool = True, pool_size: int = 10) -> Storage:
    from bot.storage.postgres import db
    from bot.storage.postgres.admin_repo import PgAdminRepository
    from bot.storage.postgres.bank_repo import PgImportRepository
    from bot.storage.postgres.pushes import PgPushStore
    from bot.storage.postgres.repo import PgRepository
    from bot.storage.postgres.report_repo import PgReportRepository
    from bot.storage.postgres.stats_repo import PgStatsRepository
    from bot.storage.postgres.update_log import PgUpdateLog

    pool = await db.create_pool(url, max_size=pool_size)
    try:
        if migrate:
            await db.migrate(pool)
    except BaseException:
        await pool.close()
        raise
    pushes = PgPushStore(pool)

    async def ready() -> bool:
        async with pool.acquire() as conn:
            return await db.current_version(conn) == db.latest_version()

    return Storage(
        engine="postgres",
        quiz=PgRepository(pool),
        stats=PgStatsRepository(pool),
        admin=PgAdminRepository(pool),
        pushes=pushes,
        subscriptions=pushes,
        imports=PgImportRepository(pool),
        reports=PgReportRepository(pool),
        updates=PgUpdateLog(pool),
        ready=ready,
        close=pool.close,
    )
