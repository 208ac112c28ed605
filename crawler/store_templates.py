"""The store's site-template transitions (issue 8): a mixin of ``crawler.store.Store``.

A leaf module (standard library only). Tables (migration v6):

* ``template_pages``  the pages of each site whose body blocks were counted;
* ``template_blocks`` one row per (site, block fingerprint, page): the distinct pages of a site on
                      which each short body block was seen, with the block's text.

``crawler.extraction.template`` says which blocks are counted and which count as template;
``pipelines/template.py`` asks these transitions.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager

from crawler.db import Database, retried
from crawler.items import Article

MIGRATION_V6 = """
    CREATE TABLE template_pages (
        site TEXT NOT NULL,
        page TEXT NOT NULL,
        seen_at REAL NOT NULL,
        PRIMARY KEY (site, page)
    );
    CREATE TABLE template_blocks (
        site TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        page TEXT NOT NULL,
        text TEXT NOT NULL,
        seen_at REAL NOT NULL,
        PRIMARY KEY (site, fingerprint, page)
    );
"""


class TemplatesStore:
    """Each site's learned template; mixed into ``Store`` (which gives ``db`` and ``transaction``)."""

    db: Database
    transaction: Callable[[], AbstractContextManager[Database]]

    @retried
    def learn_template(self, site: str, page: str, blocks: Mapping[str, str]) -> None:
        """Remember that ``page`` of ``site`` showed these short blocks (fingerprint -> text)."""
        now = time.time()
        with self.db.pipeline(), self.transaction():  # one round trip on a server, commit included
            self.db.execute("INSERT INTO template_pages(site, page, seen_at) VALUES (?,?,?) "
                            "ON CONFLICT(site, page) DO NOTHING", (site, page, now))
            self.db.executemany("INSERT INTO template_blocks(site, fingerprint, page, text, seen_at) VALUES (?,?,?,?,?) "
                                "ON CONFLICT(site, fingerprint, page) DO NOTHING",
                                [(site, fp, page, text, now) for fp, text in blocks.items()])

    def template_counts(self, site: str, fingerprints: Iterable[str]) -> tuple[dict[str, int], int]:
        """(fingerprint -> distinct pages of ``site`` it was seen on, pages of ``site`` counted in all)."""
        wanted = list(dict.fromkeys(fingerprints))
        # One statement (one round trip on a server): the pages count is the row without a fingerprint.
        sql = "SELECT NULL, count(*) FROM template_pages WHERE site=?"
        if wanted:
            sql += (f" UNION ALL SELECT fingerprint, count(*) FROM template_blocks WHERE site=? AND fingerprint IN "
                    f"({','.join('?' * len(wanted))}) GROUP BY fingerprint")
        counts: dict[str, int] = {}
        pages = 0
        for fingerprint, n in self.db.execute(sql, [site, site, *wanted] if wanted else [site]):
            if fingerprint is None:
                pages = n
            else:
                counts[fingerprint] = n
        return counts, pages

    def site_template(self, site: str, min_pages: int) -> list[tuple[str, int]]:
        """The blocks of ``site`` seen on at least ``min_pages`` pages: (text, pages), most seen first."""
        rows = self.db.execute("SELECT min(text), count(*) FROM template_blocks WHERE site=? GROUP BY fingerprint "
                               "HAVING count(*) >= ? ORDER BY count(*) DESC, min(text)", (site, min_pages))
        return [(r[0], r[1]) for r in rows]

    def unexported_article(self, article_id: str) -> Article | None:
        """The latest version of an article while it is not exported yet (it may still be corrected)."""
        row = self.db.execute("SELECT record FROM articles WHERE id=? AND exported_version < version",
                              (article_id,)).fetchone()
        return Article.from_json(row[0]) if row else None

    def unexported_hashes(self, article_ids: list[str]) -> dict[str, str]:
        """The content hash of each of these articles whose latest version is not exported yet."""
        out: dict[str, str] = {}
        for i in range(0, len(article_ids), 500):
            chunk = article_ids[i:i + 500]
            rows = self.db.execute(f"SELECT id, content_hash FROM articles WHERE id IN ({','.join('?' * len(chunk))}) "
                                   "AND exported_version < version", chunk)
            out.update((r[0], r[1]) for r in rows)
        return out

    @retried
    def correct_article(self, article: Article) -> None:
        """Replace an unexported version in place (same version number): what extraction would have
        made of the page had it known the site's template when the page was stored."""
        text = article.to_json()
        with self.transaction():
            self.db.execute("UPDATE articles SET content_hash=?, record=? WHERE id=? AND version=? "
                            "AND exported_version < version", (article.content_hash, text, article.id, article.version))
            self.db.execute("UPDATE versions SET record=? WHERE article_id=? AND version=?",
                            (text, article.id, article.version))
