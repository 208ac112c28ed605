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
from dataclasses import dataclass, field
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
#: Longest linked teaser dropped after a related-content heading.
MAX_TEASER = 200
#: A block is "mostly links" (for ``link_text`` rules) at this link-text share.
LINK_BLOCK_SHARE = 0.5
#: Class/id keys remembered per rule set before the memo is reset.
CLASS_CACHE_SIZE = 50_000

_SKIP_STRINGS = (Comment, Declaration, Doctype, ProcessingInstruction)
_EDGE = " \t\r\n\u00a0-–—|:•·*>»«<›‹/\\[](){}.…"
_WS = re.compile(r"\s+")


class RulesError(ValueError):
    """A boilerplate rule file that cannot be used; the message names the group and rule."""


@dataclass(frozen=True)
class Group:
    """One named group of boilerplate rules, compiled."""

    name: str
    selectors: tuple["Compound", ...] = ()  # simple selectors, matched in one pass
    complex_selector: Any = None          # soupsieve, only for selectors the fast matcher lacks
    classes: re.Pattern[str] | None = None
    text: re.Pattern[str] | None = None
    link_text: re.Pattern[str] | None = None
    edge_text: re.Pattern[str] | None = None


@dataclass(frozen=True)
class Rules:
    """Compiled groups, in order (the first matching group names a hit), plus their selector index."""

    groups: tuple[Group, ...]
    index: "SelectorIndex" = field(init=False, compare=False, hash=False, repr=False)
    #: class/id key -> the first group whose class pattern matches it (keys repeat within and across pages).
    _class_hits: dict[str, str | None] = field(init=False, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", SelectorIndex.build(self.groups))
        object.__setattr__(self, "_class_hits", {})

    def names(self) -> list[str]:
        return [g.name for g in self.groups]

    def class_group(self, key: str) -> str | None:
        """The first group whose class/id pattern matches ``key`` (memoised: ~17 searches per new key)."""
        hits = self._class_hits
        if key in hits:
            return hits[key]
        found = next((g.name for g in self.groups if g.classes is not None and g.classes.search(key)), None)
        if len(hits) > CLASS_CACHE_SIZE:
            hits.clear()
        hits[key] = found
        return found


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
    """Compile one ``[group]`` table: ``selectors``, ``classes``, ``text``, ``link_text``, ``edge_text``."""
    unknown = set(table) - {"selectors", "classes", "text", "link_text", "edge_text", "description"}
    if unknown:
        raise RulesError(f"[{name}]: unknown key {sorted(unknown)[0]!r}")
    simple: list[Compound] = []
    hard: list[str] = []
    for sel in table.get("selectors", ()):
        for part in (p.strip() for p in sel.split(",")):
            if not part:
                continue
            chain = parse_selector(part)
            if chain is None:
                hard.append(part)
            else:
                simple.append(chain)
    complex_selector = None
    if hard:
        try:
            complex_selector = soupsieve.compile(", ".join(hard))
        except Exception as exc:
            raise RulesError(f"[{name}].selectors: bad CSS selector in {hard!r}: {exc}") from None
    return Group(
        name=name,
        selectors=tuple(simple),
        complex_selector=complex_selector,
        classes=_alternation(table.get("classes", ()), f"[{name}].classes", anchored=False),
        text=_alternation(table.get("text", ()), f"[{name}].text", anchored=True),
        link_text=_alternation(table.get("link_text", ()), f"[{name}].link_text", anchored=True),
        edge_text=_alternation(table.get("edge_text", ()), f"[{name}].edge_text", anchored=False),
    )


# ---------------------------------------------------------------- a small, fast selector matcher
# soupsieve walks the tree once per selector and costs ~0.1 ms per element; the vocabulary has
# hundreds of selectors. These are compound selectors (tag, .class, #id, [attr op value]) joined
# by descendant (" ") or child (">") combinators, matched in one pass through an index.

_COMPOUND = re.compile(r"^(?P<tag>[a-zA-Z][\w-]*|\*)?(?P<rest>(?:\.[\w-]+|#[\w-]+|\[[^\]]+\])*)$")
_PIECE = re.compile(r"\.([\w-]+)|#([\w-]+)|\[\s*([\w:-]+)\s*(?:([~^$*|]?=)\s*(?:\"([^\"]*)\"|'([^']*)'|([^\]\s]*)))?\s*\]")


@dataclass(frozen=True)
class Simple:
    tag: str | None
    classes: frozenset[str]
    ident: str | None
    attrs: tuple[tuple[str, str | None, str | None], ...]

    def matches(self, tag: Tag) -> bool:
        if self.tag is not None and tag.name != self.tag:
            return False
        if self.ident is not None and tag.get("id") != self.ident:
            return False
        if self.classes:
            cls = tag.get("class") or ()
            if isinstance(cls, str):
                cls = cls.split()
            if not self.classes.issubset(cls):
                return False
        for name, op, value in self.attrs:
            got = tag.get(name)
            if got is None:
                return False
            if isinstance(got, list):
                got = " ".join(got)
            if op is None:
                continue
            v = value or ""
            if op == "=" and got != v or op == "^=" and not got.startswith(v) or \
               op == "$=" and not got.endswith(v) or op == "*=" and v not in got or \
               op == "~=" and v not in got.split() or op == "|=" and not (got == v or got.startswith(v + "-")):
                return False
        return True


@dataclass(frozen=True)
class Compound:
    """A selector: simple parts from the outermost to the subject, with their combinators."""

    parts: tuple[Simple, ...]
    combinators: tuple[str, ...]  # between parts[i] and parts[i+1]: " " or ">"

    @property
    def subject(self) -> Simple:
        return self.parts[-1]

    def matches(self, tag: Tag) -> bool:
        if not self.subject.matches(tag):
            return False
        node = tag
        for i in range(len(self.parts) - 2, -1, -1):
            want, comb = self.parts[i], self.combinators[i]
            node = node.parent
            if comb == ">":
                if node is None or not isinstance(node, Tag) or not want.matches(node):
                    return False
                continue
            while node is not None and isinstance(node, Tag) and not want.matches(node):
                node = node.parent
            if node is None or not isinstance(node, Tag):
                return False
        return True


def _parse_simple(text: str) -> Simple | None:
    m = _COMPOUND.match(text)
    if not m or not text:
        return None
    tag = m.group("tag")
    classes, ident, attrs = set(), None, []
    for pm in _PIECE.finditer(m.group("rest") or ""):
        if pm.group(1):
            classes.add(pm.group(1))
        elif pm.group(2):
            ident = pm.group(2)
        else:
            value = next((g for g in pm.group(5, 6, 7) if g is not None), None)
            attrs.append((pm.group(3).lower(), pm.group(4), value))
    return Simple(None if tag in (None, "*") else tag.lower(), frozenset(classes), ident, tuple(attrs))


def parse_selector(selector: str) -> Compound | None:
    """A compound/descendant/child selector, or None when it needs soupsieve."""
    tokens = re.split(r"\s*(>)\s*|\s+", selector.strip())
    parts, combs, pending = [], [], " "
    for tok in tokens:
        if tok is None or tok == "":
            continue
        if tok == ">":
            pending = ">"
            continue
        simple = _parse_simple(tok)
        if simple is None:
            return None
        if parts:
            combs.append(pending)
        parts.append(simple)
        pending = " "
    if not parts:
        return None
    return Compound(tuple(parts), tuple(combs))


@dataclass(frozen=True)
class SelectorIndex:
    """All groups' simple selectors, indexed by the subject's id, class, attribute or tag."""

    by_id: dict[str, tuple[tuple[str, Compound], ...]]
    by_class: dict[str, tuple[tuple[str, Compound], ...]]
    by_attr: dict[str, tuple[tuple[str, Compound], ...]]
    by_tag: dict[str, tuple[tuple[str, Compound], ...]]

    @classmethod
    def build(cls, groups: Iterable[Group]) -> "SelectorIndex":
        maps: dict[str, dict[str, list]] = {"id": {}, "class": {}, "attr": {}, "tag": {}}
        for group in groups:
            for comp in group.selectors:
                subj = comp.subject
                if subj.ident:
                    maps["id"].setdefault(subj.ident, []).append((group.name, comp))
                elif subj.classes:
                    maps["class"].setdefault(min(subj.classes), []).append((group.name, comp))
                elif subj.attrs:
                    maps["attr"].setdefault(subj.attrs[0][0], []).append((group.name, comp))
                else:
                    maps["tag"].setdefault(subj.tag or "*", []).append((group.name, comp))
        freeze = lambda m: {k: tuple(v) for k, v in m.items()}  # noqa: E731
        return cls(freeze(maps["id"]), freeze(maps["class"]), freeze(maps["attr"]), freeze(maps["tag"]))

    def group_of(self, tag: Tag) -> str | None:
        """The first group one of whose selectors matches tag."""
        for name, comp in self.by_tag.get(tag.name, ()) + self.by_tag.get("*", ()):
            if comp.matches(tag):
                return name
        ident = tag.get("id")
        if ident:
            for name, comp in self.by_id.get(ident, ()):
                if comp.matches(tag):
                    return name
        cls = tag.get("class")
        if cls:
            for c in (cls.split() if isinstance(cls, str) else cls):
                for name, comp in self.by_class.get(c, ()):
                    if comp.matches(tag):
                        return name
        if self.by_attr:
            for attr in tag.attrs:
                for name, comp in self.by_attr.get(attr, ()):
                    if comp.matches(tag):
                        return name
        return None


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
    """Drop the elements the rules name, in place; the root itself is never dropped.

    CSS selectors are precise and always apply. Class/id patterns are fuzzier: they never take
    an element holding most of the fragment's text (the article itself).
    """
    index = rules.index
    class_groups = any(g.classes is not None for g in rules.groups)
    hits: list[tuple[Tag, str, bool]] = []
    for group in rules.groups:
        if group.complex_selector is not None:
            hits += [(t, group.name, True) for t in group.complex_selector.select(root)]
    for tag in root.find_all(True):
        name = index.group_of(tag)
        if name is not None:
            hits.append((tag, name, True))
            continue
        if class_groups:
            key = _class_key(tag)
            if key and (name := rules.class_group(key)) is not None:
                hits.append((tag, name, False))
    hits += [(t, "related", True) for t in root.find_all(("ul", "ol")) if _is_link_list(t)]
    if not hits:
        return
    total = None
    for tag, name, precise in hits:
        if tag is root or not _attached(tag, root):
            continue
        if not precise:
            if total is None:
                total = max(1, _text_len(root))
            if total > 300 and _text_len(tag) > MAX_CLASS_RULE_SHARE * total:
                continue  # a class rule never takes the article with it
        tag.extract()
        if stats is not None:
            stats[f"boilerplate/{name}"] += 1


def _is_link_list(tag: Tag) -> bool:
    """A list whose items are nearly all links (related stories, "more from", tag lists)."""
    items = tag.find_all("li", recursive=False)
    if len(items) < 2:
        return False
    linked = 0
    for li in items:
        text = li.get_text(" ", strip=True)
        link = sum(len(a.get_text(" ", strip=True)) for a in li.find_all("a"))
        if text and link >= 0.8 * len(text):
            linked += 1
    return linked >= 0.8 * len(items)


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
    teasers = False  # after a "Related"/"More stories" heading, its linked teasers go too
    for block in iter_blocks(root):
        if drop and _norm(block.text) in drop:
            continue
        if teasers and len(block.text) <= MAX_TEASER and (
                block.link_density >= LINK_BLOCK_SHARE or block.tag == "li" and block.link_chars > 0):
            if stats is not None:
                stats["boilerplate/related"] += 1
            continue
        teasers = False
        group = match_text_rule(block, rules)
        if group is not None:
            if stats is not None and _rule_text(block.text):
                stats[f"boilerplate/{group}"] += 1
            teasers = group == "related" and block.link_density < LINK_BLOCK_SHARE
            continue
        out.append(block)
    return prune_sequence(out, rules, stats)


def clean_text(html: str | Tag, rules: Rules | None = None, stats: Counter | None = None,
               drop_texts: Iterable[str] = ()) -> str:
    """Clean article text: blocks separated by one blank line."""
    rules = rules or load_rules()
    return "\n\n".join(b.text for b in clean_blocks(html, rules, stats, drop_texts))


def _norm(text: str) -> str:
    return _WS.sub(" ", text).strip().lower()


# ---------------------------------------------------------------- rules over the block sequence
# Some boilerplate is only visible in context: a run of linked teasers, a label before them, a
# bare date line at the top or bottom, a contact note at the very end. Repeated blocks are kept:
# interviews repeat questions and recipes repeat steps, and readers expect them.

#: A block is a "teaser" (for runs) at this link-text share.
TEASER_LINK_SHARE = 0.8
#: A run of this many teasers is a link list even without a label before it.
MIN_TEASER_RUN = 3
#: Blocks from each end of the body on which ``edge_text`` rules are tried.
EDGE_HEAD, EDGE_TAIL = 2, 4

_MONTHS = (
    "jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sept?(ember)?|oct(ober)?|nov(ember)?|dec(ember)?|"
    "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre|"
    "januar|jänner|februar|märz|maerz|juni|juli|oktober|dezember|"
    "enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre|"
    "gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|"
    "janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|dezembro")
_WEEKDAYS = (
    "mon(day)?|tue(s|sday)?|wed(nesday)?|thu(rs|rsday)?|fri(day)?|sat(urday)?|sun(day)?|"
    "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|"
    "lunes|martes|miércoles|jueves|viernes|sábado|domingo|lunedì|martedì|mercoledì|giovedì|venerdì|sabato|"
    "segunda|terça|quarta|quinta|sexta|feira|-feira")
_DATE_FILLER = (
    "published|updated|posted|last|modified|on|at|am|pm|a\\.m|p\\.m|le|à|de|del|às|um|uhr|am|den|el|il|"
    "publié|mis|à jour|veröffentlicht|aktualisiert|publicado|actualizado|pubblicato|aggiornato|"
    "gmt|utc|bst|cet|cest|est|edt|cst|cdt|pst|pdt|ist|msk|h|hrs|st|nd|rd|th|er|of")
_DATELINE = re.compile(
    rf"(?:\b(?:{_MONTHS}|{_WEEKDAYS}|{_DATE_FILLER})\b\.?|\d+|[\s,.:/|•·()\-–—+'])+", re.I)


_MONTH_WORD = re.compile(rf"\b(?:{_MONTHS})\b", re.I)
_NUMERIC_DATE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{2,4}")


def is_dateline(text: str) -> bool:
    """A short block that is only a date or time ("September 15, 2014", "Published 10:02 AM EST Nov 19, 2019")."""
    if len(text) > 80 or not any(c.isdigit() for c in text):
        return False
    if not (_MONTH_WORD.search(text) or _NUMERIC_DATE.search(text)):  # a bare time is a live-blog stamp
        return False
    return _DATELINE.fullmatch(text) is not None


def _is_label(block: Block) -> bool:
    """A short lead-in such as "More:", "See also", an <h4> over a list of links."""
    words = block.text.split()
    if not 1 <= len(words) <= 5 or block.text.rstrip().endswith((".", "!", "?")):
        return False
    return block.text.rstrip().endswith(":") or block.tag in ("h2", "h3", "h4", "h5", "h6", "dt", "strong")


def _is_caps_teaser(block: Block) -> bool:
    """A fully linked headline in capitals inside the body (an inline "read this too" promo)."""
    if block.link_density < 0.9 or len(block.text) < 12 or len(block.text) > MAX_TEASER:
        return False
    upper, lower = sum(c.isupper() for c in block.text), sum(c.islower() for c in block.text)
    return upper >= 12 and upper >= 0.85 * (upper + lower) and len(block.text.split()) >= 3


_ABOUT = re.compile(r"^(?:about|über|à propos de|à propos d'|a propos de|acerca de|acerca del|sobre|sobre el|sobre la|"
                    r"informazioni su|chi è|over|o|o firmie|informacje o|о компании|о|про)\s*(?:the\s+|l'|la\s+|le\s+|el\s+|die\s+|der\s+|das\s+)?"
                    r"(.{2,60}?)\s*:?$", re.I)
_ARTICLE_WORD = re.compile(r"^(?:the|l'|la|le|les|el|los|las|die|der|das|il|lo|o|a|os|as|de|het)\s+", re.I)


def _about_tail(blocks: list[Block]) -> int | None:
    """Where a press release's "About <Company>" boilerplate starts, if the body ends with it."""
    start = len(blocks) // 2
    for i in range(max(1, start), len(blocks) - 1):
        m = _ABOUT.match(blocks[i].text.strip())
        if not m or len(blocks[i].text.split()) > 8:
            continue
        proper = m.group(1).strip()[:1].isupper()
        name = m.group(1).strip().lower()
        first_word = name.split()[0] if name.split() else ""
        follow = blocks[i + 1].text.lower()
        if proper:  # "About the Ministry of Defence" / "The Ministry of Defence is ..." (a name, not "the programme")
            follow = _ARTICLE_WORD.sub("", follow)
        if len(first_word) >= 2 and (follow.startswith(name) or follow.startswith(first_word)):
            return i
    return None


#: Media/press contact labels that open the contact block at the end of a release or story.
_CONTACT_LABEL = re.compile(
    r"^(?:(?:for )?(?:media|press|news|pr|public affairs|communications?)\s+(?:contacts?|enquiries|inquiries|office)|contacts?|"
    r"for (?:more information|further information|media enquiries|media inquiries)(?:,? (?:please )?contact)?|"
    r"pressekontakt|medienkontakt|kontakt(?: für (?:medien|journalisten))?|contact(?:s)? (?:presse|médias)|relations (?:presse|médias)|"
    r"contacto(?: de prensa| para medios| con los medios)?|contacto de comunicación|contato(?: para imprensa| de imprensa)?|"
    r"contatti?(?: stampa| per la stampa)?|ufficio stampa|kontakt(?: dla mediów| dla prasy)?|biuro prasowe|perscontact|"
    r"контакты(?: для (?:сми|прессы))?|пресс-служба|контакти(?: для змі)?|прес-служба|"
    r"(?:취재|보도|언론)?\s*문의|お問い合わせ(?:先)?|報道関係者(?:の)?お問い合わせ|媒体联系(?:人)?|新闻联系人|联系方式)"
    r"\s*[:：]?", re.I)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?:\b(?:tel|phone|telephone|t|fax|mob|mobile|cell|tél|téléphone|teléfono|telefone|telefono|telefon|тел|전화)\b\.?\s*:?\s*)?"
                    r"\+?\(?\d[\d ()./-]{6,}\d")
