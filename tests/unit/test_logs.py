"""No log line can carry the bot token, whichever logger or handler writes it."""

import io
import logging
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from aiogram.exceptions import TelegramNetworkError
from pydantic import SecretStr

from bot.config import Settings
from bot.logs import setup_logging
from bot.serve import make_bot

TOKEN = "123456789:AAE-secret-token-part_0123456789"
SECRET = TOKEN.split(":")[1]


@pytest.fixture
def output() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved = (root.handlers[:], root.level, logging.getLogRecordFactory())
    stream = io.StringIO()
    setup_logging("DEBUG", secrets=[TOKEN], stream=stream)
    yield stream
    root.handlers[:], root.level = saved[0], saved[1]
    logging.setLogRecordFactory(saved[2])


def test_message_arguments_and_tracebacks_are_redacted(output: io.StringIO) -> None:
    log = logging.getLogger("bot.test")
    log.info("url %s", f"http://h/bot{TOKEN}/getMe")
    log.debug("encoded %s", quote(TOKEN, safe=""))
    try:
        raise RuntimeError(f"failed: /bot{TOKEN}/sendMessage")
    except RuntimeError:
        log.exception("call failed")
    log.warning("stack", stack_info=True, extra={"t": TOKEN})

    text = output.getvalue()
    assert "call failed" in text and "RuntimeError" in text and "***" in text
    assert SECRET not in text


def test_a_handler_added_later_never_sees_the_token(output: io.StringIO) -> None:
    late = io.StringIO()
    handler = logging.StreamHandler(late)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logging.getLogger("aiogram").addHandler(handler)
    try:
        logging.getLogger("aiogram.event").error("token %s", TOKEN)
    finally:
        logging.getLogger("aiogram").removeHandler(handler)

    assert late.getvalue() == "token ***\n"


async def test_bad_api_url_errors_and_retries_log_no_token(output: io.StringIO) -> None:
    # A URL that start-up now refuses, forced past the settings to drive the old error path.
    settings = Settings.model_construct(
        bot_token=SecretStr(TOKEN),
        telegram_api_url="127.0.0.1:8081",
    )
    bot = make_bot(settings)
    try:
        with pytest.raises(TelegramNetworkError) as error:
            await bot.get_me()
        logging.getLogger("bot").warning("unreachable: %s", error.value, exc_info=error.value)
    finally:
        await bot.session.close()

    assert SECRET in str(error.value)  # the error itself carries the token…
    text = output.getvalue()
    assert "retrying" in text and "GetMe" in text  # …and is logged on every retry
    assert SECRET not in text
