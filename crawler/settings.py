"""Scrapy settings of defwatch: UPPER_CASE constants, plus ``build_settings(app, ...)`` for the
values that come from ``config/app.toml`` and the command line.

Components get what they need from these settings in ``from_crawler`` (never through the
spider): ``DEFWATCH_STORE`` is the store's path (each component opens its own connection; a
live SQLite connection cannot be deep-copied, and Scrapy deep-copies settings for every
crawler), ``DEFWATCH_SITES`` the sites of the crawl and ``DEFWATCH_APP`` the application config
(frozen dataclasses: their deep copy is the object itself), ``DEFWATCH_INTERVAL`` the daemon's
``--interval``.
"""
from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from scrapy.settings import default_settings as _scrapy_defaults

from crawler.config import AppConfig, Site

BOT_NAME = "defwatch"
ROBOTSTXT_OBEY = True
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
#: Scrapy 2.19's remote-control extension serves an HTTP endpoint that runs Python code; a
#: monitor left running for a year has no use for it.
REMOTE_CONTROL_ENABLED = False
LOG_LEVEL = "WARNING"
LOG_ENABLED = True
HTTPCACHE_ENABLED = False
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
RETRY_ENABLED = True
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
#: Giving up after the retries is an expected, recorded outcome (http-error-after-retries,
#: timeout, connection-error), not an error of the crawler: the crawl summary says it per site,
#: ``-v`` and ``--log-json`` show each one.
RETRY_GIVE_UP_LOG_LEVEL = "INFO"
#: Retried within a crawl: connection failures and resets. Not retried within a crawl: timeouts
#: (a tarpit would cost three full deadlines) and unresolvable names (no network); those pages
#: are recorded and retried by the next crawl or daemon cycle.
RETRY_EXCEPTIONS = [
    "scrapy.exceptions.DownloadConnectionRefusedError",
    "scrapy.exceptions.DownloadFailedError",
    "scrapy.exceptions.ResponseDataLossError",
    "twisted.internet.error.ConnectionDone",
    "twisted.internet.error.ConnectError",
    "twisted.internet.error.ConnectionLost",
    OSError,
]
REDIRECT_ENABLED = True
DNS_TIMEOUT = 20
AUTOTHROTTLE_ENABLED = False
# A daemon runs one crawler every few seconds; these keep a cycle cheap.
# Scrapy starts CONCURRENT_ITEMS asyncio tasks for the output of EVERY callback (default 100):
# for a feed poll that yields nothing that was ~40 % of the daemon's CPU. The limit is per
# callback output, and a callback of ours yields at most one item (its page) or requests, so one
# task is enough: 8 cost 25 us more per response (one fill task + 8 workers) on a cold crawl.
CONCURRENT_ITEMS = 1
# Scrapy parses a generator callback's source to warn about `return value`; its cache is keyed
# by the bound method, new on every access, so it re-parsed parse_feed for every response.
WARN_ON_GENERATOR_RETURN_VALUE = False
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en;q=0.9,*;q=0.5",
}
ITEM_PIPELINES = {
    "pipelines.outcome.OutcomePipeline": 50,
    "pipelines.extract.ExtractPipeline": 100,
    "pipelines.normalize.NormalizePipeline": 200,
    "pipelines.window.WindowPipeline": 250,
    "pipelines.validate.ValidatePipeline": 300,
    "pipelines.dedupe.DedupePipeline": 400,
    "pipelines.template.TemplatePipeline": 450,
    "pipelines.store.StorePipeline": 500,
}
#: Our components replace or wrap Scrapy's (crawler/middlewares/, one per file). Order matters:
#: the address guard runs before robots.txt (a forbidden host is not even asked for its
#: robots.txt); RetryAfter sits just outside RetryMiddleware (550), so it sees answers before a
#: retry is built and retries before they are queued.
DOWNLOADER_MIDDLEWARES: dict[str, int | None] = {
    "crawler.middlewares.address_guard.AddressGuardMiddleware": 60,
    "crawler.middlewares.robots.RobotsTxtMiddleware": 100,
    "crawler.middlewares.retry_after.RetryAfterMiddleware": 560,
    "crawler.middlewares.redirect.MetaRefreshMiddleware": 580,
    "crawler.middlewares.compression.HttpCompressionMiddleware": 590,
    "crawler.middlewares.redirect.RedirectMiddleware": 600,
    # Last, where the download handler is called: answers of the quick feed poll enter here.
    "crawler.middlewares.prefetched.PrefetchedMiddleware": 990,
}
#: The feed spider's article pages are fetched and handed to the pipelines by the quick page path
#: (spiders/quickpages.py): outermost, after the Referer and URL-length middlewares have seen them.
SPIDER_MIDDLEWARES: dict[str, int | None] = {
    "spiders.quickpages.QuickPagesMiddleware": 40,
}
#: Scrapy imports every component named in a ``*_BASE`` dict, even one set to None, so the
#: components a crawl never uses are left out of the bases themselves (a one-off ``crawl`` of
#: unchanged feeds is mostly start-up): the cookies middleware (cookies are off; its module
#: imports tldextract and requests, 70 ms), DownloaderStats (no one reads the downloader/*
#: stats it counts by re-encoding every header of every request), the remote-control extension
#: (off; its module imports aiohttp, 0.2 s), and extensions that are off here (memory debugger,
#: feed exports, job state, AutoThrottle, telnet, the HTTP cache).
_unused_components = {
    # No spider of ours sets allowed_domains, http_user or a depth limit: these only cost time
    # per request (~2 % of a cold crawl's reactor CPU together), as does the meta-copy checker,
    # a development aid that only warns.
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware",
    "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware",
    "scrapy.spidermiddlewares.depth.DepthMiddleware",
    "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware",
    "scrapy.downloadermiddlewares.httpcache.HttpCacheMiddleware",
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware",
    "scrapy.downloadermiddlewares.stats.DownloaderStats",
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware",
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware",
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware",
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware",
    "scrapy.extensions.remote_control.RemoteControl",
    "scrapy.extensions.memdebug.MemoryDebugger",
    "scrapy.extensions.feedexport.FeedExporter",
    "scrapy.extensions.spiderstate.SpiderState",
    "scrapy.extensions.throttle.AutoThrottle",
    "scrapy.extensions.telnet.TelnetConsole",
}
DOWNLOADER_MIDDLEWARES_BASE = {k: v for k, v in _scrapy_defaults.DOWNLOADER_MIDDLEWARES_BASE.items() if k not in _unused_components}
EXTENSIONS_BASE = {k: v for k, v in _scrapy_defaults.EXTENSIONS_BASE.items() if k not in _unused_components}
SPIDER_MIDDLEWARES_BASE = {k: v for k, v in _scrapy_defaults.SPIDER_MIDDLEWARES_BASE.items() if k not in _unused_components}
STATS_CLASS = "crawler.stats.LeanStatsCollector"
#: Scrapy's downloader with the per-host concurrency limit enforced on the asyncio reactor.
DOWNLOADER = "crawler.middlewares.downloader.PoliteDownloader"
#: Only http(s) is ever fetched: the handlers for file:, data:, s3: and ftp: are switched off, so
#: no URL from a feed can read a local file even if every other check failed.
DOWNLOAD_HANDLERS = {"file": None, "data": None, "s3": None, "ftp": None,
                     # Plain GETs to the configured sites through the quick client, the rest through
                     # Twisted's (crawler/middlewares/quickfetch.py).
                     "http": "crawler.middlewares.quickfetch.QuickDownloadHandler",
                     "https": "crawler.middlewares.quickfetch.QuickDownloadHandler"}
