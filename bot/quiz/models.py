"""Domain value objects shared by the bank, the importer and the bot."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Question:
    """One reviewed question of the bank."""

    id: str
    question: str
    answer: str
    topics: tuple[str, ...]
    levels: tuple[str, ...]
    tags: tuple[str, ...]
    source: str
