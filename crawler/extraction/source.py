"""The page's source: bytes decoded to text, binary refused, pathological nesting flattened.

Pure functions on strings and bytes; the parsed ``Page`` (``page.py``) starts from their result.
"""
from __future__ import annotations

import re

from w3lib.encoding import html_to_unicode

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_CTRL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CTRL_CHARS = tuple(chr(c) for c in [*range(0x00, 0x09), 0x0b, 0x0c, *range(0x0e, 0x20), 0xfffe, 0xffff])
MAX_HTML_CHARS = 8_000_000


class PageError(ValueError):
    """The input cannot be read as an HTML page."""


def decode_html(data: bytes | str, content_type: str | None = None) -> str:
    """Text of an HTML document: BOM, then the HTTP charset, then the declared one, then UTF-8, then Windows-1252."""
    if isinstance(data, str):
        return data
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise PageError(f"expected bytes or str, got {type(data).__name__}")
    data = bytes(data)
    if _binary_bytes(data):
        raise PageError("binary content, not HTML")
    _, text = html_to_unicode(content_type, data, auto_detect_fun=guess_encoding)
    return text


_CONTROL_BYTES = frozenset(range(9)) | frozenset(range(14, 32)) - {27}
_CONTROL_BYTES_SORTED = bytes(sorted(_CONTROL_BYTES))


def _binary_bytes(data: bytes) -> bool:
    """Bytes that are no text in any ASCII-compatible charset: NULs and control codes (UTF-16 has a BOM)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    sample = data[:2048]
    bad = len(sample) - len(sample.translate(None, _CONTROL_BYTES_SORTED))  # counted in C, not per byte in Python
    return bad > len(sample) * 0.05 or sample.count(0) > len(sample) * 0.01


#: Bytes of an undeclared page that the charset detector reads (enough for a confident guess).
DETECT_BYTES = 65536


def guess_encoding(data: bytes) -> str:
    """The encoding of a page that declares none (no BOM, header or meta charset).

    UTF-8 when the bytes decode as such (the common case, and cheap); otherwise beautifulsoup4's
    ``UnicodeDammit`` guesses from the bytes (it asks charset-normalizer), so an undeclared
    Windows-1254 or Shift_JIS page is not read as Windows-1252; that stays the last resort,
    as in browsers.
    """
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    from bs4.dammit import UnicodeDammit  # only undeclared non-UTF-8 pages pay for the import

    guess = UnicodeDammit(data[:DETECT_BYTES], is_html=True, exclude_encodings=["utf-8"]).original_encoding
    return guess or "cp1252"


#: Nesting kept by ``flatten``: deeper wrapper tags are dropped (their content kept); past the hard
#: limit every tag is, as libxml2 would otherwise drop the content itself.
MAX_DEPTH, HARD_MAX_DEPTH = 512, 1500
#: Nested identical wrappers are collapsed below this depth.
COLLAPSE_DEPTH = 64
#: Tags that only wrap (layout); the others carry structure the body needs (paragraphs, headings, lists).
_WRAPPERS = frozenset({"div", "span", "section", "font", "center", "main", "aside", "header", "footer", "nav",
                       "b", "i", "u", "em", "strong", "small", "big", "tbody", "thead", "form", "label", "figure"})
_TAG = re.compile(r"<(/?)([a-zA-Z][\w:-]*)(?:\s[^>]*?)?(/?)>")
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                   "track", "wbr"})


def flatten(text: str, limit: int = MAX_DEPTH) -> str:
    """The markup with tags nested deeper than ``limit`` removed (their text stays): one pass, no recursion."""
    out: list[str] = []
    pos = 0
    stack: list[tuple[str, bool, str]] = []  # (tag name, kept?, the open tag as written)
    depth = 0
    for m in _TAG.finditer(text):
        closing, name = m.group(1), m.group(2).lower()
        if name in _VOID or m.group(3):
            continue
        if not closing:
            # A wrapper directly inside an identical wrapper adds nothing: past COLLAPSE_DEPTH it goes,
            # so that a chain of 10,000 '<div class="l">' leaves the article's own structure in place.
            echo = depth >= COLLAPSE_DEPTH and name in _WRAPPERS and bool(stack) and stack[-1][2] == m.group(0)
            keep = not echo and (depth < limit or depth < HARD_MAX_DEPTH and name not in _WRAPPERS)
            stack.append((name, keep, m.group(0)))
            if keep:
                depth += 1
                continue
        else:
            i = len(stack) - 1
            while i >= 0 and stack[i][0] != name:
                i -= 1
            if i < 0:
                continue  # a stray end tag: the parser ignores it too
            keep = stack[i][1]
            depth -= sum(1 for _, kept, _ in stack[i:] if kept)
            del stack[i:]
            if keep:
                continue
        out.append(text[pos:m.start()])
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def _looks_binary(text: str) -> bool:
    sample = text[:2048]
    if not sample:
        return False
    bad = sum(map(sample.count, _BINARY_CHARS))  # NUL, U+FFFD and \x01-\x08, counted in C
    return bad > len(sample) * 0.1


_BINARY_CHARS = ("\x00", "\ufffd", *map(chr, range(0x01, 0x09)))


def clean_markup(html: bytes | str, content_type: str | None = None) -> str:
    """The page's text, ready for the parser: decoded, cut to ``MAX_HTML_CHARS``, without control characters."""
    text = decode_html(html, content_type)
    if len(text) > MAX_HTML_CHARS:
        text = text[:MAX_HTML_CHARS]
    if _looks_binary(text):
        raise PageError("binary content, not HTML")
    text = _XML_DECL.sub("", text, count=1)
    if any(map(text.__contains__, _CTRL_CHARS)):  # rare; a substring test per character is 2x faster than the scan
        text = _CTRL.sub("", text)
    if not text.strip() or "<" not in text:
        raise PageError("empty or not HTML")
    return text
