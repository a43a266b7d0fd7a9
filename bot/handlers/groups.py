"""Groups and channels: the bot works in private chats only, and says so once when added."""

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.filters import JOIN_TRANSITION, ChatMemberUpdatedFilter
from aiogram.types import ChatMemberUpdated

from bot.ui import texts


async def on_added_to_group(event: ChatMemberUpdated, bot: Bot) -> None:
    await bot.send_message(event.chat.id, texts.PRIVATE_ONLY)


def router() -> Router:
    r = Router(name="groups")
    r.my_chat_member.register(
        on_added_to_group,
        ChatMemberUpdatedFilter(JOIN_TRANSITION),
        F.chat.type.in_({ChatType.GROUP, ChatType.SUPERGROUP}),
    )
    return r
