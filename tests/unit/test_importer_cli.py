"""The importer as the bank keeper uses it: merge, dedup, idempotence, clear errors."""

from pathlib import Path

import pytest
import yaml

from bot.content.__main__ import main
from bot.quiz.bank import load_bank


def _import(*args: str | Path) -> int:
    return main(["import", *map(str, args)])


def _entries(path: Path) -> list[dict[str, object]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data


def test_import_into_missing_file_creates_a_valid_bank(
    sources_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bank = tmp_path / "bank.yaml"

    code = _import(sources_dir / "web_preview.txt", sources_dir / "result.json", "--out", bank)

    assert code == 0
    out = capsys.readouterr().out
    assert "добавлено: 5" in out
    assert "пропущено (нет ответа): Пробовали ли вы обучить LLM" in out
    assert "пропущено (опрос)" in out
    assert len(load_bank(bank)) == 5
    entry = next(e for e in _entries(bank) if e["question"] == "Как работает k-means?")
    assert entry["topics"] == ["classic_ml"]
    assert entry["level"] == ["junior"]
    assert entry["tags"] == ["машинное_обучение", "junior"]
    assert entry["source"] == "result.json"


def test_second_import_of_the_same_file_changes_nothing(
    sources_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bank = tmp_path / "bank.yaml"
    _import(sources_dir / "copy_paste.txt", "--out", bank)
    before = bank.read_bytes()
    capsys.readouterr()

    assert _import(sources_dir / "copy_paste.txt", "--out", bank) == 0

    assert bank.read_bytes() == before
    assert "добавлено: 0, уже в банке: 5" in capsys.readouterr().out


def test_hand_edits_and_ids_survive_a_reimport(sources_dir: Path, tmp_path: Path) -> None:
    bank = tmp_path / "bank.yaml"
    _import(sources_dir / "copy_paste.txt", "--out", bank)
    entries = _entries(bank)
    entries[0]["id"] = "roc-auc"
    entries[0]["answer"] = "Отредактировано вручную."
    entries[0]["topics"] = ["stats"]
    bank.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")

    _import(sources_dir / "copy_paste.txt", sources_dir / "article.md", "--out", bank)

    after = _entries(bank)
    assert after[0] == entries[0]
    assert len(after) == 5 + 3
    assert len({e["id"] for e in after}) == len(after)


def test_same_question_in_two_sources_is_added_once_with_the_richer_answer(
    tmp_path: Path,
) -> None:
    terse = tmp_path / "terse.txt"
    terse.write_text(
        "Что такое стекинг?\nМета-модель учится на предсказаниях базовых моделей.\n"
        "Мета-модель учится на предсказаниях базовых моделей.\n👍1\n",
        encoding="utf-8",
    )
    rich = tmp_path / "rich.txt"
    rich.write_text(
        "Download Telegram\nЧто такое  стекинг ?\n\n"
        "Мета-модель учится на предсказаниях базовых моделей.\n\nОбычно по out-of-fold.\n👍3\n",
        encoding="utf-8",
    )
    bank = tmp_path / "bank.yaml"

    assert _import(terse, rich, "--out", bank) == 0

    entries = _entries(bank)
    assert len(entries) == 1
    assert str(entries[0]["answer"]).endswith("Обычно по out-of-fold.")


def test_questions_already_in_a_sibling_bank_file_are_not_added(
    sources_dir: Path, tmp_path: Path
) -> None:
    _import(sources_dir / "article.md", "--out", tmp_path / "article.yaml")

    _import(
        sources_dir / "article.md", sources_dir / "copy_paste.txt", "--out", tmp_path / "c.yaml"
    )

    assert len(_entries(tmp_path / "c.yaml")) == 5
    assert len(load_bank(tmp_path)) == 8


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "файл пуст"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", "UTF-8"),
        (b'{"messages": [{"id": 1,', "битый JSON"),
        (b'{"name": "not an export"}', "messages"),
        ("обычная заметка без вопросов".encode(), "формат не распознан"),
    ],
)
def test_bad_input_gets_one_line_error_and_leaves_the_bank_untouched(
    sources_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: bytes,
    message: str,
) -> None:
    bank = tmp_path / "bank.yaml"
    _import(sources_dir / "article.md", "--out", bank)
    before = bank.read_bytes()
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    capsys.readouterr()

    code = _import(sources_dir / "copy_paste.txt", bad, "--out", bank)

    err = capsys.readouterr().err.strip()
    assert code != 0
    assert message in err
    assert len(err.splitlines()) == 1
    assert bank.read_bytes() == before


def test_missing_source_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _import(tmp_path / "nope.txt", "--out", tmp_path / "bank.yaml") == 2
    assert "nope.txt" in capsys.readouterr().err
    assert not (tmp_path / "bank.yaml").exists()
