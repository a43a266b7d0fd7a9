"""Cards rendered to Telegram HTML: escaped, and split cleanly when too long."""

import html
from datetime import datetime, tzinfo

from bot.quiz.bank import TELEGRAM_MESSAGE_LIMIT, utf16_length
from bot.quiz.grades import Grade
from bot.quiz.models import Question
from bot.quiz.taxonomy import LEVELS, TOPICS
from bot.storage.repo import RatingRow
from bot.ui import texts
from bot.ui.plural import interval

_MONTHS = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip
# Room kept free in every part for the header or footer added around the answer text.
_PART_BUDGET = TELEGRAM_MESSAGE_LIMIT - 400


def _meta(question: Question) -> str:
    topics = ", ".join(TOPICS.get(t, t) for t in question.topics)
    levels = " / ".join(LEVELS.get(lv, lv) for lv in question.levels)
    return f"<i>{html.escape(topics)}{' · ' + html.escape(levels) if levels else ''}</i>"


def _header(question: Question) -> str:
    return f"🧠 {_meta(question)}\n\n<b>{html.escape(question.question)}</b>"


def question_card(question: Question, *, daily: bool = False) -> str:
    title = f"<b>{texts.DAILY_TITLE}</b>\n" if daily else ""
    return f"{title}{_header(question)}\n\n{texts.ASK_YOURSELF}"


def split_plain(text: str, budget: int = _PART_BUDGET) -> list[str]:
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


def answer_parts(question: Question) -> list[str]:
    """The revealed card as one or more messages; the last one gets the rating buttons."""
    pieces = split_plain(question.answer)
    parts = [html.escape(p) for p in pieces]
    parts[0] = f"{_header(question)}\n\n{parts[0]}"
    for i in range(1, len(parts)):
        parts[i] = f"<i>{texts.ANSWER_CONTINUES}</i>\n\n{parts[i]}"
    return parts


def with_prompt(part: str) -> str:
    return f"{part}\n\n<i>{texts.HOW_WELL}</i>"


def human_date(moment: datetime, zone: tzinfo) -> str:
    local = moment.astimezone(zone)
    return f"{local.day} {_MONTHS[local.month - 1]}, {local:%H:%M}"


def with_rating(part: str, rating: RatingRow, zone: tzinfo) -> str:
    line = texts.RATED.format(
        grade=texts.GRADE_LABELS[Grade(rating.rating)],
        interval=interval(rating.due - rating.rated_at),
        date=human_date(rating.due, zone),
    )
    return f"{part}\n\n{html.escape(line)}"
