"""Every user-facing string, in one place (Telegram HTML)."""

from typing import Final

from bot.quiz.grades import Grade

GRADE_LABELS: Final[dict[Grade, str]] = {
    Grade.FORGOT: "😶 Не знал",
    Grade.HARD: "😬 С трудом",
    Grade.GOOD: "🙂 Знал",
    Grade.EASY: "😎 Легко",
}

# The same grades inside sentences and quotes: no emoji in the middle of a phrase.
GRADE_NAMES: Final[dict[Grade, str]] = {
    Grade.FORGOT: "Не знал",
    Grade.HARD: "С трудом",
    Grade.GOOD: "Знал",
    Grade.EASY: "Легко",
}
GRADE_WITH_INTERVAL: Final = "{label} · {interval}"

SHOW_ANSWER: Final = "👀 Показать ответ"
NEXT_QUESTION: Final = "➡️ Следующий вопрос"
SKIP: Final = "⏭ Пропустить"
SUSPEND: Final = "🚫 Больше не показывать"
UNDO: Final = "↩️ Отменить оценку"
REVIEW_EARLY: Final = "⏩ Повторить заранее"
START_REVIEW: Final = "▶️ Начать повторение"
REVIEW_NOW: Final = "▶️ Повторить сейчас ({count})"

WELCOME: Final = (
    "Привет, {name}! Я помогаю готовиться к собеседованиям по Data Science.\n\n"
    "Как это работает:\n"
    "1. /quiz присылает вопрос — подумайте над ответом или напишите его сообщением.\n"
    "2. Нажмите «Показать ответ» и сравните со своим.\n"
    "3. Честно оцените, насколько хорошо знали ответ. "
    "Что знаете плохо — вернётся скоро, что хорошо — через дни и недели.\n\n"
    "В банке {count}. Начнём? Жмите /quiz.\n"
    "Все команды — /help."
)

HELP: Final = (
    "<b>Команды</b>\n"
    "/quiz — следующий вопрос: сначала те, что пора повторить, потом новые\n"
    "/topics — выбрать темы и уровень вопросов\n"
    "/limit — сколько новых вопросов в день (по умолчанию 10)\n"
    "/suspended — скрытые вопросы: вернуть их в повторение\n"
    "/stats — ваш прогресс\n"
    "/daily — вопрос дня в удобное время\n"
    "/timezone — ваш часовой пояс для вопроса дня\n"
    "/find слово — найти вопросы по слову\n"
    "/reset — стереть прогресс и начать заново\n"
    "/help — эта справка\n\n"
    "Оценки: «Не знал» и «С трудом» — вопрос вернётся скоро; "
    "«Знал» и «Легко» — через несколько дней, а потом всё реже. "
    "На кнопке оценки видно, когда вопрос вернётся. "
    "Поторопились с оценкой — «Отменить оценку», пока не оценили следующий вопрос. "
    "«Пропустить» отложит вопрос на потом, «Больше не показывать» уберёт его совсем "
    "(вернуть — /suspended).\n\n"
    "Свой ответ можно написать сообщением ещё до того, как откроете правильный, — "
    "я покажу их рядом.\n\n"
    "Когда на сегодня всё повторено, а новые вопросы закончились или дневной лимит исчерпан, "
    "можно повторить заранее — такие повторения учитываются отдельно."
)

