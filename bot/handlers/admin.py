"""/admin: totals and the last day's push log, for ADMIN_IDS only (others get the hint)."""

from datetime import UTC, datetime, timedelta

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import Message

from bot.handlers.filters import PRIVATE
from bot.storage.admin_repo import AdminRepository
from bot.ui import texts


async def on_admin(message: Message, admin: AdminRepository) -> None:
    overview = await admin.overview(datetime.now(UTC) - timedelta(days=1))
    pushes = ", ".join(f"{k}: {v}" for k, v in sorted(overview.pushes_24h.items())) or "—"
    await message.answer(
        texts.ADMIN_OVERVIEW.format(
            users=overview.users,
            subscribers=overview.subscribers,
            ratings=overview.ratings_24h,
            pushes=pushes,
        )
    )


def router(admin_ids: frozenset[int]) -> Router:
    r = Router(name="admin")
    r.message.filter(PRIVATE, F.from_user.id.in_(admin_ids))
    r.message.register(on_admin, Command("admin"))
    return r
