"""The byline vocabulary file (``config/bylines.toml``): its desk words as data, and a loader that
names the file and the key of anything it cannot use (as the site and settings loaders do)."""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from crawler.config import ConfigError
from crawler.extraction.names import BYLINES_FILE, load_desk_words, names_a_desk


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bylines.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_file_is_valid_and_feeds_names_a_desk() -> None:
    desks = tomllib.loads(BYLINES_FILE.read_text(encoding="utf-8"))["desks"]
    assert desks["openings"] and desks["whole"]
    # Every word of the file names a desk on its own, and as the opening word of a desk's name.
    for word in desks["openings"] + desks["whole"]:
        assert names_a_desk(word), word
        assert names_a_desk(f"{word} desk"), word
    # An opening also opens a longer word; a whole word does not (a name may start with it).
    assert names_a_desk("Nuusspan") and names_a_desk("செய்திப் பிரிவு")
    assert not names_a_desk("Кабарбек Асанов") and not names_a_desk("ዜናዊ ተስፋዬ")


def test_words_come_from_the_file_given(tmp_path: Path) -> None:
    path = write(tmp_path, '[desks]\nopenings = ["nyhet"]\nwhole = ["aviser"]\n')
    pattern = load_desk_words(path)
    assert pattern.search("Nyhetsbyrån") and pattern.search("Aviser Øst") and not pattern.search("Aviserne")
    assert not pattern.search("Kari Nordmann")


def test_no_words_name_no_desk(tmp_path: Path) -> None:
    # An empty alternation would match every name: with no words, nothing is a desk.
    pattern = load_desk_words(write(tmp_path, "[desks]\nopenings = []\nwhole = []\n"))
    assert pattern.search("Kari Nordmann") is None and pattern.search("") is None


@pytest.mark.parametrize(("text", "key", "problem"), [
    ('[desks]\nopenings = "news"\n', "desks.openings", "expected a list of words"),
    ('[desks]\nwhole = ["news", 3]\n', "desks.whole", "expected a list of words"),
    ('[desks]\nwhole = ["news desk"]\n', "desks.whole", "without spaces"),
    ('[desks]\nwhole = [""]\n', "desks.whole", "expected a list of words"),
    ('[desks]\nopening = ["news"]\n', "desks.opening", "unknown key"),
    ('desks = ["news"]\n', "desks", "expected a table"),
    ('[desk]\nwhole = ["news"]\n', "desk", "unknown key"),
    ("", "desks", "expected a table"),
])
def test_bad_file_is_reported_with_file_and_key(tmp_path: Path, text: str, key: str, problem: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=problem) as err:
        load_desk_words(path)
    assert err.value.path == str(path) and err.value.key == key
    assert str(err.value).startswith(f"{path}: {key}: ")


def test_unreadable_file_is_reported_with_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML") as err:
        load_desk_words(write(tmp_path, "[desks\n"))
    assert err.value.path.endswith("bylines.toml")
    with pytest.raises(ConfigError, match="cannot read"):
        load_desk_words(tmp_path / "missing.toml")
