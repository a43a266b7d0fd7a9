"""Crude Russian/English word stems: near-duplicate questions and morphology-tolerant search.

A stem is a word's first letters (``STEM_LENGTH``): «градиентный» and «градиентного» meet at
«градие». That is enough to catch reworded copies of a question and to make a search find
other case forms, without a morphology dictionary.
"""

import re
from collections.abc import Iterable, Sequence
from itertools import combinations
from typing import Final

STEM_LENGTH: Final = 6
NEAR_DUPLICATE: Final = 0.75
_WORD: Final = re.compile(r"[a-zа-я0-9]+")
_STOP: Final = frozenset(
    """
    а в во и или к ко с со у о об от до на по за из при для без над под про же ли не ни бы то
    что чем чём как какой какая какое какие каков какова каковы такое такой это эти этот его её
    ее их вы мы вам вас нам зачем почему когда где куда сколько можно нужно нужен нужна ли
    между разница отличие отличия отличается отличаются объясните опишите расскажите назовите
    дайте приведите перечислите определение концепцию концепция понятие основные основной
    некоторые примеры пример чему чего кто свой своей свои является используется используют
    the a an of in on to and or is are what how why which vs
    """.split()
)


def stem(word: str) -> str:
    return word[:STEM_LENGTH]


def stems(text: str) -> frozenset[str]:
    """Stems of the meaningful words of ``text`` (case, ё/е and stop words ignored)."""
    words = _WORD.findall(text.casefold().replace("ё", "е"))
    return frozenset(stem(w) for w in words if w not in _STOP and len(w) > 1)


def similarity(first: frozenset[str], second: frozenset[str]) -> float:
    """Jaccard similarity of two stem sets."""
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


def near_duplicate_pairs(
    questions: Sequence[tuple[str, str]], threshold: float = NEAR_DUPLICATE
) -> Iterable[tuple[str, str]]:
    """``(id, id)`` pairs whose wordings share most of their stems (first one listed first)."""
    keyed = [(qid, stems(text)) for qid, text in questions]
    for (first, a), (second, b) in combinations(keyed, 2):
        if min(len(a), len(b)) >= 2 and similarity(a, b) >= threshold:
            yield first, second
