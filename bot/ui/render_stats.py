"""/stats as Telegram HTML."""

import html

from bot.quiz.models import Question
from bot.quiz.stats import Progress
from bot.quiz.subscriptions import DailyState
from bot.quiz.taxonomy import TOPICS
from bot.ui import texts
from bot.ui.plural import plural
from bot.ui.render import day_name


def bar(share: float, width: int = 10) -> str:
    filled = round(share * width)
    return "▰" * filled + "▱" * (width - filled)


def daily_line(daily: DailyState) -> str:
    if daily.daily_time is None:
        return texts.STATS_DAILY_OFF
    return texts.STATS_DAILY_ON.format(time=daily.daily_time, zone=html.escape(daily.zone))


def progress(p: Progress, daily: DailyState) -> str:
    if p.ratings.total == 0:
        return texts.STATS_EMPTY
    lines = [
        texts.STATS_TITLE,
        "",
        texts.STATS_SEEN.format(seen=p.seen, total=p.bank_size),
        texts.STATS_RATINGS.format(
            today=p.ratings.today, week=p.ratings.week, total=p.ratings.total
        ),
        texts.STATS_KNOWN.format(share=round(p.known_share * 100), known=p.known, seen=p.seen),
        texts.STATS_DUE.format(now=p.due_now, week=p.due_week),
        forecast(p),
        retention(p),
    ]
    if p.streak:
        streak = texts.STATS_STREAK.format(days=plural(p.streak, "день", "дня", "дней"))
        lines.append(streak + (texts.STATS_STREAK_TODAY if p.practiced_today else ""))
    else:
        lines.append(texts.STATS_STREAK_NONE)
    lines += ["", texts.STATS_TOPICS]
    for row in p.topics:
        label = html.escape(TOPICS[row.topic])
        if row.seen:
            lines.append(
                texts.STATS_TOPIC_ROW.format(
                    bar=bar(row.share), label=label, share=round(row.share * 100),
                    known=row.known, seen=row.seen, total=row.total,
                )
            )  # fmt: skip
        else:
            lines.append(texts.STATS_TOPIC_UNSEEN.format(label=label, total=row.total))
    lines += ["", daily_line(daily)]
    return "\n".join(lines)


def hardest(rows: list[tuple[Question, int]]) -> str:
    if not rows:
        return texts.HARDEST_EMPTY
    lines = [texts.HARDEST_TITLE, ""]
    for n, (question, misses) in enumerate(rows, 1):
        lines.append(
            texts.HARDEST_ROW.format(n=n, question=html.escape(question.question), misses=misses)
        )
    return "\n".join(lines)


def retention(p: Progress) -> str:
    if not p.due_reviews:
        return texts.STATS_RETENTION_NONE
    return texts.STATS_RETENTION.format(
        share=round(p.retention * 100), known=p.recalled, total=p.due_reviews
    )


def forecast(p: Progress) -> str:
    """«Повторения на 14 дней вперёд: сегодня — 3, завтра — 5, 27 ноября — 2» (busy days)."""
    if not p.forecast:
        return texts.STATS_FORECAST_NONE
    today = p.forecast[0][0]
    names = {0: texts.TODAY, 1: texts.TOMORROW}
    busy = [
        texts.STATS_FORECAST_DAY.format(
            day=names.get((day - today).days) or day_name(day.day, day.month), count=count
        )
        for day, count in p.forecast
        if count
    ]
    if not busy:
        return texts.STATS_FORECAST_NONE
    return texts.STATS_FORECAST.format(days=", ".join(busy))
