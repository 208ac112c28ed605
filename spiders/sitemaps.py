"""BackfillSpider: the articles a site published in a window, from its sitemaps or feed archives.

Documents (robots.txt, sitemaps, archive feed pages) are queued in the store (``sitemaps``
table) and their article URLs become ``candidates`` there, each decided *before* any page is
fetched (``crawler.backfill.classify``); so a killed run resumes where it stopped, and pages
the store already holds are never fetched again. Fetching stays in Scrapy: robots.txt through
our middleware, politeness, size caps, outcomes. Sitemaps are read with Scrapy's ``Sitemap``
(after feedparse's XML safety check) and found with ``sitemap_urls_from_robots``.

Two modes:

* ``backfill``: robots.txt ``Sitemap:`` lines, the site's ``sitemaps`` and the well-known paths;
  a site without any sitemap is walked through its feeds' archive pages (``?paged=N``,
  RFC 5005 ``prev-archive``) until the entries are older than the window;
* ``recover``: the same sitemaps for the window of a feed gap; never the archive.
"""
from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import scrapy
from lxml import etree
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots
from twisted.python.failure import Failure

from crawler.backfill import (
    MAX_ARCHIVE_PAGES,
    MAX_SITEMAP_DEPTH,
    MAX_SITEMAPS_PER_SITE,
    WELL_KNOWN_SITEMAPS,
    Window,
    classify,
    is_article_url,
    sitemap_worth_walking,
    skip_sitemap,
    to_datetime,
)
from crawler.config import Site
from crawler.items import FailedPage, FetchedPage, PageTarget
from crawler.state import Candidate, PageState, SitemapDoc
from crawler.urls import canonical_url, same_site, url_key
from spiders.failures import classify_failure
from spiders.feedparse import FeedError, check_xml_safety, looks_like_html, parse_feed
from spiders.feeds import HANDLED_STATUSES, FeedSpider

logger = logging.getLogger(__name__)

#: Page outcomes after which a backfill does not fetch a page again.
DONE_OUTCOMES = frozenset({"stored", "duplicate", "gone", "not-an-article", "robots-denied", "address-denied"})
_NEWS_DATE = "{http://www.google.com/schemas/sitemap-news/0.9}publication_date"
#: A gzip sitemap may inflate to the protocol's limit (sitemaps.org: 50 MB uncompressed).
SITEMAP_MAX_BYTES = 50 * 1024 * 1024


class DatedSitemap(Sitemap):
    """Scrapy's Sitemap, also keeping a Google News entry's ``news:publication_date``.

    Scrapy reads the direct children of ``<url>`` only (``news:news`` would come out empty).
    """

    def _process_sitemap_element(self, elem: Any) -> dict[str, Any] | None:
        news = elem.findtext(f".//{_NEWS_DATE}")
        d = super()._process_sitemap_element(elem)
        if d is not None and news:
            d["publication_date"] = news.strip()
        return d


def sitemap_body(response: Response, max_size: int) -> bytes:
    """The XML of a sitemap response, inflated when it is a ``.xml.gz`` served as gzip data."""
    body = response.body
    if gzip_magic_number(response):
        body = gunzip(body, max_size=max_size)
    return body


def archive_next(body: bytes, url: str) -> str | None:
    """The next (older) archive page of a feed: RFC 5005 ``prev-archive``, else WordPress ``?paged=N+1``.

    A document that takes part in RFC 5005 (``current``/``next-archive`` links) but has no
    ``prev-archive`` is the oldest one: None.
    """
    try:
        root = etree.fromstring(body, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                                                      recover=True))
    except etree.XMLSyntaxError:
        root = None
    rels = {}
    if root is not None:
        for node in root.iter("{http://www.w3.org/2005/Atom}link", "link"):
            rel = (node.get("rel") or "").strip()
            if rel and node.get("href"):
                rels.setdefault(rel, node.get("href"))
    if "prev-archive" in rels:
        return _join(url, rels["prev-archive"])
    if "next-archive" in rels or "current" in rels:
        return None
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "paged"]
    query.append(("paged", str(_page_number(url) + 1)))
    return urlunsplit(parts._replace(query=urlencode(query)))


def _join(base: str, href: str) -> str:
    from urllib.parse import urljoin

    return urljoin(base, href.strip())


