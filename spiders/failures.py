"""What a failed download means: Scrapy's and Twisted's exceptions mapped to recorded outcomes."""
from __future__ import annotations

from collections.abc import Iterator

from scrapy.exceptions import DownloadTimeoutError, IgnoreRequest
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import ConnectionLost, ConnectionRefusedError, DNSLookupError, TCPTimedOutError
from twisted.internet.error import TimeoutError as TxTimeoutError
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived


def causes(exc: BaseException | None) -> Iterator[BaseException]:
    """``exc`` and the exceptions it was raised from (Scrapy wraps Twisted's errors)."""
    seen = 0
    while exc is not None and seen < 8:
        yield exc
        exc = exc.__cause__ or exc.__context__
        seen += 1


def classify_failure(failure: Failure) -> tuple[str, str]:
    """Map a download failure to (outcome, detail).

    Our middlewares and the guarded resolver say the outcome themselves (``.outcome``); Scrapy's
    and Twisted's exceptions are mapped by type, with the message only as a last resort.
    """
    exc = failure.value
    detail = f"{type(exc).__name__}: {exc}"[:300]
    for cause in causes(exc):
        outcome = getattr(cause, "outcome", None)
        if isinstance(outcome, str) and outcome:
            return outcome, detail
    names = {type(c).__name__ for c in causes(exc)}
    if isinstance(exc, HttpError):
        return "http-error-after-retries", detail
    if "_DecompressionMaxSizeExceeded" in names or "DownloadCancelledError" in names:
        # The handler cancels a body larger than DOWNLOAD_MAXSIZE (announced or streamed);
        # HttpCompressionMiddleware stops inflating at the same limit.
        return "too-large", detail
    if isinstance(exc, IgnoreRequest):
        text = str(exc).lower()
        if "robots.txt" in text:
            return "robots-denied", detail
        if "redirect" in text:
            return "redirect-limit", detail
        if "size" in text or "decompress" in text:
            return "too-large", detail
        return "ignored", detail
    if (isinstance(exc, (TxTimeoutError, TCPTimedOutError, DownloadTimeoutError))
            or any("timeout" in n.lower() or "timedout" in n.lower() for n in names)):
        return "timeout", detail
    if isinstance(exc, (DNSLookupError, ConnectionRefusedError, ConnectionLost, ResponseFailed,
                        ResponseNeverReceived)):
        return "connection-error", detail
    return "connection-error", detail
