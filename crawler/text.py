"""Text measures shared by extraction, validation and clustering (a leaf module: stdlib only)."""
from __future__ import annotations

import re

WORD = re.compile(r"\w+")
#: Scripts written without spaces between words (Chinese, Japanese kana, Thai, Lao, Khmer,
#: Myanmar): there a "word" of \w+ is a whole clause, so characters are counted instead.
UNSPACED_SCRIPTS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0eff\u1780-\u17ff\u1000-\u109f"
_UNSPACED = re.compile(f"[{UNSPACED_SCRIPTS}]")
#: Characters of such scripts that carry about as much as one English word.
CHARS_PER_WORD = 2


#: ASCII word characters (``\\w``: letters, digits, "_") kept and every other byte made a space: the
#: \\w+ tokens of an ASCII text are then its whitespace-separated fields, found in C several times
#: faster than by the regex, which looks each character up in Unicode's tables.
_ASCII_WORDS = bytes(c if c < 128 and (chr(c).isalnum() or c == 0x5F) else 0x20 for c in range(256))


def words(text: str) -> list[str]:
    """The \\w+ tokens of ``text``."""
    if not text:
        return []
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_WORDS).decode("ascii").split()
    return WORD.findall(text)


def word_count(text: str) -> int:
    """Words of ``text``; in unspaced scripts, characters / CHARS_PER_WORD."""
    if text.isascii():  # no unspaced script in it
        return len(text.encode("ascii").translate(_ASCII_WORDS).split())
    unspaced = len(_UNSPACED.findall(text))
    if not unspaced:
        return len(WORD.findall(text))
    spaced = _UNSPACED.sub(" ", text)
    return len(WORD.findall(spaced)) + unspaced // CHARS_PER_WORD
