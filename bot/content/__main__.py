"""``python -m bot.content import SRC... --out PATH`` and ``python -m bot.content check [PATH]``."""

import argparse
import sys
from pathlib import Path

import yaml

from bot.content.merge import SourceError, import_sources
from bot.quiz.bank import BankError, load_bank

DEFAULT_BANK = Path("content")


def _import(args: argparse.Namespace) -> int:
    try:
        report = import_sources([Path(s) for s in args.sources], Path(args.out))
    except SourceError as exc:
        print(f"ошибка: {exc}", file=sys.stderr)
        return 2
    except (BankError, yaml.YAMLError) as exc:
        print(f"ошибка: {args.out}: банк не читается: {exc}", file=sys.stderr)
        return 2
    print(report.summary())
    return 0


def _check(args: argparse.Namespace) -> int:
    try:
        bank = load_bank(Path(args.path))
    except BankError as exc:
        print(f"в банке {len(exc.problems)} проблем(ы):", file=sys.stderr)
        for problem in exc.problems:
            print(f"- {problem}", file=sys.stderr)
        return 1
    print(f"банк в порядке: {len(bank)} вопросов")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.content", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    importer = commands.add_parser("import", help="import channel dumps or articles into a bank")
    importer.add_argument("sources", nargs="+", help="source files (format is detected)")
    importer.add_argument("--out", required=True, help="bank YAML file to merge into")
    importer.set_defaults(run=_import)
    checker = commands.add_parser("check", help="validate a bank file or directory")
    checker.add_argument("path", nargs="?", default=str(DEFAULT_BANK))
    checker.set_defaults(run=_check)
    args = parser.parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
