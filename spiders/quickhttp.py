"""The HTTP/1.1 client of the quick feed poll (``spiders/quickpoll.py``): asyncio streams, keep-alive.

The HTTP/1.1 framing (request bytes, status line, headers, Content-Length / chunked /
close-delimited bodies, keep-alive) is h11's; this module only moves bytes and keeps limits.
It only ever has to tell a plain answer from anything else: a complete answer (under the size
limit) or a timeout is returned; everything else raises ``Unusual`` and the caller hands the
request to Scrapy.
"""
from __future__ import annotations

import asyncio
import logging
import socket
import ssl
import time
import urllib.request
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import h11

logger = logging.getLogger(__name__)

#: Header block limit: a bigger header block is not a feed server's answer; Scrapy gets it.
MAX_HEADER_BYTES = 64 * 1024
#: Bytes asked of the socket per read.
READ_SIZE = 64 * 1024


class Unusual(Exception):
    """An answer or failure the quick path leaves to Scrapy."""


class StaleConnection(Unusual):
    """A kept connection failed before any byte of the answer (the server may have closed it
    while idle): raised instead of retrying on a new connection when the caller asks so."""


@dataclass
class Answer:
    """A complete HTTP answer (or a timeout) for one feed request."""

    status: int = 0
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    body: bytes = b""
    ip: str | None = None
    latency: float = 0.0
    sent_at: float = 0.0  # wall-clock time the request went out
    timeout: float | None = None  # set: the request timed out after this many seconds
    protocol: str = "HTTP/1.1"

    def header(self, name: bytes) -> bytes | None:
        for key, value in self.headers:
            if key.lower() == name:
                return value
        return None


@dataclass
class Target:
    """One request of the quick path: where to send it and what to send."""

    host: str
    port: int
    tls: bool
    request: h11.Request  # the GET, validated by h11 when it was built
    url: str


def proxies_configured() -> bool:
    """Whether the environment names a proxy (Scrapy's HttpProxyMiddleware would use it)."""
    return any(k in ("http", "https") for k in urllib.request.getproxies())


def get_request(path: str, netloc: str, headers: Iterable[tuple[str, str]]) -> h11.Request:
    """Build the GET of ``path`` on ``netloc``; Unusual if h11 refuses a header."""
    try:
        # latin-1, as Scrapy sends header values; h11 itself would only take ASCII str
        raw = [(b"Host", netloc.encode("latin-1"))]
        raw.extend((k.encode("latin-1"), v.encode("latin-1")) for k, v in headers)
        return h11.Request(method=b"GET", target=path.encode("latin-1"), headers=raw)
    except (UnicodeEncodeError, h11.LocalProtocolError) as exc:
        raise Unusual(f"request not sendable: {exc}") from exc


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, ip: str):
        self.reader, self.writer, self.ip = reader, writer, ip
        self.http = h11.Connection(our_role=h11.CLIENT, max_incomplete_event_size=MAX_HEADER_BYTES)
        self.used = False

    def close(self) -> None:
        self.writer.close()


