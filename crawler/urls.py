"""URL canonicalisation: one article, one key, however the URL was spelled.

A leaf module (standard library only).
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache
from urllib.parse import parse_qsl, quote, unquote, unquote_to_bytes, urlencode, urljoin, urlsplit, urlunsplit

#: Query parameters that only track where a click came from; they never select content.
TRACKING_PARAMS = re.compile(
    r"^(utm_[a-z0-9_]+|fbclid|gclid|gclsrc|dclid|gbraid|wbraid|msclkid|yclid|twclid|igshid|mc_cid|mc_eid|"
    r"_ga|_gl|_hsenc|_hsmi|mkt_tok|oly_anon_id|oly_enc_id|vero_id|wickedid|rb_clickid|s_cid|"
    r"ref_src|ref_url|cmpid|ncid|sr_share|spm|at_medium|at_campaign|at_custom\d|__twitter_impression|amp)$",
    re.IGNORECASE,
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def absolute(url: str, base: str) -> str:
    return urljoin(base, (url or "").strip())


#: A crawl canonicalises each article URL about ten times (entry keys, claim, request, redirect
#: hops, record, page keys); the functions are pure, so the answers are kept for the latest URLs.
_CACHE_SIZE = 4096


@lru_cache(maxsize=_CACHE_SIZE)
def canonical_url(url: str) -> str:
    """Normalise ``url``: lower-case scheme and host, no default port, no fragment, no
    tracking parameters, percent-encoding normalised, remaining query sorted."""
    parts = urlsplit((url or "").strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if ":" in host:  # an IPv6 literal keeps its brackets
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    path = quote(unquote(parts.path or "/"), safe="/%:@!$&'()*+,;=-._~")
    path = re.sub(r"/{2,}", "/", path)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING_PARAMS.match(k)]
    return urlunsplit((scheme, netloc, path, urlencode(sorted(query)), ""))


@lru_cache(maxsize=_CACHE_SIZE)
def url_key(url: str) -> str:
    """The identity of a page: host without ``www.``, path without trailing slash, sorted query;
    the scheme is ignored (an http and an https link are the same page)."""
    parts = urlsplit(canonical_url(url))
    host = parts.netloc[4:] if parts.netloc.startswith("www.") else parts.netloc
    path = parts.path.rstrip("/") or "/"
    return f"{host}{path}" + (f"?{parts.query}" if parts.query else "")


def article_id(url: str) -> str:
    """16 hex digits of the SHA-256 of the URL key: the stable id of an article."""
    return hashlib.sha256(url_key(url).encode("utf-8")).hexdigest()[:16]


def same_site(url: str, site_url: str) -> bool:
    """True when ``url`` is on the site's host or one of its subdomains (``www.`` ignored)."""
    a = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    b = (urlsplit(site_url).hostname or "").lower().removeprefix("www.")
    return bool(a) and (a == b or a.endswith("." + b) or b.endswith("." + a))


def is_http(url: str) -> bool:
    parts = urlsplit(url or "")
    return parts.scheme in ("http", "https") and bool(parts.hostname)


#: A run of percent-escapes of bytes outside ASCII: the UTF-8 of a letter the site wrote as itself.
_HIGH_ESCAPES = re.compile(r"(?:%[89a-fA-F][0-9a-fA-F])+")
_BARE_PERCENT = re.compile(r"%(?![0-9a-fA-F]{2})")
#: Unicode categories never shown in a readable URL: controls, format marks (bidi overrides),
#: separators, private use, surrogates and unassigned code points.
_UNSHOWN = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zs", "Zl", "Zp"})


@lru_cache(maxsize=_CACHE_SIZE)
def readable_url(url: str) -> str:
    """``url`` with its path's escapes of non-ASCII letters decoded (an IRI: ``/ġdid-jasal``, as the
    site writes it); escapes of ASCII characters (``%2F``, ``%20``) and of bytes that are not UTF-8
    text stay. ``canonical_url`` and w3lib's ``safe_url_string`` give the encoded URL back, so the
    key and id of both spellings are one."""
    parts = urlsplit(url)
    if "%" not in parts.path:
        return url
    # A bare "%" (``canonical_url`` decodes "%25" for its key) is written as its escape again.
    path = _BARE_PERCENT.sub("%25", _HIGH_ESCAPES.sub(_decoded, parts.path))
    return url if path == parts.path else urlunsplit(parts._replace(path=path))


def _decoded(run: re.Match[str]) -> str:
    """One run of escapes as text, or as it was when it is not whole UTF-8 of visible characters."""
    try:
        text = unquote_to_bytes(run.group()).decode("utf-8")
    except UnicodeDecodeError:
        return run.group()
    if any(unicodedata.category(ch) in _UNSHOWN for ch in text):
        return run.group()
    return text
