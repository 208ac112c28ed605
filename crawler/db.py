"""One DB-API face for the store on SQLite (embedded default) or PostgreSQL (psycopg 3).

A leaf module: the standard library, plus psycopg imported only when a ``postgresql://`` URL is
opened. The store writes its SQL once, in SQLite's spelling, and :class:`Database` adapts it
(the translation: ``crawler/db_sql.py``):

* ``?`` placeholders outside string literals become ``%s`` (and ``%`` becomes ``%%`` when there are parameters);
* ``INSERT OR IGNORE INTO`` becomes ``INSERT INTO ... ON CONFLICT DO NOTHING``;
* the two-argument scalar ``MAX(a, b)`` / ``MIN(a, b)`` becomes ``GREATEST`` / ``LEAST``;
* ``ON CONFLICT ... DO UPDATE SET x = excluded.x`` and ``RETURNING`` run unchanged on both.

Rows support ``row["col"]``, ``row[0]`` and ``dict(row)`` on both backends. DDL differs, so a
migration is either one text translated by :func:`pg_ddl` (``REAL`` -> ``DOUBLE PRECISION``,
``INTEGER`` -> ``BIGINT``, ``INTEGER PRIMARY KEY AUTOINCREMENT`` -> ``BIGINT GENERATED ALWAYS AS
IDENTITY``, ``BLOB`` -> ``BYTEA``, no ``WITHOUT ROWID``), a :class:`Migration` with one text per dialect,
or a function given the :class:`Database` (for SQL it cannot split, such as a library's schema). The schema version is
``PRAGMA user_version`` in SQLite and the ``schema_version`` table in PostgreSQL; :meth:`Database.migrate`
reads it and applies what is missing in one transaction that holds the writer lock
(``BEGIN IMMEDIATE``, or ``pg_advisory_xact_lock``), so processes started together never race.

Concurrency. SQLite has one writer: ``BEGIN IMMEDIATE`` makes each write transaction the only
one. PostgreSQL runs a fleet's write transactions side by side (READ COMMITTED): work that reads
what other writers decide takes narrow transaction-level advisory locks (:meth:`Database.lock`,
several keys in one ascending order), and a transition that still loses a deadlock or a
serialization conflict is run again from its start (:func:`retried`, :meth:`Database.retrying`).
"""
from __future__ import annotations

import asyncio
import logging
import os
import random
import sqlite3
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from crawler.db_sql import DatabaseError as DatabaseError  # re-exported: the store and its callers catch it here
from crawler.db_sql import pg_ddl as pg_ddl
from crawler.db_sql import split_statements as split_statements
from crawler.db_sql import to_pg as to_pg

if TYPE_CHECKING:
    from crawler.db_checkpoint import Checkpointer
    from crawler.db_held import HeldCounts

logger = logging.getLogger(__name__)
SQLITE, POSTGRESQL = "sqlite", "postgresql"
_URL_SCHEMES = ("postgresql://", "postgres://")
#: Key of the transaction-level advisory lock taken while migrating a PostgreSQL store.
MIGRATION_LOCK = 0x64656677  # "defw"
#: A transition that loses a deadlock or a serialization conflict runs at most this many times.
RETRY_ATTEMPTS = 8
#: The first wait before running it again (seconds); it doubles with each attempt, jittered.
RETRY_BACKOFF = 0.01

T = TypeVar("T")


class StoreError(Exception):
    """The store cannot be opened or used (message is meant for the user)."""


class StoreLocked(StoreError):
    """Another writer (a daemon or a crawl) holds the store."""


def default_db_path() -> Path:
    """The embedded store's default file, under the user's data directory (XDG)."""
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "defwatch" / "defwatch.sqlite3"


@dataclass(frozen=True)
class Migration:
    """A schema step whose DDL differs between the dialects."""

    sqlite: str
    postgresql: str

    def text(self, dialect: str) -> str:
        return self.sqlite if dialect == SQLITE else self.postgresql


def is_url(target: str | Path) -> bool:
    """Tell whether ``target`` names a PostgreSQL server rather than a SQLite file."""
    return isinstance(target, str) and target.lower().startswith(_URL_SCHEMES)


def redact(target: str | Path) -> str:
    """Return ``target`` for messages, without a password."""
    if not is_url(target):
        return str(target)
    parts = urlsplit(str(target))
    if parts.password is None:
        return str(target)
    return str(target).replace(f":{parts.password}@", ":***@", 1)