COMMANDS: Final[dict[str, str]] = {
    "quiz": "Следующий вопрос",
    "topics": "Темы и уровень",
    "limit": "Новых вопросов в день",
    "suspended": "Скрытые вопросы",
    "stats": "Мой прогресс",
    "daily": "Вопрос дня",
    "timezone": "Часовой пояс",
    "find": "Найти вопрос",
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
    "Часовой пояс не тот? Напишите свой город или сдвиг от UTC: /timezone Самара, /timezone +4.\n"
    "Отписаться: /daily off"
)
DAILY_ALREADY_ON: Final = (
    "Вы уже подписаны: вопрос дня приходит каждый день в <b>{time}</b> ({zone}).\n"
    "Следующий — {next}.\n\n"
    "Изменить время: /daily 09:30\n"
    "Отписаться: /daily off"
)
DAILY_ALREADY_ON_SHORT: Final = "Вы уже подписаны: вопрос дня в {time}"
START_DAILY_ON: Final = (
    "🗓 Вопрос дня приходит вам в {time} ({zone}). "
    "Изменить время — /daily 09:30, отписаться — /daily off."
)
DAILY_REVIEWS_WAITING: Final = "Сегодня ждут повторения: {count}."
DAILY_NOTHING_TO_ASK: Final = (
    "Сегодня спросить нечего: всё, что пора было повторить, повторено, а новые вопросы "
    "в выбранных темах закончились."
)
DAILY_NOTHING_EARLY: Final = "• повторить заранее — кнопка ниже"
DAILY_NOTHING_TOPICS: Final = "• выбрать другие темы — /topics"
DAILY_NO_QUESTIONS: Final = (
    "Под выбранные темы и уровень нет ни одного вопроса, поэтому вопрос дня не пришёл. "
    "Измените выбор в /topics."
)
DAILY_UNSUBSCRIBED: Final = "Вопрос дня выключен. Включить снова: /daily 09:30"
DAILY_ALREADY_OFF: Final = "Вопрос дня и так выключен. Включить: /daily 09:30"
DAILY_BAD_TIME: Final = (
    "Не понял время «{value}». Укажите часы и минуты от 00:00 до 23:59, например: /daily 09:30\n"
    "Отписаться: /daily off"
)
TIMEZONE_STATUS: Final = (
    "Ваш часовой пояс: <b>{zone}</b> (сейчас там {local}).\n\n"
    "Сменить — напишите свой город или сдвиг от всемирного времени UTC в часах: "
    "/timezone Новосибирск, /timezone +7"
)
TIMEZONE_SET: Final = "Часовой пояс: <b>{zone}</b> (сейчас там {local})."
TIMEZONE_SET_DAILY: Final = "Вопрос дня теперь придёт в {time} по этому времени — {next}."
TIMEZONE_BAD: Final = (
    "Не знаю часового пояса «{value}». Напишите свой город (/timezone Екатеринбург) "
    "или сдвиг от всемирного времени UTC в часах (/timezone +5; у Москвы это +3). "
    "Можно и относительно Москвы (/timezone МСК+2) или полным названием пояса, "
    "например /timezone Asia/Yekaterinburg."
)

ASK_YOURSELF: Final = "Подумайте над ответом, потом откройте его."
HOW_WELL: Final = "Насколько хорошо вы знали ответ?"
RATED: Final = "Оценка: «{grade}». Вопрос вернётся через {interval} ({date})."
RATED_ON_DAY: Final = "Оценка: «{grade}». Вопрос вернётся {date} (через {interval})."
RATED_EARLY: Final = (
    "Оценка: «{grade}», повторение раньше срока. Вопрос вернётся через {interval} ({date})."
)
RATED_EARLY_ON_DAY: Final = (
    "Оценка: «{grade}», повторение раньше срока. Вопрос вернётся {date} (через {interval})."
)
ANSWER_CONTINUES: Final = "(продолжение ответа)"
YOUR_ANSWER: Final = "<b>Ваш ответ:</b>\n<i>{answer}</i>\n\n<b>Правильный ответ:</b>\n"
# True before the reveal (the revealed card shows it) and after it (the rated card does).
ANSWER_SAVED: Final = (
    "Записал как ваш ответ на вопрос «{question}». Он появится на карточке рядом "
    "с правильным ответом."
)

CARD_NEW: Final = "Новый вопрос"
CARD_REVIEW: Final = "Повторение"
CARD_EARLY: Final = "Повторение заранее"
CARD_LEFT: Final = "осталось {count}"
CARD_LAST: Final = "последний на сегодня"
CARD_NEW_TODAY: Final = "новых сегодня {count} из {limit}"

DONE_TITLE: Final = "<b>На сегодня всё.</b>"
DONE_TITLE_FOR_NOW: Final = "<b>Пока всё.</b>"
DONE_LIMIT: Final = (
    "Всё, что пора было повторить, повторено, и новых вопросов сегодня уже {count} из {limit} — "
    "это ваш дневной лимит."
)
DONE_NO_NEW_ALLOWED: Final = (
    "Всё, что пора было повторить, повторено. Новые вопросы выключены: лимит — 0 в день."
)
DONE_NO_NEW: Final = (
    "Всё, что пора было повторить, повторено, а новых вопросов в выбранных темах не осталось."
)
DONE_NO_NEW_IN_BANK: Final = (
    "Всё, что пора было повторить, повторено, а новых вопросов в банке не осталось — вы видели все."
)
DONE_NEXT: Final = "Следующее повторение — {date} (через {interval})."
DONE_NEXT_DAY: Final = "Следующее повторение — {date}."
DONE_WHAT_ELSE: Final = "Что ещё можно сделать:"
DONE_EARLY: Final = (
    "• повторить заранее — кнопка ниже; повторение раньше срока так и запишется, "
    "и следующий срок учтёт, что прошло меньше времени"
)
DONE_MORE_NEW: Final = "• брать больше новых вопросов в день — /limit 15"
DONE_TOPICS: Final = "• выбрать другие темы — /topics"
DONE_STATS: Final = "• посмотреть прогресс — /stats"

