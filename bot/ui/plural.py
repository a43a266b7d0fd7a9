"""Russian plural forms and human-readable intervals."""

from datetime import timedelta


def plural(n: int, one: str, few: str, many: str) -> str:
    """``plural(3, "день", "дня", "дней")`` → ``"3 дня"``."""
    tail = n % 100
    if 11 <= tail <= 14:
        word = many
    elif n % 10 == 1:
        word = one
    elif 2 <= n % 10 <= 4:
        word = few
    else:
        word = many
    return f"{n} {word}"


def interval(delta: timedelta) -> str:
    """A coarse Russian interval: «10 минут», «5 часов», «3 дня», «2 месяца»."""
    minutes = max(1, round(delta.total_seconds() / 60))
    if minutes < 60:
        return plural(minutes, "минуту", "минуты", "минут")
    hours = round(minutes / 60)
    if hours < 24:
        return plural(hours, "час", "часа", "часов")
    days = round(hours / 24)
    if days < 45:
        return plural(days, "день", "дня", "дней")
    months = round(days / 30)
    if months < 12:
        return plural(months, "месяц", "месяца", "месяцев")
    return plural(round(days / 365), "год", "года", "лет")


def short_interval(delta: timedelta) -> str:
    """An interval for a button: «10 мин», «5 ч», «2 дн.», «3 мес.», «1 г.»."""
    minutes = max(1, round(delta.total_seconds() / 60))
    if minutes < 60:
        return f"{minutes} мин"
    hours = round(minutes / 60)
    if hours < 24:
        return f"{hours} ч"
    days = round(hours / 24)
    if days < 45:
        return f"{days} дн."
    months = round(days / 30)
    if months < 12:
        return f"{months} мес."
    return f"{round(days / 365)} г."
