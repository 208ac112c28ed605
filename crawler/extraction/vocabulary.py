"""The boilerplate vocabulary: named rule groups loaded from ``config/boilerplate.toml``, compiled once.

Each group (``comments``, ``subscribe``, ``share``, ``related`` ...) holds DOM rules (CSS selectors,
compiled by ``lxml.cssselect``; regular expressions on class and id) and text rules (regular
expressions that match a whole block, or search the body's edges); ``text_classes`` join the two: a
box of such a class goes only when its text reads as the group's (a CMS's generic note box). A site adds its own rules
through ``Site.boilerplate`` (``selectors`` and ``patterns``); they form the group ``site``.
"""
from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from cssselect import SelectorError
from cssselect import parse as parse_css
from cssselect.parser import Attrib, Class, CombinedSelector, Element, Hash
from lxml.cssselect import CSSSelector

from crawler.extraction.needs import canonical, may_match, needs
from crawler.extraction.sequence import MAX_RULE_BLOCK, rule_text

try:  # CPython's own regex parser (3.11+), to tell rules anchored at the start (as needs.py does)
    from re import _constants as _sre_constants  # type: ignore[attr-defined]
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - another Python: every edge rule is searched
    _sre_parse = None

RULES_FILE = Path(__file__).resolve().parents[2] / "config" / "boilerplate.toml"
#: Class/id keys remembered per rule set before the memo is reset.
CLASS_CACHE_SIZE = 50_000
#: Short block texts remembered per rule set (at most ~400 characters each) before the memo is reset.
TEXT_CACHE_SIZE = 20_000

#: What a widget's own parts and wrappers add to its name: BEM elements and modifiers
#: ("sharedaddy__title", "jp-relatedposts--grid") and wrapper words ("addtoany-wrapper", "mc4wp-box").
_WIDGET_PART = re.compile(r"(?:__[a-z0-9-]+|--[a-z0-9-]+|[-_](?:wrapper|wrap|container|box|outer|inner|holder|"
                          r"area|block|section|widget|module|component|title|heading|header|content|body|"
                          r"list|item|items|inner-wrap))$")


class RulesError(ValueError):
    """A boilerplate rule file that cannot be used; the message names the group and rule."""


@dataclass(frozen=True)
class Selector:
    """One compiled CSS selector, and the class, id, attribute or tag its subject needs."""

    text: str
    compiled: CSSSelector
    key: tuple[str, str]  # ("class", name), ("id", name), ("attr", name), ("tag", name) or ("any", "")
    #: The class name of a selector that is only ``.name`` (matched by a class-token lookup, no XPath).
    bare: str | None = None


@dataclass(frozen=True)
class EdgePart:
    """Some of a group's ``edge_text`` rules, as one pattern, and the literals its matches need."""

    pattern: re.Pattern[str]
    need: tuple[str, ...] | None
    #: Every rule of the part starts with ``^``: ``match`` at the block's start says all ``search`` would.
    anchored: bool


@dataclass(frozen=True)
class Group:
    """One named group of boilerplate rules, compiled."""

    name: str
    selectors: tuple[Selector, ...] = ()
    #: Class names of bare ``.name`` selectors: their parts and wrappers match too.
    widgets: frozenset[str] = frozenset()
    classes: re.Pattern[str] | None = None
    #: Classes of a generic box ("cmp-text--note") that goes only when its text reads as the group's.
    text_classes: re.Pattern[str] | None = None
    text: re.Pattern[str] | None = None
    link_text: re.Pattern[str] | None = None
    #: The ``edge_text`` rules as written (``edge_parts`` is what extraction runs).
    edge_rules: tuple[str, ...] = ()
    #: Literals one of which a match of ``classes`` needs (``needs.py``): when none occurs in a
    #: class/id key, the pattern is not searched (text rules are anchored and fail fast on their own).
    class_need: tuple[str, ...] | None = None
    #: The same for ``text``, kept only where the group has a rule that may start anywhere
    #: (".{0,160}\\b..."): fullmatch tries every start there, a substring test is cheaper.
    text_need: tuple[str, ...] | None = None
    #: ``edge_text`` split in two: the rules that start with ``^`` (tried at the start of a block
    #: only) and the others (searched), each with its own literals. ``re`` tries every branch of
    #: one alternation at every position, ``^`` or not: a fifth of a page's extraction.
    edge_parts: tuple[EdgePart, ...] = ()

    @cached_property
    def edge_text(self) -> re.Pattern[str] | None:
        """The ``edge_text`` rules as one pattern (compiled on first use: extraction needs only the parts)."""
        return _alternation(self.edge_rules, f"[{self.name}].edge_text", anchored=False)

    def edge_hit(self, text: str, canon: str, present: frozenset[str] | None = None) -> bool:
        """Whether an ``edge_text`` rule matches somewhere in ``text`` (``canon``: ``canonical(text)``);
        the same answer as ``edge_text.search(text)``. ``present``: a set holding every needed literal
        that ``canon`` holds (found once for several blocks): a part none of whose literals is in it is
        not looked at further."""
        return any((part.need is None or present is None or not present.isdisjoint(part.need))
                   and may_match(part.need, canon)
                   and (part.pattern.match(text) if part.anchored else part.pattern.search(text)) is not None
                   for part in self.edge_parts)

    def reads_as(self, text: str) -> bool:
        """Whether a box's whole text (spaces normalised) is the group's: a ``text`` rule matches it
        whole, or an ``edge_text`` rule matches in it (the box is its own edge)."""
        return self.text is not None and self.text.fullmatch(rule_text(text)) is not None or \
            self.edge_hit(text, canonical(text))

    @cached_property
    def edge_literals(self) -> frozenset[str]:
        """Every literal that one of the ``edge_parts`` needs."""
        return frozenset(lit for part in self.edge_parts if part.need for lit in part.need)


