"""Term matching for watchlists: folding, one regular expression per term, a word-start index.

A leaf module (standard library only). The rules (what an analyst means by "this term appears"):

* a term matches as a whole word or phrase, never inside a longer word (PrSM is not "prism");
  in Chinese and Japanese, which put no spaces between words, anywhere;
* case and accents are ignored: text and terms are folded with Unicode NFKD, combining marks
  dropped, then ``casefold`` (Jēkabpils = Jekabpils, Straße = STRASSE), plus the letters NFKD
  leaves alone (Łask = Lask);
* hyphen and space variants are one: between the parts of a term (words, and letters next to
  digits) any run of spaces and hyphens, or none, may stand (F-35 = F35 = F 35 = f‑35).

Each term is compiled once, and indexed by the first piece of its first word: a text is folded
once and runs only the terms whose first piece starts one of its words (:class:`Terms`).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

SNIPPET_CHARS = 80  # on each side of the first match

# Spaces and the hyphens and dashes people type between the parts of a designation.
_SEP_CHARS = "\\s\\-\u00ad\u2010\u2011\u2012\u2013\u2014\u2212"
_SEP = f"[{_SEP_CHARS}]*"
# What NFKD leaves alone: typographic apostrophes, letters with a stroke (Łask = Lask, Ørsted,
# Diyarbakır) and ligatures; invisible characters inside words (soft hyphen, zero-width) vanish.
_EXTRA_FOLDS = {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d",
                "Đ": "d", "ı": "i", "ħ": "h", "Ħ": "h", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ð": "d",
                "Ð": "d", "þ": "th", "Þ": "th", "\u00ad": "", "\u200b": "", "\u200c": "", "\u200d": "",
                "\u2060": "", "\ufeff": ""}
_TERM_PART = re.compile(r"(\d+|[^\W\d_]+)|([" + _SEP_CHARS + r"_]+)|(.)", re.S)


# ---------------------------------------------------------------- folding

def _fold_char(ch: str) -> str:
    if ch in _EXTRA_FOLDS:
        return _EXTRA_FOLDS[ch]
    return "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)).casefold()


class _FoldTable(dict[int, str]):
    """``str.translate`` table that folds each character once, then from C at dict speed."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Fold ``text`` for matching: NFKD without combining marks, case-folded."""
    return text.lower() if text.isascii() else text.translate(_FOLD)


def origin(text: str, index: int) -> int:
    """The offset in ``text`` of the character that folded into position ``index`` of ``fold(text)``."""
    if text.isascii():
        return index
    pos = 0
    for i, ch in enumerate(text):
        pos += len(_FOLD[ord(ch)])
        if pos > index:
            return i
    return len(text)


def _bounded(ch: str) -> bool:
    """Whether a term that begins or ends with ``ch`` must not touch another word character."""
    return ch.isalnum() and not _unspaced(ch)


def _unspaced(ch: str) -> bool:
    # CJK ideographs (and their extensions and compatibility block), hiragana, katakana.
    return "\u3040" <= ch <= "\u30ff" or "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" \
        or "\U00020000" <= ch <= "\U0003134f"


def term_pattern(term: str) -> str:
    """The regular expression of one term (matched against folded text)."""
    folded = fold(term.strip())
    parts: list[str] = []
    last_word = False
    for m in _TERM_PART.finditer(folded):
        word, sep, other = m.groups()
        if word:
            if last_word:
                parts.append(_SEP)  # a letter run next to a digit run: F35 = F-35 = F 35
            parts.append(re.escape(word))
            last_word = True
        elif sep:
            if parts:
                parts.append(_SEP)
            last_word = False
        else:
            parts.append(f"\\s*{re.escape(other)}\\s*")
            last_word = False
    while parts and parts[-1] == _SEP:
        parts.pop()
    body = "".join(parts)
    # Whole words only: no word character may touch a term that begins or ends with one.
    # Chinese and Japanese write no spaces between words: a term in those scripts matches anywhere.
    head = "(?<!\\w)" if _bounded(folded[:1]) else ""
    tail = "(?!\\w)" if _bounded(folded.rstrip(" -")[-1:]) else ""
    return head + body + tail


_PIECE = re.compile(r"\d+|[^\W\d_]+")
_WORD_START = re.compile(r"(?<!\w)(?:\d+|[^\W\d_]+)")


@dataclass(frozen=True)
class Text:
    """One field's text, folded, with the first piece (letters or digits) of each of its words."""

    raw: str
    folded: str
    starts: frozenset[str]

    @classmethod
    def of(cls, raw: str) -> Text:
        folded = fold(raw)
        return cls(raw, folded, frozenset(_WORD_START.findall(folded)))


class Terms:
    """A group of terms compiled once: one regular expression per term, indexed by the term's
    first piece, so that a text only runs the terms whose first word piece it holds (a watchlist
    of thousands of terms costs about what one costs)."""

    def __init__(self, terms: tuple[str, ...]):
        self.terms = terms
        self.patterns = [re.compile(term_pattern(t)) for t in terms]
        self.by_start: dict[str, list[int]] = {}
        self.always: list[int] = []
        for i, term in enumerate(terms):
            folded = fold(term.strip())
            first = _PIECE.match(folded)
            if first and not _unspaced(folded[0]):
                self.by_start.setdefault(first.group(), []).append(i)
            else:
                self.always.append(i)  # begins with punctuation or an unspaced script: no word start to look up
        self.starts = frozenset(self.by_start)

    def candidates(self, text: Text) -> list[int]:
        out = list(self.always)
        for start in self.starts & text.starts:
            out.extend(self.by_start[start])
        return sorted(out)  # term order, whatever the set's

    def first(self, text: Text) -> tuple[int, re.Match[str]] | None:
        """The leftmost match in ``text`` (the longer term on a tie), with its term's index."""
        best: tuple[int, re.Match[str]] | None = None
        for i in self.candidates(text):
            m = self.patterns[i].search(text.folded)
            if m and (best is None or (m.start(), -len(m.group())) < (best[1].start(), -len(best[1].group()))):
                best = (i, m)
        return best

    def found(self, text: Text) -> list[int]:
        """Every term that matches ``text``."""
        return [i for i in self.candidates(text) if self.patterns[i].search(text.folded)]


def snippet(raw: str, start: int, end: int) -> str:
    """About ``SNIPPET_CHARS`` characters of ``raw`` on each side of a match, cut at spaces."""
    lo, hi = max(0, start - SNIPPET_CHARS), min(len(raw), end + SNIPPET_CHARS)
    if lo > 0:
        space = raw.find(" ", lo, start)
        lo = space + 1 if space >= 0 else lo
    if hi < len(raw):
        space = raw.rfind(" ", end, hi)
        hi = space if space >= 0 else hi
    text = " ".join(raw[lo:hi].split())
    return ("…" if lo > 0 else "") + text + ("…" if hi < len(raw) else "")
