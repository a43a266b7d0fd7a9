"""Telling the source formats apart by their content, not their file names."""

import re
from collections import Counter
from collections.abc import Callable
from typing import Final

from bot.content.formats import copy_paste, markdown_article, telegram_export, web_preview
from bot.content.formats.post import RawPost

Reader = Callable[[str], list[RawPost]]


class UnknownFormatError(ValueError):
    """The text is in none of the formats the importer reads."""


FORMAT_NAMES: Final[dict[str, str]] = {
    "telegram_export": "экспорт Telegram Desktop (JSON)",
    "markdown_article": "статья Markdown (### N. вопрос)",
    "copy_paste": "копипаст канала (ответ повторён дважды)",
    "web_preview": "веб-превью канала",
}
READERS: Final[dict[str, Reader]] = {
    "telegram_export": telegram_export.read,
    "markdown_article": markdown_article.read,
    "copy_paste": copy_paste.read,
    "web_preview": web_preview.read,
}


def _has_repeated_long_lines(lines: list[str]) -> bool:
    counts = Counter(line.strip() for line in lines if len(line.strip()) >= 40)
    repeated = sum(1 for n in counts.values() if n >= 2)
    return bool(counts) and repeated * 2 >= len(counts)


def detect_format(text: str) -> str:
    """Name of the format of ``text``; raise UnknownFormatError when it is none of ours."""
    if "\x00" in text:
        raise UnknownFormatError("двоичный файл, а не текст")
    stripped = text.strip()
    if not stripped:
        raise UnknownFormatError("файл пуст")
    if stripped[0] in "{[":
        return "telegram_export"
    lines = stripped.splitlines()
    if sum(1 for line in lines if markdown_article.HEADING.match(line)) >= 1:
        return "markdown_article"
    if _has_repeated_long_lines(lines):
        return "copy_paste"
    if any(line.strip() == "Download Telegram" for line in lines[:40]) or re.search(
        r"^\S.*\n\n\S", stripped, re.MULTILINE
    ):
        return "web_preview"
    raise UnknownFormatError("формат не распознан: ни дамп канала, ни статья, ни экспорт JSON")
