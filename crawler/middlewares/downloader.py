"""PoliteDownloader: Scrapy's downloader with ``CONCURRENT_REQUESTS_PER_DOMAIN`` actually enforced.

Scrapy 2.19's ``Downloader._process_queue`` starts each download with ``_schedule_coro``; on the
asyncio reactor that is ``loop.create_task``, so the download only marks itself as transferring
(``slot.transferring.add``) on a later loop iteration. The ``while slot.queue and
slot.free_transfer_slots() > 0`` loop therefore never sees a slot fill up and sends the whole
queue of a host at once: measured on the hostile mock web, 12 parallel requests to one host
with a per-host limit of 2. That is impolite, and it defeats Retry-After (every queued request
of the host goes out at the same moment).

The fix reserves the transfer place before the task is scheduled; ``_download`` adds the same
request to the set again (a no-op) and removes it when the transfer ends, as before.
It also keeps a crawl within its time budget (``CLOSESPIDER_TIMEOUT``, from
``crawl_time_budget``): Scrapy's close-spider stops the scheduler but still sends every request
already queued in a download slot. Past the budget those are failed at once with a ``timeout``
outcome (the page is retried by the next crawl or cycle); requests in flight end within
``DOWNLOAD_TIMEOUT``.

When a transfer ends, ``on_slot_free`` (if set) is called: the quick page path
(``spiders/quickpages.py``) shares the slots and starts its queued pages.

Registered as ``DOWNLOADER`` in ``crawler/settings.py``.
"""
from __future__ import annotations

from collections.abc import Callable
from time import monotonic

from scrapy.core.downloader import Downloader, Slot
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import _schedule_coro
from twisted.python.failure import Failure

from crawler.middlewares import BUDGET_SPENT, OutcomeIgnored


class PoliteDownloader(Downloader):
    def __init__(self, crawler):
        super().__init__(crawler)
        budget = crawler.settings.getfloat("CLOSESPIDER_TIMEOUT", 0)
        self.deadline = monotonic() + budget if budget > 0 else None
        self.on_slot_free: Callable[[], None] | None = None

    def _process_queue(self, slot: Slot) -> None:
        self._process_slot(slot)
        if self.on_slot_free is not None:
            self.on_slot_free()

    def _process_slot(self, slot: Slot) -> None:
        if self.deadline is not None and monotonic() >= self.deadline:
            while slot.queue:
                request, queue_dfd = slot.queue.popleft()
                slot.transferring.discard(request)
                queue_dfd.errback(Failure(OutcomeIgnored("timeout", BUDGET_SPENT)))
            return
        if slot.latercall:
            return  # held: a download delay or a Retry-After (see RetryAfterMiddleware)
        now = monotonic()
        delay = slot.download_delay()
        if delay:
            penalty = delay - now + slot.lastseen
            if penalty > 0:
                slot.latercall = call_later(penalty, self._latercall, slot)
                return
        while slot.queue and slot.free_transfer_slots() > 0:
            slot.lastseen = now
            request, queue_dfd = slot.queue.popleft()
            slot.transferring.add(request)  # reserve the place now: the task starts later
            _schedule_coro(self._wait_for_download(slot, request, queue_dfd))
            if delay:
                self._process_slot(slot)
                break
