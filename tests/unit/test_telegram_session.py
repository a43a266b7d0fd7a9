"""The session pins exactly the response types aiogram builds when parsing answers, and
reads and writes the same JSON values as the standard library."""

import gc
import json
from datetime import timedelta

import pytest
from aiogram.methods import AnswerCallbackQuery, EditMessageText, Response, SendMessage

from bot.quiz.grades import Grade
from bot.telegram_session import PinnedResponseSession, json_dumps, json_loads
from bot.ui import keyboards


async def test_pinned_types_are_the_ones_aiogram_asks_for() -> None:
    session = PinnedResponseSession()
    gc.collect()

    for method in (SendMessage, EditMessageText, AnswerCallbackQuery):
        wanted = Response[method.__returning__]  # type: ignore[name-defined]
        assert any(pinned is wanted for pinned in session._response_types), method
    await session.close()


async def test_session_json_round_trips_what_the_bot_sends_and_reads() -> None:
    """orjson in place of the standard library: the same values both ways, Cyrillic, emoji
    and 64-bit ids included, and JSON any decoder reads."""
    session = PinnedResponseSession()
    markup = keyboards.grades(2**62, {g: timedelta(days=g.value) for g in Grade})
    sent = session.prepare_value(markup, bot=None, files={})  # type: ignore[arg-type]
    assert isinstance(sent, str)
    assert json.loads(sent) == markup.model_dump(exclude_none=True)
    assert "Не знал" in sent  # not \\u-escaped

    answer = {"ok": True, "result": {"message_id": 7, "date": 1, "text": "🧠 Ответ «да»",
              "chat": {"id": -1001234567890123, "type": "private"}}}  # fmt: skip
    raw = json.dumps(answer)
    assert session.json_loads(raw) == json.loads(raw)
    assert session.json_loads(json.dumps(answer, ensure_ascii=False).encode()) == answer
    await session.close()


@pytest.mark.parametrize("raw", ['{"text": "\\ud800 /daily"}', '{"x": NaN, "y": Infinity}'])
def test_json_orjson_refuses_is_read_as_the_standard_library_reads_it(raw: str) -> None:
    """A user's text may carry a lone surrogate escape; orjson refuses it, and an update
    failing to decode would fail its whole getUpdates batch, again and again."""
    assert repr(json_loads(raw)) == repr(json.loads(raw))


def test_a_lone_surrogate_is_sent_as_the_standard_library_writes_it() -> None:
    value = {"text": "\ud800 /daily"}
    assert json_dumps(value) == json.dumps(value)
