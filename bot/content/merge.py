"""Importing sources into a bank file: dedup against the bank, keep ids and hand edits."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.content.curate import to_entry
from bot.content.detect import FORMAT_NAMES, READERS, UnknownFormatError, detect_format
from bot.content.formats.post import RawPost
from bot.content.formats.telegram_export import ExportError
from bot.content.yaml_io import dump_entries, write_atomically
from bot.quiz.bank import bank_files, question_key, read_entries


class SourceError(ValueError):
    """A source cannot be imported; the message is one line for the person importing."""


@dataclass
class ImportReport:
    parsed: int = 0
    added: list[str] = field(default_factory=list)
    already_present: int = 0
    duplicates_in_input: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    formats: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"{name}: {FORMAT_NAMES[fmt]}" for name, fmt in self.formats]
        lines.append(
            f"разобрано: {self.parsed}, добавлено: {len(self.added)}, уже в банке: "
            f"{self.already_present}, повторов во входных файлах: {self.duplicates_in_input}, "
            f"пропущено: {len(self.skipped)}"
        )
        lines.extend(
            f"  пропущено ({reason}): {question[:80]}" for question, reason in self.skipped
        )
        return "\n".join(lines)


def read_source(path: Path) -> tuple[str, list[RawPost]]:
    """Detect the format of one source and parse it."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"{path}: не читается: {exc.strerror}") from exc
    return parse_source(str(path), raw)


def parse_source(name: str, raw: bytes) -> tuple[str, list[RawPost]]:
    """Detect the format of a source's bytes (a file, or a document sent to the bot)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(f"{name}: не текст в UTF-8 (двоичный файл?)") from exc
    try:
        fmt = detect_format(text)
        return fmt, READERS[fmt](text)
    except (UnknownFormatError, ExportError) as exc:
        raise SourceError(f"{name}: {exc}") from exc


def _richness(post: RawPost) -> tuple[int, int]:
    """Prefer the copy with more words, then the one with its paragraphs kept."""
    return len(question_key(post.answer)), post.answer.count("\n")


def import_sources(sources: list[Path], out: Path) -> ImportReport:
    """Merge every source into ``out``; nothing is written unless every source parses."""
    report = ImportReport()
    parsed: list[tuple[str, list[RawPost]]] = []
    for path in sources:
        fmt, posts = read_source(path)
        report.formats.append((path.name, fmt))
        parsed.append((path.name, posts))

    existing = read_entries(out)
    known_keys = {question_key(str(e.get("question", ""))) for e in existing}
    taken_ids = {str(e.get("id")) for e in existing}
    for sibling in bank_files(out.parent) if out.parent.is_dir() else []:
        if sibling.resolve() != out.resolve():
            for entry in read_entries(sibling):
                known_keys.add(question_key(str(entry.get("question", ""))))
                taken_ids.add(str(entry.get("id")))

    chosen: dict[str, tuple[str, RawPost]] = {}
    for source_name, posts in parsed:
        for post in posts:
            report.parsed += 1
            if post.skip_reason:
                report.skipped.append((post.question, post.skip_reason))
                continue
            key = question_key(post.question)
            if key in known_keys:
                report.already_present += 1
            elif key in chosen:
                report.duplicates_in_input += 1
                if _richness(post) > _richness(chosen[key][1]):
                    chosen[key] = (chosen[key][0], post)
            else:
                chosen[key] = (source_name, post)

    new_entries: list[dict[str, Any]] = []
    for source_name, post in chosen.values():
        entry = to_entry(post, source_name, taken_ids)
        taken_ids.add(entry["id"])
        new_entries.append(entry)
        report.added.append(entry["id"])
    if new_entries:
        write_atomically(out, dump_entries([*existing, *new_entries]))
    return report
