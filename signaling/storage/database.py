"""The server's SQLite database, reached from threads so the event loop never blocks on it.

Writes run as a function ``fn(db, *args)`` on a single writer thread, inside one
transaction: a failed request rolls back and leaves no row behind, and writes are
serialized, which the audit chain needs. Reads (`read`) run on a small pool of reader
threads, each with its own read-only connection: in WAL mode a reader sees one consistent
snapshot for the whole function and neither waits for the writer nor holds it up (as
datasette splits its reads from its one write thread).
"""

from __future__ import annotations

import asyncio
import functools
import importlib
import logging
import sqlite3
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Callable, Concatenate, ParamSpec, TypeVar


def _import_without_numpy(name: str) -> ModuleType:
    """Import a module with numpy hidden from it, unless numpy is loaded already.

    sqlite-utils imports numpy whenever it is installed, only to map numpy scalars to column
    types. We never store numpy values, and numpy is 15 MB of the idle server (#9); the
    watermark code loads it when it first marks a picture.
    """
    hide = "numpy" not in sys.modules
    if hide:
        sys.modules["numpy"] = None  # type: ignore[assignment]  # `import numpy` now raises ImportError
    try:
        return importlib.import_module(name)
    finally:
        if hide:
            del sys.modules["numpy"]


# The one runtime import of sqlite-utils in the server: other modules import it for type hints only.
if TYPE_CHECKING:
    import sqlite_utils
else:
    sqlite_utils = _import_without_numpy("sqlite_utils")

logger = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")
Schema = Callable[[sqlite_utils.Database], None]
CommitHook = Callable[[sqlite_utils.Database], None]


READER_THREADS = 2  # the reads are small; two keep one slow export from holding up the rest


def connect(path: Path, read_only: bool = False) -> sqlite_utils.Database:
    """Open the file with the settings every connection of ours uses."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
    db = sqlite_utils.Database(conn)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("PRAGMA busy_timeout=5000")
    if read_only:
        db.execute("PRAGMA query_only=ON")  # a read that tries to write fails instead of writing
    return db


class Database:
    """One SQLite file: a writer thread that owns the write connection, and reader threads."""

    def __init__(self, path: Path, schemas: list[Schema]) -> None:
        self.path = path
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite")
        self._readers = ThreadPoolExecutor(max_workers=READER_THREADS, thread_name_prefix="sqlite-read")
        self._db: sqlite_utils.Database | None = None
        self._schemas = schemas
        self._commit_hooks: list[CommitHook] = []
        self._reader_local = threading.local()
        self._reader_connections: list[sqlite_utils.Database] = []
        self._reader_lock = threading.Lock()

    def add_commit_hook(self, hook: CommitHook) -> None:
        """Call hook(db) on the database thread after every committed transaction."""
        self._commit_hooks.append(hook)

    async def run(
        self, fn: Callable[Concatenate[sqlite_utils.Database, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Run fn(db, *args) in one transaction on the database thread."""
        loop = asyncio.get_running_loop()
        call = functools.partial(self.run_sync, fn, *args, **kwargs)
        return await loop.run_in_executor(self._executor, call)

    def run_sync(
        self, fn: Callable[Concatenate[sqlite_utils.Database, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """The same, from a thread that may block (the CLI, start-up)."""
        db = self._connection()
        # IMMEDIATE takes the write lock up front, so a CLI writing beside the server
        # waits its turn (busy_timeout) instead of failing half-way through.
        db.execute("BEGIN IMMEDIATE")
        try:
            result = fn(db, *args, **kwargs)
        except BaseException:
            db.conn.rollback()
            raise
        db.conn.commit()
        for hook in self._commit_hooks:
            hook(db)
        return result

    async def read(
        self, fn: Callable[Concatenate[sqlite_utils.Database, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Run fn(db, *args) on a reader thread, over one consistent snapshot; fn must not write."""
        loop = asyncio.get_running_loop()
        call = functools.partial(self.read_sync, fn, *args, **kwargs)
        return await loop.run_in_executor(self._readers, call)

    def read_sync(
        self, fn: Callable[Concatenate[sqlite_utils.Database, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """The same, on the calling thread's own read-only connection."""
        db = self._reader_connection()
        db.execute("BEGIN")  # deferred: a read transaction, never the write lock
        try:
            return fn(db, *args, **kwargs)
        finally:
            db.conn.rollback()

    def _reader_connection(self) -> sqlite_utils.Database:
        db: sqlite_utils.Database | None = getattr(self._reader_local, "db", None)
        if db is None:
            if self._db is None:  # the tables exist before anyone reads
                self._executor.submit(self._connection).result()
            db = connect(self.path, read_only=True)
            self._reader_local.db = db
            with self._reader_lock:
                self._reader_connections.append(db)
        return db

    def _connection(self) -> sqlite_utils.Database:
        if self._db is None:
            self._db = connect(self.path)
            with self._db.atomic():
                for schema in self._schemas:
                    schema(self._db)
        return self._db

    async def close(self) -> None:
        """Close the connections, the writer's on its own thread, then stop the threads."""
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self._readers.shutdown)  # reads under way finish first
        await loop.run_in_executor(self._executor, self.close_sync)
        await loop.run_in_executor(None, self._executor.shutdown)

    def close_sync(self) -> None:
        with self._reader_lock:
            for reader in self._reader_connections:
                reader.close()
            self._reader_connections.clear()
        if self._db is not None:
            self._db.close()
            self._db = None


def rows(db: sqlite_utils.Database, sql: str, params: Any = ()) -> list[dict[str, Any]]:
    """All rows of a query as dicts."""
    return list(db.query(sql, params))


def first(db: sqlite_utils.Database, sql: str, params: Any = ()) -> dict[str, Any] | None:
    """The first row of a query, or None."""
    return next(iter(db.query(sql, params)), None)


def insert(db: sqlite_utils.Database, table: str, row: dict[str, Any]) -> int:
    """Insert one row and return its integer primary key."""
    rowid = db.table(table).insert(row).last_rowid
    if rowid is None:
        raise RuntimeError(f"insert into {table} returned no row id")
    return int(rowid)
