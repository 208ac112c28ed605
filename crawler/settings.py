"""Scrapy settings of defwatch: UPPER_CASE constants, plus ``build_settings(app)`` for the values
that come from ``config/app.toml`` and the command line."""
from __future__ import annotations

from typing import Any

from crawler.config import AppConfig

BOT_NAME = "defwatch"
ROBOTSTXT_OBEY = True
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "WARNING"
LOG_ENABLED = True
HTTPCACHE_ENABLED = False
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
RETRY_ENABLED = True
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
REDIRECT_ENABLED = True
DNS_TIMEOUT = 20
AUTOTHROTTLE_ENABLED = False
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en;q=0.9,*;q=0.5",
}
ITEM_PIPELINES = {
    "pipelines.extract.ExtractPipeline": 100,
    "pipelines.normalize.NormalizePipeline": 200,
    "pipelines.validate.ValidatePipeline": 300,
    "pipelines.dedupe.DedupePipeline": 400,
    "pipelines.store.StorePipeline": 500,
}
DOWNLOADER_MIDDLEWARES: dict[str, int] = {}
EXTENSIONS = {"scrapy.extensions.telnet.TelnetConsole": None}


def build_settings(app: AppConfig, **overrides: Any) -> dict[str, Any]:
    settings = {k: v for k, v in globals().items() if k.isupper()}
    settings.update({
        "USER_AGENT": app.user_agent,
        "DOWNLOAD_TIMEOUT": app.download_timeout,
        "DOWNLOAD_MAXSIZE": app.max_body_bytes,
        "DOWNLOAD_WARNSIZE": min(app.max_body_bytes, 4 * 1024 * 1024),
        "REDIRECT_MAX_TIMES": app.max_redirects,
        "RETRY_TIMES": app.retry_times,
        "CONCURRENT_REQUESTS": app.concurrent_requests,
        "CONCURRENT_REQUESTS_PER_DOMAIN": app.concurrent_per_host,
        "DOWNLOAD_DELAY": app.download_delay,
    })
    settings.update(overrides)
    return settings
