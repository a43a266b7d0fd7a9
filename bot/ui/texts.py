"""Every user-facing string, in one place (Telegram HTML)."""

from typing import Final

from bot.quiz.grades import Grade

GRADE_LABELS: Final[dict[Grade, str]] = {
    Grade.FORGOT: "😶 Не знал",
    Grade.HARD: "😬 С трудом",
    Grade.GOOD: "🙂 Знал",
    Grade.EASY: "😎 Легко",
}

SHOW_ANSWER: Final = "👀 Показать ответ"
NEXT_QUESTION: Final = "➡️ Следующий вопрос"

WELCOME: Final = (
    "Привет, {name}! Я помогаю готовиться к собеседованиям по Data Science.\n\n"
    "Как это работает:\n"
    "1. /quiz присылает вопрос — подумайте над ответом сами.\n"
    "2. Нажмите «Показать ответ» и сравните со своим.\n"
    "3. Честно оцените, насколько хорошо знали ответ. "
    "Что знаете плохо — вернётся скоро, что хорошо — через дни и недели.\n\n"
    "В банке {count}. Начнём? Жмите /quiz.\n"
    "Все команды — /help."
)

HELP: Final = (
    "<b>Команды</b>\n"
    "/quiz — следующий вопрос (сначала те, что пора повторить)\n"
    "/topics — выбрать темы и уровень вопросов\n"
    "/stats — ваш прогресс\n"
    "/daily — вопрос дня в удобное время\n"
    "/timezone — ваш часовой пояс для вопроса дня\n"
    "/reset — стереть прогресс и начать заново\n"
    "/help — эта справка\n\n"
    "Оценки: «Не знал» и «С трудом» — вопрос вернётся скоро; "
    "«Знал» и «Легко» — через несколько дней, а потом всё реже."
)

COMMANDS: Final[dict[str, str]] = {
    "quiz": "Следующий вопрос",
    "topics": "Темы и уровень",
    "stats": "Мой прогресс",
    "daily": "Вопрос дня",
    "timezone": "Часовой пояс",
    "reset": "Стереть прогресс",
    "help": "Справка",
}

DAILY_TITLE: Final = "🗓 Вопрос дня"
DAILY_OFFER: Final = "🗓 Вопрос дня в {time}"
DEFAULT_DAILY_TIME: Final = "10:00"
DAILY_STATUS_ON: Final = (
    "🗓 Вопрос дня приходит каждый день в <b>{time}</b> ({zone}).\n"
    "Следующий — {next}.\n\n"
    "Изменить время: /daily 09:30\n"
    "Отписаться: /daily off\n"
    "Часовой пояс: /timezone"
)
DAILY_STATUS_OFF: Final = (
    "Вопрос дня выключен.\n\n"
    "Каждый день в выбранное время я пришлю один вопрос — как /quiz, с ответом и оценкой.\n"
    "Включить: /daily 09:30 (время ваше, часовой пояс — {zone}; сменить — /timezone)."
)
DAILY_SUBSCRIBED: Final = (
    "Готово: вопрос дня будет приходить каждый день в <b>{time}</b> ({zone}).\n"
    "Первый — {next}.\n"
    "Часовой пояс не тот? /timezone Europe/Samara или /timezone +4. Отписаться: /daily off"
)
DAILY_UNSUBSCRIBED: Final = "Вопрос дня выключен. Включить снова: /daily 09:30"
DAILY_ALREADY_OFF: Final = "Вопрос дня и так выключен. Включить: /daily 09:30"
DAILY_BAD_TIME: Final = (
    "Не понял время «{value}». Укажите часы и минуты от 00:00 до 23:59, например: /daily 09:30\n"
    "Отписаться: /daily off"
)
TIMEZONE_STATUS: Final = (
    "Ваш часовой пояс: <b>{zone}</b> (сейчас там {local}).\n\n"
    "Сменить: /timezone Europe/Moscow, /timezone Asia/Almaty, /timezone UTC или /timezone +3"
)
TIMEZONE_SET: Final = "Часовой пояс: <b>{zone}</b> (сейчас там {local})."
TIMEZONE_SET_DAILY: Final = "Вопрос дня теперь придёт в {time} по этому времени — {next}."
TIMEZONE_BAD: Final = (
    "Не знаю часового пояса «{value}». Укажите название из базы IANA или смещение от UTC, "
    "например: /timezone Europe/Moscow, /timezone Asia/Yekaterinburg, /timezone +5, "
    "/timezone UTC-3"
)

ASK_YOURSELF: Final = "Подумайте над ответом, потом откройте его."
HOW_WELL: Final = "Насколько хорошо вы знали ответ?"
RATED: Final = "✅ Оценка: «{grade}». Вопрос вернётся через {interval} ({date})."
ANSWER_CONTINUES: Final = "(продолжение ответа)"