#: Used by CrawlerProcess-based tools (scrapy shell); the crawl installs it via the address guard.
TWISTED_DNS_RESOLVER = "crawler.middlewares.resolver.GuardedResolver"
#: Seconds a crawl waits for a host that sent Retry-After; a longer wait defers the host's
#: requests to a later cycle (outcome http-error-after-retries).
DEFWATCH_RETRY_AFTER_MAX = 30.0
#: Backoff before the n-th retry of a timeout, reset or 5xx: BACKOFF * 2**(n-1) s (+-25 %).
DEFWATCH_RETRY_BACKOFF = 1.0
DEFWATCH_RETRY_BACKOFF_MAX = 30.0
#: Conditional GETs of known feeds go through spiders/quickpoll.py (same rules; an idle pass
#: over 1,000 feeds takes half the CPU, bench/README.md); False sends every feed through Scrapy.
DEFWATCH_QUICK_POLL = True
#: Plain GETs to the configured sites go through the quick client (crawler/middlewares/quickfetch.py,
#: same rules: it is Scrapy's download handler); False sends every request through Twisted's.
DEFWATCH_QUICK_FETCH = True
#: Article pages of feed entries go through the quick page path (spiders/quickpages.py, same
#: rules; Scrapy gets every answer that is not a plain 200); False sends them through Scrapy.
DEFWATCH_QUICK_PAGES = True
#: Extra host names always allowed by the address guard (the hosts of the configured sites,
#: feeds and sitemaps are allowed anyway); networks come from ``allow_networks``.
DEFWATCH_ALLOWED_HOSTS: list[str] = []
DEFWATCH_ALLOW_NETWORKS: list[str] = []
EXTENSIONS: dict[str, int | None] = {}
#: Dropped items are logged by URL, not dumped with their page bytes.
LOG_FORMATTER = "crawler.logformatter.CompactLogFormatter"