#: A contact line: short, and mostly an e-mail address or phone number (a reporter's sign-off too).
CONTACT_LINE_WORDS = 10
#: Blocks from the end searched for a contact label; blocks after it must be this short.
CONTACT_TAIL, CONTACT_LINE_CHARS = 8, 140


def _is_contact_line(text: str) -> bool:
    """ "Tel. +44 20 7946 0000", "press@mod.example", "Kim Min-jun 기자 kim@paper.example"."""
    if len(text) > 120 or len(text.split()) > CONTACT_LINE_WORDS:
        return False
    return bool(_EMAIL.search(text) or (_PHONE.search(text) and sum(c.isdigit() for c in text) >= 7))


def _contact_tail(blocks: list[Block]) -> int | None:
    """Where the trailing block of contact details starts ("Media contact" + office, phone, e-mail lines)."""
    n = len(blocks)
    start = None
    for i in range(n - 1, max(-1, n - CONTACT_TAIL - 1), -1):
        text = blocks[i].text.strip()
        if len(text) > CONTACT_LINE_CHARS and not _is_contact_line(text):
            break
        if _CONTACT_LABEL.match(text) and (
                _CONTACT_LABEL.fullmatch(text) or _EMAIL.search(text) or _PHONE.search(text)):
            start = i
    if start is not None:
        return start
    k = n
    while k > 1 and _is_contact_line(blocks[k - 1].text):
        k -= 1
    return k if k < n else None


