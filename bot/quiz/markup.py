"""The bank's answer markup: plain text plus a few Telegram HTML tags.

Authors write plain text (``p < 0.05`` needs no escaping) and may use ``<b>``, ``<i>``,
``<code>`` and ``<pre>``. Rendering escapes everything, then re-enables exactly those tags;
validation makes sure they are balanced and properly nested so Telegram accepts the card.
"""

import html
import re
from typing import Final

from bot.quiz.textsize import TELEGRAM_MESSAGE_LIMIT, utf16_length

ALLOWED_TAGS: Final = ("b", "i", "code", "pre")
_TAG: Final = re.compile(r"<(/?)(" + "|".join(ALLOWED_TAGS) + r")>")
# Room kept free in every part for the header or footer added around the answer text.
PART_BUDGET: Final = TELEGRAM_MESSAGE_LIMIT - 400
_ESCAPED_TAG: Final = re.compile(r"&lt;(/?)(" + "|".join(ALLOWED_TAGS) + r")&gt;")


def _unescaped_tag(match: re.Match[str]) -> str:
    return f"<{match[1]}{match[2]}>"


def to_html(text: str) -> str:
    """Telegram HTML for a piece of bank text: escaped, with the allowed tags kept."""
    # A function as the replacement: a template (r"<\1\2>") is expanded in Python for every
    # match, which made this ~2x slower on a revealed answer.
    return _ESCAPED_TAG.sub(_unescaped_tag, html.escape(text, quote=False))


def to_plain(text: str) -> str:
    """The text without markup tags (for search and length estimates)."""
    return _TAG.sub("", text)


def markup_problems(text: str) -> list[str]:
    """Why the markup of ``text`` would be rejected by Telegram; empty when it is fine."""
    stack: list[str] = []
    for match in _TAG.finditer(text):
        closing, tag = match.group(1) == "/", match.group(2)
        if not closing:
            if "pre" in stack or "code" in stack:
                return [f"тег <{tag}> внутри <{stack[-1]}>"]
            stack.append(tag)
        elif not stack or stack[-1] != tag:
            return [f"лишний или не на месте закрывающий тег </{tag}>"]
        else:
            stack.pop()
    if stack:
        return [f"не закрыт тег <{stack[-1]}>"]
    return []


def split_plain(text: str, budget: int = PART_BUDGET) -> list[str]:
    """Split text into parts of at most ``budget`` UTF-16 units, at paragraph, line, sentence
    or word boundaries, never inside a word unless a single word is longer than a part."""
    if utf16_length(text) <= budget:
        return [text]
    for separator in ("\n\n", "\n", ". ", " "):
        pieces = text.split(separator)
        if len(pieces) == 1:
            continue
        parts: list[str] = []
        current = ""
        for piece in pieces:
            candidate = f"{current}{separator}{piece}" if current else piece
            if utf16_length(candidate) <= budget:
                current = candidate
                continue
            if current:
                parts.append(current)
            current = piece
        parts.append(current)
        return [p for part in parts for p in split_plain(part, budget)]
    # One enormous word: cut it by characters as the last resort.
    chunk = budget // 2
    return [text[i : i + chunk] for i in range(0, len(text), chunk)]
