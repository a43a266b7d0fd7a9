"""`python -m bot.content check` finds every kind of problem, and the shipped bank has none."""

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.content.__main__ import main
from bot.content.merge import import_sources
from bot.quiz.bank import BankError, load_bank
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


# Seed questions an editor merged into another question of the bank (removed id → kept id).
MERGED = {
    "problemy-svyazannye-obucheniem": "problemy-u-rekurrentnyh-neironnyh",
    "raznitsa-stohasticheskim-gradientnym": "otlichie-stohasticheskogo",
    "tsel-regulyarizatsii-vypadeniya": "rabotaet-dropout",
    "otsevayuschih-sloev-predotvraschenii": "rabotaet-dropout",
    "rasprostranennye-metody-snizheniya": "pereobuchenie-mozhno-predotvratit",
    "osnovnuyu-osobennost-rekurrentnyh": "rekurrentnye-neironnye-seti-rnn",
}


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared/seeds is not beside the repository")
def test_every_answered_seed_question_is_in_the_bank_under_its_imported_id(
    tmp_path: Path,
) -> None:
    """The importer still reads all 80 answered seed questions, and each one is in the shipped
    bank under the id the importer gives it (edited by hand), or merged into another."""
    report = import_sources(sorted(SEEDS.glob("*.txt")), tmp_path / "fresh.yaml")
    fresh = load_bank(tmp_path / "fresh.yaml")
    shipped = load_bank(ROOT / "content")

    assert len(fresh) == 80
    assert {reason for _, reason in report.skipped} == {"нет ответа"}
    for question in fresh.questions:
        kept = shipped.get(MERGED.get(question.id, question.id))
        assert kept is not None, question.question
        assert kept.source == question.source or question.id in MERGED


def test_a_broken_bank_raises_with_every_problem(tmp_path: Path) -> None:
    _write(tmp_path / "a.yaml", [_entry(topics=["x"]), _entry(id="b", answer="👍4")])

    with pytest.raises(BankError) as error:
        load_bank(tmp_path)
    assert len(error.value.problems) == 2


def test_shipped_bank_is_large_enough_for_every_topic_and_level() -> None:
    from bot.quiz.taxonomy import LEVELS, TOPICS

    bank = load_bank(ROOT / "content")
    per_topic = {t: sum(t in q.topics for q in bank.questions) for t in TOPICS}
    per_level = {lv: sum(lv in q.levels for q in bank.questions) for lv in LEVELS}

    assert len(bank) >= 240
    assert min(per_topic.values()) >= 25, per_topic
    assert min(per_level.values()) >= 25, per_level
    assert sum(q.source == "original" for q in bank.questions) >= 160


def test_check_fails_on_a_question_without_a_level(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bank = _write(tmp_path / "bank.yaml", [_entry(level=[])])

    assert main(["check", str(bank)]) == 1
    assert "непустой список" in capsys.readouterr().err


def test_check_fails_on_a_reworded_copy_and_on_broken_markup(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bank = _write(
        tmp_path / "bank.yaml",
        [
            _entry(question="Что такое смещение модели в машинном обучении?"),
            _entry(id="copy", question="Что такое смещение модели в машинном обучении"
                   " (bias)?"),
            _entry(id="tags", question="Другое?", answer="<b>жирный <code>x</b></code>"),
        ],
    )  # fmt: skip

    assert main(["check", str(bank)]) == 1
    err = capsys.readouterr().err
    assert "почти тот же вопрос" in err and "разметка" in err


@pytest.mark.parametrize("text", ["", "\n", "# only a comment\n", "[]\n"])
def test_a_file_without_questions_fails_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    _write(tmp_path / "a.yaml", [_entry()])
    (tmp_path / "b.yaml").write_text(text, encoding="utf-8")

    assert main(["check", str(tmp_path)]) == 1
    assert "b.yaml: в файле нет ни одного вопроса" in capsys.readouterr().err
    with pytest.raises(BankError):
        load_bank(tmp_path)


def test_a_binary_file_fails_check_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tmp_path / "a.yaml", [_entry()])
    (tmp_path / "b.yaml").write_bytes(bytes(range(256)) * 4)

    assert main(["check", str(tmp_path)]) == 1
    assert "b.yaml: не текст в UTF-8" in capsys.readouterr().err