@dataclass(frozen=True)
class Rules:
    """Compiled groups, in order: the first matching group names a hit."""

    groups: tuple[Group, ...]
    #: class/id key -> the first group whose class pattern matches it (keys repeat within and across pages).
    _class_hits: dict[str, str | None] = field(init=False, compare=False, hash=False, repr=False)
    #: (block text, mostly links?) -> the first group whose text rule matches it.
    _text_hits: dict[tuple[str, bool], str | None] = field(init=False, compare=False, hash=False, repr=False)
    #: widget class name -> the first group naming it.
    widgets: dict[str, str] = field(init=False, compare=False, hash=False, repr=False)
    #: class/id key -> the first group whose ``text_classes`` pattern matches it.
    _text_class_hits: dict[str, Group | None] = field(init=False, compare=False, hash=False, repr=False)
    #: (subject kind, name) -> the (group name, selector) pairs with that subject, each with its
    #: place in group-then-selector order.
    _by_subject: dict[tuple[str, str], list[tuple[int, str, Selector]]] = field(
        init=False, compare=False, hash=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_class_hits", {})
        by_subject: dict[tuple[str, str], list[tuple[int, str, Selector]]] = {}
        order = ((g.name, sel) for g in self.groups for sel in g.selectors)
        for i, (name, sel) in enumerate(order):
            by_subject.setdefault(sel.key, []).append((i, name, sel))
        object.__setattr__(self, "_by_subject", by_subject)
        object.__setattr__(self, "_text_hits", {})
        object.__setattr__(self, "_text_class_hits", {})
        widgets: dict[str, str] = {}
        for g in self.groups:
            for name in g.widgets:
                widgets.setdefault(name, g.name)
        object.__setattr__(self, "widgets", widgets)

    def text_group(self, text: str, linky: bool) -> str | None:
        """The first group whose text rule (or, for a mostly-linked block, link-text rule) matches the
        whole ``text``; memoised, as the last sweep asks again and widgets repeat across pages."""
        hits = self._text_hits
        key = (text, linky)
        if key in hits:
            return hits[key]
        found = None
        canon = None
        for group in self.groups:
            if group.text is not None and group.text_need is not None:
                if canon is None:
                    canon = canonical(text)
                if not may_match(group.text_need, canon):  # a loose rule that cannot match: not run
                    if linky and group.link_text is not None and group.link_text.fullmatch(text):
                        found = group.name
                        break
                    continue
            if group.text is not None and group.text.fullmatch(text) or \
                    linky and group.link_text is not None and group.link_text.fullmatch(text):
                found = group.name
                break
        if len(hits) > TEXT_CACHE_SIZE:
            hits.clear()
        hits[key] = found
        return found

    def selectors_for(self, present: dict[str, set[str]]) -> list[tuple[str, Selector]]:
        """(group name, selector) of the selectors whose subject is ``present`` (kind -> names),
        in group-then-selector order: one lookup per name present, not a pass over every selector."""
        by_subject = self._by_subject
        found = [hit for kind, names in present.items() for name in names
                 for hit in by_subject.get((kind, name), ())]
        found.sort(key=lambda hit: hit[0])
        return [(name, sel) for _, name, sel in found]

    def names(self) -> list[str]:
        """The group names, in order."""
        return [g.name for g in self.groups]

    def class_group(self, key: str) -> str | None:
        """The first group whose class/id pattern matches ``key`` (memoised: ~17 searches per new key)."""
        hits = self._class_hits
        if key in hits:
            return hits[key]
        canon = canonical(key)
        found = next((g.name for g in self.groups if g.classes is not None and may_match(g.class_need, canon)
                      and g.classes.search(key)), None)
        if len(hits) > CLASS_CACHE_SIZE:
            hits.clear()
        hits[key] = found
        return found

    def text_class_hit(self, key: str, box_text: Callable[[], str]) -> str | None:
        """The first group whose ``text_classes`` pattern matches ``key`` (memoised like ``class_group``),
        when the box's text (``box_text()``, read only then) reads as the group's: the class of a generic
        note box ("cmp-text--note") cannot tell a syndication note from an editor's note or a correction."""
        hits = self._text_class_hits
        if key in hits:
            group = hits[key]
        else:
            group = next((g for g in self.groups if g.text_classes is not None and g.text_classes.search(key)), None)
            if len(hits) > CLASS_CACHE_SIZE:
                hits.clear()
            hits[key] = group
        if group is None:
            return None
        text = " ".join(box_text().split())
        return group.name if text and len(text) <= MAX_RULE_BLOCK and group.reads_as(text) else None


@lru_cache(maxsize=16384)
def widget_bases(token: str) -> tuple[str, ...]:
    """A class token without its BEM element/modifier and wrapper suffixes, shortest last
    ("foo-bar__title-wrapper" -> "foo-bar__title", "foo-bar")."""
    bases = []
    base = token.lower()
    for _ in range(3):
        stripped = _WIDGET_PART.sub("", base)
        if stripped == base or len(stripped) < 2:
            break
        bases.append(stripped)
        base = stripped
    return tuple(bases)


def _alternation(patterns: Iterable[str], where: str, anchored: bool) -> re.Pattern[str] | None:
    patterns = list(patterns)
    if not patterns:
        return None
    body = "|".join(f"(?:{p})" for p in patterns)
    try:
        return re.compile(f"(?:{body})" if anchored else body, re.IGNORECASE | re.DOTALL)
    except re.error:
        for p in patterns:  # only now, to name the culprit: compiling each one costs start-up time
            try:
                re.compile(p)
            except re.error as exc:
                raise RulesError(f"{where}: bad regular expression {p!r}: {exc}") from None
        raise


def _subject_key(tree: Any) -> tuple[str, str]:
    """What an element must carry to match: the subject's id, else a class, else an attribute, else its tag."""
    node = tree.subselector if isinstance(tree, CombinedSelector) else tree
    found: dict[str, str] = {}
    while node is not None:
        if isinstance(node, Hash):
            found.setdefault("id", node.id)
        elif isinstance(node, Class):
            found.setdefault("class", node.class_name)
        elif isinstance(node, Attrib):
            found.setdefault("attr", node.attrib.lower())
        elif isinstance(node, Element):
            if node.element:
                found.setdefault("tag", node.element.lower())
            break
        node = getattr(node, "selector", None)
    for kind in ("id", "class", "attr", "tag"):
        if kind in found:
            return kind, found[kind]
    return "any", ""


def _bare_class(tree: Any) -> str | None:
    """The class of a selector that is only ``.name``."""
    if isinstance(tree, Class) and isinstance(tree.selector, Element) and not tree.selector.element:
        return tree.class_name.lower()
    return None


def compile_selectors(name: str, selectors: Iterable[str]) -> tuple[tuple[Selector, ...], frozenset[str]]:
    """Each selector of a group compiled once, with its subject key; and the group's widget names."""
    out: list[Selector] = []
    widgets: set[str] = set()
    for sel in selectors:
        try:
            parsed = parse_css(sel)
        except SelectorError as exc:
            raise RulesError(f"[{name}].selectors: bad CSS selector {sel!r}: {exc}") from None
        for one in parsed:
            text = one.canonical()
            try:
                compiled = CSSSelector(text, translator="html")
            except (SelectorError, ValueError) as exc:
                raise RulesError(f"[{name}].selectors: unsupported CSS selector {sel!r}: {exc}") from None
            bare = _bare_class(one.parsed_tree)
            out.append(Selector(text, compiled, _subject_key(one.parsed_tree),
                                one.parsed_tree.class_name if bare else None))
            if bare:
                widgets.add(bare)
    return tuple(out), frozenset(widgets)


def compile_group(name: str, table: dict[str, Any]) -> Group:
    """Compile one ``[group]`` table: ``selectors``, ``classes``, ``text_classes``, ``text``, ``link_text``,
    ``edge_text``."""
    unknown = set(table) - {"selectors", "classes", "text_classes", "text", "link_text", "edge_text", "description"}
    if unknown:
        raise RulesError(f"[{name}]: unknown key {sorted(unknown)[0]!r}")
    selectors, widgets = compile_selectors(name, table.get("selectors", ()))
    classes = _alternation(table.get("classes", ()), f"[{name}].classes", anchored=False)
    text = _alternation(table.get("text", ()), f"[{name}].text", anchored=True)
    return Group(
        name=name,
        selectors=selectors,
        widgets=widgets,
        classes=classes,
        text_classes=_alternation(table.get("text_classes", ()), f"[{name}].text_classes", anchored=False),
        text=text,
        link_text=_alternation(table.get("link_text", ()), f"[{name}].link_text", anchored=True),
        edge_rules=tuple(table.get("edge_text", ())),
        edge_parts=_edge_parts(table.get("edge_text", ()), f"[{name}].edge_text"),
        class_need=needs(classes),
        text_need=_loose_need(table.get("text", ()), text),
    )


def _starts_at_beginning(pattern: str) -> bool:
    """Whether every branch of a rule starts with ``^`` (or ``\\A``): it matches at the start or nowhere."""
    if _sre_parse is None:
        return False
    try:
        items = list(_sre_parse.parse(pattern, re.IGNORECASE | re.DOTALL))
    except Exception:  # noqa: BLE001 - _alternation reports bad rules; here only "not known to be anchored"
        return False
    at, begin = _sre_constants.AT, (_sre_constants.AT_BEGINNING, _sre_constants.AT_BEGINNING_STRING)

    def starts(seq: list[Any]) -> bool:
        return bool(seq) and seq[0][0] is at and seq[0][1] in begin

    if len(items) == 1 and items[0][0] is _sre_constants.BRANCH:
        return all(starts(list(branch)) for branch in items[0][1][1])
    return starts(items)


def _edge_parts(patterns: Iterable[str], where: str) -> tuple[EdgePart, ...]:
    """``edge_text`` as an anchored part and a searched part (see ``Group.edge_parts``)."""
    patterns = list(patterns)
    if any(_BACKREF.search(p) for p in patterns):  # group numbers would change: keep one pattern
        whole = _alternation(patterns, where, anchored=False)
        return (EdgePart(whole, needs(whole), False),) if whole is not None else ()
    head = [p for p in patterns if _starts_at_beginning(p)]
    rest = [p for p in patterns if p not in head]
    parts = []
    for group, anchored in ((head, True), (rest, False)):
        if (compiled := _alternation(group, where, anchored=anchored)) is not None:
            # An anchored part fails at the first characters: testing its literals would cost more.
            parts.append(EdgePart(compiled, None if anchored else needs(compiled), anchored))
    return tuple(parts)


#: A backreference in a rule (``\\1``, ``(?P=name)``).
_BACKREF = re.compile(r"\\[1-9]|\(\?P=")


#: A text rule that may start anywhere in the block: a leading ".{m,n}", ".*" or ".+", bare or in
#: an optional group.
_LOOSE_START = re.compile(r"^\(?\.(?:\{\d*,?\d*\}|[*+])")
#: Above this many required literals the substring test costs more than the loose rule saves.
LOOSE_NEED_MAX = 25


def _loose_need(patterns: Iterable[str], compiled: re.Pattern[str] | None) -> tuple[str, ...] | None:
    """The literals the group's text rules need, when one of its rules starts loose; else None."""
    if compiled is None or not any(_LOOSE_START.match(p) for p in patterns):
        return None
    need = needs(compiled)
    return need if need is not None and len(need) <= LOOSE_NEED_MAX else None


def rules_from_dict(data: dict[str, Any]) -> Rules:
    """Compile a parsed vocabulary (``{group: table}``)."""
    return Rules(tuple(compile_group(name, table) for name, table in data.items() if isinstance(table, dict)))


@lru_cache(maxsize=8)
def _load_file(path: str) -> Rules:
    with open(path, "rb") as fh:
        return rules_from_dict(tomllib.load(fh))


# Keyed by the file's path, not its ``Rules``: hashing a ``Rules`` hashes every group, selector
# and pattern in it, which cost more than the rest of this lookup on every page.
@lru_cache(maxsize=256)
def _with_site(path: str, selectors: tuple[str, ...], patterns: tuple[str, ...]) -> Rules:
    base = _load_file(path)
    if not selectors and not patterns:
        return base
    site = compile_group("site", {"selectors": list(selectors), "text": list(patterns)})
    return Rules((site, *base.groups))


def load_rules(path: Path | str | None = None, site: Any = None) -> Rules:
    """The global vocabulary (cached), plus the site's own rules as group ``site``."""
    bp = getattr(site, "boilerplate", None)
    if bp is None:
        return _load_file(str(path or RULES_FILE))
    return _with_site(str(path or RULES_FILE), tuple(bp.selectors), tuple(bp.patterns))
