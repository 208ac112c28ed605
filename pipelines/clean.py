"""Boilerplate removal: the named rule vocabulary and the content fragment turned into text blocks.

The rules live in ``config/boilerplate.toml`` as named groups (``comments``, ``subscribe``,
``share``, ``related`` ...). Each group holds DOM rules (CSS selectors; regular expressions on
class and id) and text rules (regular expressions that match a whole block). A site adds its own
rules through ``Site.boilerplate`` (``selectors`` and ``patterns``); they form the group ``site``.

beautifulsoup4 (lxml parser) runs here on the small content fragment only, never on the whole
page: page-wide work is done with lxml in ``spiders/extract.py``.
"""
from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import soupsieve
from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

RULES_FILE = Path(__file__).resolve().parent.parent / "config" / "boilerplate.toml"

#: Tags that start a new text block.
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
    "h6", "header", "hgroup", "hr", "html", "legend", "li", "main", "nav", "ol", "p", "pre", "section",
    "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})
#: Text rules are only tried on blocks up to this length (they describe short widgets).
MAX_RULE_BLOCK = 400
#: A class/id rule does not remove an element holding more than this share of the fragment text.
MAX_CLASS_RULE_SHARE = 0.5
#: A block is "mostly links" (for ``link_text`` rules) at this link-text share.
LINK_BLOCK_SHARE = 0.5

_SKIP_STRINGS = (Comment, Declaration, Doctype, ProcessingInstruction)
_EDGE = " \t\r\n\u00a0-–—|:•·*>»«<›‹/\\[](){}"
_WS = re.compile(r"\s+")


class RulesError(ValueError):
    """A boilerplate rule file that cannot be used; the message names the group and rule."""


@dataclass(frozen=True)
class Group:
    """One named group of boilerplate rules, compiled."""

    name: str
    selector: Any = None                 # soupsieve.SoupSieve or None
    classes: re.Pattern[str] | None = None
    text: re.Pattern[str] | None = None
    link_text: re.Pattern[str] | None = None


@dataclass(frozen=True)
class Rules:
    groups: tuple[Group, ...]

    def names(self) -> list[str]:
        return [g.name for g in self.groups]


def _alternation(patterns: Iterable[str], where: str, anchored: bool) -> re.Pattern[str] | None:
    patterns = list(patterns)
    if not patterns:
        return None
    for p in patterns:
        try:
            re.compile(p)
        except re.error as exc:
            raise RulesError(f"{where}: bad regular expression {p!r}: {exc}") from None
    body = "|".join(f"(?:{p})" for p in patterns)
    return re.compile(f"(?:{body})" if anchored else body, re.IGNORECASE | re.DOTALL)


def compile_group(name: str, table: dict[str, Any]) -> Group:
    """Compile one ``[group]`` table: ``selectors``, ``classes``, ``text``, ``link_text``."""
    unknown = set(table) - {"selectors", "classes", "text", "link_text", "description"}
    if unknown:
        raise RulesError(f"[{name}]: unknown key {sorted(unknown)[0]!r}")
    selectors = [s for s in table.get("selectors", ()) if s.strip()]
    selector = None
    if selectors:
        try:
            selector = soupsieve.compile(", ".join(selectors))
        except Exception:  # find the culprit for a helpful message
            for s in selectors:
                try:
                    soupsieve.compile(s)
                except Exception as exc:
                    raise RulesError(f"[{name}].selectors: bad CSS selector {s!r}: {exc}") from None
            raise
    return Group(
        name=name,
        selector=selector,
        classes=_alternation(table.get("classes", ()), f"[{name}].classes", anchored=False),
        text=_alternation(table.get("text", ()), f"[{name}].text", anchored=True),
        link_text=_alternation(table.get("link_text", ()), f"[{name}].link_text", anchored=True),
    )


def rules_from_dict(data: dict[str, Any]) -> Rules:
    return Rules(tuple(compile_group(name, table) for name, table in data.items() if isinstance(table, dict)))


@lru_cache(maxsize=8)
def _load_file(path: str) -> Rules:
    with open(path, "rb") as fh:
        return rules_from_dict(tomllib.load(fh))


@lru_cache(maxsize=256)
def _with_site(base: Rules, selectors: tuple[str, ...], patterns: tuple[str, ...]) -> Rules:
    if not selectors and not patterns:
        return base
    site = compile_group("site", {"selectors": list(selectors), "text": list(patterns)})
    return Rules((site, *base.groups))


def load_rules(path: Path | str | None = None, site: Any = None) -> Rules:
    """The global vocabulary (cached), plus the site's own rules as group ``site``."""
    base = _load_file(str(path or RULES_FILE))
    bp = getattr(site, "boilerplate", None)
    if bp is None:
        return base
    return _with_site(base, tuple(bp.selectors), tuple(bp.patterns))


# ---------------------------------------------------------------- DOM rules

def _attached(tag: Tag, root: Tag) -> bool:
    node: Tag | None = tag
    while node is not None:
        if node is root:
            return True
        node = node.parent
    return False


def _text_len(tag: Tag) -> int:
    return sum(len(s) for s in tag.find_all(string=True) if not isinstance(s, _SKIP_STRINGS))