class BackfillSpider(FeedSpider):
    """Walk sitemaps (or archives) for ``windows`` (site id -> Window) and fetch the pages in them.

    Pages go through the same pipelines as feed pages; each ``PageTarget`` carries ``found_via``
    and its window, and ``pipelines/window.py`` drops a page whose extracted date is outside it.
    Spider arguments: ``windows``, ``mode`` ("backfill" or "recover"), ``run_key`` (what makes a
    killed run the same run). Per-site stats: sitemaps, archive_pages, candidates, in_window,
    fetched, robots_denied (``defwatch/site/<id>/<key>``).
    """

    name = "backfill"

    def __init__(self, *, windows: dict[str, Window], mode: str = "backfill", run_key: str, **kwargs: Any):
        super().__init__(**kwargs)
        self.windows = windows
        self.mode = mode
        self.run_key = run_key
        self.run_id = 0
        self.inflight: dict[str, int] = {}
        self.docs_per_site: dict[str, int] = {}
        self.has_sitemap: set[str] = set()
        self.archived: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> BackfillSpider:
        spider: BackfillSpider = super().from_crawler(crawler, *args, **kwargs)  # type: ignore[assignment]
        spider.sites = {sid: site for sid, site in spider.sites.items() if sid in spider.windows}
        return spider

    # ------------------------------------------------------------ start / resume
    async def start(self) -> AsyncIterator[scrapy.Request]:
        self.run_id, resumed = self.store.backfill_run(self.run_key, self.mode)
        if resumed:
            logger.info("backfill: resuming run %d", self.run_id)
        for site in self.sites.values():
            seeds = [SitemapDoc(_join(site.url, "/robots.txt"), site.id, "robots")]
            seeds += [SitemapDoc(url, site.id, "sitemap") for url in site.sitemaps]
            seeds += [SitemapDoc(_join(site.url, path), site.id, "sitemap") for path in WELL_KNOWN_SITEMAPS]
            self.store.add_sitemaps(self.run_id, seeds)
        docs = self.store.sitemap_docs(self.run_id)
        for doc in docs:
            if doc.kind == "sitemap" and doc.state == "walked" and doc.detail != "empty":
                self.has_sitemap.add(doc.site)
            if doc.kind == "archive":
                self.archived.add(doc.site)
            self.docs_per_site[doc.site] = self.docs_per_site.get(doc.site, 0) + 1
        # Snapshot what a killed run left before yielding anything: Scrapy consumes this
        # generator lazily, while the callbacks already add documents and candidates.
        pending = [doc for doc in docs if doc.state == "pending" and doc.site in self.sites]
        resumed_rows = [row for row in self.store.run_candidates(self.run_id) if row.site in self.sites]
        requests = [self.doc_request(doc) for doc in pending]
        for row in resumed_rows:
            self.count(row.site, "candidates")
            self.count(row.site, "in_window")
            request = self.candidate_request(row)
            if request is not None:
                requests.append(request)
        for site_id in self.sites:
            requests.extend(self.maybe_archive(site_id))
        for request in requests:
            yield request

    # ------------------------------------------------------------ documents
    def doc_request(self, doc: SitemapDoc) -> scrapy.Request:
        self.inflight[doc.site] = self.inflight.get(doc.site, 0) + 1
        meta: dict[str, Any] = {"handle_httpstatus_list": HANDLED_STATUSES}
        if doc.kind == "robots":
            meta["dont_obey_robotstxt"] = True  # robots.txt itself is always allowed (RFC 9309 2.2.2)
        self.stat(f"backfill/{doc.kind}/requested")
        return scrapy.Request(doc.url, callback=self.parse_doc, errback=self.doc_failed, dont_filter=True,
                              priority=5, meta=meta, cb_kwargs={"doc": doc})

    def parse_doc(self, response: Response, doc: SitemapDoc) -> Iterable[scrapy.Request]:
        site = self.sites[doc.site]
        self.inflight[site.id] -= 1
        if response.status != 200:
            self.store.walked(self.run_id, doc.url, "missing", f"HTTP {response.status}")
        elif doc.kind == "robots":
            yield from self.walk_robots(site, doc, response)
        elif doc.kind == "archive":
            yield from self.walk_archive(site, doc, response)
        else:
            yield from self.walk_sitemap(site, doc, response)
        yield from self.maybe_archive(site.id)

    def doc_failed(self, failure: Failure) -> Iterable[scrapy.Request]:
        doc: SitemapDoc = failure.request.cb_kwargs["doc"]  # type: ignore[attr-defined]
        self.inflight[doc.site] -= 1
        outcome, detail = classify_failure(failure)
        self.stat(f"backfill/{doc.kind}/{outcome}")
        if doc.kind != "robots" and outcome != "robots-denied":
            self.count(doc.site, "errors")
        self.store.walked(self.run_id, doc.url, "error", f"{outcome}: {detail}"[:300])
        yield from self.maybe_archive(doc.site)

    def queue(self, site: Site, children: list[SitemapDoc], candidates: list[Candidate], doc: SitemapDoc,
              detail: str | None = None) -> Iterable[scrapy.Request]:
        kids, added = self.store.walked(self.run_id, doc.url, "walked", detail, children=children,
                                        candidates=candidates)
        for kid in kids:
            if self.docs_per_site.get(site.id, 0) >= MAX_SITEMAPS_PER_SITE:
                self.stat("backfill/sitemaps/over_limit")
                break
            self.docs_per_site[site.id] = self.docs_per_site.get(site.id, 0) + 1
            yield self.doc_request(kid)
        for row in added:
            self.count(site.id, "candidates")
            self.stat(f"backfill/candidates/{row.state}")
            if row.state in ("due", "undated"):
                self.count(site.id, "in_window")
                request = self.candidate_request(row)
                if request is not None:
                    yield request

    def walk_robots(self, site: Site, doc: SitemapDoc, response: Response) -> Iterable[scrapy.Request]:
        children = [SitemapDoc(url, site.id, "sitemap") for url in sitemap_urls_from_robots(response.body, response.url)
                    if not skip_sitemap(url)]
        yield from self.queue(site, children, [], doc)

    def walk_sitemap(self, site: Site, doc: SitemapDoc, response: Response) -> Iterable[scrapy.Request]:
        window = self.windows[site.id]
        try:
            body = sitemap_body(response, max(self.app.max_body_bytes, SITEMAP_MAX_BYTES))
            if looks_like_html(body):
                raise FeedError("parse-error", "an HTML page where a sitemap was expected")
            check_xml_safety(body)
            sitemap = DatedSitemap(body)
        except (FeedError, ValueError, OSError, StopIteration, etree.LxmlError) as exc:
            self.store.walked(self.run_id, doc.url, "missing", f"not a sitemap: {exc}"[:300])
            self.stat("backfill/sitemap/unusable")
            return
        self.count(site.id, "sitemaps")
        self.has_sitemap.add(site.id)
        children: list[SitemapDoc] = []
        candidates: list[Candidate] = []
        if sitemap.type == "sitemapindex":
            for entry in sitemap:
                loc = _join(response.url, entry["loc"])
                if skip_sitemap(loc):
                    self.stat("backfill/sitemap/skipped_kind")
                elif doc.depth + 1 > MAX_SITEMAP_DEPTH:
                    self.stat("backfill/sitemap/too_deep")
                elif not sitemap_worth_walking(window, loc, entry.get("lastmod")):
                    self.stat("backfill/sitemap/outside_window")
                else:
                    children.append(SitemapDoc(loc, site.id, "sitemap", doc.depth + 1, entry.get("lastmod")))
        elif sitemap.type == "urlset":
            for entry in sitemap:
                loc = _join(response.url, entry["loc"])
                candidate = self.candidate(site, loc, published=entry.get("publication_date"),
                                           lastmod=entry.get("lastmod"), via="sitemap")
                if candidate:
                    candidates.append(candidate)
        yield from self.queue(site, children, candidates, doc, detail=None if children or candidates else "empty")

    def walk_archive(self, site: Site, doc: SitemapDoc, response: Response) -> Iterable[scrapy.Request]:
        headers = {k.decode("latin-1").lower(): v[0].decode("latin-1") for k, v in response.headers.items() if v}
        try:
            parsed = parse_feed(response.body, headers, response.url)
        except FeedError as exc:
            self.store.walked(self.run_id, doc.url, "missing", f"{exc.outcome}: {exc}"[:300])
            return
        self.count(site.id, "archive_pages")
        window = self.windows[site.id]
        candidates: list[Candidate] = []
        times = []
        for entry in parsed.entries:
            when = to_datetime(entry.published)
            if when is not None:
                times.append(when)
            candidate = self.candidate(site, entry.link, published=entry.published, lastmod=entry.updated,
                                       via="archive")
            if candidate:
                candidates.append(candidate)
        known = {c.key for c in self.store.run_candidates(self.run_id, ("due", "undated", "out", "skip"))}
        fresh = [c for c in candidates if c.key not in known]
        children = []
        older = bool(times) and min(times) < window.since
        if fresh and not older and doc.depth + 1 < MAX_ARCHIVE_PAGES:
            nxt = archive_next(response.body, response.url)
            if nxt:
                children.append(SitemapDoc(nxt, site.id, "archive", doc.depth + 1))
        yield from self.queue(site, children, candidates, doc)

    def candidate(self, site: Site, url: str, *, published: str | None, lastmod: str | None,
                  via: str) -> Candidate | None:
        """The candidate of an article URL, decided for the window; None when it is not an article."""
        if not same_site(url, site.url) or not is_article_url(url, site.url):
            self.stat("backfill/candidates/not_article")
            return None
        state, date = classify(self.windows[site.id], published=published, lastmod=lastmod, url=url)
        return Candidate(url_key(url), site.id, url, date, via, state)

    def maybe_archive(self, site_id: str) -> Iterable[scrapy.Request]:
        """Walk the feeds' archives of a site that turned out to have no sitemap (backfill only)."""
        if (self.mode != "backfill" or self.inflight.get(site_id, 0) > 0 or site_id in self.has_sitemap
                or site_id in self.archived):
            return
        self.archived.add(site_id)
        site = self.sites[site_id]
        logger.info("backfill: %s has no sitemap; walking its feed archives", site_id)
        for doc in self.store.add_sitemaps(self.run_id, [SitemapDoc(url, site_id, "archive") for url in site.feeds]):
            yield self.doc_request(doc)

    # ------------------------------------------------------------ pages
    def candidate_request(self, row: Candidate) -> scrapy.Request | None:
        site = self.sites[row.site]
        target = canonical_url(row.url)
        key = url_key(target)
        page = self.store.page(key)
        if page and (page.outcome in DONE_OUTCOMES or (page.outcome == "out-of-window"
                                                       and self.out_of_window(site.id, page))):
            self.stat("backfill/pages/known")
            return None
        if not self.store.claim(key):
            return None
        self.stat("pages/scheduled")
        window = self.windows[site.id]
        page_target = PageTarget(site=site.id, url=target, key=key, found_via=row.via,
                                 window=(window.since.isoformat(), window.until.isoformat() if window.until else None),
                                 sitemap_date=row.published)
        return scrapy.Request(target, callback=self.parse_page, errback=self.page_failed, priority=0,
                              cb_kwargs={"target": page_target}, meta={"handle_httpstatus_list": HANDLED_STATUSES})

    def out_of_window(self, site_id: str, page: PageState) -> bool:
        """Whether a page dropped as out-of-window by an earlier run is outside this window too."""
        m = re.search(r"published (\S+)", page.detail or "")
        when = to_datetime(m.group(1)) if m else None
        return when is not None and not self.windows[site_id].contains(when)

    def parse_page(self, response: Response, target: PageTarget) -> Iterator[FetchedPage | FailedPage]:
        self.count(target.site, "fetched")
        yield from super().parse_page(response, target)

    def page_failed(self, failure: Failure) -> Iterator[FailedPage]:
        target: PageTarget = failure.request.cb_kwargs["target"]  # type: ignore[attr-defined]
        outcome, _ = classify_failure(failure)
        self.count(target.site, "robots_denied" if outcome == "robots-denied" else "fetched")
        yield from super().page_failed(failure)

    def closed(self, reason: str) -> None:
        """Mark the run finished when nothing of it is left (a killed run is resumed instead)."""
        if reason == "finished" and self.run_id:
            pending = [d for d in self.store.sitemap_docs(self.run_id, state="pending") if d.site in self.sites]
            unfinished = [r for r in self.store.run_candidates(self.run_id)
                          if r.site in self.sites and self.store.page(url_key(canonical_url(r.url))) is None]
            if not pending and not unfinished:
                self.store.finish_backfill_run(self.run_id)
        super().closed(reason)


def _page_number(url: str) -> int:
    query = dict(parse_qsl(urlsplit(url).query))
    value = query.get("paged", "1")
    return int(value) if value.isdigit() else 1
