"""WAL checkpoints of a SQLite store taken off the event loop's thread while a crawl groups its commits.

SQLite copies the WAL back into the database file (a checkpoint) from inside the ``COMMIT`` that
takes the WAL past 1,000 pages: page copies and two fsyncs, 10-90 ms on the reactor's thread a
few dozen times per crawl of 2,000 articles, during which no download, worker result or pipeline
moves (and the extraction workers, fed by that thread, run dry). While a crawl groups its commits
(``Database.hold_commits``), its connection takes no checkpoint itself (``wal_autocheckpoint=0``)
and a :class:`Checkpointer` thread, on a connection of its own, runs a ``PASSIVE`` checkpoint every
``EVERY`` seconds: it never waits for the writer nor makes it wait (it copies what was committed
before the writer's open transaction began), and sqlite3 releases the GIL while it works.
Durability is unchanged: with ``synchronous=NORMAL`` a checkpoint syncs the WAL and the database
file, as the writer's own did. When the grouping ends, the writer checkpoints as before.

A leaf module (standard library only).
"""
from __future__ import annotations

import logging
import sqlite3
import threading

logger = logging.getLogger(__name__)

#: Seconds between two checkpoints (a group commits every ``COMMIT_SECONDS``, 0.25 s in a crawl).
EVERY = 0.5
#: The writer's own threshold (pages) when no checkpointer runs: SQLite's default.
AUTOCHECKPOINT = 1000


class Checkpointer:
    """A thread that checkpoints the WAL of the SQLite file ``path`` every ``every`` seconds until stopped."""

    def __init__(self, path: str, *, every: float | None = None, timeout: float = 30):
        self.path, self.timeout = path, timeout
        self.every = EVERY if every is None else every
        #: Checkpoints run so far (for the tests and the curious).
        self.runs = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="defwatch-checkpoint", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=self.timeout)
        except sqlite3.Error as exc:  # the writer's COMMIT then carries on without checkpoints until released
            logger.warning("%s: no checkpoint thread (%s)", self.path, exc)
            return
        try:
            conn.execute("PRAGMA synchronous=NORMAL")  # the WAL and the file are synced, as the writer's were
            while not self._stop.wait(self.every):
                self.checkpoint(conn)
        finally:
            conn.close()

    def checkpoint(self, conn: sqlite3.Connection) -> None:
        try:
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            self.runs += 1
        except sqlite3.Error as exc:  # a full disk: the next one tries again, the writer's commits go on
            logger.warning("%s: checkpoint failed (%s)", self.path, exc)

    def stop(self) -> None:
        """Stop the thread (after the checkpoint it may be running) and close its connection."""
        self._stop.set()
        self._thread.join()
