"""Cards rendered to Telegram HTML: escaped, and split cleanly when too long."""

import html
from datetime import datetime, tzinfo

from bot.quiz.grades import Grade
from bot.quiz.markup import split_plain, to_html
from bot.quiz.models import Question, RatingKind, SavedRating
from bot.quiz.session import DayDone, SessionProgress
from bot.quiz.taxonomy import LEVELS, TOPICS
from bot.quiz.textsize import TELEGRAM_MESSAGE_LIMIT, utf16_length
from bot.ui import texts
from bot.ui.plural import interval

_MONTHS = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip
_KINDS = {
    RatingKind.NEW: texts.CARD_NEW,
    RatingKind.REVIEW: texts.CARD_REVIEW,
    RatingKind.EARLY: texts.CARD_EARLY,
}
# Room left in a part for the rating prompt or the rating line.
_FOOTER_ROOM = 300


def _meta(question: Question) -> str:
    topics = ", ".join(TOPICS.get(t, t) for t in question.topics)
    levels = " / ".join(LEVELS.get(lv, lv) for lv in question.levels)
    return f"<i>{html.escape(topics)}{' · ' + html.escape(levels) if levels else ''}</i>"


def _header(question: Question, daily: bool = False) -> str:
    title = f"<b>{texts.DAILY_TITLE}</b>\n" if daily else ""
    return f"{title}🧠 {_meta(question)}\n\n<b>{html.escape(question.question)}</b>"


def progress_line(progress: SessionProgress) -> str:
    """«Повторение · осталось 3 · новых сегодня 2 из 10»."""
    left = (
        texts.CARD_LEFT.format(count=progress.remaining) if progress.remaining else texts.CARD_LAST
    )
    new = texts.CARD_NEW_TODAY.format(count=progress.new_today, limit=progress.new_limit)
    return " · ".join((_KINDS[progress.kind], left, new))


def question_card(
    question: Question, *, daily: bool = False, progress: SessionProgress | None = None
) -> str:
    title = f"<b>{texts.DAILY_TITLE}</b>\n" if daily else ""
    status = f"<i>{progress_line(progress)}</i>\n" if progress else ""
    return f"{title}{status}{_header(question)}\n\n{texts.ASK_YOURSELF}"


def daily_card(question: Question, progress: SessionProgress | None, reviews_waiting: int) -> str:
    """The daily question, with the reviews waiting today when there are some."""
    card = question_card(question, daily=True, progress=progress)
    if reviews_waiting:
        card += "\n\n" + texts.DAILY_REVIEWS_WAITING.format(count=reviews_waiting)
    return card


def answer_parts(
    question: Question, *, daily: bool = False, user_answer: str | None = None
) -> list[str]:
    """The revealed card as one or more messages; the last one gets the rating buttons.

    The user's typed answer, if any, comes first, beside the reference answer.
    """
    reference = [to_html(p) for p in split_plain(question.answer)]
    reference[1:] = [f"<i>{texts.ANSWER_CONTINUES}</i>\n\n{p}" for p in reference[1:]]
    head = _header(question, daily)
    if not user_answer:
        return [f"{head}\n\n{reference[0]}", *reference[1:]]
    mine = texts.YOUR_ANSWER.format(answer=html.escape(user_answer))
    first = f"{head}\n\n{mine}{reference[0]}"
    if utf16_length(first) + _FOOTER_ROOM <= TELEGRAM_MESSAGE_LIMIT:
        return [first, *reference[1:]]
    # Too long together: the typed answer gets a message of its own, the reference follows.
    return [f"{head}\n\n{mine.rstrip()}", *reference]


def with_prompt(part: str) -> str:
    return f"{part}\n\n<i>{texts.HOW_WELL}</i>"


def user_input(value: str, limit: int = 40) -> str:
    """What the user typed, quoted back: shortened, escaped, and encodable (a lone surrogate,
    which Telegram can deliver but not accept, becomes «?»)."""
    short = value[:limit].encode("utf-8", "replace").decode("utf-8")
    return html.escape(short)


def human_date(moment: datetime, zone: tzinfo) -> str:
    local = moment.astimezone(zone)
    return f"{local.day} {_MONTHS[local.month - 1]}, {local:%H:%M}"


def day_name(day_number: int, month: int) -> str:
    return f"{day_number} {_MONTHS[month - 1]}"


def with_rating(part: str, rating: SavedRating, zone: tzinfo) -> str:
    template = texts.RATED_EARLY if rating.kind == RatingKind.EARLY else texts.RATED
    line = template.format(
        grade=texts.GRADE_NAMES[Grade(rating.rating)],
        interval=interval(rating.due - rating.rated_at),
        date=human_date(rating.due, zone),
    )
    return f"{part}\n\n{html.escape(line)}"


def day_done(done: DayDone, now: datetime, zone: tzinfo) -> str:
    """«На сегодня всё»: why, when the next review falls due, and what else to do."""
    if done.limit_reached and done.new_limit == 0:
        why = texts.DONE_NO_NEW_ALLOWED
    elif done.limit_reached:
        why = texts.DONE_LIMIT.format(count=done.new_today, limit=done.new_limit)
    else:
        why = texts.DONE_NO_NEW
    lines = [texts.DONE_TITLE, why]
    if done.next_due is not None and done.next_by_day:
        local = done.next_due.astimezone(zone)
        lines.append(texts.DONE_NEXT_DAY.format(date=day_name(local.day, local.month)))
    elif done.next_due is not None:
        lines.append(
            texts.DONE_NEXT.format(
                date=human_date(done.next_due, zone), interval=interval(done.next_due - now)
            )
        )
    lines += ["", texts.DONE_WHAT_ELSE]
    if done.next_due is not None:
        lines.append(texts.DONE_EARLY)
    lines += [texts.DONE_MORE_NEW, texts.DONE_TOPICS, texts.DONE_STATS]
    return "\n".join(lines)