def connect(target: str | Path, *, readonly: bool = False, timeout: float = 30) -> Database:
    """Open a SQLite file (a path) or a PostgreSQL database (``postgresql://USER@HOST:PORT/DB``)."""
    if is_url(target):
        return _connect_pg(str(target), readonly=readonly, timeout=timeout)
    if readonly:
        return _connect_sqlite(Path(target), readonly=True, timeout=timeout)
    # One connection per file and thread, shared by every Store of the process (the crawl's
    # spider, pipelines, middlewares and export): their transactions then join one group commit
    # (``hold_commits``), and no connection's page cache is dropped because another one wrote.
    key = (str(Path(target).resolve()), threading.get_ident())
    db = _SHARED.get(key)
    # A thread's id is reused after it ends: a connection an ended thread left open is not handed on.
    if db is None or db.owner is not threading.current_thread():
        db = _SHARED[key] = _connect_sqlite(Path(target), readonly=False, timeout=timeout)
        db.shared_key = key
    else:
        db.users += 1
    return db


#: The open writable SQLite connections, by (resolved path, thread).
_SHARED: dict[tuple[str, int], Database] = {}


def _connect_sqlite(path: Path, *, readonly: bool, timeout: float) -> Database:
    try:
        if readonly:
            if not path.exists():
                raise DatabaseError(f"{path}: no such store")
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None, timeout=timeout)
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, isolation_level=None, timeout=timeout)
            _wal(conn, timeout)
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
        conn.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{path}: cannot open the store: {exc}") from None
    except OSError as exc:
        raise DatabaseError(f"{path}: cannot open the store: {exc.strerror or exc}") from None
    conn.row_factory = sqlite3.Row
    return Database(conn, SQLITE, str(path))


