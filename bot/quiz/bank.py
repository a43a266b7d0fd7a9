"""Loading and validating the question bank (``content/*.yaml``)."""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Protocol

import yaml

from bot.quiz.markup import markup_problems, to_plain
from bot.quiz.models import Question
from bot.quiz.noise import boilerplate_in
from bot.quiz.selection import allowed
from bot.quiz.similarity import near_duplicate_pairs
from bot.quiz.taxonomy import LEVELS, TOPICS
from bot.quiz.textsize import TELEGRAM_MESSAGE_LIMIT, utf16_length

# Room a rendered card needs besides question and answer: topic line, headers, rating footer.
CARD_OVERHEAD: Final = 300
# Filters whose questions a bank remembers (~2 KB each); users pick among a dozen topics and
# three levels, so a few dozen filters cover nearly everyone.
_REMEMBERED_FILTERS: Final = 256
MAX_ID_LENGTH: Final = 40
_ID_PATTERN: Final = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_REQUIRED_TEXT: Final = ("id", "question", "answer", "source")
_KNOWN_KEYS: Final = frozenset({*_REQUIRED_TEXT, "topics", "level", "tags"})


class BankError(Exception):
    """The bank cannot be used; ``problems`` lists every reason, one line each."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


def question_key(text: str) -> str:
    """Identity of a question's wording: case, ё/е, spacing and punctuation do not matter."""
    return re.sub(r"[\W_]+", "", text.casefold().replace("ё", "е"))


class BankView(Protocol):
    """What the services read of a bank: a fixed :class:`Bank` or the live one."""

    @property
    def questions(self) -> tuple[Question, ...]: ...

    @property
    def by_id(self) -> Mapping[str, Question]: ...

    def get(self, question_id: str) -> Question | None: ...

    def allowed_ids(self, topics: tuple[str, ...], levels: tuple[str, ...]) -> tuple[str, ...]:
        """Ids of the questions a topic and level filter lets through, in bank order."""
        ...

    def __len__(self) -> int: ...


@dataclass(frozen=True)
class Bank:
    """The validated, immutable question bank."""

    questions: tuple[Question, ...]
    by_id: Mapping[str, Question] = field(init=False)
    _allowed: dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[str, ...]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", {q.id: q for q in self.questions})
        object.__setattr__(self, "_allowed", {})

    def __len__(self) -> int:
        return len(self.questions)

    def get(self, question_id: str) -> Question | None:
        return self.by_id.get(question_id)

    def allowed_ids(self, topics: tuple[str, ...], levels: tuple[str, ...]) -> tuple[str, ...]:
        """Ids of the questions a topic and level filter lets through, in bank order.

        Every «next» asks this of the user's filter; the bank never changes, so the answer
        is remembered per filter (a refreshed bank is a new Bank, with nothing remembered).
        Asked on the event loop and, inside SQLite's «next», on its worker thread: a dict's
        get and set are atomic, and two threads answering one filter store the same tuple.
        """
        key = (topics, levels)
        ids = self._allowed.get(key)
        if ids is None:
            ids = tuple(q.id for q in self.questions if allowed(q, topics, levels))
            if len(self._allowed) < _REMEMBERED_FILTERS:
                self._allowed[key] = ids
        return ids


def bank_files(path: Path) -> list[Path]:
    """A bank path is one YAML file or a directory of them."""
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml"))
    return [path]


def read_entries(path: Path) -> list[dict[str, Any]]:
    """Raw entries of one bank file; a missing or empty file holds none."""
    if not path.exists():
        return []
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise BankError(
            [f"{path.name}: не текст в UTF-8 (двоичный файл или другая кодировка)"]
        ) from exc
    data = yaml.safe_load(text)
    if data is None:
        return []
    if not isinstance(data, list) or not all(isinstance(e, dict) for e in data):
        raise BankError([f"{path.name}: ожидается YAML-список вопросов"])
    return data


def _string_list(value: Any) -> list[str] | None:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return None