SKIPPED: Final = "Пропущено: вопрос вернётся позже."
SUSPENDED_DONE: Final = "Этот вопрос больше не будет попадаться. Вернуть его — /suspended."
SUSPENDED_TOAST: Final = "Больше не покажу"
SUSPENDED_TITLE: Final = (
    "<b>Скрытые вопросы</b> — они не попадаются в /quiz. Нажмите, чтобы вернуть:"
)
SUSPENDED_NONE: Final = (
    "Скрытых вопросов нет. Скрыть вопрос можно кнопкой «Больше не показывать» под карточкой."
)
RESTORE_ALL: Final = "Вернуть все"
RESTORED: Final = "Вопрос снова в повторении."
RESTORED_ALL: Final = "Все скрытые вопросы снова в повторении."
RESTORED_NONE: Final = "Этот вопрос уже вернулся в повторение."
UNDONE: Final = "Оценка отменена — оцените заново."
UNDO_TOO_LATE: Final = "Эту оценку уже не изменить: после неё вы оценили другой вопрос."
UNDO_NO_STATE: Final = "Эту оценку отменить нельзя: она поставлена в прежней версии бота."
UNDO_NOT_RATED: Final = "Этот вопрос ещё не оценён."

LIMIT_STATUS: Final = (
    "Новых вопросов в день: <b>{limit}</b>. Повторения не ограничены и всегда идут первыми.\n\n"
    "Изменить: /limit 15 (от 0 до {max})"
)
LIMIT_SET: Final = "Готово. Новых вопросов в день: <b>{limit}</b>."
LIMIT_BAD: Final = "Не понял «{value}». Укажите число от 0 до {max}, например: /limit 15"

NO_QUESTIONS_FOR_FILTER: Final = (
    "Под выбранные темы и уровень нет ни одного вопроса. Измените выбор в /topics."
)
CARD_NOT_YOURS: Final = "Это чужая карточка."
CARD_UNKNOWN: Final = "Эта карточка устарела. Новый вопрос — /quiz."
CARD_REMOVED: Final = "Этого вопроса больше нет в банке. Новый вопрос — /quiz."
ALREADY_RATED: Final = "Оценка уже сохранена: «{grade}»."
SAVED: Final = "Сохранено: «{grade}»"
SAVING: Final = "Сохраняю…"
RATING_NOT_SAVED: Final = (
    "Оценка не сохранилась: база данных была занята. Нажмите оценку ещё раз — "
    "дважды она не запишется."
)
NEXT_ALREADY_SENT: Final = "Следующий вопрос уже отправлен — он ниже."
BAD_BUTTON: Final = "Эта кнопка больше не работает. Новый вопрос — /quiz."

