"""/admin and the admin's import preview as Telegram HTML."""

import html
from collections.abc import Mapping
from datetime import datetime

from bot.quiz.admin import PushHealth
from bot.quiz.importing import ImportPreview
from bot.quiz.models import Report
from bot.quiz.ports import Overview
from bot.ui import texts
from bot.ui.plural import interval
from bot.ui.render import quoted


def overview(data: Overview, health: PushHealth, now: datetime) -> str:
    order = list(texts.PUSH_STATUSES)
    pushes = ", ".join(
        f"{texts.PUSH_STATUSES.get(status, status)}: {count}"
        for status, count in sorted(
            data.pushes_24h.items(),
            key=lambda item: order.index(item[0]) if item[0] in order else len(order),
        )
    )
    return texts.ADMIN_OVERVIEW.format(
        users=data.users,
        subscribers=data.subscribers,
        ratings=data.ratings_24h,
        pushes=pushes or "ни одного",
        sender=sender(health, now),
    )


def _rate(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def sender(health: PushHealth, now: datetime) -> str:
    """One line on the daily push: alive or not, its pace, and how far behind it is."""
    beat = health.beat
    if beat is None:
        line = texts.SENDER_NEVER
    elif not health.alive and beat.state != "failing":
        line = texts.SENDER_SILENT.format(ago=interval(now - beat.at))
    elif beat.state == "failing":
        line = texts.SENDER_FAILING.format(detail=html.escape(beat.detail or "ошибка"))
    elif beat.state == "paused":
        line = texts.SENDER_PAUSED.format(rate=_rate(beat.rate))
    else:
        line = texts.SENDER_RUNNING.format(rate=_rate(beat.rate))
    if health.backlog.queued and health.lag is not None:
        return line + texts.SENDER_BACKLOG.format(
            count=health.backlog.queued, lag=interval(health.lag)
        )
    return line + texts.SENDER_NO_BACKLOG


def reports(open_reports: list[Report], questions: Mapping[str, str]) -> str:
    """Open error reports, each with the wording of its question (``questions``: id → text;
    a question gone from the bank shows its id alone)."""
    if not open_reports:
        return texts.REPORTS_NONE
    rows = [
        (
            texts.REPORT_ROW.format(question=quoted(questions[r.question_id]), **_report(r))
            if r.question_id in questions
            else texts.REPORT_ROW_GONE.format(**_report(r))
        )
        for r in open_reports
    ]
    return "\n".join([texts.REPORTS_TITLE, "", *rows])


def _report(r: Report) -> dict[str, object]:
    return {
        "report_id": r.report_id,
        "question_id": html.escape(r.question_id),
        "text": html.escape(r.text if len(r.text) <= 200 else r.text[:199] + "…"),
    }


def import_preview(preview: ImportPreview, shown: int = 5) -> str:
    lines = [
        texts.IMPORT_PREVIEW.format(
            format=html.escape(preview.format_name),
            new=len(preview.new),
            present=preview.already_present,
            skipped=len(preview.skipped),
        )
    ]
    if preview.new:
        lines.append("")
        lines += [
            texts.IMPORT_NEW_ROW.format(question=html.escape(_short(e["question"])))
            for e in preview.new[:shown]
        ]
        if len(preview.new) > shown:
            lines.append(texts.IMPORT_MORE.format(count=len(preview.new) - shown))
    if preview.skipped:
        lines.append("")
        lines += [
            texts.IMPORT_SKIPPED_ROW.format(
                reason=html.escape(reason), question=html.escape(_short(question) or "—")
            )
            for question, reason in preview.skipped[:shown]
        ]
    if not preview.new:
        lines += ["", texts.IMPORT_NOTHING]
    return "\n".join(lines)


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
