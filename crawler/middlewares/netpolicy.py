"""Which addresses the crawler may connect to: the policy shared by the address guard middleware
and the guarded DNS resolver (not a component itself).

An address is *public* when it is none of private, loopback, link-local (169.254.169.254, the
cloud metadata service), multicast, reserved, unspecified, shared (100.64/10) or documentation
space, in IPv4 and in IPv6 alike; IPv6 forms that embed an IPv4 address (``::ffff:10.0.0.1``,
6to4, Teredo, NAT64 ``64:ff9b::/96``) are judged by the embedded address too.

Non-public addresses are allowed only when the configuration names them: the hosts of the
configured site, feed and sitemap URLs (that is how a registry that points at an intranet or at
the loopback mock web keeps working), the addresses those host names resolve to, and the
networks of ``allow_networks`` in ``config/app.toml``.
"""
from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
ALLOWED_SCHEMES = frozenset({"http", "https"})


@lru_cache(maxsize=1024)  # pure, and asked for the same few hosts on every request
def parse_ip(host: str | None) -> IPAddress | None:
    """The address of an IP-literal host, or None for a host name.

    Besides the canonical forms (``10.0.0.1``, ``[::1]``) this accepts what C resolvers accept as
    an IPv4 literal (``127.1``, ``2130706433``, ``0x7f.0.0.1``, ``0177.0.0.1``), so that such a host
    can never slip past as a "name".
    """
    if not host:
        return None
    text = host.strip().strip("[]").rstrip(".")
    if "%" in text:  # IPv6 zone index: fe80::1%eth0
        text = text.split("%", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        pass
    if text and all(part and (part.isdigit() or part.lower().startswith("0x")) for part in text.split(".")):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(text))
        except (OSError, ValueError):
            return None
    return None


def embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, 6to4, Teredo, NAT64), if any."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64 or ip in _NAT64_LOCAL:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_public(ip: IPAddress) -> bool:
    """True for a globally routable unicast address (and an embedded IPv4 one as well)."""
    if (ip.is_multicast or ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved
            or ip.is_unspecified or not ip.is_global):
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local:
        return False
    inner = embedded_ipv4(ip)
    return inner is None or is_public(inner)


class AddressPolicy:
    """Decides whether a URL's scheme and a (host, address) pair may be used.

    ``hosts``: host names and IP literals of the configured URLs (always allowed, whatever they
    resolve to); ``networks``: extra allowed networks (``allow_networks``). Addresses that an
    allowed host name resolves to are remembered by ``learn`` and then allowed for other names
    too (virtual hosts on the same intranet server).
    """

    def __init__(self, hosts: Iterable[str] = (), networks: Iterable[str] = ()):
        self.hosts: set[str] = set()
        self.addresses: set[IPAddress] = set()
        self.networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        for host in hosts:
            self.allow_host(host)
        for net in networks:
            try:
                self.networks.append(ipaddress.ip_network(net.strip(), strict=False))
            except ValueError:
                # Stricter, never looser: a bad entry allows nothing.
                logger.error("allow_networks: %r is not a network (CIDR) and is ignored", net)

    def allow_host(self, host: str) -> None:
        host = (host or "").lower().rstrip(".").strip("[]")
        if not host:
            return
        ip = parse_ip(host)
        if ip is not None:
            self.addresses.add(ip)
            self.hosts.add(str(ip))
        else:
            self.hosts.add(host)

    def learn(self, host: str, address: str) -> None:
        """Remember the address a configured host name resolved to."""
        ip = parse_ip(address)
        if ip is not None and self.host_allowed(host):
            self.addresses.add(ip)

    def host_allowed(self, host: str | None) -> bool:
        return (host or "").lower().rstrip(".").strip("[]") in self.hosts

    def address_allowed(self, ip: IPAddress, host: str | None = None) -> bool:
        if host is not None and self.host_allowed(host):
            return True
        if ip in self.addresses or any(ip in net for net in self.networks if net.version == ip.version):
            return True
        inner = embedded_ipv4(ip)
        if inner is not None and (inner in self.addresses or any(inner in n for n in self.networks if n.version == 4)):
            return True
        return is_public(ip)

    def check_url(self, url: str) -> str | None:
        """Why ``url`` may not be fetched (scheme, or an IP-literal host that is not allowed),
        or None. Host names are checked later, on the address they resolve to."""
        parts = urlsplit(url)
        if parts.scheme.lower() not in ALLOWED_SCHEMES:
            return f"scheme {parts.scheme or '(none)'!r} is not http or https"
        host = parts.hostname
        if not host:
            return "no host"
        ip = parse_ip(host)
        if ip is not None and not self.address_allowed(ip, host):
            return f"address {ip} is not public"
        return None