TOPICS_HEADER: Final = (
    "<b>Темы и уровень</b>\n"
    "Отметьте, что хотите тренировать. Ничего не отмечено — значит всё. "
    "В скобках — сколько вопросов этого уровня в выбранных темах.\n\n"
    "Под фильтр подходит вопросов: <b>{count}</b> из {total}."
)
TOPICS_EMPTY: Final = (
    "⚠️ Под такой выбор не подходит ни один вопрос: снимите уровень или отметьте другие темы."
)
TOPICS_LEVEL: Final = "{mark} {label} ({count})"
TOPICS_ALL: Final = "Сбросить: все темы и уровни"
TOPICS_DONE: Final = "Готово — к вопросам"
TOPICS_SAVED: Final = "Сохранено. Вопросов под фильтр: {count}."
TOPICS_EMPTY_ALERT: Final = "Под этот выбор не подходит ни один вопрос. Измените его."

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
STATS_RETENTION: Final = (
    "Вспомнили при повторении в срок: <b>{share}%</b> ({known} из {total} за 30 дней)"
)
STATS_RETENTION_NONE: Final = (
    "Доля вспомненных при повторении в срок появится после первых повторений"
)
STATS_FORECAST: Final = "Повторения на 14 дней вперёд: {days}"
STATS_FORECAST_DAY: Final = "{day} — {count}"
STATS_FORECAST_NONE: Final = "Повторения на 14 дней вперёд: не запланированы"
TODAY: Final = "сегодня"
TOMORROW: Final = "завтра"
STATS_STREAK: Final = "Серия: {days} подряд"
STATS_STREAK_TODAY: Final = ", сегодня уже занимались"
STATS_STREAK_NONE: Final = "Серия: начнётся с сегодняшнего /quiz"
STATS_TOPICS: Final = "<b>По темам</b> (сначала слабые):"
STATS_TOPIC_ROW: Final = "{bar} {label} — {share}% ({known}/{seen}, в банке {total})"
STATS_TOPIC_UNSEEN: Final = "▱▱▱▱▱▱▱▱▱▱ {label} — ещё не начато (в банке {total})"
STATS_DAILY_ON: Final = "🗓 Вопрос дня: каждый день в {time} ({zone}). Изменить — /daily"
STATS_DAILY_OFF: Final = "🗓 Вопрос дня выключен. Включить — /daily 09:30"
STATS_CHART: Final = "📈 График"
STATS_HARDEST: Final = "🧩 Трудные вопросы"
CHART_CAPTION: Final = "Практика по дням и освоение тем"
CHART_TITLE: Final = "Практика по дням"
CHART_TOPICS_TITLE: Final = "Освоение тем, % «Знал»/«Легко»"
CHART_LESS: Final = "меньше"
CHART_MORE: Final = "больше"
HARDEST_TITLE: Final = "🧩 <b>Трудные вопросы</b> — чаще всего «Не знал». Нажмите, чтобы повторить:"
HARDEST_EMPTY: Final = "Трудных вопросов пока нет: вы ни разу не нажали «Не знал». Так держать!"
HARDEST_ROW: Final = "{n}. {question} — «Не знал» ×{misses}"
RESET_ASK: Final = (
    "Стереть весь прогресс? Все оценки, статистика и расписание повторений будут удалены "
    "безвозвратно. Настройки (темы, лимит новых вопросов, вопрос дня, скрытые вопросы) останутся."
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
    "Вопрос дня за сутки — {pushes}\n"
    "{sender}"
)
# In the order /admin lists them.
PUSH_STATUSES: Final = {
    "sent": "доставлено",
    "queued": "в очереди",
    "sending": "отправляется",
    "blocked": "бот заблокирован",
    "failed": "не удалось",
    "expired": "не успели отправить",
    "skipped": "нечего спросить",
    "cancelled": "отменено",
    "unknown": "неизвестно, дошло ли",
}
SENDER_NEVER: Final = "Рассылка ещё не запускалась."
SENDER_RUNNING: Final = "Рассылка работает, темп {rate} сообщ./с."
SENDER_PAUSED: Final = (
    "Рассылка на паузе: Telegram попросил подождать. Темп после паузы {rate} сообщ./с."
)
SENDER_FAILING: Final = "⚠️ Рассылка со сбоем: {detail}. Повторяет попытки."
SENDER_SILENT: Final = "⚠️ Рассылка не отвечает: последний сигнал {ago} назад."
SENDER_BACKLOG: Final = " Ждут отправки: {count}, самое раннее время — {lag} назад."
SENDER_NO_BACKLOG: Final = " Очередь пуста."

FALLBACK: Final = "Я понимаю команды. Чтобы получить вопрос, нажмите /quiz, все команды — /help."
UNKNOWN_COMMAND: Final = "Такой команды нет. Список команд — /help."
PRIVATE_ONLY: Final = (
    "Я работаю только в личных сообщениях — напишите мне напрямую, чтобы тренироваться."
)
ERROR: Final = "Что-то пошло не так. Попробуйте ещё раз чуть позже."

