"""Alert sinks: deliver the store's queued alerts, at least once, with no duplicate effects.

* ``jsonl``: appended with the discipline of ``--out`` (:func:`crawler.export.append_pending`):
  cut the file back to its committed size, append, fsync, then mark the alerts delivered together
  with the new size in one transaction. No lost, duplicated or torn line across any crash.
* ``webhook``: one POST of the alert's JSON per alert, with ``Idempotency-Key: <alert_id>``, so a
  receiver can drop the repeat of a delivery whose answer was lost in a crash. 5xx answers,
  timeouts and refused connections are retried with exponential backoff (up to the sink's
  ``max_backoff``); the queue is FIFO per sink, so a sink that is down is asked once per round.
  A 4xx (but 408/425/429) is the receiver refusing this alert: after ``MAX_REJECTS`` refusals
  it is set aside (recorded with its error) so one bad alert cannot block the queue.
* ``apprise``: Slack, Matrix, ntfy, e-mail and the rest through the ``apprise`` library.

Isolation: HTTP calls run in daemon threads (stdlib ``urllib``; ``apprise`` is synchronous too),
each bounded by the sink's ``timeout``, and a round of deliveries by a time budget, so a sink
that hangs or is down never holds the crawl; undelivered alerts wait in the store.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from crawler.export import heal_output
from crawler.store import Store
from crawler.watchlists import Sink

logger = logging.getLogger(__name__)
T = TypeVar("T")

#: Seconds before the first retry of a failed delivery (doubled per failed attempt).
BACKOFF_BASE = 1.0
#: Refusals (4xx) of one alert before it is set aside.
MAX_REJECTS = 5
USER_AGENT = "defwatch/0.1 (+https://github.com/defwatch/defwatch; alerts)"


class DeliveryError(Exception):
    """A delivery failed; ``retry`` says whether trying again later may succeed."""

    def __init__(self, message: str, *, retry: bool = True):
        super().__init__(message)
        self.retry = retry


# ---------------------------------------------------------------- jsonl

def deliver_jsonl(store: Store, sink: Sink) -> int:
    """Append every undelivered alert of a jsonl sink to its file; returns how many."""
    path = Path(sink.target)
    path.parent.mkdir(parents=True, exist_ok=True)
    total = 0
    while True:
        pending = store.pending_alerts(sink.key)
        committed = store.output_size(sink.target)
        if not pending and committed is not None:
            # Nothing queued and the file committed: a crash's leftovers always come with
            # queued alerts (they are marked only after the write), so nothing to heal either.
            return total
        with open(path, "ab+") as fh:
            committed = heal_output(fh, committed)  # the same committed-size discipline as --out
            if not pending:
                if store.output_size(sink.target) is None:
                    store.mark_delivered(sink.key, [], output=sink.target, size=committed)
                return total
            data = "".join(json.dumps(p.alert, ensure_ascii=False) + "\n" for p in pending).encode("utf-8")
            fh.seek(committed)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        store.mark_delivered(sink.key, [p.alert_id for p in pending], output=sink.target, size=committed + len(data))
        total += len(pending)


# ---------------------------------------------------------------- webhook and apprise (blocking calls)

class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Refuse redirects: urllib would turn a redirected POST into a GET without the alert."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def post_webhook(url: str, alert: dict[str, Any], timeout: float) -> None:
    """POST one alert; raise DeliveryError unless the receiver answers 2xx."""
    body = json.dumps(alert, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", "Idempotency-Key": alert["alert_id"], "User-Agent": USER_AGENT})
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            response.read(65536)
    except urllib.error.HTTPError as exc:
        retry = exc.code >= 500 or exc.code in (408, 425, 429)
        raise DeliveryError(f"HTTP {exc.code}", retry=retry) from None
    except urllib.error.URLError as exc:
        raise DeliveryError(f"connection-error: {exc.reason}") from None
    except (TimeoutError, OSError) as exc:
        raise DeliveryError(f"{'timeout' if isinstance(exc, TimeoutError) else 'connection-error'}: {exc}") from None


def notify_apprise(url: str, alert: dict[str, Any], timeout: float) -> None:
    """Send one alert through apprise (Slack, Matrix, ntfy, e-mail, ...)."""
    import apprise

    notifier = apprise.Apprise()
    if not notifier.add(url):
        raise DeliveryError(f"apprise does not understand {url.split('://', 1)[0]}:// URLs", retry=False)
    title = f"[{alert['watchlist']}] {alert['event']}: {alert.get('title') or alert.get('url')}"
    body = f"{alert.get('url')}\n{alert.get('site')}, {alert.get('published') or 'undated'}\n" \
           f"matched: {', '.join(alert['matched'])}\n{alert.get('snippet') or ''}"
    if not notifier.notify(title=title, body=body):
        raise DeliveryError("apprise could not deliver the notification")


SENDERS: dict[str, Callable[[str, dict[str, Any], float], None]] = {"webhook": post_webhook, "apprise": notify_apprise}


def in_thread(fn: Callable[..., T], *args: Any) -> asyncio.Future[T]:
    """Run a blocking call in a daemon thread (an exiting daemon never waits for a hung sink)."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(result: Any, exc: BaseException | None) -> None:
        if not future.done():
            if exc is not None:
                future.set_exception(exc)
            else:
                future.set_result(result)

    def run() -> None:
        try:
            outcome: tuple[Any, BaseException | None] = (fn(*args), None)
        except BaseException as exc:  # handed to the awaiting task
            outcome = (None, exc)
        try:
            loop.call_soon_threadsafe(settle, *outcome)
        except RuntimeError:
            pass  # the loop is gone (the process is stopping): nobody waits for this answer

    threading.Thread(target=run, name="defwatch-sink", daemon=True).start()
    return future


