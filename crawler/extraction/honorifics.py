"""What stands before a person's name and is no part of it: a title ("Dr.", "ආචාර්ය", "ဒေါက်တာ"), or a
byline's own word that another reading of the same byline shows without ("Gan Rhys ap Gwilym").

Titles and forms of address ("Herr", "ທ່ານ") are data (``config/titles.toml``, by language), matched on
the name's first words; in a script written without spaces, or after a dot, a title may be glued to the
name. Honorifics that are part of a
name as people write it (Burmese "ကို", Welsh "ap") are not titles and stay.
"""
from __future__ import annotations

import re
import tomllib
import unicodedata
from functools import lru_cache
from pathlib import Path

from crawler.text import UNSPACED_SCRIPTS

TITLES_FILE = Path(__file__).resolve().parents[2] / "config" / "titles.toml"
#: Words of the longest title ("dr hab.", "Yr Athro", "Assoc. Prof.").
TITLE_WORDS = 3
#: An abbreviation this short matches only with its dot ("Ing." is a title, "Ing" may be a name).
BARE_ABBREVIATION_CHARS = 3
_UNSPACED = re.compile(f"[{UNSPACED_SCRIPTS}]")


@lru_cache(maxsize=1)
def _titles() -> tuple[frozenset[str], tuple[str, ...]]:
    """The titles as lower-cased words, and the ones that may be glued to the name (longest first)."""
    with TITLES_FILE.open("rb") as fh:
        data = tomllib.load(fh)
    spaced: set[str] = set()
    glued: set[str] = set()
    tables = [*data.get("titles", {}).values(), *data.get("courtesy", {}).values()]
    for titles in tables:
        for raw in titles:
            # One form of the accents: a page may write "Ọ̀gbẹ́ni" composed or not.
            title = unicodedata.normalize("NFC", raw)
            key = title.lower()
            spaced.add(key)
            bare = key.rstrip(".")
            if key.endswith(".") and len(bare) > BARE_ABBREVIATION_CHARS:
                spaced.add(bare)  # "Prof Smith", "Dott Rossi"
            if key.endswith(".") or _UNSPACED.search(title):
                glued.add(key)
    return frozenset(spaced), tuple(sorted(glued, key=len, reverse=True))


def without_title(name: str) -> str:
    """The name without the titles before it, or the name as it is when nothing would be left."""
    spaced, glued = _titles()
    whole = rest = unicodedata.normalize("NFC", " ".join(name.split()))
    while rest:
        words = rest.split()
        for size in range(min(TITLE_WORDS, len(words) - 1), 0, -1):
            if " ".join(words[:size]).lower() in spaced:
                rest = " ".join(words[size:])
                break
        else:
            low = rest.lower()
            # Glued: "ဒေါက်တာခင်မောင်ဝင်း", "ดร.สมชาย"; a name of at least two letters must be left.
            title = next((t for t in glued if low.startswith(t) and len(rest) - len(t) >= 2
                          and rest[len(t)].isalpha()), None)
            if title is None:
                return " ".join(name.split()) if rest == whole else rest
            rest = rest[len(title):]
    return name


def without_label_twins(names: list[str]) -> list[str]:
    """The names without one that is another name of the list with a word before it: two readings of
    one byline, one of them with its label ("Gan Rhys ap Gwilym" beside "Rhys ap Gwilym")."""
    out = []
    for name in names:
        words = name.split()
        # After the label a title may stand ("Written by Mrs A B" beside "A B").
        after_label = without_title(" ".join(words[1:])) if len(words) > 2 else ""
        if not any(other != name and len(other.split()) >= 2 and name.endswith(" " + other)
                   and (len(words) == len(other.split()) + 1 or after_label == other) for other in names):
            out.append(name)
    return out


def tidy_authors(names: list[str]) -> list[str]:
    """The article's author names without titles and label twins, each once, in their order."""
    return list(dict.fromkeys(without_label_twins([without_title(n) for n in names])))
