"""GuardedResolver: the DNS resolver that refuses forbidden answers, so that the address a
connection is made to is the address that was checked (no "public name resolving to 10.x").

Twisted's TCP client resolves a host name through ``reactor.resolver.getHostByName`` and then
connects to exactly the address returned; an IP literal is connected to without resolution (the
address guard middleware checks those). ``installResolver`` also wraps this resolver for the
``nameResolver`` interface, so both resolution paths of the reactor pass through ``check``.

``defwatch`` runs Scrapy with ``AsyncCrawlerRunner``, which (unlike ``CrawlerProcess``) installs no
resolver, so ``AddressGuardMiddleware`` installs this one when the spider opens and puts the
previous one back when it closes. ``TWISTED_DNS_RESOLVER`` names it as well, for tools that run
the settings under ``CrawlerProcess`` (``scrapy shell``).
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from scrapy.resolver import CachingThreadedResolver
from twisted.internet.error import DNSLookupError
from twisted.internet.interfaces import IResolverSimple
from zope.interface import implementer

from crawler.middlewares.netpolicy import AddressPolicy, parse_ip

logger = logging.getLogger(__name__)


class AddressDenied(DNSLookupError):
    """A host name resolved to an address the policy forbids; no connection was attempted.

    A ``DNSLookupError``, so that Twisted ends the connection attempt quietly (it logs a traceback
    for any other resolver failure). Scrapy wraps it into ``CannotResolveHostError``; the
    RetryAfterMiddleware finds ``outcome`` on the cause and ends the request without a retry.
    """

    outcome = "address-denied"

    def __init__(self, name: str, reason: str):
        super().__init__(f"{name}: {reason}")
        self.name = name


@implementer(IResolverSimple)
class GuardedResolver(CachingThreadedResolver):
    """A caching threaded resolver whose answers are checked against an ``AddressPolicy``."""

    def __init__(self, reactor: Any, cache_size: int, timeout: float, policy: AddressPolicy | None = None,
                 stats: Any = None):
        super().__init__(reactor, cache_size, timeout)
        self.policy = policy or AddressPolicy()
        self.stats = stats
        self.previous: Any = None

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> GuardedResolver:
        settings = crawler.settings
        cache_size = settings.getint("DNSCACHE_SIZE") if settings.getbool("DNSCACHE_ENABLED") else 0
        policy = AddressPolicy(settings.getlist("DEFWATCH_ALLOWED_HOSTS"), settings.getlist("DEFWATCH_ALLOW_NETWORKS"))
        return cls(reactor, cache_size, settings.getfloat("DNS_TIMEOUT"), policy, getattr(crawler, "stats", None))

    def install_on_reactor(self) -> None:
        self.previous = self.reactor.installResolver(self)

    def uninstall(self) -> None:
        if self.previous is not None and self.reactor.resolver is self:
            self.reactor.installResolver(self.previous)
        self.previous = None

    def getHostByName(self, name: str, timeout: Sequence[int] = ()):  # noqa: N802 (Twisted's name)
        d = super().getHostByName(name, timeout)
        d.addCallback(self.check, name)
        return d

    def check(self, address: str, name: str) -> str:
        ip = parse_ip(address)
        if ip is None:
            raise AddressDenied(name, f"resolver returned a non-address {address!r}")
        if self.policy.host_allowed(name):
            self.policy.learn(name, address)
            return address
        if not self.policy.address_allowed(ip):
            logger.info("refused %s: it resolves to %s, which is not a public address", name, ip)
            raise AddressDenied(name, f"resolves to {ip}, which is not a public address")
        return address