def prune_sequence(blocks: list[Block], rules: Rules, stats: Counter | None = None) -> list[Block]:
    """Drop boilerplate that only shows in the sequence: teaser runs, repeated labels, datelines, edges."""
    n = len(blocks)
    if not n:
        return blocks
    reason: list[str | None] = [None] * n
    teaser = [b.link_density >= TEASER_LINK_SHARE and len(b.text) <= MAX_TEASER for b in blocks]
    i = 0
    while i < n:
        if not teaser[i]:
            i += 1
            continue
        j = i
        while j < n and teaser[j]:
            j += 1
        label = i > 0 and reason[i - 1] is None and _is_label(blocks[i - 1])
        if j - i >= MIN_TEASER_RUN or (j - i >= 2 and label):
            for k in range(i, j):
                reason[k] = "related"
            if label:
                reason[i - 1] = "related"
        i = j
    for k, b in enumerate(blocks):
        if reason[k] is not None or b.tag in ("td", "th"):
            continue
        if _is_caps_teaser(b):
            reason[k] = "related"
        elif (k <= EDGE_HEAD or k >= n - EDGE_TAIL) and is_dateline(b.text):
            reason[k] = "structure"
    edge_groups = [g for g in rules.groups if g.edge_text is not None]
    if edge_groups:
        for k in [*range(min(EDGE_HEAD, n)), *range(max(EDGE_HEAD, n - EDGE_TAIL), n)]:
            if reason[k] is None and len(blocks[k].text) <= 2 * MAX_RULE_BLOCK:
                for g in edge_groups:
                    if g.edge_text.search(blocks[k].text):
                        reason[k] = g.name
                        break
    about = _about_tail(blocks)
    if about is not None:
        for k in range(about, n):
            reason[k] = reason[k] or "about"
    contact = _contact_tail(blocks)
    if contact is not None:
        for k in range(contact, n):
            reason[k] = reason[k] or "contact"
    for k, b in enumerate(blocks):  # bare numbers outside tables: a pager ("1 2 3") or a counter
        if reason[k] is None and b.tag not in ("td", "th") and b.text.strip().isdigit() and len(b.text.strip()) <= 3:
            reason[k] = "structure"
    if stats is not None:
        for r in reason:
            if r is not None:
                stats[f"boilerplate/{r}"] += 1
    return [b for b, r in zip(blocks, reason) if r is None]
