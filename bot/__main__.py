"""``python -m bot`` runs the bot; ``migrate``, ``migrate-data`` and ``webhook`` are the
operator's commands. Every start-up failure ends in one clear paragraph and exit code 2."""

import argparse
import asyncio
import logging
import sys
from collections.abc import Coroutine
from typing import Any, TypeVar

from aiogram.exceptions import TelegramUnauthorizedError
from pydantic import ValidationError

from bot import ops
from bot.config import Settings
from bot.logs import setup_logging
from bot.quiz.bank import BankError
from bot.serve import StartupError, run
from bot.storage.db import DatabaseUnavailable
from bot.ui import texts

log = logging.getLogger("bot")
T = TypeVar("T")


def _run(work: Coroutine[Any, Any, T], event_loop: str) -> T:
    """Run ``work`` on uvloop where it is installed (not on Windows) and not turned off:
    4–5 % less CPU per update than asyncio's own loop on both engines (README, round six)."""
    if event_loop == "uvloop":
        try:
            import uvloop
        except ImportError:
            pass
        else:
            return uvloop.run(work)
    return asyncio.run(work)


def _settings_error(exc: ValidationError) -> str:
    lines = [texts.STARTUP_SETTINGS]
    for error in exc.errors():
        name = ".".join(str(p) for p in error["loc"]).upper() or "?"
        reason = "не задан" if error["type"] == "missing" else error["msg"]
        reason = reason.removeprefix("Value error, ")
        lines.append(f"  {name}: {reason}")
    return "\n".join(lines)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="run the bot (the default)")
    commands.add_parser("migrate", help="bring the database schema up to date")
    copy = commands.add_parser("migrate-data", help="copy an SQLite database into PostgreSQL")
    copy.add_argument("--from", dest="source", required=True, help="sqlite:///path/to/bot.db")
    copy.add_argument("--to", dest="target", required=True, help="postgresql://…")
    hook = commands.add_parser("webhook", help="register, show or delete the webhook")
    hook.add_argument("action", choices=["set", "info", "delete"])
    return parser.parse_args(argv)


def _perform(args: argparse.Namespace, settings: Settings) -> Coroutine[Any, Any, str | None]:
    if args.command == "migrate":
        return ops.migrate(settings)
    if args.command == "migrate-data":
        return ops.migrate_data(args.source, args.target)
    if args.command == "webhook":
        return ops.webhook(settings, args.action)

    async def serve() -> None:
        await run(settings)

    return serve()


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        print(_settings_error(exc), file=sys.stderr)
        return 2
    setup_logging(settings.log_level, secrets=[settings.bot_token.get_secret_value()])
    try:
        said = _run(_perform(args, settings), settings.event_loop)
    except BankError as exc:
        print(texts.STARTUP_BANK, file=sys.stderr)
        print("\n".join(f"  - {p}" for p in exc.problems), file=sys.stderr)
        return 2
    except DatabaseUnavailable as exc:
        log.debug("database unavailable: %s", exc.detail)
        reason = texts.STARTUP_DATABASE_REASONS[exc.reason.name]
        print(texts.STARTUP_DATABASE.format(path=exc.path, reason=reason), file=sys.stderr)
        return 2
    except TelegramUnauthorizedError:
        print(texts.STARTUP_UNAUTHORIZED, file=sys.stderr)
        return 2
    except StartupError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if said:
        print(said)
    return 0


if __name__ == "__main__":
    sys.exit(main())
