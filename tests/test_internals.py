"""The Scrapy and Twisted internals defwatch overrides or calls still exist with the shape we use.

``pyproject.toml`` bounds Scrapy below its next minor version; before raising that bound, this
test must pass on the new version (private names move without notice).
"""
from __future__ import annotations

import inspect

import pytest


def test_downloader_internals():
    from scrapy.core.downloader import Downloader, Slot

    for name in ("_process_queue", "_latercall", "_wait_for_download", "_get_slot", "get_slot_key"):
        assert callable(getattr(Downloader, name, None)), name
    assert list(inspect.signature(Downloader._process_queue).parameters) == ["self", "slot"]
    assert list(inspect.signature(Downloader._wait_for_download).parameters)[:4] == [
        "self", "slot", "request", "queue_dfd"]
    slot = Slot(concurrency=2, delay=0.0, jitter=0.0)
    for name in ("queue", "transferring", "latercall", "lastseen", "delay", "free_transfer_slots", "download_delay"):
        assert hasattr(slot, name), name


def test_scheduling_helpers():
    from scrapy.utils.asyncio import call_later
    from scrapy.utils.defer import _schedule_coro, deferred_from_coro, maybe_deferred_to_future

    assert all(callable(f) for f in (call_later, _schedule_coro, deferred_from_coro, maybe_deferred_to_future))


def test_robots_middleware_internals():
    from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
    from scrapy.utils.test import get_crawler

    mw = RobotsTxtMiddleware(get_crawler(settings_dict={"ROBOTSTXT_OBEY": True}))
    for name in ("_parsers", "_robotstxt_useragent", "_default_useragent", "_parse_robots", "DOWNLOAD_PRIORITY"):
        assert hasattr(mw, name), name
    assert inspect.iscoroutinefunction(RobotsTxtMiddleware._parse_robots)


@pytest.mark.parametrize("name", ["ResponseFailed", "ResponseNeverReceived"])
def test_twisted_newclient_names(name):
    from twisted.web import _newclient

    assert issubclass(getattr(_newclient, name), Exception)


def test_engine_download_async():
    from scrapy.core.engine import ExecutionEngine

    assert inspect.iscoroutinefunction(ExecutionEngine.download_async)


def test_trafilatura_fallback_can_be_imported():
    """trafilatura's justext needs lxml.html.clean (the lxml_html_clean project, pulled in by
    pyproject's lxml[html-clean]); without it the extraction's fallback path fails on a clean install."""
    import justext  # noqa: F401
    import trafilatura  # noqa: F401
    from lxml.html.clean import Cleaner

    assert Cleaner is not None
