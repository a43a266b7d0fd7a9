"""Which questions the user's topic and level filter lets through."""

from collections.abc import Collection

from bot.quiz.models import Question


def allowed(question: Question, topics: Collection[str], levels: Collection[str]) -> bool:
    """Does the question pass the user's topic and level filter (empty = everything)?"""
    if topics and not set(question.topics) & set(topics):
        return False
    return not levels or bool(set(question.levels) & set(levels))