def _wal(conn: sqlite3.Connection, timeout: float) -> None:
    """Switch to WAL, waiting for other openers: the switch fails at once, without the busy handler."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _connect_pg(url: str, *, readonly: bool, timeout: float) -> Database:
    import psycopg

    try:
        conn = psycopg.connect(url, autocommit=True, row_factory=_pg_row_factory,
                               connect_timeout=max(1, int(timeout)))
        if readonly:
            # read_only only applies to transactions psycopg starts; this covers autocommit statements too.
            conn.execute("SET default_transaction_read_only = on")
    except psycopg.Error as exc:
        raise DatabaseError(f"{redact(url)}: cannot open the store: {str(exc).strip()}") from None
    return Database(conn, POSTGRESQL, redact(url))


class Row(dict[str, Any]):
    """A PostgreSQL row that also answers ``row[0]``, as ``sqlite3.Row`` does."""

    __slots__ = ("_values",)

    def __init__(self, names: Sequence[str], values: Sequence[Any]):
        super().__init__(zip(names, values, strict=True))
        self._values = values

    def __getitem__(self, key: str | int) -> Any:
        if isinstance(key, int):
            return self._values[key]
        return super().__getitem__(key)

    def __iter__(self) -> Iterator[Any]:
        # Iterate values like a tuple (and sqlite3.Row), so ``(x,) = row`` unpacks the same on both.
        return iter(self._values)


def _pg_row_factory(cursor: Any) -> Any:
    # The column names straight from the result (cursor.description builds a Column object per
    # column, for every statement: a hot spot of the crawl's profile).
    res = cursor.pgresult
    names = [res.fname(i).decode() for i in range(res.nfields)] if res is not None else []
    return lambda values: Row(names, values)


class _PgCursor:
    """A psycopg cursor that also answers ``lastrowid`` (the id an identity column just gave)."""

    def __init__(self, conn: Any, cursor: Any):
        self._conn, self._cursor = conn, cursor

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cursor, name)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._cursor)

    @property
    def lastrowid(self) -> int | None:
        import psycopg

        try:
            with self._conn.transaction():  # a savepoint: a failed lastval() must not end the caller's transaction
                row = self._conn.execute("SELECT lastval()").fetchone()
        except psycopg.Error:  # no sequence used yet in this session
            return None
        return int(row[0]) if row else None


class Database:
    """A connection in autocommit mode, whose SQL is written once in SQLite's spelling."""

    def __init__(self, conn: Any, dialect: str, name: str):
        self.conn = conn
        self.dialect = dialect
        self.name = name
        #: How many ``transaction()`` blocks are open: an inner one joins the outer.
        self._depth = 0
        #: Transactions run again after a lost conflict (see ``retrying``).
        self.retries = 0
        #: Stores using this connection (``connect`` shares one per SQLite file and thread).
        self.users = 1
        self.shared_key: tuple[str, int] | None = None
        self.owner = threading.current_thread()
        #: Group commit (``hold_commits``): the longest a finished transaction waits for its commit.
        self.hold: float | None = None
        #: When the open group began (None: no group open), and its timer.
        self._group_at: float | None = None
        self._group_timer: Any = None
        #: Groups committed so far (each holding one or more transactions).
        self.group_commits = 0
        #: Counter increments held until the group commits (``held_counts``), by table.
        self._held: dict[str, HeldCounts] = {}
        #: The thread that checkpoints the WAL while commits are held (SQLite).
        self._checkpointer: Checkpointer | None = None
        self._errors: tuple[type[BaseException], ...] = (sqlite3.Error,)
        self._conflicts: tuple[type[BaseException], ...] = ()
        if dialect == POSTGRESQL:
            import psycopg
            from psycopg import errors

            self._errors = (psycopg.Error,)
            self._conflicts = (errors.SerializationFailure, errors.DeadlockDetected)

    def __getattr__(self, name: str) -> Any:
        # The driver's own API (``in_transaction``, ``executescript``, ...) for what the face lacks.
        return getattr(self.conn, name)

    @property
    def errors(self) -> tuple[type[BaseException], ...]:
        """The driver's exception classes (to catch database errors on either backend)."""
        return self._errors

    def sql(self, text: str) -> str:
        """Return ``text`` in this connection's dialect."""
        return text if self.dialect == SQLITE else to_pg(text)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement; return the cursor (``fetchone``/``fetchall``/iteration)."""
        if self.dialect == SQLITE:
            return self.conn.execute(sql, params)
        if not params:
            return _PgCursor(self.conn, self.conn.execute(to_pg(sql, placeholders=False)))
        return _PgCursor(self.conn, self.conn.execute(to_pg(sql), params))

    def executemany(self, sql: str, seq: Iterable[Sequence[Any]]) -> None:
        if self.dialect == SQLITE:
            self.conn.executemany(sql, seq)
        else:
            with self.conn.cursor() as cur:
                cur.executemany(to_pg(sql), list(seq))

    def script(self, text: str) -> None:
        """Run several statements (DDL) inside the current transaction."""
        for statement in split_statements(text):
            self.conn.execute(statement)

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """One write transaction; SQLite takes the writer lock at its start (``BEGIN IMMEDIATE``).

        A transaction opened inside another joins it (one commit, no savepoint round trips).
        PostgreSQL takes no lock here: writers of different rows run side by side, and shared
        decisions lock what they read (``lock``). Under ``hold_commits`` (SQLite) the transaction
        is a savepoint of the open group: it rolls back alone, and commits with the group.
        """
        if self._depth:
            yield self
            return
        self._depth += 1
        try:
            if self.dialect == POSTGRESQL:
                with self.conn.transaction():
                    yield self
                return
            if self.hold is not None and self._open_group():
                self.conn.execute("SAVEPOINT tx")
                try:
                    yield self
                except BaseException:
                    self.conn.execute("ROLLBACK TO tx")
                    self.conn.execute("RELEASE tx")
                    for held in self._held.values():
                        held.discard()
                    raise
                self.conn.execute("RELEASE tx")
                for held in self._held.values():
                    held.release()
                if self._group_at is not None and time.monotonic() - self._group_at >= self.hold:
                    self._depth -= 1
                    try:
                        self.commit_held()
                    finally:
                        self._depth += 1
                return
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            else:
                self.conn.execute("COMMIT")
        finally:
            self._depth -= 1

    # ------------------------------------------------------------ group commit
    def hold_commits(self, seconds: float) -> None:
        """Commit SQLite transactions in groups, each at most ``seconds`` after it finished.

        A commit writes every page the transaction changed to the WAL: an article's scattered
        index rows made it most of the cost of storing one. A crash loses the open group whole
        (never part of a transaction): what the crawl stored in the last ``seconds``, whose pages
        and feed entries, rolled back with it, are fetched again next cycle. So whatever reports
        a record (the JSONL export, an alert delivery) calls ``commit_held`` first. Needs a
        running event loop (the commit timer); without one, or on PostgreSQL, each transaction
        commits on its own.
        """
        if self.dialect == SQLITE:
            self.hold = seconds
            if self._checkpointer is None:  # checkpoints off the event loop's thread (crawler/db_checkpoint.py)
                from crawler.db_checkpoint import Checkpointer

                self.conn.execute("PRAGMA wal_autocheckpoint=0")
                self._checkpointer = Checkpointer(self.name)

    def release_commits(self) -> None:
        """Commit what is held and stop holding."""
        try:
            self.commit_held()
        finally:
            self.hold = None
            self._stop_checkpointer()

    def _stop_checkpointer(self) -> None:
        """Stop the checkpoint thread; the connection checkpoints in its commits again."""
        if self._checkpointer is None:
            return
        from crawler.db_checkpoint import AUTOCHECKPOINT

        self._checkpointer.stop()
        self._checkpointer = None
        self.conn.execute(f"PRAGMA wal_autocheckpoint={AUTOCHECKPOINT}")

    def commit_held(self) -> None:
        """Commit the open group now (no-op when none is open, or inside a transaction)."""
        if self._group_at is None or self._depth:
            return
        if self._group_timer is not None:
            self._group_timer.cancel()
        self._group_at = self._group_timer = None
        try:
            for held in self._held.values():
                held.flush(self.conn.executemany)
            self.conn.execute("COMMIT")
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        self.group_commits += 1

    def held_counts(self, table: str, key_col: str, count_col: str) -> HeldCounts | None:
        """The held increments of a counter table, when the open transaction is part of a group
        (they are written when it commits); None when increments must be written now."""
        if self._group_at is None or not self._depth:
            return None
        held = self._held.get(table)
        if held is None:
            from crawler.db_held import HeldCounts

            held = self._held[table] = HeldCounts(table, key_col, count_col)
        return held

    def pending_count(self, table: str, key: Any) -> int:
        """What ``table`` does not show yet of ``key``'s count (``held_counts``), in this connection."""
        held = self._held.get(table)
        return held.pending(key) if held is not None else 0

    def _open_group(self) -> bool:
        """Begin a group unless one is open; False when there is no event loop to commit it."""
        if self._group_at is not None:
            return True
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return False
        assert self.hold is not None
        self.conn.execute("BEGIN IMMEDIATE")
        self._group_at = time.monotonic()
        self._group_timer = loop.call_later(self.hold, self._commit_on_timer)
        return True

    def _commit_on_timer(self) -> None:
        self._group_timer = None
        try:
            self.commit_held()
        except self._errors as exc:  # a full disk: nothing of the group is stored, nor reported
            logger.error("%s: the last %.2f s of writes could not be committed (%s); their pages are fetched "
                         "again next cycle", self.name, self.hold or 0, exc)

    @contextmanager
    def pipeline(self) -> Iterator[Database]:
        """Send the statements of this block without waiting for each one's answer (PostgreSQL).

        psycopg's pipeline mode: a statement whose rows are not read goes out with the next one,
        and reading a result (``fetchone``, iteration) waits only for what was sent before it,
        so a transaction costs one network round trip per result it reads rather than one per
        statement. An error surfaces at the next read. ``rowcount`` is not known before a read:
        a block that needs it must not be pipelined. SQLite runs the block as it is.
        """
        if self.dialect != POSTGRESQL:
            yield self
            return
        with self.conn.pipeline():
            yield self

    @property
    def conflicts(self) -> tuple[type[BaseException], ...]:
        """The errors of a transaction that lost to another and may win on a second run (PostgreSQL)."""
        return self._conflicts

    def retrying(self, run: Callable[[], T], *, attempts: int = RETRY_ATTEMPTS) -> T:
        """Call ``run`` (which opens its own transaction) until it does not lose a conflict.

        PostgreSQL ends the loser of a deadlock or of a serialization conflict with an error and
        rolls its transaction back: running it again from its start is correct, and the other
        transaction has usually committed by then. Bounded: after ``attempts`` the error goes
        up. Inside an open transaction nothing is retried (only the outermost can be).
        """
        if not self._conflicts or self._depth:
            return run()
        for attempt in range(1, attempts + 1):
            try:
                return run()
            except self._conflicts:
                if attempt == attempts:
                    raise
                self.retries += 1
                time.sleep(RETRY_BACKOFF * 2 ** (attempt - 1) * random.uniform(0.5, 1.5))
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Commit what is held; close the connection when its last user closes it."""
        self.commit_held()
        self.users -= 1
        if self.users > 0:
            return
        self._stop_checkpointer()
        if self.shared_key is not None and _SHARED.get(self.shared_key) is self:
            del _SHARED[self.shared_key]
        self.conn.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ schema
    def has_table(self, name: str) -> bool:
        """Whether table ``name`` exists (a read-only store may predate a migration)."""
        if self.dialect == SQLITE:
            sql = "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?"
            return self.conn.execute(sql, (name,)).fetchone() is not None
        return bool(self.conn.execute("SELECT to_regclass(%s) IS NOT NULL", (name,)).fetchone()[0])

    def schema_version(self) -> int:
        if self.dialect == SQLITE:
            return int(self.conn.execute("PRAGMA user_version").fetchone()[0])
        row = self.conn.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone()
        if not row[0]:
            return 0
        row = self.conn.execute("SELECT max(version) FROM schema_version").fetchone()
        return int(row[0] or 0)

    def migrate(self, migrations: Sequence[str | Migration | Callable[[Database], None]]) -> int:
        """Apply the migrations this database lacks, in one locked transaction; return the version.

        Index ``i`` of ``migrations`` upgrades version ``i`` to ``i + 1``. The version is read
        after the lock is taken, so a second process started at the same time waits and then
        finds nothing to do.
        """
        with self.transaction():
            if self.dialect == POSTGRESQL:
                self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
                self.conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)")
            version = self.schema_version()
            if version > len(migrations):
                raise DatabaseError(f"{self.name}: store schema v{version} is newer than this defwatch "
                                    f"(v{len(migrations)}); upgrade defwatch")
            for number in range(version + 1, len(migrations) + 1):
                step = migrations[number - 1]
                if callable(step):  # a step that runs its own SQL (a library's schema: crawler/store_fleet.py)
                    step(self)
                    continue
                text = step.text(self.dialect) if isinstance(step, Migration) else step
                self.script(text if self.dialect == SQLITE else pg_ddl(text))
            if version < len(migrations):
                self._set_version(len(migrations))
            return len(migrations)

    def _set_version(self, number: int) -> None:
        if self.dialect == SQLITE:
            self.conn.execute(f"PRAGMA user_version={int(number)}")
        else:
            self.conn.execute("DELETE FROM schema_version")
            self.conn.execute("INSERT INTO schema_version(version) VALUES (%s)", (number,))

    @property
    def insertion_order(self) -> str:
        """The column that orders a table's rows as inserted: SQLite's ``rowid``; a PostgreSQL
        table that needs it declares an identity column ``seq``."""
        return "rowid" if self.dialect == SQLITE else "seq"

    def lock(self, *names: str) -> None:
        """Hold the locks ``names`` until the current transaction ends, waiting for them if need be.

        SQLite's ``BEGIN IMMEDIATE`` already makes each write transaction the only one; PostgreSQL
        runs them side by side (READ COMMITTED), so work that reads what other writers decide
        (placing an article in a story, numbering an article's versions) takes transaction-level
        advisory locks. Several are taken in one statement, in ascending key order: two
        transactions that lock overlapping sets this way never deadlock on them.
        """
        if self.dialect != POSTGRESQL or not names:
            return
        keys = sorted({lock_key(n) for n in names})
        if len(keys) == 1:
            self.conn.execute("SELECT pg_advisory_xact_lock(%s)", (keys[0],))
        else:
            # unnest keeps the array's order, so the locks are taken in ascending order.
            self.conn.execute("SELECT count(pg_advisory_xact_lock(k)) FROM unnest(%s::bigint[]) AS k", (keys,))

    def try_lock(self, name: str) -> bool:
        """Take the session-level advisory lock ``name`` without waiting (PostgreSQL only)."""
        if self.dialect != POSTGRESQL:
            raise DatabaseError("advisory locks need PostgreSQL; SQLite stores lock a file")
        return bool(self.conn.execute("SELECT pg_try_advisory_lock(%s)", (lock_key(name),)).fetchone()[0])


def retried(method: Callable[..., T]) -> Callable[..., T]:
    """Run a store transition again when PostgreSQL ends its transaction for a lost conflict.

    For methods of an object with a ``db`` (:class:`Database`) whose transaction the method opens
    itself; a transition called inside another's transaction joins it and is not retried alone.
    """
    @wraps(method)
    def run(self: Any, *args: Any, **kwargs: Any) -> T:
        return self.db.retrying(lambda: method(self, *args, **kwargs))
    return run


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory-lock key for ``name``."""
    return zlib.crc32(name.encode()) | (0x6477 << 32)