NO_QUESTIONS_FOR_FILTER: Final = (
    "Под выбранные темы и уровень нет ни одного вопроса. Измените выбор в /topics."
)
CARD_NOT_YOURS: Final = "Это чужая карточка."
CARD_UNKNOWN: Final = "Эта карточка устарела. Новый вопрос — /quiz."
CARD_REMOVED: Final = "Этого вопроса больше нет в банке. Новый вопрос — /quiz."
ALREADY_RATED: Final = "Оценка уже сохранена: «{grade}»."
SAVED: Final = "Сохранено: «{grade}»"
NEXT_ALREADY_SENT: Final = "Следующий вопрос уже отправлен — он ниже."
BAD_BUTTON: Final = "Эта кнопка больше не работает. Новый вопрос — /quiz."

TOPICS_HEADER: Final = (
    "<b>Темы и уровень</b>\n"
    "Отметьте, что хотите тренировать. Ничего не отмечено — значит всё.\n\n"
    "Под фильтр подходит вопросов: <b>{count}</b> из {total}."
)
TOPICS_ALL: Final = "Сбросить: все темы и уровни"
TOPICS_DONE: Final = "Готово — к вопросам"
TOPICS_SAVED: Final = "Сохранено. Вопросов под фильтр: {count}."

STATS_EMPTY: Final = (
    "📊 Здесь будет ваш прогресс.\n\n"
    "Пока вы не оценили ни одного ответа. Нажмите /quiz: ответьте на вопрос, откройте ответ "
    "и честно оцените себя — статистика начнёт расти с первой оценки."
)
STATS_TITLE: Final = "📊 <b>Ваш прогресс</b>"
STATS_SEEN: Final = "Вопросов пройдено: <b>{seen}</b> из {total}"
STATS_RATINGS: Final = "Оценок: сегодня {today} · за неделю {week} · всего {total}"
STATS_KNOWN: Final = (
    "Знаю (последняя оценка «Знал» или «Легко»): <b>{share}%</b> ({known} из {seen})"
)
STATS_DUE: Final = "Повторить сейчас: <b>{now}</b> · в ближайшие 7 дней: {week}"
STATS_STREAK: Final = "Серия: {days} подряд"
STATS_STREAK_TODAY: Final = " (сегодня уже занимались ✅)"
STATS_STREAK_NONE: Final = "Серия: начнётся с сегодняшнего /quiz"
STATS_TOPICS: Final = "<b>По темам</b> (сначала слабые):"
STATS_TOPIC_ROW: Final = "{bar} {label} — {share}% ({known}/{seen}, в банке {total})"
STATS_TOPIC_UNSEEN: Final = "▱▱▱▱▱▱▱▱▱▱ {label} — ещё не начато (в банке {total})"
STATS_DAILY_ON: Final = "🗓 Вопрос дня: каждый день в {time} ({zone}). Изменить — /daily"
STATS_DAILY_OFF: Final = "🗓 Вопрос дня выключен. Включить — /daily 09:30"
STATS_CHART: Final = "📈 График"
STATS_HARDEST: Final = "🧩 Трудные вопросы"
CHART_CAPTION: Final = "Практика по дням и освоение тем"
CHART_TITLE: Final = "Практика за последние месяцы"
CHART_TOPICS_TITLE: Final = "Освоение тем, % «Знал»/«Легко»"
CHART_LESS: Final = "меньше"
CHART_MORE: Final = "больше"
HARDEST_TITLE: Final = "🧩 <b>Трудные вопросы</b> — чаще всего «Не знал». Нажмите, чтобы повторить:"
HARDEST_EMPTY: Final = "Трудных вопросов пока нет: вы ни разу не нажали «Не знал». Так держать!"
HARDEST_ROW: Final = "{n}. {question} — «Не знал» ×{misses}"
RESET_ASK: Final = (
    "Стереть весь прогресс? Все оценки, статистика и расписание повторений будут удалены "
    "безвозвратно. Настройки (темы, вопрос дня) останутся."
)
RESET_YES: Final = "🗑 Да, стереть всё"
RESET_NO: Final = "Отмена"
RESET_DONE: Final = "Прогресс стёрт. Начнём заново — /quiz"
RESET_CANCELLED: Final = "Ничего не стёрто."
RESET_EXPIRED: Final = "Это подтверждение устарело. Если нужно, отправьте /reset ещё раз."

ADMIN_OVERVIEW: Final = (
    "<b>Сводка</b>\n"
    "Пользователей: {users}, подписаны на вопрос дня: {subscribers}\n"
    "Оценок за сутки: {ratings}\n"
    "Вопрос дня за сутки: {pushes}"
)

FALLBACK: Final = "Я понимаю команды. Чтобы получить вопрос, нажмите /quiz, все команды — /help."
UNKNOWN_COMMAND: Final = "Такой команды нет. Список команд — /help."
PRIVATE_ONLY: Final = (
    "Я работаю только в личных сообщениях — напишите мне напрямую, чтобы тренироваться."
)
ERROR: Final = "Что-то пошло не так. Попробуйте ещё раз чуть позже."
