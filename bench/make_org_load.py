"""Writing bench/make_org.py's rows fast: a progress bar, and bulk inserts with deferred indexes.

``Sink`` takes rows with their ids already assigned. On PostgreSQL it loads them with ``COPY`` from
a writer thread (so the next rows are generated while the server stores the last ones), with the
session's foreign-key triggers off when the user may do that (CHECK constraints still apply), and
can drop the big tables' secondary indexes for the load and rebuild them afterwards from their
own definitions. On SQLite it uses ``executemany``.
"""

from __future__ import annotations

import queue
import sys
import threading
import time
from collections import Counter
from datetime import datetime, timezone

UTC = timezone.utc


class Progress:
    """A text bar per phase on stderr, redrawn at most five times a second."""

    def __init__(self, phase: str, total: int) -> None:
        self.phase, self.total, self.done, self.shown = phase, max(1, total), 0, 0.0
        self.start = time.perf_counter()

    def advance(self, count: int = 1, force: bool = False) -> None:
        self.done += count
        now = time.perf_counter()
        if force or now - self.shown > 0.2:
            self.shown = now
            share = min(1.0, self.done / self.total)
            bar = "#" * int(share * 30)
            sys.stderr.write(f"\r{self.phase:<10} [{bar:<30}] {share:6.1%} {now - self.start:7.1f} s")
            sys.stderr.flush()

    def close(self) -> float:
        """Draw the full bar with the phase's time (over the last one) and end the line."""
        self.done = self.total
        self.advance(0, force=True)
        sys.stderr.write("\n")
        return time.perf_counter() - self.start


class Sink:
    """Bulk inserts on a raw DB-API connection: COPY on PostgreSQL, executemany on SQLite.

    psycopg waits for the server without holding the GIL, so the writer thread overlaps the
    server's work with the generation of the next rows.
    """

    def __init__(self, raw, dialect: str) -> None:
        self.raw, self.dialect, self.rows = raw, dialect, Counter()
        self.driver = raw.driver_connection
        self.deferred: list[str] = []
        self.error: BaseException | None = None
        self.queue: queue.Queue = queue.Queue(maxsize=4)
        if dialect == "postgresql":
            with self.driver.cursor() as cursor:
                cursor.execute("SET synchronous_commit = off")
                try:  # superuser only: skips foreign-key triggers while loading
                    cursor.execute("SET session_replication_role = replica")
                except Exception:  # noqa: BLE001 - a plain user loads with the triggers on
                    self.driver.rollback()
            self.driver.commit()
            threading.Thread(target=self._write_loop, daemon=True).start()

    def defer_indexes(self, tables: list[str]) -> None:
        """PostgreSQL: drop the tables' indexes and unique constraints (but primary keys that
        foreign keys need) for the load; ``restore_indexes`` rebuilds them by their definitions."""
        if self.dialect != "postgresql":
            return
        self.flush()
        with self.driver.cursor() as cursor:
            cursor.execute(
                "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)"
                " FROM pg_constraint c WHERE c.conrelid::regclass::text = ANY(%s)"
                " AND c.contype IN ('p', 'u') AND NOT (c.contype = 'p' AND EXISTS (SELECT 1"
                " FROM pg_constraint f WHERE f.contype = 'f' AND f.confrelid = c.conrelid))"
                " ORDER BY 1, 2", (tables,))
            for table, name, definition in cursor.fetchall():
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
                self.deferred.append(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes i WHERE tablename = ANY(%s)"
                " AND schemaname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_constraint c"
                " WHERE c.conname = i.indexname) ORDER BY 1", (tables,))
            for name, definition in cursor.fetchall():
                cursor.execute(f"DROP INDEX {name}")
                self.deferred.append(definition)
        self.driver.commit()

    def restore_indexes(self, progress: Progress) -> None:
        """Rebuild what ``defer_indexes`` dropped (a duplicate would fail here, loudly)."""
        if self.dialect != "postgresql":
            return
        self.flush()
        with self.driver.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '512MB'")
            for statement in self.deferred:
                cursor.execute(statement)
                progress.advance()
        self.driver.commit()

    def put(self, table: str, columns: list[str], rows: list[tuple]) -> None:
        """Insert the rows (ids included); on PostgreSQL queued for the writer thread."""
        if not rows:
            return
        self.rows[table] += len(rows)
        if self.dialect == "postgresql":
            self._send((table, columns, rows))
            return
        stamp = [i for i, name in enumerate(columns) if name.endswith("_at")]
        rows = [tuple(_sqlite_time(v) if i in stamp else v for i, v in enumerate(row)) for row in rows]
        marks = ", ".join("?" * len(columns))
        self.driver.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    def commit(self) -> None:
        if self.dialect == "postgresql":
            self._send("commit")
        else:
            self.driver.commit()

    def flush(self) -> None:
        """Wait until the writer thread has written everything queued."""
        self.queue.join()
        if self.error:
            raise self.error

    def close(self) -> None:
        if self.dialect == "postgresql":
            self.flush()
            self.queue.put(None)
            with self.driver.cursor() as cursor:
                cursor.execute("RESET session_replication_role")
        self.driver.commit()
        self.raw.close()

    def _send(self, task) -> None:
        if self.error:
            raise self.error
        self.queue.put(task)

    def _write_loop(self) -> None:
        while (task := self.queue.get()) is not None:
            try:
                if self.error is None and task == "commit":
                    self.driver.commit()
                elif self.error is None:
                    table, columns, rows = task
                    with self.driver.cursor() as cursor, cursor.copy(
                            f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
            except BaseException as error:  # noqa: BLE001 - raised again in the main thread
                self.error = error
            finally:
                self.queue.task_done()
        self.queue.task_done()


def _sqlite_time(value: datetime | None) -> str | None:
    """SQLAlchemy's SQLite DateTime text (UTC, naive) for an aware datetime."""
    if value is None:
        return value
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