def _class_key(tag: Tag) -> str:
    cls = tag.get("class")
    if isinstance(cls, list):
        cls = " ".join(cls)
    ident = tag.get("id") or ""
    if not cls and not ident:
        return ""
    return f"{cls or ''} {ident}".lower().replace("_", "-").strip()


def apply_dom_rules(root: Tag, rules: Rules, stats: Counter | None = None) -> None:
    """Drop the elements the rules name, in place; the root itself is never dropped."""
    for group in rules.groups:
        if group.selector is None:
            continue
        for tag in group.selector.select(root):
            if tag is root or not _attached(tag, root):
                continue
            tag.extract()
            if stats is not None:
                stats[f"boilerplate/{group.name}"] += 1
    class_groups = [g for g in rules.groups if g.classes is not None]
    if not class_groups:
        return
    total = None
    for tag in root.find_all(True):
        key = _class_key(tag)
        if not key:
            continue
        for group in class_groups:
            if group.classes.search(key):
                if not _attached(tag, root):
                    break
                if total is None:
                    total = max(1, _text_len(root))
                if total > 300 and _text_len(tag) > MAX_CLASS_RULE_SHARE * total:
                    break  # a class rule never takes the article with it
                tag.extract()
                if stats is not None:
                    stats[f"boilerplate/{group.name}"] += 1
                break


# ---------------------------------------------------------------- blocks

@dataclass
class Block:
    """A text block of the content: its text and how much of it is link text."""

    text: str
    link_chars: int = 0
    tag: str = "p"

    @property
    def link_density(self) -> float:
        return self.link_chars / max(1, len(self.text))


def iter_blocks(root: Tag) -> list[Block]:
    """Paragraphs, headings, list items, quotes ... as blocks (``<br>`` also ends a block)."""
    blocks: list[Block] = []
    cache: dict[int, tuple[int, str, bool]] = {}
    parts: list[str] = []
    link_chars = 0
    current: tuple[int, int] | None = None
    current_tag = "p"
    breaks = 0

    def owner(tag: Tag) -> tuple[int, str, bool]:
        """(id of the nearest block ancestor, its name, inside a link?), memoised per element."""
        chain = []
        node: Tag | None = tag
        while node is not None and node is not root and id(node) not in cache:
            chain.append(node)
            node = node.parent
        if node is None or node is root:
            base = cache.setdefault(id(root), (id(root), root.name or "div", False))
        else:
            base = cache[id(node)]
        for n in reversed(chain):
            block_id, block_name, linked = base
            if n.name in BLOCK_TAGS:
                block_id, block_name = id(n), n.name
            if n.name == "a":
                linked = True
            base = (block_id, block_name, linked)
            cache[id(n)] = base
        return base

    def flush() -> None:
        nonlocal parts, link_chars
        text = _WS.sub(" ", "".join(parts)).strip()
        if text:
            blocks.append(Block(text, min(link_chars, len(text)), current_tag))
        parts, link_chars = [], 0

    for node in root.descendants:
        if isinstance(node, NavigableString):
            if isinstance(node, _SKIP_STRINGS):
                continue
            parent = node.parent
            if parent is None:
                continue
            block_id, name, in_link = owner(parent)
            key = (block_id, breaks)
            if key != current:
                flush()
                current, current_tag = key, name
            parts.append(str(node))
            if in_link:
                link_chars += len(node.strip())
        elif isinstance(node, Tag) and node.name in ("br", "hr"):
            breaks += 1
    flush()
    return blocks


def _rule_text(text: str) -> str:
    return text.strip(_EDGE)


def match_text_rule(block: Block, rules: Rules) -> str | None:
    """The group whose text rule matches the whole block, or None."""
    if len(block.text) > MAX_RULE_BLOCK:
        return None
    text = _rule_text(block.text)
    if not text:
        return "structure"
    linky = block.link_density >= LINK_BLOCK_SHARE
    for group in rules.groups:
        if group.text is not None and group.text.fullmatch(text):
            return group.name
        if linky and group.link_text is not None and group.link_text.fullmatch(text):
            return group.name
    return None


def parse_fragment(html: str) -> Tag:
    soup = BeautifulSoup(html, "lxml")
    return soup.body or soup


def clean_blocks(html: str | Tag, rules: Rules, stats: Counter | None = None,
                 drop_texts: Iterable[str] = ()) -> list[Block]:
    """The fragment's text blocks after the DOM and text rules (``drop_texts``: exact blocks to drop)."""
    root = parse_fragment(html) if isinstance(html, str) else html
    apply_dom_rules(root, rules, stats)
    drop = {_norm(t) for t in drop_texts if t}
    out = []
    for block in iter_blocks(root):
        if drop and _norm(block.text) in drop:
            continue
        group = match_text_rule(block, rules)
        if group is not None:
            if stats is not None and _rule_text(block.text):
                stats[f"boilerplate/{group}"] += 1
            continue
        out.append(block)
    return out


def clean_text(html: str | Tag, rules: Rules | None = None, stats: Counter | None = None,
               drop_texts: Iterable[str] = ()) -> str:
    """Clean article text: blocks separated by one blank line."""
    rules = rules or load_rules()
    return "\n\n".join(b.text for b in clean_blocks(html, rules, stats, drop_texts))


def _norm(text: str) -> str:
    return _WS.sub(" ", text).strip().lower()
