"""Telegram refusals that are not failures: recognised in one place."""

from aiogram.exceptions import TelegramBadRequest

_NOT_MODIFIED = "message is not modified"
_GONE = ("message to edit not found", "message can't be edited", "message_id_invalid")


def is_not_modified(exc: BaseException) -> bool:
    """The edit would change nothing: a repeated tap on a button already handled."""
    return isinstance(exc, TelegramBadRequest) and _NOT_MODIFIED in exc.message


def is_message_gone(exc: BaseException) -> bool:
    """The message can no longer be edited (deleted, or too old)."""
    return isinstance(exc, TelegramBadRequest) and any(
        reason in exc.message.lower() for reason in _GONE
    )


def is_harmless(exc: BaseException) -> bool:
    return is_not_modified(exc)
