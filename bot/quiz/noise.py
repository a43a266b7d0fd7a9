"""Recognising a Telegram channel's boilerplate: reaction counters, hashtag lines, headers."""

import re
import unicodedata

_HASHTAG_LINE = re.compile(r"^(?:#\w+\s*)+$")
_HASHTAG = re.compile(r"#(\w+)")
_ANSWER_PREFIX = re.compile(r"^\s*(?:Ответ|Отвечать)\s*:\s*", re.IGNORECASE)
_HEADER_LINE = re.compile(
    r"^(?:[\d.,]+K?\s+(?:subscribers?|photos?|videos?|files?|links?)"
    r"|Download Telegram"
    r"|По рекламе:.*|Учиться у нас:.*|Для обратной связи:.*|Наши каналы:.*)$",
    re.IGNORECASE,
)
_EMOJI_JOINERS = {"\ufe0f", "\ufe0e", "\u200d"}


def is_reaction_line(line: str) -> bool:
    """A line like ``👍4🥱3`` or ``10👍4``: only emoji and counters, at least one emoji."""
    stripped = line.strip()
    if not stripped:
        return False
    has_emoji = False
    for char in stripped:
        if char.isdigit() or char in _EMOJI_JOINERS or char.isspace():
            continue
        category = unicodedata.category(char)
        if category in ("So", "Sk") or 0x1F000 <= ord(char) <= 0x1FAFF:
            has_emoji = True
            continue
        return False
    return has_emoji


def is_hashtag_line(line: str) -> bool:
    return bool(_HASHTAG_LINE.match(line.strip()))


def hashtags(line: str) -> list[str]:
    """The hashtags of a line, without ``#``, as written."""
    return _HASHTAG.findall(line)


def is_header_line(line: str) -> bool:
    return bool(_HEADER_LINE.match(line.strip()))


def strip_answer_prefix(text: str) -> str:
    """Drop the article's ``Ответ:`` (or its mistranslation ``Отвечать:``) prefix."""
    return _ANSWER_PREFIX.sub("", text, count=1)


def boilerplate_in(text: str) -> str | None:
    """Describe the first piece of channel boilerplate found in ``text``, or None."""
    for line in text.splitlines():
        if is_reaction_line(line):
            return f"строка реакций «{line.strip()}»"
        if is_hashtag_line(line):
            return f"строка хештегов «{line.strip()}»"
        if is_header_line(line):
            return f"шапка канала «{line.strip()}»"
        if line.lstrip().startswith("### "):
            return f"нумерация статьи «{line.strip()[:40]}»"
    if _ANSWER_PREFIX.match(text):
        return "префикс «Ответ:»"
    return None
