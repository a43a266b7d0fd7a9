"""The one place where topics and levels are defined.

Topic ids are stable keys stored in the bank and in user settings; labels are what users see.
"""

from typing import Final

TOPICS: Final[dict[str, str]] = {
    "deep_learning": "Глубокое обучение",
    "nlp": "NLP",
    "cv": "Компьютерное зрение",
    "classic_ml": "Классический ML",
    "mlops": "MLOps",
    "stats": "Статистика и вероятность",
    "ab_testing": "A/B-тесты и эксперименты",
    "sql": "SQL и работа с данными",
    "python": "Python для анализа данных",
    "llm": "LLM",
}

LEVELS: Final[dict[str, str]] = {
    "junior": "Junior",
    "middle": "Middle",
    "senior": "Senior",
}

# The channel's own hashtags and the topic or level each one stands for.
TAG_TOPICS: Final[dict[str, str]] = {
    "глубокое_обучение": "deep_learning",
    "deeplearning": "deep_learning",
    "nlp": "nlp",
    "компьютерное_зрение": "cv",
    "cv": "cv",
    "машинное_обучение": "classic_ml",
    "ml": "classic_ml",
    "mlops": "mlops",
    "статистика": "stats",
    "аналитика": "stats",
    "sql": "sql",
    "python": "python",
    "llm": "llm",
}
