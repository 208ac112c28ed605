"""Literal prefilters for case-insensitive regular expressions: the strings one of which every match
must contain, read from the pattern itself.

The vocabulary's alternations (dozens of ``\\bword\\b`` branches a group) give ``re`` no literal
prefix to search for, so a search tries every branch at every position. A substring test of the
pattern's required literals first is several times cheaper and exact: when none occurs, the
pattern cannot match, and only then is its answer skipped.

Case: ``re.IGNORECASE`` matches characters whose simple lower cases are equal, or that its
case-fix table pairs (``ſ``/``s``, ``ς``/``σ``, ``ı``/``i`` ...). ``canonical`` maps text and
literals to one representative of each such class, so ``literal in canonical(text)`` holds
whenever the pattern could match.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

try:  # CPython's own regex parser (3.11+), used only to read the literals out of a pattern
    from re import _casefix as _sre_casefix  # type: ignore[attr-defined]
    from re import _constants as _sre_constants  # type: ignore[attr-defined]
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - another Python: no prefilter, the patterns alone decide
    _sre_parse = None

#: Required literals shorter than this filter too little to be worth the test.
MIN_NEED_CHARS = 1


def _case_tables() -> tuple[dict[int, str], dict[int, str]]:
    """(before lower(), after lower()) translation tables of ``canonical``."""
    before = {0x130: "i"}  # "İ": its full lower case is two characters, its simple one "i" (as re uses)
    after: dict[int, str] = {}
    if _sre_parse is not None:
        for code, others in _sre_casefix._EXTRA_CASES.items():
            rep = min([code, *others])
            for c in (code, *others):
                if c != rep:
                    after[c] = chr(rep)
    return before, after


_BEFORE, _AFTER = _case_tables()


def canonical(text: str) -> str:
    """Text in the one case in which ``needs`` literals are written."""
    if text.isascii():
        return text.lower()
    return text.translate(_BEFORE).lower().translate(_AFTER)


def needs(pattern: re.Pattern[str] | None) -> tuple[str, ...] | None:
    """Canonical literals one of which every match of ``pattern`` contains; None when the pattern
    has no such set (then it must always be run)."""
    if pattern is None or _sre_parse is None or pattern.flags & re.LOCALE:
        return None
    try:
        found = _need_seq(list(_sre_parse.parse(pattern.pattern, pattern.flags)))
    except Exception:  # an exotic construct, or a parser of another shape: no prefilter, still exact
        return None
    if not found or min(map(len, found)) < MIN_NEED_CHARS:
        return None
    return tuple(sorted(found))


@lru_cache(maxsize=256)
def needs_of(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """``needs`` of a pattern, read once per process."""
    return needs(pattern)


def may_match(need: tuple[str, ...] | None, canonical_text: str) -> bool:
    """Whether a pattern with these required literals can match the (canonical) text."""
    return need is None or any(map(canonical_text.__contains__, need))


def _better(a: set[str] | None, b: set[str] | None) -> set[str] | None:
    """The more selective of two requirements: longer shortest literal, then fewer literals."""
    if not b:
        return a
    if not a:
        return b
    return b if (min(map(len, b)), -len(b)) > (min(map(len, a)), -len(a)) else a


def _need_seq(items: list[tuple[Any, Any]]) -> set[str] | None:
    """The best requirement of a sequence: a run of literals, or the requirement of one of its parts."""
    c = _sre_constants
    best: set[str] | None = None
    run: list[str] = []
    for op, av in items:
        if op is c.LITERAL:
            run.append(chr(av))
            continue
        if run:
            best = _better(best, {canonical("".join(run))})
            run = []
        if op is c.SUBPATTERN:
            best = _better(best, _need_seq(list(av[-1])))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
            low, _high, sub = av
            if low >= 1:
                best = _better(best, _need_seq(list(sub)))
        elif op is getattr(c, "ATOMIC_GROUP", None):
            best = _better(best, _need_seq(list(av)))
        elif op is c.BRANCH:
            branches = [_need_seq(list(b)) for b in av[1]]
            if branches and all(branches):
                best = _better(best, set().union(*branches))  # type: ignore[arg-type]
    if run:
        best = _better(best, {canonical("".join(run))})
    return best
