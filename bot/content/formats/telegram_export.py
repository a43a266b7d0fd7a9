"""A Telegram Desktop channel export (``result.json``).

Each message has ``type`` ("message" or "service"); ``text`` is a string or a list of strings
and entity objects (``{"type": "hashtag", "text": "#NLP"}``), mirrored by ``text_entities``.
Service messages, polls, photo-only posts and announcements are not questions.
"""

import json
from typing import Any

from bot.content.formats.post import RawPost, clean_block, make_post
from bot.quiz.noise import hashtags, is_hashtag_line


class ExportError(ValueError):
    """The JSON is not a Telegram channel export."""


def _plain_text(message: dict[str, Any]) -> tuple[str, list[str]]:
    """The message text with hashtags removed, and the hashtags."""
    parts = message.get("text_entities")
    if not isinstance(parts, list):
        raw = message.get("text", "")
        parts = [raw] if isinstance(raw, str) else raw
    tags: list[str] = []
    pieces: list[str] = []
    for part in parts if isinstance(parts, list) else []:
        if isinstance(part, str):
            pieces.append(part)
        elif isinstance(part, dict) and isinstance(part.get("text"), str):
            if part.get("type") == "hashtag":
                tags.extend(t for t in hashtags(part["text"]) if t not in tags)
            else:
                pieces.append(part["text"])
    return "".join(pieces), tags


def _read_message(message: dict[str, Any]) -> RawPost | None:
    if message.get("type") != "message":
        return None
    text, tags = _plain_text(message)
    lines = [line for line in text.splitlines() if not is_hashtag_line(line)]
    if "poll" in message:
        return RawPost(question="(опрос)", answer="", skip_reason="опрос")
    if not "".join(lines).strip():
        kind = "фото без текста" if "photo" in message else "пустое сообщение"
        return RawPost(question=f"(сообщение {message.get('id')})", answer="", skip_reason=kind)
    while lines and not lines[0].strip():
        lines.pop(0)
    question = lines[0]
    return make_post(question, clean_block(lines[1:]), tags)


def read(text: str) -> list[RawPost]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ExportError(f"битый JSON: {exc.msg} (строка {exc.lineno})") from exc
    messages = data.get("messages") if isinstance(data, dict) else None
    if not isinstance(messages, list):
        raise ExportError("в JSON нет списка messages: это не экспорт канала Telegram")
    posts = (_read_message(m) for m in messages if isinstance(m, dict))
    return [p for p in posts if p is not None]
