"""Opening the SQLite database: WAL, foreign keys, forward-only numbered migrations."""

import logging
import re
import sqlite3
from collections.abc import Callable
from enum import Enum
from importlib import resources
from pathlib import Path
from typing import TypeVar

import aiosqlite

log = logging.getLogger(__name__)
_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")
BUSY_TIMEOUT_MS = 5000
T = TypeVar("T")


class Unusable(Enum):
    """Why the database file cannot be used."""

    IS_DIRECTORY = "is a directory"
    NOT_A_DATABASE = "not an SQLite database"
    READ_ONLY = "not writable"
    CANNOT_OPEN = "cannot be opened or created"
    LOCKED = "locked by another process"


class DatabaseUnavailable(Exception):
    """The database cannot be opened, created or migrated; nothing is left open."""

    def __init__(self, path: Path, reason: Unusable, detail: str) -> None:
        super().__init__(f"{path}: {reason.value} ({detail})")
        self.path = path
        self.reason = reason
        self.detail = detail


def _reason(exc: Exception) -> Unusable:
    text = str(exc).lower()
    if isinstance(exc, IsADirectoryError):
        return Unusable.IS_DIRECTORY
    if isinstance(exc, PermissionError) or "readonly" in text or "read-only" in text:
        return Unusable.READ_ONLY
    if "not a database" in text or "malformed" in text:
        return Unusable.NOT_A_DATABASE
    if "locked" in text or "busy" in text:
        return Unusable.LOCKED
    return Unusable.CANNOT_OPEN


def migrations() -> list[tuple[int, str]]:
    """(version, SQL) of every migration shipped with the package, in order."""
    found = []
    for entry in resources.files("bot.storage").joinpath("migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [v for v, _ in found]
    if versions != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migrations must be numbered 001, 002, … without gaps: {versions}")
    return found


async def migrate(conn: aiosqlite.Connection, upto: int | None = None) -> int:
    """Apply the migrations newer than the DB's ``user_version``; return the new version."""
    async with conn.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    current = int(row[0]) if row else 0
    pending = [
        (version, sql)
        for version, sql in migrations()
        if version > current and (upto is None or version <= upto)
    ]
    if not pending:
        return current
    # A migration may rebuild a table; with foreign keys on, dropping the old table would
    # cascade-delete the rows that reference it. Keys are off while migrating and checked after.
    await conn.execute("PRAGMA foreign_keys = OFF")
    try:
        for version, sql in pending:
            log.info("applying migration %03d", version)
            await conn.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;")
            current = version
        async with conn.execute("PRAGMA foreign_key_check") as cursor:
            broken = list(await cursor.fetchall())
        if broken:
            raise RuntimeError(f"migration left {len(broken)} dangling reference(s)")
    finally:
        await conn.execute("PRAGMA foreign_keys = ON")
    return current


async def run_on_thread(conn: aiosqlite.Connection, work: Callable[[sqlite3.Connection], T]) -> T:
    """Run ``work`` with the plain sqlite3 connection on aiosqlite's worker thread: a whole use
    case in one hop (one queue trip and one event-loop wake-up) instead of one per call.

    ``work`` runs on that thread, so it must not touch the event loop; it runs after every
    call queued before it and before every call queued after it.
    """
    raw: sqlite3.Connection = conn._conn
    # aiosqlite has no public API for this; ``_execute`` is what each of its own calls uses.
    result: T = await conn._execute(work, raw)  # type: ignore[no-untyped-call]
    return result


def _prepare(path: Path) -> None:
    """Create the file's directory and check that SQLite can open the file, synchronously.

    aiosqlite's own failure to connect can leave its worker thread reporting to a closed
    event loop (a traceback at exit), so the common failures are found here first.
    """
    if path.is_dir():
        raise IsADirectoryError(f"{path} is a directory")
    path.parent.mkdir(parents=True, exist_ok=True)
    probe = sqlite3.connect(path)
    try:
        probe.execute("PRAGMA schema_version").fetchone()
    finally:
        probe.close()


async def connect(path: Path) -> aiosqlite.Connection:
    """Open (creating the directory if needed) and migrate the database.

    Raises DatabaseUnavailable, with the connection closed (its thread would otherwise keep
    the process alive), when the file cannot serve as the bot's database.
    """
    try:
        if str(path) != ":memory:":
            _prepare(path)
        conn = await aiosqlite.connect(path, isolation_level=None)
    except (OSError, sqlite3.Error) as exc:
        raise DatabaseUnavailable(path, _reason(exc), str(exc)) from exc
    try:
        conn.row_factory = aiosqlite.Row
        await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await conn.execute("PRAGMA journal_mode = WAL")
        # NORMAL in WAL mode: a commit survives a killed process; only power loss can undo it.
        await conn.execute("PRAGMA synchronous = NORMAL")
        await conn.execute("PRAGMA foreign_keys = ON")
        await migrate(conn)
    except BaseException as exc:
        await conn.close()
        if isinstance(exc, OSError | sqlite3.Error):
            raise DatabaseUnavailable(path, _reason(exc), str(exc)) from exc
        raise
    return conn
