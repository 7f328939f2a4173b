"""The database: writes through the one writer thread, reads beside it on their own connections."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

from signaling.storage.database import Database, first, insert, rows


def notes_table(db: Any) -> None:
    db.execute("create table if not exists notes (id integer primary key, text text)")


async def test_a_read_goes_on_while_a_write_holds_the_lock(tmp_path: Path) -> None:
    database = Database(tmp_path / "x.db", [notes_table])
    await database.run(insert, "notes", {"text": "first"})
    writing, release = threading.Event(), threading.Event()

    def slow_write(db: Any) -> None:
        insert(db, "notes", {"text": "second"})
        writing.set()
        release.wait(10)

    write = asyncio.ensure_future(database.run(slow_write))
    await asyncio.get_running_loop().run_in_executor(None, writing.wait, 10)
    # the writer holds the write lock with an uncommitted row: a read sees the last commit, at once
    seen = await asyncio.wait_for(database.read(rows, "select text from notes order by id"), 5)
    assert [row["text"] for row in seen] == ["first"]
    release.set()
    await write
    assert [r["text"] for r in await database.read(rows, "select text from notes order by id")] == ["first", "second"]
    await database.close()


async def test_a_read_that_tries_to_write_fails_and_writes_nothing(tmp_path: Path) -> None:
    database = Database(tmp_path / "x.db", [notes_table])
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        await database.read(insert, "notes", {"text": "sneaked in"})
    assert await database.read(first, "select * from notes") is None
    await database.close()


async def test_a_first_read_finds_the_tables_made(tmp_path: Path) -> None:
    database = Database(tmp_path / "x.db", [notes_table])
    assert await database.read(rows, "select * from notes") == []
    await database.close()
