"""/find: questions whose wording or answer contains every word of the query, in any case
form («градиентный» finds «градиентного»: words are compared by their stems)."""

import re
from collections.abc import Mapping, Sequence
from typing import Final, Protocol

from bot.quiz.markup import to_plain
from bot.quiz.models import Question
from bot.quiz.similarity import STEM_LENGTH

_WORD: Final = re.compile(r"[a-zа-я0-9]+")
MIN_WORD: Final = 2


class QuestionSource(Protocol):
    @property
    def questions(self) -> tuple[Question, ...]: ...


def words(text: str) -> list[str]:
    return _WORD.findall(to_plain(text).casefold().replace("ё", "е"))


def _stems(text: str) -> frozenset[str]:
    return frozenset(w[:STEM_LENGTH] for w in words(text))


class QuestionSearch:
    def __init__(self, source: QuestionSource) -> None:
        self._source = source
        self._indexed: tuple[Question, ...] = ()
        self._index: Mapping[str, tuple[frozenset[str], frozenset[str]]] = {}

    def _ensure_index(self) -> Sequence[Question]:
        questions = self._source.questions
        if questions is not self._indexed:  # the bank was refreshed: index it again
            self._index = {q.id: (_stems(q.question), _stems(q.answer)) for q in questions}
            self._indexed = questions
        return questions

    @staticmethod
    def searchable(query: str) -> bool:
        """Has the query a word long enough to search by (one letter matches everything)?"""
        return any(len(w) >= MIN_WORD for w in words(query))

    def find(self, query: str) -> list[Question]:
        """Every match, best first: every query word must occur; the question's own wording
        counts more than the answer's."""
        wanted = [w[:STEM_LENGTH] for w in words(query) if len(w) >= MIN_WORD]
        if not wanted:
            return []
        scored: list[tuple[int, int, Question]] = []
        for order, question in enumerate(self._ensure_index()):
            in_question, in_answer = self._index[question.id]
            score = 0
            for stem in wanted:
                if any(s.startswith(stem) for s in in_question):
                    score += 3
                elif any(s.startswith(stem) for s in in_answer):
                    score += 1
                else:
                    break
            else:
                scored.append((-score, order, question))
        return [q for _, _, q in sorted(scored, key=lambda t: t[:2])]
