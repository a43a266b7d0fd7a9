"""Start-up failures: one clear paragraph on stderr, exit code 2, no traceback, no hang.

A supervisor (systemd, Docker) must see the process exit, so every case runs the real
``python -m bot`` under a timeout.
"""

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT
from tests.e2e.conftest import TOKEN

CONTENT = ROOT / "content"


def _run(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("BOT_", "DB_", "TELEGRAM_", "CONTENT_", "DEFAULT_"))
    }
    base.update(
        BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL="http://127.0.0.1:9",  # never reached: start-up fails before
        DB_PATH=str(tmp_path / "bot.db"),
        CONTENT_DIR=str(CONTENT),
    )
    base.update(env)
    return subprocess.run(
        [sys.executable, "-m", "bot"], cwd=tmp_path, env=base, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip


def _random_bytes_db(tmp_path: Path) -> dict[str, str]:
    path = tmp_path / "random.db"
    path.write_bytes(os.urandom(8192))
    return {"DB_PATH": str(path)}


def _read_only_dir_db(tmp_path: Path) -> dict[str, str]:
    if os.geteuid() == 0:  # root writes anywhere it may chmod; /proc refuses even root
        return {"DB_PATH": "/proc/ds-quiz-bot.db"}
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    return {"DB_PATH": str(folder / "bot.db")}


def _directory_db(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "data").mkdir()
    return {"DB_PATH": str(tmp_path / "data")}


def _binary_yaml(tmp_path: Path) -> dict[str, str]:
    content = tmp_path / "content"
    content.mkdir()
    for path in CONTENT.glob("*.yaml"):
        (content / path.name).write_bytes(path.read_bytes())
    (content / "zz_broken.yaml").write_bytes(os.urandom(4096) + b"\xff\xfe\x00")
    return {"CONTENT_DIR": str(content)}


def _emptied_bank_file(tmp_path: Path) -> dict[str, str]:
    content = tmp_path / "content"
    content.mkdir()
    files = sorted(CONTENT.glob("*.yaml"))
    for path in files:
        (content / path.name).write_bytes(path.read_bytes())
    (content / files[0].name).write_text("", encoding="utf-8")
    return {"CONTENT_DIR": str(content)}


CASES: dict[str, tuple[Callable[[Path], dict[str, str]], str]] = {
    "random-bytes-db": (_random_bytes_db, "не является базой SQLite"),
    "read-only-dir-db": (_read_only_dir_db, "недоступна"),
    "db-path-is-a-directory": (_directory_db, "по этому пути папка"),
    "binary-yaml-in-bank": (_binary_yaml, "zz_broken.yaml: не текст в UTF-8"),
    "emptied-bank-file": (_emptied_bank_file, "нет ни одного вопроса"),
    "timezone-is-a-region": (lambda _: {"DEFAULT_TIMEZONE": "Europe"}, "DEFAULT_TIMEZONE"),
    "api-url-without-scheme": (lambda _: {"TELEGRAM_API_URL": "127.0.0.1:8081"}, "http://"),
    "api-url-bad-scheme": (lambda _: {"TELEGRAM_API_URL": "htp://127.0.0.1:8081"}, "http://"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_start_up_failure_exits_2_with_one_paragraph(tmp_path: Path, case: str) -> None:
    prepare, expected = CASES[case]

    result = _run(tmp_path, **prepare(tmp_path))

    assert result.returncode == 2, result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.stderr
    assert TOKEN not in result.stderr + result.stdout


def test_the_bank_check_agrees_with_start_up_on_an_emptied_file(tmp_path: Path) -> None:
    env = _emptied_bank_file(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "bot.content", "check", env["CONTENT_DIR"]],
        capture_output=True, text=True, timeout=60, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 1
    assert "нет ни одного вопроса" in result.stderr
    assert yaml.safe_load("") is None  # the emptied file is valid YAML, yet not a bank file
