"""JSONL export: whole-store exports (atomic) and crash-safe live appends.

A leaf module (standard library only).

* ``export_range`` writes the latest version of every matching article, in the store's
  deterministic order, to a temporary file that is fsynced and renamed over the target: a crash
  or a full disk never leaves a half file where a good one stood.
* ``append_pending`` appends new and updated records to a live output. The store remembers the
  output's committed size; before appending, anything past it (written by a run that died before
  it could mark its records exported) is cut off, then the records are written, flushed and
  fsynced, and only then marked exported together with the new size. So across any crash there
  is no lost record, no duplicate and no torn line.
"""
from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TextIO

from crawler.dates import parse_iso, parse_iso_arg
from crawler.items import Article
from crawler.store import Store


def _record_time(record: Article) -> datetime | None:
    return parse_iso(record.published) or parse_iso(record.fetched_at)


def select(records: Iterable[Article], since: datetime | None, until: datetime | None) -> Iterator[Article]:
    for record in records:
        if since or until:
            when = _record_time(record)
            if when is None or (since and when < since) or (until and when >= until):
                continue
        yield record


def write_lines(fh: TextIO, records: Iterable[Article]) -> int:
    n = 0
    for record in records:
        fh.write(record.to_json() + "\n")
        n += 1
    return n


def export_range(store: Store, out: str | Path, *, since: str | None = None, until: str | None = None,
                 sites: Iterable[str] | None = None) -> int:
    """Export the latest version of each article; ``out`` of ``-`` is stdout. Returns the count."""
    records = select(store.latest_records(sites=sites), parse_iso_arg(since), parse_iso_arg(until))
    if str(out) == "-":
        n = write_lines(sys.stdout, records)
        sys.stdout.flush()
        return n
    return atomic_write(Path(out), records)


def atomic_write(path: Path, records: Iterable[Article]) -> int:
    """Write records as JSON lines to ``path`` atomically (temporary file, fsync, rename)."""
    return atomic_write_lines(path, (record.to_json() for record in records))


def atomic_write_lines(path: Path, lines: Iterable[str]) -> int:
    """Write ``lines`` (without newlines) to ``path`` atomically; returns the count."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            n = 0
            for line in lines:
                fh.write(line + "\n")
                n += 1
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(path.parent)
    return n


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def append_pending(store: Store, out: str | Path) -> int:
    """Append every record not yet exported to the live output ``out``; returns how many."""
    path = Path(out).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = str(path)
    store.db.commit_held()  # a record is durable before it is reported
    pending = store.pending_exports()
    committed = store.output_size(key)
    with open(path, "ab+") as fh:
        committed = heal_output(fh, committed)
        if not pending:
            if store.output_size(key) is None:
                store.mark_exported([], output=key, size=committed)
            return 0
        data = "".join(p.line() + "\n" for p in pending).encode("utf-8")
        fh.seek(committed)
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
        new_size = committed + len(data)
    store.mark_exported([(p.id, p.version) for p in pending], output=key, size=new_size)
    return len(pending)


def heal_output(fh: IO[bytes], committed: int | None) -> int:
    """Cut an append-only JSONL file back to its committed size; return that size.

    Lines past it were written by a run that died before marking them done (or are a torn
    line), so they are written again. With no committed size (first use), or one beyond the end
    (the file was rotated or truncated by someone else), the file's whole lines are kept:
    truncating "up" to a committed size would write NUL bytes.
    """
    fh.seek(0, os.SEEK_END)
    size = fh.tell()
    if committed is None or committed > size:
        committed = size if _ends_cleanly(fh, size) else _last_newline(fh, size)
    if size != committed:
        fh.truncate(committed)
        fh.flush()
        os.fsync(fh.fileno())
    return committed


def _ends_cleanly(fh: IO[bytes], size: int) -> bool:
    if size == 0:
        return True
    fh.seek(size - 1)
    return fh.read(1) == b"\n"


def _last_newline(fh: IO[bytes], size: int) -> int:
    """Offset just past the last newline (where a torn last line begins)."""
    block = 65536
    pos = size
    while pos > 0:
        start = max(0, pos - block)
        fh.seek(start)
        chunk = fh.read(pos - start)
        i = chunk.rfind(b"\n")
        if i >= 0:
            return start + i + 1
        pos = start
    return 0


def dated_output(data_dir: Path, now: datetime | None = None) -> Path:
    """Default live output of the daemon: ``<data dir>/exports/YYYY-MM-DD.jsonl`` (UTC day)."""
    now = now or datetime.now(UTC)
    return data_dir / "exports" / f"{now:%Y-%m-%d}.jsonl"