class HostClient:
    """Keep-alive connections to one host, one request at a time on each."""

    def __init__(self, host: str, port: int, tls: bool, *, timeout: float, maxsize: int,
                 address_ok: Callable[[str], bool]):
        self.host, self.port, self.tls = host, port, tls
        self.timeout, self.maxsize = timeout, maxsize
        self.address_ok = address_ok
        self._idle: list[_Connection] = []
        self._address: tuple[int, str] | None = None  # (family, IP) resolved once per host

    async def fetch(self, target: Target, *, timeout: float | None = None, maxsize: int | None = None,
                    stale_retry: bool = True) -> Answer:
        """Send ``target``; return its answer, an ``Answer`` with ``timeout`` set, or raise Unusual.

        ``timeout`` and ``maxsize`` replace the client's own for this request. A kept connection
        that fails before any answer byte is retried on a new one, or (``stale_retry`` False)
        raises ``StaleConnection``.
        """
        started, sent_at = time.monotonic(), time.time()
        timeout = timeout or self.timeout
        try:
            # A deadline on this task, not wait_for's task around the exchange: one task and one
            # loop iteration less per request (the caller sees the answer as soon as it is read).
            async with asyncio.timeout(timeout):
                answer = await self._exchange(target, maxsize or self.maxsize, stale_retry)
        except TimeoutError:
            return Answer(timeout=timeout, latency=time.monotonic() - started, sent_at=sent_at)
        answer.latency, answer.sent_at = time.monotonic() - started, sent_at
        return answer

    async def _exchange(self, target: Target, maxsize: int, stale_retry: bool = True) -> Answer:
        try:
            conn = self._idle.pop() if self._idle else None
            if conn is not None:
                try:  # a kept connection the server closed meanwhile fails before any answer byte
                    return await self._on(conn, target, maxsize)
                except (_Stale, ConnectionError) as exc:
                    if not stale_retry:
                        raise StaleConnection(f"kept connection failed: {type(exc).__name__}") from exc
            return await self._on(await self._connect(), target, maxsize)
        except _Stale as exc:
            raise Unusual("the connection closed before an answer") from exc
        except h11.ProtocolError as exc:  # a malformed answer (or one h11 will not frame)
            raise Unusual(f"{type(exc).__name__}: {exc}") from exc
        except (OSError, ssl.SSLError, ValueError) as exc:
            raise Unusual(f"{type(exc).__name__}: {exc}") from exc

    async def _connect(self) -> _Connection:
        loop = asyncio.get_running_loop()
        if self._address is None:
            infos = await loop.getaddrinfo(self.host, self.port, type=socket.SOCK_STREAM)
            if not infos:
                raise Unusual(f"{self.host} does not resolve")
            self._address = (infos[0][0], str(infos[0][4][0]))
        family, ip = self._address
        if not self.address_ok(ip):  # the guard's process_response check, before any byte is sent
            raise Unusual(f"{self.host} resolves to {ip}")
        context = None
        if self.tls:  # as Scrapy's default context factory: no certificate verification
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        reader, writer = await asyncio.open_connection(
            ip, self.port, family=family, ssl=context, server_hostname=self.host if context else None)
        return _Connection(reader, writer, ip)

    async def _on(self, conn: _Connection, target: Target, maxsize: int) -> Answer:
        reused, conn.used = conn.used, True
        http = conn.http
        try:
            conn.writer.write(http.send(target.request) + (http.send(h11.EndOfMessage()) or b""))
            await conn.writer.drain()
            answer = await self._answer(conn, reused, maxsize)
        except BaseException:  # noqa: BLE001 - whatever broke the exchange, the connection is done
            conn.close()
            raise
        if http.our_state is h11.DONE and http.their_state is h11.DONE:  # h11's keep-alive verdict
            http.start_next_cycle()
            self._idle.append(conn)
        else:
            conn.close()
        return answer

    async def _answer(self, conn: _Connection, reused: bool, maxsize: int) -> Answer:
        """Read one answer off ``conn`` through h11, up to its EndOfMessage."""
        http = conn.http
        status, headers, parts, total, heard = 0, list[tuple[bytes, bytes]](), list[bytes](), 0, False
        protocol = "HTTP/1.1"
        while True:
            event = http.next_event()
            if event is h11.NEED_DATA:
                data = await conn.reader.read(READ_SIZE)
                if not data and not heard and reused:
                    raise _Stale
                heard = heard or bool(data)
                http.receive_data(data)  # b"": the peer closed; h11 decides if the body was complete
            elif isinstance(event, h11.InformationalResponse):
                raise Unusual(f"status {event.status_code}")
            elif isinstance(event, h11.Response):
                if event.http_version not in (b"1.0", b"1.1"):
                    raise Unusual(f"HTTP/{event.http_version.decode()}")
                status, headers = event.status_code, event.headers.raw_items()  # names as sent
                protocol = "HTTP/" + event.http_version.decode()
                # h11 bounds only an *incomplete* head; one that arrived whole in a read is checked here
                if sum(len(k) + len(v) + 4 for k, v in headers) > MAX_HEADER_BYTES:
                    raise Unusual("header block over the limit")
                length = next((v for k, v in event.headers if k == b"content-length"), None)
                if length is not None and int(length) > maxsize:
                    raise Unusual(f"content-length {int(length)}")
            elif isinstance(event, h11.Data):
                total += len(event.data)
                if total > maxsize:
                    raise Unusual("body over the size limit")
                parts.append(bytes(event.data))
            elif isinstance(event, h11.EndOfMessage):
                return Answer(status=status, headers=headers, body=b"".join(parts), ip=conn.ip, protocol=protocol)
            else:  # ConnectionClosed or PAUSED before the end of the answer
                raise Unusual(f"no complete answer: {event!r}")

    def close(self) -> None:
        while self._idle:
            self._idle.pop().close()


class _Stale(Exception):
    """A reused keep-alive connection was closed by the server before answering."""


async def poll_host(client: HostClient, targets: deque[tuple[Any, Target]], workers: int,
                    limit: asyncio.Semaphore, deadline: float | None) -> tuple[list[tuple[Any, Answer]], list[Any]]:
    """Fetch ``targets`` of one host over at most ``workers`` connections.

    Returns the answers (key, Answer) and the keys left to Scrapy: after the first unusual
    answer or failure, the rest of the host goes to Scrapy as well.
    """
    answers: list[tuple[Any, Answer]] = []
    left: list[Any] = []

    async def work() -> None:
        while targets:
            key, target = targets.popleft()
            if left or (deadline is not None and time.monotonic() >= deadline):
                left.append(key)
                continue
            async with limit:
                try:
                    answers.append((key, await client.fetch(target)))
                except Unusual as exc:
                    logger.debug("quick poll of %s left to Scrapy: %s", target.url, exc)
                    left.append(key)

    try:
        await asyncio.gather(*(work() for _ in range(max(1, min(workers, len(targets))))))
    finally:
        client.close()
    return answers, left