#: Path of the store (str); the components that need it raise NotConfigured without it.
DEFWATCH_STORE: str | None = None
#: The sites of the crawl (a tuple of ``crawler.config.Site``).
DEFWATCH_SITES: tuple[Site, ...] = ()
#: The application config (``crawler.config.AppConfig``); None means the defaults.
DEFWATCH_APP: AppConfig | None = None
#: ``--interval`` in seconds: a fixed poll and retry pace (None: adaptive).
DEFWATCH_INTERVAL: float | None = None
#: ``--watchlists`` (str): the store pipeline raises alerts with each article (issue 11).
DEFWATCH_WATCHLISTS: str | None = None


def build_settings(app: AppConfig, *, store: Path | str | None = None, sites: Iterable[Site] = (),
                   interval: float | None = None, **overrides: Any) -> dict[str, Any]:
    """The Scrapy settings of a crawl of ``sites`` into ``store``."""
    settings = {k: v for k, v in globals().items() if k.isupper()}
    settings.update({
        "DEFWATCH_STORE": str(store) if store is not None else None,
        "DEFWATCH_SITES": tuple(sites),
        "DEFWATCH_APP": app,
        "DEFWATCH_INTERVAL": interval,
        "USER_AGENT": app.user_agent,
        "DOWNLOAD_TIMEOUT": app.download_timeout,
        "CLOSESPIDER_TIMEOUT": app.crawl_time_budget,
        "DOWNLOAD_MAXSIZE": app.max_body_bytes,
        "DOWNLOAD_WARNSIZE": min(app.max_body_bytes, 4 * 1024 * 1024),
        "REDIRECT_MAX_TIMES": app.max_redirects,
        "RETRY_TIMES": app.retry_times,
        "CONCURRENT_REQUESTS": app.concurrent_requests,
        "CONCURRENT_REQUESTS_PER_DOMAIN": app.concurrent_per_host,
        "DOWNLOAD_DELAY": app.download_delay,
        "DEFWATCH_ALLOW_NETWORKS": list(app.allow_networks),
    })
    settings.update(overrides)
    return settings
