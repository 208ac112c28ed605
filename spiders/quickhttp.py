"""The HTTP/1.1 client of the quick feed poll (``spiders/quickpoll.py``): asyncio streams, keep-alive.

It only ever has to tell a plain answer from anything else: a complete answer (Content-Length,
chunked or close-delimited body, under the size limit) or a timeout is returned; everything else
raises ``Unusual`` and the caller hands the request to Scrapy.
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

logger = logging.getLogger(__name__)

#: Header block limit: a bigger header block is not a feed server's answer; Scrapy gets it.
MAX_HEADER_BYTES = 64 * 1024


class Unusual(Exception):
    """An answer or failure the quick path leaves to Scrapy."""


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
    head: bytes  # the request line and headers, ready to send
    url: str


def proxies_configured() -> bool:
    """Whether the environment names a proxy (Scrapy's HttpProxyMiddleware would use it)."""
    return any(k in ("http", "https") for k in urllib.request.getproxies())


def request_head(method_target: str, netloc: str, headers: Iterable[tuple[str, str]]) -> bytes:
    lines = [f"GET {method_target} HTTP/1.1", f"Host: {netloc}"]
    lines.extend(f"{k}: {v}" for k, v in headers)
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, ip: str):
        self.reader, self.writer, self.ip = reader, writer, ip
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

    async def fetch(self, target: Target) -> Answer:
        """Send ``target``; return its answer, an ``Answer`` with ``timeout`` set, or raise Unusual."""
        started, sent_at = time.monotonic(), time.time()
        try:
            answer = await asyncio.wait_for(self._exchange(target), self.timeout)
        except TimeoutError:
            return Answer(timeout=self.timeout, latency=time.monotonic() - started, sent_at=sent_at)
        answer.latency, answer.sent_at = time.monotonic() - started, sent_at
        return answer

    async def _exchange(self, target: Target) -> Answer:
        try:
            conn = self._idle.pop() if self._idle else None
            if conn is not None:
                try:  # a kept connection the server closed meanwhile fails before any answer byte
                    return await self._on(conn, target)
                except (_Stale, ConnectionError):
                    pass
            return await self._on(await self._connect(), target)
        except _Stale as exc:
            raise Unusual("the connection closed before an answer") from exc
        except (OSError, ssl.SSLError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as exc:
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
            ip, self.port, family=family, ssl=context, limit=MAX_HEADER_BYTES,
            server_hostname=self.host if context else None)
        return _Connection(reader, writer, ip)

    async def _on(self, conn: _Connection, target: Target) -> Answer:
        reused, conn.used = conn.used, True
        try:
            conn.writer.write(target.head)
            await conn.writer.drain()
            try:
                head = await conn.reader.readuntil(b"\r\n\r\n")
            except asyncio.IncompleteReadError as exc:
                if not exc.partial and reused:
                    raise _Stale from exc
                raise
            status, version, headers = parse_head(head)
            body, reusable = await self._body(conn.reader, status, version, headers)
        except BaseException:  # noqa: BLE001 - whatever broke the exchange, the connection is done
            conn.close()
            raise
        if reusable:
            self._idle.append(conn)
        else:
            conn.close()
        return Answer(status=status, headers=headers, body=body, ip=conn.ip)

    async def _body(self, reader: asyncio.StreamReader, status: int, version: bytes,
                    headers: list[tuple[bytes, bytes]]) -> tuple[bytes, bool]:
        values = {k.lower(): v for k, v in headers}
        connection = values.get(b"connection", b"").lower()
        keep = b"close" not in connection and (version == b"HTTP/1.1" or b"keep-alive" in connection)
        if status in (204, 304):
            return b"", keep
        encoding = values.get(b"transfer-encoding", b"").lower()
        if encoding:
            if encoding != b"chunked":
                raise Unusual(f"transfer-encoding {encoding!r}")
            return await self._chunked(reader), keep
        if b"content-length" in values:
            length = int(values[b"content-length"])
            if length < 0 or length > self.maxsize:
                raise Unusual(f"content-length {length}")
            return await reader.readexactly(length), keep
        body = await reader.read(self.maxsize + 1)
        while len(body) <= self.maxsize and (more := await reader.read(self.maxsize + 1 - len(body))):
            body += more
        if len(body) > self.maxsize:
            raise Unusual("body over the size limit")
        return body, False

    async def _chunked(self, reader: asyncio.StreamReader) -> bytes:
        parts: list[bytes] = []
        total = 0
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";", 1)[0].strip(), 16)
            if size == 0:
                while (await reader.readuntil(b"\r\n")) != b"\r\n":  # trailers
                    pass
                return b"".join(parts)
            total += size
            if total > self.maxsize:
                raise Unusual("body over the size limit")
            chunk = await reader.readexactly(size + 2)
            if chunk[-2:] != b"\r\n":
                raise Unusual("malformed chunk")
            parts.append(chunk[:-2])

    def close(self) -> None:
        while self._idle:
            self._idle.pop().close()


class _Stale(Exception):
    """A reused keep-alive connection was closed by the server before answering."""


def parse_head(head: bytes) -> tuple[int, bytes, list[tuple[bytes, bytes]]]:
    """Status, HTTP version and headers of an answer's head; Unusual if it is not plain HTTP/1.x."""
    lines = head[:-4].split(b"\r\n")
    parts = lines[0].split(b" ", 2)
    if len(parts) < 2 or parts[0] not in (b"HTTP/1.1", b"HTTP/1.0") or not parts[1].isdigit() or len(parts[1]) != 3:
        raise Unusual(f"status line {lines[0][:80]!r}")
    status = int(parts[1])
    if status < 200:
        raise Unusual(f"status {status}")
    headers: list[tuple[bytes, bytes]] = []
    for line in lines[1:]:
        name, sep, value = line.partition(b":")
        if not sep or not name or name != name.strip() or line[:1] in (b" ", b"\t"):
            raise Unusual(f"header line {line[:80]!r}")
        headers.append((name, value.strip()))
    return status, parts[0], headers


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
