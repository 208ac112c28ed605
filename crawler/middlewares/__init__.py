"""Downloader middlewares of defwatch (one component per file) and their shared exception."""
from __future__ import annotations

from scrapy.exceptions import IgnoreRequest


class OutcomeIgnored(IgnoreRequest):
    """A request refused or abandoned by one of our middlewares, with the outcome to record
    (``robots-denied``, ``robots-unavailable``, ``address-denied``, ``too-large``, ...)."""

    def __init__(self, outcome: str, message: str = ""):
        super().__init__(message or outcome)
        self.outcome = outcome


#: Detail of the ``timeout`` outcome given to requests a crawl had no time left for; such a page
#: is due again at once (it never reached its server), unlike a page that really timed out.
BUDGET_SPENT = "the crawl's time budget is spent; the page is left for the next crawl"
