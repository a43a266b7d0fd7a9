"""The copy-paste dump: per post a question line, the answer, hashtags, the answer again
(sometimes shorter), hashtags again and a reaction line. No blank lines survive the copy.
"""

from bot.content.formats.post import RawPost, clean_block, make_post
from bot.quiz.noise import hashtags, is_hashtag_line, is_reaction_line


def _split_posts(lines: list[str]) -> list[list[str]]:
    """Posts end at a reaction line, or after their second run of hashtag lines."""
    posts: list[list[str]] = []
    current: list[str] = []
    tag_runs = 0
    for line in lines:
        if not line.strip():
            continue
        if is_reaction_line(line):
            posts.append(current)
            current, tag_runs = [], 0
            continue
        if is_hashtag_line(line):
            if not current or not is_hashtag_line(current[-1]):
                tag_runs += 1
        elif tag_runs >= 2 and is_hashtag_line(current[-1]):
            posts.append(current)
            current, tag_runs = [], 0
        current.append(line)
    posts.append(current)
    return [p for p in posts if p]


def _copies(body: list[str]) -> list[list[str]]:
    """The copies of the answer: split at hashtag runs, or where the first line repeats."""
    segments: list[list[str]] = [[]]
    for line in body:
        if is_hashtag_line(line):
            if segments[-1]:
                segments.append([])
        else:
            segments[-1].append(line)
    segments = [s for s in segments if s]
    if len(segments) == 1 and segments[0]:
        only = segments[0]
        for index in range(1, len(only)):
            if only[index].strip() == only[0].strip():
                return [only[:index], only[index:]]
    return segments


def _read_post(lines: list[str]) -> RawPost:
    question, body = lines[0].strip(), lines[1:]
    tags: list[str] = []
    for line in body:
        if is_hashtag_line(line):
            tags.extend(t for t in hashtags(line) if t not in tags)
    copies = [clean_block(c) for c in _copies(body)]
    answer = max(copies, key=len, default="")
    return make_post(question, answer, tags)


def read(text: str) -> list[RawPost]:
    return [_read_post(block) for block in _split_posts(text.splitlines())]
