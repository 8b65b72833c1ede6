"""The database connection: one writer thread, group commit, the health probe.

All database work runs on one dedicated thread with its own connection (sqlite-utils'
default connection refuses use from other threads), so the event loop never blocks on
disk. Jobs that arrive together are committed in one transaction (group commit): many
users' turns share one fsync, and each caller's future resolves only after its data is
durable. A job is a function of the database written by the store's own modules: no
caller code runs on this thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import sqlite_utils

from bot.records import StoreError
from bot.store.migrations import migrate

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_BATCH = 256
BUSY_TIMEOUT_MS = 5000
JOURNAL_SIZE_LIMIT = 4 * 1024 * 1024


class Database:
    """The connection and its writer thread; the store's modules add the queries."""

    def __init__(self, path: Path | str, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.path = Path(path)
        self.busy_timeout_ms = busy_timeout_ms
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._open_error: BaseException | None = None
        self.failing = False  # the last write failed: the health check tries one

    async def open(self) -> None:
        """Open the database on the writer thread and apply pending migrations."""
        if self.path.parent and str(self.path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._thread = threading.Thread(target=self._worker, name="sqlite-writer", daemon=True)
        self._thread.start()
        await asyncio.get_running_loop().run_in_executor(None, self._ready.wait)
        if self._open_error:
            self._thread = None  # it has ended: nothing may be queued for it
            raise StoreError(f"cannot open database {self.path}: {self._open_error}")

    async def close(self) -> None:
        """Finish queued jobs and close the connection; a call made meanwhile is refused
        (queued behind the end, it would wait for an answer forever)."""
        if self._thread:
            thread, self._thread = self._thread, None
            self._jobs.put(None)
            await asyncio.get_running_loop().run_in_executor(None, thread.join)

    def _worker(self) -> None:
        try:
            connection = sqlite3.connect(str(self.path), isolation_level=None)
            connection.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
            db = sqlite_utils.Database(connection)
            db.enable_wal()
            connection.execute("PRAGMA synchronous = FULL")
            # erased data is overwritten, not left in free pages; the WAL does not keep growing
            connection.execute("PRAGMA secure_delete = ON")
            connection.execute(f"PRAGMA journal_size_limit = {JOURNAL_SIZE_LIMIT}")
            migrate(db)
        except Exception as error:  # whatever it is, open() must hear of it, not wait forever
            self._open_error = error
            self._ready.set()
            return
        self._ready.set()
        stop = False
        while not stop:
            batch: list[_Job] = []
            first = self._jobs.get()
            if first is None:
                break
            batch.append(first)
            while len(batch) < MAX_BATCH:
                try:
                    job = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if job is None:
                    stop = True
                    break
                batch.append(job)
            self._run_batch(connection, db, batch)
        connection.close()

    def _run_batch(
        self, connection: sqlite3.Connection, db: sqlite_utils.Database, batch: list[_Job]
    ) -> None:
        try:
            connection.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:  # locked or read-only: every job fails alike, at once
            _rollback(connection)  # and never leave a stray transaction open
            for job in batch:
                _resolve(job, error=_as_store_error(error))
            return
        changes = connection.total_changes
        try:
            results = [job.function(db) for job in batch]
            connection.execute("COMMIT")
        except Exception as error:
            _rollback(connection)
            if len(batch) > 1:  # find the failing job: run each alone
                for job in batch:
                    self._run_batch(connection, db, [job])
                return
            if isinstance(error, sqlite3.OperationalError):  # disk full, I/O error, ...
                self.failing = True
            _resolve(batch[0], error=_as_store_error(error))
            return
        if connection.total_changes > changes:
            self.failing = False  # a write went through
        if any(job.checkpoint for job in batch):
            # what was erased must not stay readable in the WAL until some later checkpoint
            with contextlib.suppress(sqlite3.Error):
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        _resolve_all(batch, results)

    async def _call(
        self, function: Callable[[sqlite_utils.Database], T], checkpoint: bool = False
    ) -> T:
        if self._thread is None:
            raise StoreError("the store is not open")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._jobs.put(_Job(function, future, loop, checkpoint))
        return await future

    async def healthy(self) -> bool:
        """True when the database answers a query and, if the last write failed (a full disk
        still reads), takes a write again."""
        probe = _write_probe if self.failing else _read_probe
        try:
            async with asyncio.timeout(5):
                await self._call(probe)
        except (StoreError, TimeoutError):
            return False
        self.failing = False
        return True


@dataclass
class _Job:
    function: Callable[[sqlite_utils.Database], Any]
    future: asyncio.Future[Any]
    loop: asyncio.AbstractEventLoop
    checkpoint: bool = False  # it erased personal data: copy the WAL into the file and empty it


def _read_probe(db: sqlite_utils.Database) -> None:
    db.execute("SELECT 1").fetchone()


def _write_probe(db: sqlite_utils.Database) -> None:
    """A real write that changes nothing: the header's user_version, set to itself."""
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    db.execute(f"PRAGMA user_version = {version}")


def _as_store_error(error: BaseException) -> StoreError:
    if isinstance(error, StoreError):
        return error
    store_error = StoreError(f"{type(error).__name__}: {error}")
    store_error.__cause__ = error
    return store_error


def _rollback(connection: sqlite3.Connection) -> None:
    with contextlib.suppress(sqlite3.Error):
        connection.execute("ROLLBACK")


def _resolve(job: _Job, result: Any = None, error: BaseException | None = None) -> None:
    def settle() -> None:
        if job.future.done():
            return
        if error is not None:
            job.future.set_exception(error)
        else:
            job.future.set_result(result)

    with contextlib.suppress(RuntimeError):  # a closed loop: nobody is waiting any more
        job.loop.call_soon_threadsafe(settle)


def _resolve_all(batch: list[_Job], results: list[Any]) -> None:
    """Settle a committed batch with one wake-up per event loop (not one per job: each is
    a write to the loop's self-pipe and a turn of the loop)."""
    by_loop: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[Any], Any]]] = {}
    for job, result in zip(batch, results, strict=True):
        by_loop.setdefault(job.loop, []).append((job.future, result))
    for loop, settled in by_loop.items():
        with contextlib.suppress(RuntimeError):  # a closed loop: nobody is waiting any more
            loop.call_soon_threadsafe(_settle_all, settled)


def _settle_all(settled: list[tuple[asyncio.Future[Any], Any]]) -> None:
    for future, result in settled:
        if not future.done():
            future.set_result(result)
