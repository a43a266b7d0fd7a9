"""Cards rendered to Telegram HTML: escaped, and split cleanly when too long."""

import html
from datetime import datetime, tzinfo

from bot.quiz.due import by_day
from bot.quiz.grades import Grade
from bot.quiz.markup import split_plain, to_html
from bot.quiz.models import Question, RatingKind, SavedRating
from bot.quiz.session import MAX_NEW_PER_DAY, DayDone, SessionProgress
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


def progress_line(progress: SessionProgress, *, counts: bool = True) -> str:
    """«Повторение · осталось 3 · новых сегодня 2 из 10». A review ahead of time is outside
    today's session, so it carries no counts; neither does the daily question (its message
    says how many reviews wait, see ``daily_card``)."""
    if progress.kind == RatingKind.EARLY or not counts:
        return _KINDS[progress.kind]
    left = (
        texts.CARD_LEFT.format(count=progress.remaining) if progress.remaining else texts.CARD_LAST
    )
    new = texts.CARD_NEW_TODAY.format(count=progress.new_today, limit=progress.new_limit)
    return " · ".join((_KINDS[progress.kind], left, new))


def question_card(
    question: Question, *, daily: bool = False, progress: SessionProgress | None = None
) -> str:
    title = f"<b>{texts.DAILY_TITLE}</b>\n" if daily else ""
    status = f"<i>{progress_line(progress, counts=not daily)}</i>\n" if progress else ""
    return f"{title}{status}{_header(question)}\n\n{texts.ASK_YOURSELF}"


def daily_card(question: Question, progress: SessionProgress | None, reviews_waiting: int) -> str:
    """The daily question, with the reviews waiting today when there are some."""
    card = question_card(question, daily=True, progress=progress)
    if reviews_waiting:
        card += "\n\n" + texts.DAILY_REVIEWS_WAITING.format(count=reviews_waiting)
    return card


def daily_nothing_to_ask(can_review_early: bool) -> str:
    """The daily message on a day when the user's filter has nothing due and nothing new."""
    lines = [f"<b>{texts.DAILY_TITLE}</b>", texts.DAILY_NOTHING_TO_ASK, "", texts.DONE_WHAT_ELSE]
    if can_review_early:
        lines.append(texts.DAILY_NOTHING_EARLY)
    lines.append(texts.DAILY_NOTHING_TOPICS)
    return "\n".join(lines)


def daily_no_questions() -> str:
    return f"<b>{texts.DAILY_TITLE}</b>\n{texts.DAILY_NO_QUESTIONS}"


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


def quoted(text: str, limit: int = 60) -> str:
    """A question named inside a sentence: shortened at a word boundary and escaped."""
    if len(text) > limit:
        text = text[:limit].rsplit(" ", 1)[0].rstrip(" ,.:;—-") + "…"
    return html.escape(text)


def human_date(moment: datetime, zone: tzinfo) -> str:
    local = moment.astimezone(zone)
    return f"{local.day} {_MONTHS[local.month - 1]}, {local:%H:%M}"


def day_name(day_number: int, month: int) -> str:
    return f"{day_number} {_MONTHS[month - 1]}"


def with_rating(part: str, rating: SavedRating, zone: tzinfo) -> str:
    """The rating line under a rated card. A card scheduled by days is due for its whole day,
    so it gets the day, not a time of day that means nothing."""
    early = rating.kind == RatingKind.EARLY
    if by_day(rating.due, rating.rated_at):
        local = rating.due.astimezone(zone)
        template = texts.RATED_EARLY_ON_DAY if early else texts.RATED_ON_DAY
        date = day_name(local.day, local.month)
    else:
        template = texts.RATED_EARLY if early else texts.RATED
        date = human_date(rating.due, zone)
    line = template.format(
        grade=texts.GRADE_NAMES[Grade(rating.rating)],
        interval=interval(rating.due - rating.rated_at),
        date=date,
    )
    return f"{part}\n\n{html.escape(line)}"


def day_done(done: DayDone, now: datetime, zone: tzinfo, *, filtered: bool = True) -> str:
    """«На сегодня всё» (or «Пока всё» when a review falls due later today): why, when the
    next review falls due, and what else to do. ``filtered``: the user chose topics or levels."""
    if done.limit_reached and done.new_limit == 0:
        why = texts.DONE_NO_NEW_ALLOWED
    elif done.limit_reached:
        why = texts.DONE_LIMIT.format(count=done.new_today, limit=done.new_limit)
    else:
        why = texts.DONE_NO_NEW if filtered else texts.DONE_NO_NEW_IN_BANK
    later_today = (
        done.next_due is not None
        and done.next_due.astimezone(zone).date() == now.astimezone(zone).date()
    )
    lines = [texts.DONE_TITLE_FOR_NOW if later_today else texts.DONE_TITLE, why]
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
    if done.limit_reached and done.new_limit < MAX_NEW_PER_DAY:
        lines.append(texts.DONE_MORE_NEW)
    lines += [texts.DONE_TOPICS, texts.DONE_STATS]
    return "\n".join(lines)
