"""The channel's web-preview text dump (t.me/s/...): a header, then posts.

A post is a question line, a blank line, the answer, hashtag lines and a reaction line
(absent when nobody reacted). A bare question with no answer is followed directly by the
next post's question.
"""

from bot.content.formats.post import RawPost, clean_block, make_post, split_tags
from bot.quiz.noise import is_hashtag_line, is_header_line, is_reaction_line


def _drop_header(lines: list[str]) -> list[str]:
    for index, line in enumerate(lines[:40]):
        if line.strip() == "Download Telegram":
            return lines[index + 1 :]
    start = 0
    while start < len(lines) and (not lines[start].strip() or is_header_line(lines[start])):
        start += 1
    return lines[start:]


def _split_posts(lines: list[str]) -> list[list[str]]:
    """Posts end at a reaction line, or where a run of hashtag lines gives way to text."""
    posts: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if is_reaction_line(line):
            posts.append(current)
            current = []
            continue
        ends_tag_run = current and is_hashtag_line(current[-1])
        if ends_tag_run and line.strip() and not is_hashtag_line(line):
            posts.append(current)
            current = []
        current.append(line)
    posts.append(current)
    return [p for p in posts if any(line.strip() for line in p)]


def _read_post(lines: list[str]) -> list[RawPost]:
    tags, content = split_tags(lines)
    while content and not content[0].strip():
        content.pop(0)
    first_paragraph: list[str] = []
    while content and content[0].strip():
        first_paragraph.append(content.pop(0).strip())
    body = clean_block(content)
    if not body:
        # No answer at all: every line is its own bare question.
        return [make_post(line, "", tags) for line in first_paragraph]
    # Lines before the last one that are complete questions are bare posts of their own.
    bare: list[RawPost] = []
    while len(first_paragraph) > 1 and first_paragraph[0].endswith("?"):
        bare.append(make_post(first_paragraph.pop(0), "", []))
    return [*bare, make_post(" ".join(first_paragraph), body, tags)]


def read(text: str) -> list[RawPost]:
    lines = _drop_header(text.splitlines())
    return [post for block in _split_posts(lines) for post in _read_post(block)]
