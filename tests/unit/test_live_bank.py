"""Imported questions reach every replica (same database, separate processes) and survive
restarts; the YAML bank's own questions and ids are never disturbed."""

import pytest

from bot.quiz.catalog import LiveBank
from bot.quiz.importing import ImportService
from bot.storage.engine import Storage
from tests.engines import Inspector
from tests.factories import FakeClock, bank, question

ADMIN = 1


async def test_a_question_imported_on_one_replica_reaches_the_other_and_a_restart(
    storage: Storage, db: Inspector
) -> None:
    base = bank(question("a"), question("b"))
    other = await db.open_again()
    first = LiveBank(base, storage.imports)
    second = LiveBank(base, other.imports)
    imports = ImportService(live=first, store=storage.imports, clock=FakeClock())
    post = "Что такое ранняя остановка?\n\nОстанавливаем обучение, когда валидация ухудшается."

    assert second.allowed_ids((), ()) == ("a", "b")  # remembered for this filter
    preview = await imports.preview_post(ADMIN, post, "t.me/x/1")
    assert preview.import_id is not None
    added = await imports.add(preview.import_id, ADMIN)

    assert added is not None and len(first) == 3
    assert await second.refresh() and len(second) == 3
    assert second.allowed_ids((), ()) == ("a", "b", added[0])  # not what the old bank had
    assert not await second.refresh()  # nothing new: no reload
    await other.close()

    restarted_storage = await db.open_again()
    restarted = LiveBank(base, restarted_storage.imports)
    await restarted.refresh()
    await restarted_storage.close()
    assert [q.id for q in restarted.questions][:2] == ["a", "b"]
    assert restarted.get(added[0]) is not None


async def test_import_never_duplicates_a_question_of_the_yaml_bank(storage: Storage) -> None:
    live = LiveBank(bank(question("a")), storage.imports)
    imports = ImportService(live=live, store=storage.imports, clock=FakeClock())

    preview = await imports.preview_post(ADMIN, "Вопрос a?\n\nДругой ответ.", "t.me/x/2")

    assert preview.import_id is None and preview.already_present == 1


async def test_an_import_that_fails_while_adding_stays_pending_and_can_be_added_again(
    storage: Storage, db: Inspector
) -> None:
    live = LiveBank(bank(question("a")), storage.imports)
    imports = ImportService(live=live, store=storage.imports, clock=FakeClock())
    post = "Что такое ранняя остановка?\n\nОстанавливаем обучение, когда валидация ухудшается."
    preview = await imports.preview_post(ADMIN, post, "t.me/x/3")
    assert preview.import_id is not None

    def crash(entries: list[dict[str, object]]) -> list[dict[str, object]]:
        raise RuntimeError("the process dies between closing the import and storing it")

    with pytest.raises(RuntimeError):
        await storage.imports.add_pending(preview.import_id, ADMIN, FakeClock()(), crash)
    assert await db.value("SELECT COUNT(*) FROM imported_questions") == 0

    added = await imports.add(preview.import_id, ADMIN)  # «Добавить» again: it works
    assert added is not None and len(added) == 1 and len(live) == 2
    assert await imports.add(preview.import_id, ADMIN) is None  # and only once


@pytest.mark.parametrize("engine", ["postgres"], indirect=True)  # SQLite has one writer
async def test_imports_committed_out_of_order_all_reach_a_replica(
    storage: Storage, db: Inspector
) -> None:
    """On PostgreSQL two admins' imports may commit in the other order than their sequence
    numbers; a replica that refreshed in between must still see both."""
    import asyncpg

    live = LiveBank(bank(question("a")), storage.imports)
    await live.refresh()
    slow = await asyncpg.connect(db.pg_url)
    try:
        tx = slow.transaction()
        await tx.start()
        await slow.execute(  # takes seq 1 and stays open
            "INSERT INTO imported_questions (id, entry, added_by, added_at)"
            " VALUES ('x1', $1, 1, now())",
            '{"id": "x1", "question": "Первый импорт?", "answer": "Ответ один.",'
            ' "topics": ["classic_ml"], "level": ["junior"], "source": "telegram"}',
        )
        await db.execute(  # seq 2, committed first
            "INSERT INTO imported_questions (id, entry, added_by, added_at) VALUES ('x2',"
            ' \'{"id": "x2", "question": "Второй импорт?", "answer": "Ответ два.",'
            ' "topics": ["classic_ml"], "level": ["junior"], "source": "telegram"}\', 1, now())'
        )
        assert await live.refresh() and live.get("x2") is not None
        await tx.commit()
    finally:
        await slow.close()

    assert await live.refresh() and live.get("x1") is not None
