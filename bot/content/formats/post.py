"""What every format reader produces, and the text clean-up they share."""

import re
from dataclasses import dataclass, field

from bot.quiz.noise import hashtags, is_hashtag_line, is_reaction_line

_AD_MARKERS = re.compile(
    r"https?://|t\.me/|\bреклам|\bвебинар|\bскидк|\bрозыгрыш|\bподпис(?:ывайтесь|аться)"
    r"|\bрегистрац|\bкурс[аеуы]?\b|\bакци[яи]\b",
    re.IGNORECASE,
)
_AD_IN_BODY = re.compile(r"реклам|\berid\b|подписывайтесь|регистрируйтесь", re.IGNORECASE)
_QUESTION_OPENERS = re.compile(
    r"^(?:что|как|каки[ем]|какой|какая|каков|в\s+ч[её]м|чем|зачем|почему|когда|где|сколько"
    r"|назовите|объясните|опишите|перечислите|расскажите|дайте|сравните|приведите|можете"
    r"|пробовали|подходы|различные|этапы|отличи[ея]|разница)\b",
    re.IGNORECASE,
)


@dataclass
class RawPost:
    """One post as read from a source: a question with its answer, or why it was skipped."""

    question: str
    answer: str
    tags: list[str] = field(default_factory=list)
    skip_reason: str | None = None


def clean_block(lines: list[str]) -> str:
    """Join lines into text: trailing spaces dropped, at most one blank line in a row."""
    text = "\n".join(line.rstrip() for line in lines).strip("\n")
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def split_tags(lines: list[str]) -> tuple[list[str], list[str]]:
    """Separate hashtag lines (returned as tags) from content lines."""
    tags: list[str] = []
    content: list[str] = []
    for line in lines:
        if is_hashtag_line(line):
            tags.extend(t for t in hashtags(line) if t not in tags)
        elif not is_reaction_line(line):
            content.append(line)
    return tags, content


def looks_like_question(text: str) -> bool:
    """A post's first line is a question, an imperative, or a short title, not an ad."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    if not first or _AD_MARKERS.search(first):
        return False
    return first.endswith("?") or bool(_QUESTION_OPENERS.match(first)) or len(first) <= 120


def make_post(question: str, answer: str, tags: list[str]) -> RawPost:
    """Build a post, marking what is not a usable question with the reason."""
    question = " ".join(question.split())
    post = RawPost(question=question, answer=answer.strip(), tags=tags)
    if not question:
        post.skip_reason = "пустой пост"
    elif (
        not looks_like_question(question)
        or _AD_IN_BODY.search(answer)
        or any(t.casefold() == "реклама" for t in tags)
    ):
        post.skip_reason = "не вопрос (объявление или реклама)"
    elif not post.answer:
        post.skip_reason = "нет ответа"
    return post
