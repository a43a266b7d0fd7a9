"""Logging set-up: one format, and no secret in any log line, whatever logs it."""

import logging
import sys
import traceback
from collections.abc import Iterable
from typing import Any, TextIO
from urllib.parse import quote

_MASK = "***"


class Redactor:
    """Replaces every occurrence of the given secrets (and their URL-encoded forms)."""

    def __init__(self, secrets: Iterable[str]) -> None:
        forms: set[str] = set()
        for secret in secrets:
            if not secret:
                continue
            forms.update({secret, quote(secret, safe=""), quote(secret)})
            # The part after "123:" is what makes a bot token secret; it survives any encoding
            # of the colon.
            _, _, tail = secret.partition(":")
            if len(tail) >= 8:
                forms.add(tail)
        self._forms = sorted(forms, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for form in self._forms:
            if form in text:
                text = text.replace(form, _MASK)
        return text


class RedactingFilter(logging.Filter):
    """Rewrites a record before any handler formats it: message, arguments and traceback."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self._redact = redact

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_redacted", False):
            return True
        record.msg = self._redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if record.exc_text:
            record.exc_text = self._redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self._redact(record.stack_info)
        record._redacted = True
        return True


def setup_logging(level: str, secrets: Iterable[str], stream: TextIO | None = None) -> None:
    """Log to ``stream`` (stderr) at ``level``, with ``secrets`` masked in every line.

    The filter sits on the root's handler, and every record is redacted when it is made, so a
    handler added later (by a library, or by an operator's config) cannot print a secret either.
    """
    redacting = RedactingFilter(Redactor(secrets))
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(redacting)
    logging.basicConfig(level=level, handlers=[handler], force=True)
    # aiogram logs every handled update at INFO ("Update id=… is handled"): a line (and its
    # redaction) per update on the hot path. Kept for DEBUG only; its WARNING+ stay.
    chosen = logging.getLevelNamesMapping().get(level.upper(), logging.INFO)
    logging.getLogger("aiogram.event").setLevel(
        logging.NOTSET if chosen <= logging.DEBUG else max(chosen, logging.WARNING)
    )
    make_record = logging.getLogRecordFactory()

    def redacted_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        redacting.filter(record)
        return record

    logging.setLogRecordFactory(redacted_record)
