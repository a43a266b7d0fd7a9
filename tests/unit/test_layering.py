"""Imports only go down: handlers → services → interfaces; storage implements them."""

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

BOT = ROOT / "bot"


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def _modules(package: str) -> list[Path]:
    return sorted((BOT / package).rglob("*.py"))


def _router_modules() -> set[str]:
    return {
        f"bot.handlers.{p.stem}"
        for p in _modules("handlers")
        if "def router(" in p.read_text(encoding="utf-8")
    }


FORBIDDEN = {
    # layer: what it must never import
    "handlers": ("bot.storage", "bot.push"),
    "ui": ("bot.storage", "bot.push", "bot.handlers", "bot.app"),
    "quiz": ("bot.storage", "bot.push", "bot.handlers", "bot.ui", "bot.app", "aiogram"),
    "storage": ("bot.handlers", "bot.ui", "bot.push", "bot.app"),
}


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_never_imports_upwards(layer: str) -> None:
    leaks = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _modules(layer)
        for name in _imports(path)
        if name.startswith(FORBIDDEN[layer])
    }
    assert not leaks


def test_no_handler_imports_another_handler() -> None:
    routers = _router_modules()
    assert len(routers) >= 8
    leaks = {
        f"{path.name} imports {name}"
        for path in _modules("handlers")
        for name in _imports(path)
        if name in routers
    }
    assert not leaks
