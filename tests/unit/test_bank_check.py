"""`python -m bot.content check` finds every kind of problem, and the shipped bank has none."""

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.content.__main__ import main
from bot.content.merge import import_sources
from bot.quiz.bank import BankError, load_bank, question_key
from tests.conftest import ROOT

SEEDS = ROOT.parent / "shared" / "seeds"


def _entry(**overrides: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": "chto-takoe-bias",
        "question": "Что такое смещение?",
        "answer": "Систематическая ошибка модели.",
        "topics": ["classic_ml"],
        "level": ["junior"],
        "tags": [],
        "source": "manual",
    }
    entry.update(overrides)
    return entry


def _write(path: Path, entries: list[dict[str, Any]]) -> Path:
    path.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("entries", "problem"),
    [
        ([_entry(), _entry(question="Другой вопрос?")], "id повторяется"),
        ([_entry(), _entry(id="other", question="что такое  СМЕЩЕНИЕ")], "тот же вопрос"),
        ([_entry(topics=["astrology"])], "неизвестные темы"),
        ([_entry(topics=[])], "хотя бы одна тема"),
        ([_entry(level=["guru"])], "level"),
        ([_entry(answer="Текст ответа\n👍4🥱3")], "строка реакций"),
        ([_entry(answer="Текст ответа\n#глубокое_обучение")], "строка хештегов"),
        ([_entry(answer="Ответ: текст")], "Ответ:"),
        ([_entry(question="### 5. Вопрос?")], "нумерация"),
        ([_entry(answer="а" * 4000)], "лимит одного сообщения"),
        ([_entry(answer="")], "«answer» обязательно"),
        ([_entry(id="Bad Id!")], "латиница"),
        ([_entry(extra="x")], "неизвестные поля"),
    ],
)
def test_check_lists_each_problem_and_fails(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    entries: list[dict[str, Any]],
    problem: str,
) -> None:
    bank = _write(tmp_path / "bank.yaml", entries)

    assert main(["check", str(bank)]) == 1
    assert problem in capsys.readouterr().err


def test_check_reports_broken_yaml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bank = tmp_path / "bank.yaml"
    bank.write_text("- id: [unclosed\n", encoding="utf-8")

    assert main(["check", str(bank)]) == 1
    assert "YAML" in capsys.readouterr().err


def test_check_accepts_a_clean_bank(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bank = _write(tmp_path / "bank.yaml", [_entry()])

    assert main(["check", str(bank)]) == 0
    assert "1 вопрос" in capsys.readouterr().out


def test_shipped_bank_passes_check() -> None:
    bank = load_bank(ROOT / "content")
    assert len(bank) >= 80


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds is not beside the repository")
def test_shipped_bank_holds_every_answered_seed_question_whole(tmp_path: Path) -> None:
    report = import_sources(sorted(SEEDS.glob("*.txt")), tmp_path / "fresh.yaml")
    fresh = load_bank(tmp_path / "fresh.yaml")
    shipped = {question_key(q.question): q for q in load_bank(ROOT / "content").questions}

    assert len(fresh) == 80
    assert {reason for _, reason in report.skipped} == {"нет ответа"}
    for question in fresh.questions:
        kept = shipped.get(question_key(question.question))
        assert kept is not None, question.question
        assert kept.answer == question.answer, question.question


def test_a_broken_bank_raises_with_every_problem(tmp_path: Path) -> None:
    _write(tmp_path / "a.yaml", [_entry(topics=["x"]), _entry(id="b", answer="👍4")])

    with pytest.raises(BankError) as error:
        load_bank(tmp_path)
    assert len(error.value.problems) == 2
