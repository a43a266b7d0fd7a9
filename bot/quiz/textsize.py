"""Message size as Telegram counts it."""

from typing import Final

TELEGRAM_MESSAGE_LIMIT: Final = 4096


def utf16_length(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2
