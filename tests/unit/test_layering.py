"""Imports only go down: handlers → services → interfaces; storage implements them."""

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

BOT = ROOT / "bot"


def _imports(path: Path, package: str | None = None) -> set[str]:
    """Every module ``path`` imports, also in the forms ``from bot import storage``,
    ``from bot.handlers import quiz`` and relative ``from . import x`` (a name imported from a
    package may be a module: both are listed)."""
    if package is None:
        package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *([base] if base else [])])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
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
    # the daily push renders cards (ui) for the domain's services; it never reaches past them
    "push": ("bot.storage", "bot.handlers", "bot.app", "aiogram.dispatcher"),
    "web": ("bot.storage", "bot.handlers", "bot.ui", "bot.push", "bot.app"),
}


def test_the_import_walker_sees_every_form_of_import(tmp_path: Path) -> None:
    module = tmp_path / "probe.py"
    module.write_text(
        "from bot import storage\nfrom bot.handlers import quiz\nfrom . import stats\n"
        "from ..push import sender\nimport bot.app\n",
        encoding="utf-8",
    )
    found = _imports(module, package="bot.handlers")
    assert {"bot.storage", "bot.handlers.quiz", "bot.handlers.stats", "bot.push.sender",
            "bot.app"} <= found  # fmt: skip


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
        if path.name != "__init__.py"  # the package assembles the routers: its one job
        for name in _imports(path)
        if name in routers
    }
    assert not leaks
