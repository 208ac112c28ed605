"""Counter increments held in memory until their SQLite transaction group commits.

Under ``Database.hold_commits`` the transactions of 0.25 s commit together. A counter table
whose rows move with transaction after transaction (``story_df``: one row per fact, ~20 facts an
article, the same ones article after article) then pays one upsert per increment although the
group commits only the sums. :class:`HeldCounts` keeps the increments of the open group and
writes their sums once, just before the group's ``COMMIT``. Readers in this connection add
``pending`` to what they read from the table, so they see what they would have seen. A
transaction's increments join the group when it releases its savepoint and are dropped when it
rolls back, like its rows; a group that fails to commit loses them with its rows. A leaf module.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any


class HeldCounts:
    """Increments to ``table(key_col -> count_col)`` not written yet (see the module docstring)."""

    def __init__(self, table: str, key_col: str, count_col: str):
        #: A sum of increments creates its row; a negative one only lowers an existing row, as
        #: the ``UPDATE ... SET n=n-1`` it stands for would.
        self.add_sql = (f"INSERT INTO {table}({key_col}, {count_col}) VALUES (?, ?) ON CONFLICT({key_col}) "
                        f"DO UPDATE SET {count_col}={table}.{count_col}+excluded.{count_col}")
        self.sub_sql = f"UPDATE {table} SET {count_col}={count_col}+? WHERE {key_col}=?"
        #: The open transaction's increments, and those of the group's released transactions.
        self.tx: dict[Any, int] = {}
        self.group: dict[Any, int] = {}

    def add(self, keys: list[Any], delta: int = 1) -> None:
        tx = self.tx
        for key in keys:
            tx[key] = tx.get(key, 0) + delta

    def pending(self, key: Any) -> int:
        """What the table does not show yet of ``key``'s count, in this connection."""
        return self.group.get(key, 0) + self.tx.get(key, 0)

    def release(self) -> None:
        """The open transaction's savepoint was released: its increments join the group."""
        if self.tx:
            group = self.group
            for key, n in self.tx.items():
                group[key] = group.get(key, 0) + n
            self.tx.clear()

    def discard(self) -> None:
        """The open transaction rolled back: its increments go with it."""
        self.tx.clear()

    def flush(self, executemany: Callable[[str, list[tuple[Any, ...]]], None]) -> None:
        """Write the sums (before the group commits); nothing is held after."""
        self.release()
        sums, self.group = self.group, {}
        # A sum of 0 still makes its row: counted up then down, it had one with n = 0.
        up = [(key, n) for key, n in sorted(sums.items()) if n >= 0]
        down = [(n, key) for key, n in sorted(sums.items()) if n < 0]
        if up:
            executemany(self.add_sql, up)
        if down:
            executemany(self.sub_sql, down)
