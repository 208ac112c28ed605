"""The quick poll's HTTP/1.1 client (spiders/quickhttp.py) against a raw socket server: every
framing it accepts, and everything it must leave to Scrapy (``Unusual``)."""
from __future__ import annotations

import asyncio
from collections import deque

import pytest

from spiders.quickhttp import HostClient, Target, Unusual, get_request, poll_host


def serve(answers: list[bytes | None], seen: list[bytes]):
    """A server giving ``answers`` in order, one per request, on kept connections (None: close at once)."""
    queue = deque(answers)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while queue:
                seen.append(await reader.readuntil(b"\r\n\r\n"))
                answer = queue.popleft()
                if answer is None:
                    break
                writer.write(answer)
                await writer.drain()
                if b"Connection: close" in answer:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()

    return asyncio.start_server(handle, "127.0.0.1", 0)


def fetch_all(answers: list[bytes | None], n: int, *, timeout: float = 2.0, maxsize: int = 1000,
              address_ok=lambda ip: True):
    """Send ``n`` requests one after another; return (results, heads the server saw)."""
    seen: list[bytes] = []

    async def main():
        server = await serve(answers, seen)
        port = server.sockets[0].getsockname()[1]
        client = HostClient("127.0.0.1", port, False, timeout=timeout, maxsize=maxsize, address_ok=address_ok)
        out = []
        for i in range(n):
            target = Target("127.0.0.1", port, False, get_request(f"/feed/{i}/", f"127.0.0.1:{port}",
                                                                   [("If-None-Match", '"v1"')]), "u")
            try:
                out.append(await client.fetch(target))
            except Unusual as exc:
                out.append(exc)
        client.close()
        server.close()
        return out

    return asyncio.run(main()), seen


NOT_MODIFIED = b'HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\n\r\n'


def test_304s_share_one_kept_connection_and_carry_the_validators():
    results, seen = fetch_all([NOT_MODIFIED] * 3, 3)
    assert [r.status for r in results] == [304, 304, 304]
    assert results[0].header(b"etag") == b'"v1"' and results[0].ip == "127.0.0.1"
    assert seen[0].startswith(b"GET /feed/0/ HTTP/1.1\r\nHost: 127.0.0.1:") and b'If-None-Match: "v1"' in seen[0]


def test_bodies_by_length_chunks_and_close():
    results, _ = fetch_all([b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
                            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=1\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
                            b"HTTP/1.0 200 OK\r\n\r\nuntil close"], 3)
    assert [(r.status, r.body) for r in results] == [(200, b"hello"), (200, b"abcde"), (200, b"until close")]


def test_a_kept_connection_closed_by_the_server_is_replaced_once():
    results, seen = fetch_all([NOT_MODIFIED, None, NOT_MODIFIED], 2)
    assert [r.status for r in results] == [304, 304] and len(seen) == 3


@pytest.mark.parametrize("answer", [
    b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n",                                   # over maxsize
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7d0\r\n" + b"x" * 2000 + b"\r\n0\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",                                 # truncated
    b"ICY 200 OK\r\n\r\n",                                                                  # not HTTP/1.x
    b"HTTP/1.1 200 OK\r\n folded: header\r\n\r\n",
    b"HTTP/1.1 100 Continue\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
    b"HTTP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n",                                 # not HTTP/1.x
    b"HTTP/1.1 200 OK\r\nX-Big: " + b"y" * 70_000 + b"\r\nContent-Length: 0\r\n\r\n",     # header block
    b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc",           # two lengths
    None,                                                                                   # closed, no answer
])
def test_anything_unusual_is_left_to_scrapy(answer):
    results, _ = fetch_all([answer], 1)
    assert isinstance(results[0], Unusual)


def test_a_refused_address_is_never_sent_a_byte():
    results, seen = fetch_all([NOT_MODIFIED], 1, address_ok=lambda ip: False)
    assert isinstance(results[0], Unusual) and seen == []


def test_a_slow_answer_is_a_timeout():
    async def main():
        async def stall(reader, writer):
            await reader.readuntil(b"\r\n\r\n")
            writer.write(b"HTTP/1.1 304 Not")
            await asyncio.sleep(2)
            writer.close()

        server = await asyncio.start_server(stall, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        client = HostClient("127.0.0.1", port, False, timeout=0.3, maxsize=100, address_ok=lambda ip: True)
        answer = await client.fetch(Target("127.0.0.1", port, False, get_request("/", "h", []), "u"))
        server.close()
        return answer

    answer = asyncio.run(main())
    assert answer.timeout == 0.3 and answer.status == 0


def test_poll_host_stops_at_the_first_unusual_answer_and_keeps_the_limit():
    async def main():
        in_flight, peak = 0, 0

        async def handle(reader, writer):
            nonlocal in_flight, peak
            try:
                while True:
                    head = await reader.readuntil(b"\r\n\r\n")
                    in_flight += 1
                    peak = max(peak, in_flight)
                    await asyncio.sleep(0.05)
                    in_flight -= 1
                    if b"/bad/" in head:
                        writer.write(b"garbage\r\n\r\n")
                        break
                    writer.write(NOT_MODIFIED)
                    await writer.drain()
            except (asyncio.IncompleteReadError, ConnectionError):
                pass
            writer.close()

        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        paths = [f"/ok/{i}/" for i in range(6)] + ["/bad/"] + [f"/late/{i}/" for i in range(6)]
        targets = deque((p, Target("127.0.0.1", port, False, get_request(p, "h", []), p)) for p in paths)
        client = HostClient("127.0.0.1", port, False, timeout=2, maxsize=100, address_ok=lambda ip: True)
        answers, left = await poll_host(client, targets, 2, asyncio.Semaphore(16), None)
        server.close()
        return answers, left, peak

    answers, left, peak = asyncio.run(main())
    assert peak == 2
    assert "/bad/" in left and all(a.status == 304 for _, a in answers)
    assert len(answers) + len(left) == 13
    assert sum(1 for k in left if k.startswith("/late/")) >= 5  # the host went to Scrapy after it


def test_headers_keep_their_names_and_lose_surrounding_whitespace():
    results, _ = fetch_all([b"HTTP/1.1 304 Not Modified\r\nETag: x\r\nX-A:  b \r\n\r\n"], 1)
    assert results[0].headers == [(b"ETag", b"x"), (b"X-A", b"b")]


@pytest.mark.parametrize("etag", ['"v1"\r\nX-Injected: 1', '"\u2603"'])
def test_a_validator_h11_will_not_send_is_refused_before_any_connection(etag):
    with pytest.raises(Unusual):
        get_request("/feed/", "h", [("If-None-Match", etag)])


def test_keep_alive_reuses_one_connection_until_the_server_says_close():
    async def main():
        connections = 0

        async def handle(reader, writer):
            nonlocal connections
            connections += 1
            try:
                while True:
                    head = await reader.readuntil(b"\r\n\r\n")
                    close = b"/last/" in head
                    writer.write(NOT_MODIFIED[:-2] + (b"Connection: close\r\n\r\n" if close else b"\r\n"))
                    await writer.drain()
                    if close:
                        break
            except (asyncio.IncompleteReadError, ConnectionError):
                pass
            writer.close()

        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        client = HostClient("127.0.0.1", port, False, timeout=2, maxsize=100, address_ok=lambda ip: True)
        statuses = []
        for path in ["/a/", "/b/", "/last/", "/c/"]:
            statuses.append((await client.fetch(Target("127.0.0.1", port, False, get_request(path, "h", []), "u"))).status)
        client.close()
        server.close()
        return statuses, connections

    assert asyncio.run(main()) == ([304, 304, 304, 304], 2)
