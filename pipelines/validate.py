"""ValidatePipeline: only articles become records.

Drops (``PageOutcome("not-an-article")``, one stat per reason) video, podcast, event, webinar,
gallery and index pages, and pages without a title or with too little text to be an article.
"""
from __future__ import annotations

from typing import Any

from scrapy.crawler import Crawler

from crawler.items import Article, ArticlePage
from crawler.text import word_count
from pipelines.outcome import PageOutcome

#: Fewer words than this in the body: not an article (a teaser, a landing page, an error page).
MIN_BODY_WORDS = 40
#: Characters of the body in which its first ``MIN_BODY_WORDS`` words are looked for.
HEAD_CHARS = 1000
#: More characters than this: not an article but a dump (a 5 MB one-line page, a data file).
MAX_BODY_CHARS = 400_000
#: Page kinds that are text news: an article, or a live blog (a story told in timed updates).
ARTICLE_KINDS = frozenset({"article", "live"})


def rejection(kind: str, article: Article) -> str | None:
    """Why a record is not an article (``"<kind> page"``, ``"no title"``, ...), or None."""
    if kind not in ARTICLE_KINDS:
        return f"{kind} page"
    if not article.title:
        return "no title"
    # Words are counted in a head of the body first: a long article passes without counting all
    # of its words (a head never has more words than the whole; a short body is counted whole).
    words = word_count(article.body[:HEAD_CHARS])
    if words < MIN_BODY_WORDS and len(article.body) > HEAD_CHARS:
        words = word_count(article.body)
    if words < MIN_BODY_WORDS:
        return f"body of {words} words"
    if len(article.body) > MAX_BODY_CHARS:
        return f"body of {len(article.body)} characters"
    return None


class ValidatePipeline:
    """Stats: ``defwatch/validate/<reason>``."""

    def __init__(self, crawler: Crawler):
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ValidatePipeline:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticlePage):
            return item
        reason = rejection(item.kind, item.article)
        if reason:
            self.stats.inc_value("defwatch/validate/" + reason.split(" ")[0])
            raise PageOutcome("not-an-article", reason)
        return item