def _check_entry(where: str, entry: Mapping[str, Any]) -> tuple[Question | None, list[str]]:
    problems: list[str] = []
    for key in _REQUIRED_TEXT:
        value = entry.get(key)
        if not isinstance(value, str) or not value.strip():
            problems.append(f"{where}: поле «{key}» обязательно и должно быть непустой строкой")
    unknown = set(entry) - _KNOWN_KEYS
    if unknown:
        problems.append(f"{where}: неизвестные поля {sorted(unknown)}")
    topics = _string_list(entry.get("topics"))
    levels = _string_list(entry.get("level"))
    tags = _string_list(entry.get("tags"))
    if not topics:
        problems.append(f"{where}: нужна хотя бы одна тема из {sorted(TOPICS)}")
    elif bad := [t for t in topics if t not in TOPICS]:
        problems.append(f"{where}: неизвестные темы {bad}; допустимые: {sorted(TOPICS)}")
    if not levels or any(level not in LEVELS for level in levels):
        problems.append(f"{where}: «level» — непустой список из {sorted(LEVELS)}")
    if tags is None:
        problems.append(f"{where}: «tags» — список строк")
    if problems:
        return None, problems

    qid, question, answer = entry["id"], entry["question"].strip(), entry["answer"].strip()
    if len(qid) > MAX_ID_LENGTH or not _ID_PATTERN.match(qid):
        problems.append(
            f"{where}: id «{qid}» — латиница, цифры и дефисы, не длиннее {MAX_ID_LENGTH}"
        )
    for name, text in (("question", question), ("answer", answer)):
        if noise := boilerplate_in(text):
            problems.append(f"{where}: в поле «{name}» мусор канала: {noise}")
    for name, text in (("question", question), ("answer", answer)):
        problems.extend(f"{where}: разметка в «{name}»: {p}" for p in markup_problems(text))
    size = utf16_length(question) + utf16_length(to_plain(answer)) + CARD_OVERHEAD
    if size > TELEGRAM_MESSAGE_LIMIT:
        problems.append(
            f"{where}: карточка займёт ~{size} символов, больше {TELEGRAM_MESSAGE_LIMIT}"
            " (лимит одного сообщения Telegram)"
        )
    if problems:
        return None, problems
    assert topics is not None and levels is not None and tags is not None
    return (
        Question(
            id=qid,
            question=question,
            answer=answer,
            topics=tuple(topics),
            levels=tuple(levels),
            tags=tuple(tags),
            source=entry["source"],
        ),
        [],
    )


def validate(
    entries: Iterable[tuple[str, Mapping[str, Any]]], known: Iterable[Question] = ()
) -> tuple[list[Question], list[str]]:
    """Check ``(file name, entry)`` pairs; return the good questions and every problem.

    ``known`` questions (already validated) count for duplicate ids and wordings.
    """
    known = tuple(known)
    questions: list[Question] = []
    problems: list[str] = []
    seen_ids: dict[str, str] = {q.id: "банке" for q in known}
    seen_texts: dict[str, str] = {question_key(q.question): q.id for q in known}
    for index, (file_name, entry) in enumerate(entries):
        label = entry.get("id") if isinstance(entry.get("id"), str) else f"#{index + 1}"
        where = f"{file_name}: {label}"
        question, entry_problems = _check_entry(where, entry)
        problems.extend(entry_problems)
        if question is None:
            continue
        if question.id in seen_ids:
            problems.append(f"{where}: id повторяется (уже в {seen_ids[question.id]})")
            continue
        key = question_key(question.question)
        if key in seen_texts:
            problems.append(f"{where}: тот же вопрос уже есть как «{seen_texts[key]}»")
            continue
        seen_ids[question.id] = file_name
        seen_texts[key] = question.id
        questions.append(question)
    known_ids = {q.id for q in known}
    copies: set[str] = set()
    pool = [(q.id, q.question) for q in (*known, *questions)]
    for first, second in near_duplicate_pairs(pool):
        if second in known_ids:
            continue
        problems.append(
            f"{seen_ids[second]}: {second}: почти тот же вопрос, что {first}"
            " — объедините их или сделайте вопросы разными"
        )
        if first in known_ids:
            copies.add(second)  # a reworded copy of a question already in the bank
    return [q for q in questions if q.id not in copies], problems


def load_bank(path: Path) -> Bank:
    """Load and validate every bank file under ``path``; raise BankError listing all problems."""
    files = bank_files(path)
    if not files or not any(f.exists() for f in files):
        raise BankError([f"{path}: не найдено ни одного файла с вопросами (*.yaml)"])
    entries: list[tuple[str, Mapping[str, Any]]] = []
    problems: list[str] = []
    for file in files:
        try:
            file_entries = read_entries(file)
        except yaml.YAMLError as exc:
            problems.append(f"{file.name}: не разбирается как YAML: {exc}")
            continue
        except OSError as exc:
            problems.append(f"{file.name}: не читается: {exc.strerror or exc}")
            continue
        except BankError as exc:
            problems.extend(exc.problems)
            continue
        if file.exists() and not file_entries:
            problems.append(
                f"{file.name}: в файле нет ни одного вопроса — заполните его или удалите"
            )
        entries.extend((file.name, e) for e in file_entries)
    questions, entry_problems = validate(entries)
    problems.extend(entry_problems)
    if not questions and not problems:
        problems.append(f"{path}: банк пуст")
    if problems:
        raise BankError(problems)
    return Bank(tuple(questions))
