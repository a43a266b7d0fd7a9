"""Growing the bank from inside Telegram: an admin's file or forwarded post is read by the same
importer as the command line, previewed, and added for every user on «Добавить»."""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.content.curate import to_entry
from bot.content.detect import FORMAT_NAMES
from bot.content.formats import web_preview
from bot.content.formats.post import RawPost
from bot.content.merge import SourceError, parse_source
from bot.quiz.bank import question_key, validate
from bot.quiz.catalog import LiveBank
from bot.quiz.ports import ImportStore

FORWARDED = "пересланный пост"


class ImportRefused(ValueError):
    """The file cannot be imported; the message says why, in one line, for the admin."""


@dataclass(frozen=True)
class ImportPreview:
    import_id: int | None  # None when there is nothing to add
    format_name: str
    new: list[dict[str, Any]] = field(default_factory=list)
    already_present: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (question, reason)


class ImportService:
    def __init__(
        self, *, live: LiveBank, store: ImportStore, clock: Callable[[], datetime]
    ) -> None:
        self._live = live
        self._store = store
        self._clock = clock

    async def preview_file(self, admin_id: int, name: str, data: bytes) -> ImportPreview:
        try:
            # Parsing a 20 MB export is seconds of CPU: off the event loop, so users are served.
            fmt, posts = await asyncio.to_thread(parse_source, name, data)
        except SourceError as exc:
            raise ImportRefused(str(exc)) from exc
        return await self._preview(admin_id, FORMAT_NAMES[fmt], posts, source=name)

    async def preview_post(self, admin_id: int, text: str, source: str) -> ImportPreview:
        return await self._preview(admin_id, FORWARDED, web_preview.read(text), source=source)

    async def _preview(
        self, admin_id: int, format_name: str, posts: list[RawPost], source: str
    ) -> ImportPreview:
        await self._live.refresh()
        taken_ids = set(self._live.by_id)
        seen_keys = {question_key(q.question) for q in self._live.questions}
        new: list[dict[str, Any]] = []
        skipped: list[tuple[str, str]] = []
        already = 0
        for post in posts:
            if post.skip_reason:
                skipped.append((post.question, post.skip_reason))
                continue
            key = question_key(post.question)
            if key in seen_keys:
                already += 1
                continue
            entry = to_entry(post, source, taken_ids)
            good, problems = validate([(source, entry)], known=self._live.questions)
            if not good:
                reason = problems[0].split(": ", 2)[-1] if problems else "не прошёл проверку"
                skipped.append((post.question, reason))
                continue
            seen_keys.add(key)
            taken_ids.add(entry["id"])
            new.append(entry)
        import_id = None
        if new:
            import_id = await self._store.save_pending(admin_id, new, self._clock())
        return ImportPreview(import_id, format_name, new, already, skipped)

    async def add(self, import_id: int, admin_id: int) -> list[str] | None:
        """Add a previewed import; None if it was added or cancelled already."""
        await self._live.refresh()
        known = self._live.questions

        def still_new(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
            # Checked again: another admin's import may have added some since the preview.
            fresh, _ = validate([("telegram", e) for e in entries], known=known)
            fresh_ids = {q.id for q in fresh}
            return [e for e in entries if e["id"] in fresh_ids]

        added = await self._store.add_pending(import_id, admin_id, self._clock(), still_new)
        if added is not None:
            await self._live.refresh()
        return added

    async def cancel(self, import_id: int) -> bool:
        return await self._store.take_pending(import_id, "cancelled") is not None
