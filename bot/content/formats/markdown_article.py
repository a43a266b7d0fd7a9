"""A Markdown article of numbered questions: ``### N. question`` then ``Ответ: ...``."""

import re

from bot.content.formats.post import RawPost, clean_block, make_post
from bot.quiz.noise import strip_answer_prefix

HEADING = re.compile(r"^#{2,4}\s*\d+\s*[.)]\s*(?P<question>.+?)\s*$")


def read(text: str) -> list[RawPost]:
    posts: list[RawPost] = []
    question: str | None = None
    body: list[str] = []

    def flush() -> None:
        if question is not None:
            posts.append(make_post(question, strip_answer_prefix(clean_block(body)), []))

    for line in text.splitlines():
        match = HEADING.match(line)
        if match:
            flush()
            question, body = match["question"], []
        elif question is not None:
            body.append(line)
    flush()
    return posts
