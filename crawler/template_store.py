"""Each site's learned template in the store (tables ``template_blocks`` and ``template_pages``,
migration v6 of ``crawler/store.py``): what ``pipelines/template.py`` remembers and asks.

Kept beside the store rather than in it: plain functions over a ``Store``'s connection, in its
transactions, so the store module stays about storing articles.
"""
from __future__ import annotations

import json
import time
from typing import Any, Iterable

from crawler.store import Store


def learn_template(store: Store, site: str, page: str, blocks: dict[str, str]) -> None:
    """Remember that ``page`` of ``site`` showed these short blocks (fingerprint -> text)."""
    now = time.time()
    with store.transaction() as db:
        db.execute("INSERT OR IGNORE INTO template_pages(site, page, seen_at) VALUES (?,?,?)", (site, page, now))
        db.executemany("INSERT OR IGNORE INTO template_blocks(site, fingerprint, page, text, seen_at) "
                       "VALUES (?,?,?,?,?)", [(site, fp, page, text, now) for fp, text in blocks.items()])


def template_counts(store: Store, site: str, fingerprints: Iterable[str]) -> tuple[dict[str, int], int]:
    """(fingerprint -> distinct pages of ``site`` it was seen on, pages of ``site`` seen in all)."""
    wanted = list(dict.fromkeys(fingerprints))
    counts: dict[str, int] = {}
    if wanted:
        rows = store.db.execute(
            "SELECT fingerprint, count(*) FROM template_blocks WHERE site=? AND fingerprint IN (%s) "
            "GROUP BY fingerprint" % ",".join("?" * len(wanted)), [site, *wanted])
        counts = {r[0]: r[1] for r in rows}
    pages = store.db.execute("SELECT count(*) FROM template_pages WHERE site=?", (site,)).fetchone()[0]
    return counts, pages


def site_template(store: Store, site: str, min_pages: int) -> list[tuple[str, int]]:
    """The learned blocks of ``site`` seen on at least ``min_pages`` pages: (text, pages), most seen first."""
    rows = store.db.execute("SELECT min(text), count(*) AS n FROM template_blocks WHERE site=? GROUP BY fingerprint "
                            "HAVING n >= ? ORDER BY n DESC, min(text)", (site, min_pages))
    return [(r[0], r[1]) for r in rows]


def unexported_record(store: Store, article_id: str) -> dict[str, Any] | None:
    """The latest record of an article when it has not been exported yet (it may still be corrected)."""
    row = store.db.execute("SELECT record FROM articles WHERE id=? AND exported_version < version",
                           (article_id,)).fetchone()
    return json.loads(row[0]) if row else None


def correct_record(store: Store, record: dict[str, Any]) -> None:
    """Replace an unexported version in place (same version number): what extraction would have
    made of the page had it known the site's template when the page was stored."""
    text = json.dumps(record, ensure_ascii=False, sort_keys=False)
    with store.transaction() as db:
        db.execute("UPDATE articles SET content_hash=?, record=? WHERE id=? AND version=? "
                   "AND exported_version < version", (record["content_hash"], text, record["id"], record["version"]))
        db.execute("UPDATE versions SET record=? WHERE article_id=? AND version=?",
                   (text, record["id"], record["version"]))
