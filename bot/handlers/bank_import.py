"""Admins grow the bank from Telegram: a file or a forwarded channel post is previewed, then
added for every user with «Добавить» (or dropped with «Отмена»)."""

import io

from aiogram import Bot, F, Router
from aiogram.types import CallbackQuery, Message, MessageOriginChannel
from aiogram.utils.callback_answer import CallbackAnswer

from bot.handlers.filters import on_loop
from bot.handlers.telegram_ops import edit_or_send
from bot.quiz.importing import ImportPreview, ImportRefused, ImportService
from bot.ui import keyboards, render_admin, texts
from bot.ui.callbacks import ImportAdd, ImportCancel

# The Bot API lets a bot download files of up to 20 MB; a Telegram Desktop export of a large
# channel (result.json) easily passes 5.
MAX_FILE_MB = 20


async def _show(message: Message, preview: ImportPreview) -> None:
    markup = keyboards.import_decision(preview.import_id) if preview.import_id else None
    await message.answer(render_admin.import_preview(preview), reply_markup=markup)


async def on_document(message: Message, bot: Bot, imports: ImportService) -> None:
    document = message.document
    assert document is not None and message.from_user is not None
    if (document.file_size or 0) > MAX_FILE_MB * 1024 * 1024:
        await message.answer(texts.IMPORT_TOO_BIG.format(limit=MAX_FILE_MB))
        return
    buffer = io.BytesIO()
    await bot.download(document, destination=buffer)
    name = document.file_name or "файл"
    try:
        preview = await imports.preview_file(message.from_user.id, name, buffer.getvalue())
    except ImportRefused as exc:
        await message.answer(texts.IMPORT_REFUSED.format(reason=str(exc)))
        return
    await _show(message, preview)


def _source_of(message: Message) -> str:
    origin = message.forward_origin
    if isinstance(origin, MessageOriginChannel):
        where = origin.chat.username or str(origin.chat.id)
        return f"t.me/{where}/{origin.message_id}"
    return "пересланный пост"


async def on_forward(message: Message, imports: ImportService) -> None:
    assert message.from_user is not None
    text = message.text or message.caption or ""
    preview = await imports.preview_post(message.from_user.id, text, _source_of(message))
    await _show(message, preview)


async def on_add(
    query: CallbackQuery,
    callback_data: ImportAdd,
    bot: Bot,
    imports: ImportService,
    callback_answer: CallbackAnswer,
) -> None:
    assert query.message is not None
    added = await imports.add(callback_data.pending, query.from_user.id)
    if added is None:
        callback_answer.text, callback_answer.show_alert = texts.IMPORT_GONE, True
        return
    text = texts.IMPORT_ADDED.format(count=len(added))
    callback_answer.text = text
    await edit_or_send(bot, query.message.chat.id, query.message.message_id, text)


async def on_cancel(
    query: CallbackQuery,
    callback_data: ImportCancel,
    bot: Bot,
    imports: ImportService,
    callback_answer: CallbackAnswer,
) -> None:
    assert query.message is not None
    if not await imports.cancel(callback_data.pending):
        callback_answer.text, callback_answer.show_alert = texts.IMPORT_GONE, True
        return
    callback_answer.text = texts.IMPORT_CANCELLED
    await edit_or_send(bot, query.message.chat.id, query.message.message_id, texts.IMPORT_CANCELLED)


def router(admin_ids: frozenset[int]) -> Router:
    r = Router(name="bank_import")
    r.message.filter(on_loop(F.from_user.id.in_(admin_ids)))
    r.callback_query.filter(on_loop(F.from_user.id.in_(admin_ids)))
    r.message.register(on_document, F.document)
    r.message.register(on_forward, F.forward_origin, F.text | F.caption)
    r.callback_query.register(on_add, ImportAdd.filter())
    r.callback_query.register(on_cancel, ImportCancel.filter())
    return r