REPORT_BUTTON: Final = "⚠️ Ошибка в ответе"
REPORT_ASK: Final = (
    "Что не так в ответе на вопрос «{question}»? Опишите одним сообщением — "
    "я передам администраторам."
)
REPORT_THANKS: Final = "Спасибо! Передал администраторам, они проверят ответ."
REPORT_TOO_MANY: Final = (
    "Сегодня вы уже отправили {count} сообщений об ошибках — это предел на сутки. "
    "Спасибо за внимательность, продолжим завтра."
)
REPORT_TO_ADMINS: Final = (
    "⚠️ <b>Сообщение об ошибке #{report_id}</b>\n"
    "Вопрос: {question} (<code>{question_id}</code>)\n"
    "От пользователя {user_id}:\n{text}\n\n"
    "Все открытые — /admin"
)
REPORTS_TITLE: Final = "<b>Открытые сообщения об ошибках</b>"
REPORTS_NONE: Final = "Открытых сообщений об ошибках нет."
REPORT_ROW: Final = "#{report_id} · «{question}» (<code>{question_id}</code>):\n{text}"
REPORT_ROW_GONE: Final = "#{report_id} · <code>{question_id}</code> (нет в банке):\n{text}"
REPORT_RESOLVE: Final = "✅ Исправлено #{report_id}"
REPORT_RESOLVED: Final = "Отмечено как исправленное."
REPORT_ALREADY_RESOLVED: Final = "Это сообщение уже закрыто."

IMPORT_PREVIEW: Final = (
    "<b>Импорт</b> ({format}): новых вопросов — {new}, уже в банке — {present}, "
    "пропущено — {skipped}."
)
IMPORT_NEW_ROW: Final = "• {question}"
IMPORT_SKIPPED_ROW: Final = "• пропущено ({reason}): {question}"
IMPORT_MORE: Final = "… и ещё {count}"
IMPORT_NOTHING: Final = "Добавлять нечего."
IMPORT_ADD: Final = "✅ Добавить"
IMPORT_CANCEL: Final = "Отмена"
IMPORT_ADDED: Final = "Добавлено вопросов: {count}. Они уже доступны всем пользователям."
IMPORT_CANCELLED: Final = "Импорт отменён, банк не изменился."
IMPORT_GONE: Final = "Этот импорт уже добавлен или отменён."
IMPORT_REFUSED: Final = "Не получилось прочитать файл: {reason}"
IMPORT_TOO_BIG: Final = "Файл слишком большой: до {limit} МБ."

FIND_USAGE: Final = (
    "Напишите, что искать: /find градиентный спуск. Ищу в вопросах и ответах, форма слова не важна."
)
FIND_NONE: Final = "По запросу «{query}» ничего не нашлось. Попробуйте другое слово."
FIND_RESULTS: Final = "Нашлось по запросу «{query}»: {count}. Нажмите, чтобы открыть карточку:"
FIND_RESULTS_FIRST: Final = (
    "Нашлось по запросу «{query}»: {count}. Вот первые {shown} — уточните запрос, "
    "чтобы найти остальные. Нажмите, чтобы открыть карточку:"
)
FIND_TOO_SHORT: Final = (
    "«{query}» — слишком короткие слова для поиска: нужно хотя бы одно слово из двух букв "
    "и длиннее, например /find градиентный спуск."
)
TOO_OFTEN: Final = "Слишком часто — подождите немного, лишние сообщения я пропускаю."
BUSY: Final = "Сейчас не получилось сохранить: база данных занята. Повторите через минуту."

# Start-up failures, for the operator (printed to stderr, exit code 2).
STARTUP_SETTINGS: Final = "Настройки неверны (см. .env.example):"
STARTUP_BANK: Final = "Банк вопросов не прошёл проверку:"
STARTUP_UNAUTHORIZED: Final = "Telegram не принял BOT_TOKEN (401 Unauthorized): проверьте токен."
STARTUP_DATABASE: Final = (
    "База данных {path} недоступна: {reason}. Бот не запущен. Проверьте DB_PATH "
    "(.env или переменная окружения): это путь к файлу SQLite в папке, куда боту можно писать."
)
STARTUP_DATABASE_REASONS: Final = {
    "IS_DIRECTORY": "по этому пути папка, а нужен файл — укажите имя файла, например data/bot.db",
    "NOT_A_DATABASE": (
        "файл не является базой SQLite (повреждён или это другой файл) — восстановите его "
        "из резервной копии или переименуйте, и бот создаст новую пустую базу"
    ),
    "READ_ONLY": "нет права записи в файл или его папку",
    "CANNOT_OPEN": "файл не открывается и не создаётся (нет папки или нет права записи в неё)",
    "LOCKED": "её держит другой процесс — остановите его или подождите",
}
