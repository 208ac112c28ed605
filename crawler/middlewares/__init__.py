"""Downloader middlewares of defwatch (one component per file) and their shared exception."""
from __future__ import annotations

from scrapy.exceptions import IgnoreRequest


class OutcomeIgnored(IgnoreRequest):
    """A request refused or abandoned by one of our middlewares, with the outcome to record
    (``robots-denied``, ``robots-unavailable``, ``address-denied``, ``too-large``, ...)."""

    def __init__(self, outcome: str, message: str = ""):
        super().__init__(message or outcome)
        self.outcome = outcome