async def deliver_remote(store: Store, sink: Sink, deadline: float, *, now_first: bool = False) -> int:
    """Deliver a webhook or apprise sink's queue, oldest first, until empty, failed or out of time.

    ``now_first``: try the queue's head even if it is backing off (a one-off crawl, a daemon's
    first round: the sink may have come back while nothing ran).
    """
    send = SENDERS[sink.kind]
    done = 0
    while time.monotonic() < deadline:
        pending = store.pending_alerts(sink.key, limit=50)
        if not pending:
            break
        for item in pending:
            left = deadline - time.monotonic()
            backing_off = item.next_at > time.time() and not now_first
            if backing_off or left < min(1.0, sink.timeout):
                return done  # the sink is backing off (FIFO: its head waits), or the round is over
            now_first = False
            timeout = min(sink.timeout, left)
            try:
                await asyncio.wait_for(in_thread(send, sink.target, item.alert, timeout), timeout + 1.0)
            except (TimeoutError, DeliveryError) as exc:
                error = str(exc) or "timeout"
                retry = getattr(exc, "retry", True)
                attempts = item.attempts + 1
                if not retry and attempts >= MAX_REJECTS:
                    store.mark_delivered(sink.key, [item.alert_id], error=f"rejected: {error}")
                    logger.warning("alert set aside sink=%s alert=%s after %d refusals: %s", sink.key,
                                   item.alert_id, attempts, error)
                    continue
                wait = min(sink.max_backoff, BACKOFF_BASE * 2 ** (attempts - 1))
                store.delivery_failed(sink.key, item.alert_id, error, time.time() + wait)
                logger.info("alert delivery failed sink=%s alert=%s attempt=%d retry_in=%.1f: %s", sink.key,
                            item.alert_id, attempts, wait, error)
                return done
            store.mark_delivered(sink.key, [item.alert_id])
            done += 1
    return done


async def deliver(store: Store, sinks: Iterable[Sink], *, budget: float = 10.0,
                  now_first: bool = False) -> dict[str, int]:
    """Deliver every sink's queue within ``budget`` seconds; returns alerts delivered per sink.

    ``now_first``: each remote sink's head is tried at once, backing off or not.
    """
    deadline = time.monotonic() + budget
    delivered: dict[str, int] = {}
    remote = []
    for sink in sinks:
        if sink.kind == "jsonl":
            try:
                delivered[sink.key] = deliver_jsonl(store, sink)
            except OSError as exc:
                logger.warning("alert sink %s cannot be written: %s (alerts stay queued)", sink.key, exc)
                delivered[sink.key] = 0
        else:
            remote.append(sink)
    # The remote sinks side by side: one that hangs does not starve another.
    counts = await asyncio.gather(*(deliver_remote(store, s, deadline, now_first=now_first) for s in remote))
    delivered.update({s.key: n for s, n in zip(remote, counts, strict=True)})
    for key, n in delivered.items():
        if n:
            logger.info("alerts delivered sink=%s n=%d", key, n)
    return delivered
