"""Failures as a person would say them: "DNS lookup failed (no network?)", not exception names.

A leaf module (standard library only). The store keeps the technical text of a feed's last
error (``<outcome>: <ExceptionName>: <message>``, or ``HTTP 503``); ``explain`` turns it into a
short phrase for the crawl summary. The technical text stays in the store, in ``defwatch
status``, under ``-v`` and in ``--log-json``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

#: Shown when no feed of the crawl answered at all.
NOTHING_REACHED = "Nothing could be reached: check the network connection or proxy settings."


@dataclass(frozen=True)
class Explained:
    """A failure in a few words, and whether the server was reached at all."""

    reason: str
    reached: bool


_RULES: list[tuple[re.Pattern[str], str, bool]] = [
    (re.compile(r"CannotResolveHost|DNSLookupError|DNS lookup failed|Name or service not known|"
                r"no results for hostname", re.I), "DNS lookup failed (no network?)", False),
    (re.compile(r"ConnectionRefused|Connection refused", re.I), "connection refused", False),
    (re.compile(r"^address-denied\b"), "refused: the address is not public", False),
    (re.compile(r"SSL|TLS|certificate", re.I), "secure connection (TLS) failed", False),
    (re.compile(r"^timeout\b|TimeoutError|TimedOut|took longer than", re.I), "timed out after {timeout} s", False),
    (re.compile(r"ConnectionLost|ConnectionDone|ResponseNeverReceived|ResponseFailed|DataLoss", re.I),
     "the connection was dropped", True),
    (re.compile(r"^too-large\b"), "the answer was too large", True),
    (re.compile(r"^redirect-limit\b"), "too many redirects", True),
    (re.compile(r"^robots-denied\b"), "robots.txt forbids it", True),
    (re.compile(r"an HTML page where a feed"), "not a feed (an HTML page)", True),
    (re.compile(r"^parse-error\b.*refused", re.I), "refused an unsafe XML document", True),
    (re.compile(r"^parse-error\b"), "not a readable feed", True),
]
_HTTP = re.compile(r"\bHTTP (\d{3})\b")
_WAIT = re.compile(r"asked to wait (\d+) s")


def explain(error: str | None, *, timeout: float = 30.0) -> Explained:
    """Say what a stored error means, in a few words."""
    text = (error or "").strip()
    if wait := _WAIT.search(text):
        return Explained(f"asked to wait {wait.group(1)} s (Retry-After); left for a later crawl", True)
    for pattern, reason, reached in _RULES:
        if pattern.search(text):
            return Explained(reason.format(timeout=f"{timeout:.0f}"), reached)
    if status := _HTTP.search(text):
        where = "robots.txt answered " if text.startswith("robots-unavailable") else ""
        return Explained(f"{where}HTTP {status.group(1)}", True)
    outcome = text.split(":", 1)[0].strip()
    return Explained(outcome.replace("-", " ") or "failed", True)
