"""``defwatch stories`` and ``defwatch export --stories``: stories as a table or JSON lines."""
from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from crawler.store import Store


def story_lines(store: Store, *, since: str | None = None, sites: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """One object per story, newest first: first reporter, size, outlets, members and merges."""
    out = []
    for s in store.stories(since=since, sites=sites):
        out.append({
            "story": s.id, "size": s.size, "first_url": s.first_url, "first_site": s.first_site,
            "first_published": s.first_published,
            "sites": sorted({m.site for m in s.members if m.site}),
            "articles": [{"id": m.id, "url": m.url, "site": m.site, "published": m.published} for m in s.members],
            "merged": list(s.merged),
        })
    return out


def export_stories(store: Store, out: str | Path, *, since: str | None = None,
                   sites: Iterable[str] | None = None) -> int:
    """Write one JSON line per story to ``out`` (``-``: stdout), atomically; returns the count."""
    from crawler.export import atomic_write_lines

    lines = story_lines(store, since=since, sites=sites)
    if str(out) == "-":
        for line in lines:
            sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
        sys.stdout.flush()
        return len(lines)
    return atomic_write_lines(Path(out), (json.dumps(line, ensure_ascii=False) for line in lines))


def show_stories(store: Store, *, since: str | None = None, sites: Iterable[str] | None = None,
                 as_json: bool = False) -> int:
    lines = story_lines(store, since=since, sites=sites)
    if as_json:
        print(json.dumps(lines, indent=2, ensure_ascii=False))
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title="defwatch stories (newest first)")
    for col in ("story", "size", "first reporter", "first published", "outlets", "latest"):
        table.add_column(col, overflow="fold")
    for line in lines:
        latest = max((a["published"] or "" for a in line["articles"]), default="")
        table.add_row(line["story"], str(line["size"]), line["first_url"] or "-", line["first_published"] or "-",
                      ", ".join(line["sites"]), latest or "-")
    console = Console(file=sys.stdout, width=200)
    console.print(table)
    multi = sum(1 for line in lines if line["size"] > 1)
    console.print(f"stories: {len(lines)}, with more than one article: {multi}")
    return 0
