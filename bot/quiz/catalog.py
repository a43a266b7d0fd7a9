"""The bank as the bot serves it: the reviewed YAML files plus questions admins imported from
Telegram, refreshed from the database so every replica serves the same questions."""

import asyncio
import logging
from collections.abc import Mapping

from bot.quiz.bank import Bank, question_key, validate
from bot.quiz.models import Question
from bot.quiz.ports import ImportStore

log = logging.getLogger(__name__)


class LiveBank:
    """Reads like a :class:`Bank`; ``refresh`` swaps in a new one when imports arrived."""

    def __init__(self, base: Bank, store: ImportStore | None = None) -> None:
        self._base = base
        self._store = store
        self._current = base
        self._version = 0

    @property
    def questions(self) -> tuple[Question, ...]:
        return self._current.questions

    @property
    def by_id(self) -> Mapping[str, Question]:
        return self._current.by_id

    def get(self, question_id: str) -> Question | None:
        return self._current.get(question_id)

    def allowed_ids(self, topics: tuple[str, ...], levels: tuple[str, ...]) -> tuple[str, ...]:
        return self._current.allowed_ids(topics, levels)

    def __len__(self) -> int:
        return len(self._current)

    def knows(self, question: str) -> bool:
        """Is a question of this wording (case, spacing, punctuation aside) in the bank?"""
        key = question_key(question)
        return any(question_key(q.question) == key for q in self._current.questions)

    async def refresh(self) -> bool:
        """Load imported questions if there are new ones; True when the bank changed."""
        if self._store is None:
            return False
        version = await self._store.bank_version()
        if version == self._version:
            return False
        entries = await self._store.imported_entries()
        imported, problems = validate(
            [("telegram", entry) for entry in entries],
            known=self._base.questions,
        )
        for problem in problems:
            log.warning("imported question skipped: %s", problem)
        self._current = Bank((*self._base.questions, *imported))
        self._version = version
        log.info("bank refreshed: %d questions (%d imported)", len(self._current), len(imported))
        return True


class BankRefresher:
    """Refreshes the live bank every ``seconds`` in the background; a failed refresh is
    logged and tried again next time (the bank in memory stays usable)."""

    def __init__(self, bank: LiveBank, seconds: float) -> None:
        self._bank = bank
        self._seconds = seconds
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="bank-refresh")

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._seconds)
            try:
                await self._bank.refresh()
            except Exception:
                log.exception("bank refresh failed; the bank in memory stays in use")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
