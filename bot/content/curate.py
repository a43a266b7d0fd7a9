"""Turning a raw post into a bank entry: id, topics and level from tags and wording."""

import re
from collections.abc import Collection
from typing import Any, Final

from bot.content.formats.post import RawPost
from bot.quiz.bank import MAX_ID_LENGTH
from bot.quiz.taxonomy import LEVELS, TAG_TOPICS

# First matching rules win only if tags gave no topic; each rule adds its topic.
_KEYWORD_TOPICS: Final[list[tuple[str, re.Pattern[str]]]] = [
    ("mlops", re.compile(r"mlops|ci/cd|контейнер|развернут|деплой|мониторинг", re.I)),
    (
        "nlp",
        re.compile(
            r"nlp|трансформер|attention|эмбеддинг|seq2seq|llm|gpt|bert|\bтекст|токен|"
            r"от последовательности к последовательности",
            re.I,
        ),
    ),
    ("cv", re.compile(r"изображен|сегментац|сверточн|свёрточн|cnn|компьютерн\w* зрени", re.I)),
    (
        "stats",
        re.compile(r"выброс|a/b|аналитическ|статистик|гипотез|марковск|распределени", re.I),
    ),
    (
        "classic_ml",
        re.compile(
            r"дерев\w* решени|бустинг|бэггинг|ранжирован|lambdamart|dbscan|кластер|"
            r"косинусн|генеративн\w* и дискриминатив|l1 и l2|перекрестн|несбалансирован|"
            r"пропущенн|ансамбл|точность и полнота|roc",
            re.I,
        ),
    ),
    (
        "deep_learning",
        re.compile(
            r"нейрон|глубок|rnn|lstm|gan|dropout|пулинг|градиент|батч|пакетн|обратн\w* "
            r"распространени|softmax|активаци|автоэнкодер|квантизац|переобучени|"
            r"недообучени|скорост\w* обучения|импульс|инициализац|аугментац|гиперпараметр",
            re.I,
        ),
    ),
]

_TRANSLIT: Final = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
        "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
        "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts",
        "ч": "ch", "ш": "sh", "щ": "sch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
        "я": "ya",
    }
)  # fmt: skip
_STOPWORDS: Final = frozenset(
    """
    и в во на с со по к ко о об от до из за для при что как какие какой какая каковы каков
    какова чем чём ли же бы а но или это такое вы ваш вашей вкратце можете ее её его их между
    есть используется используются они она оно то так также объясните опишите дайте
    определение назовите некоторые концепцию концепция термины роль обычно
    """.split()
)


def topics_for(post: RawPost) -> list[str]:
    """Topics from the post's hashtags; failing that, from the wording of question, then answer."""
    topics: list[str] = []
    for tag in post.tags:
        topic = TAG_TOPICS.get(tag.casefold())
        if topic and topic not in topics:
            topics.append(topic)
    if topics:
        return topics
    text = post.question
    topics = [topic for topic, pattern in _KEYWORD_TOPICS if pattern.search(text)]
    if not topics:
        topics = [t for t, p in _KEYWORD_TOPICS if p.search(post.answer[:400])][:1]
    return topics or ["classic_ml"]


# A post that does not say its level is taken as middle, the grade most interview questions
# are asked at; an editor re-levels it in review (the bank requires a level on every question).
DEFAULT_LEVEL = "middle"


def levels_for(post: RawPost) -> list[str]:
    tagged = [level for level in LEVELS if any(t.casefold() == level for t in post.tags)]
    return tagged or [DEFAULT_LEVEL]


def slug_for(question: str, taken: Collection[str]) -> str:
    """A readable latin id from the question's first meaningful words, unique among ``taken``."""
    words = re.findall(r"[a-zа-яё0-9]+", question.casefold())
    meaningful = [w for w in words if w not in _STOPWORDS] or words or ["q"]
    slug = ""
    for word in meaningful:
        part = word.translate(_TRANSLIT)
        candidate = f"{slug}-{part}" if slug else part
        if len(candidate) > MAX_ID_LENGTH - 3:
            break
        slug = candidate
    slug = slug or meaningful[0].translate(_TRANSLIT)[: MAX_ID_LENGTH - 3]
    unique, counter = slug, 2
    while unique in taken:
        unique, counter = f"{slug}-{counter}", counter + 1
    return unique


def to_entry(post: RawPost, source: str, taken_ids: Collection[str]) -> dict[str, Any]:
    """The YAML entry for a new question, in the bank's key order."""
    return {
        "id": slug_for(post.question, taken_ids),
        "question": post.question,
        "answer": post.answer,
        "topics": topics_for(post),
        "level": levels_for(post),
        "tags": list(post.tags),
        "source": source,
    }
