"""Watchlists: the matching rules (table-driven) and the file format (errors name file and key)."""
from __future__ import annotations

import pytest
from conftest import run_cli

from crawler.config import ConfigError
from crawler.watchlists import Watchlist, load_watchlists


def wl(terms, **kw) -> Watchlist:
    return Watchlist(id="t", name="t", terms=tuple(terms), **{k: tuple(v) for k, v in kw.items()})


# (terms, text, matched terms or None)
MATCHES = [
    (["Jēkabpils"], "A new plant near Jekabpils, Latvia", ["Jēkabpils"]),
    (["Jekabpils"], "Rheinmetall picks JĒKABPILS for its plant", ["Jekabpils"]),
    (["F-35"], "Romania buys F35 jets", ["F-35"]),
    (["F-35"], "Romania buys F 35 jets", ["F-35"]),
    (["F35"], "Romania buys F-35 jets", ["F35"]),
    (["F35"], "the f\u201135 (non-breaking hyphen)", ["F35"]),
    (["F-35"], "Romania buys F-35A jets", None),            # a longer designation is another word
    (["F-35"], "order of 135 aircraft", None),
    (["prism"], "Army's PrSM hits a ship", None),          # never inside or instead of a longer word
    (["PrSM"], "the Precision Strike Missile (PrSM) hit", ["PrSM"]),
    (["prism"], "a prismatic hull", None),
    (["K2"], "Poland's K2 tanks arrive", ["K2"]),
    (["K2"], "Poland's K-2 tanks arrive", ["K2"]),
    (["K2"], "the K2PL variant", None),
    (["K2", "K2PL"], "the K2PL variant", ["K2PL"]),
    (["K2"], "the AK2 rifle", None),
    (["Black Panther"], "the Black-Panther tank", ["Black Panther"]),
    (["Black Panther"], "the black\n panther tank", ["Black Panther"]),
    (["HIMARS"], "Rheinmetall's HIMARS's launcher", ["HIMARS"]),
    (["Rheinmetall's"], "Rheinmetall\u2019s Baltic plants", ["Rheinmetall's"]),
    (["tank"], "180 tanks ordered", None),                   # whole words: plurals are other words
    (["155mm"], "155 mm shells", ["155mm"]),
    (["155 mm"], "155-mm shells", ["155 mm"]),
    (["frégate"], "La FREGATE FDI", ["frégate"]),
    (["frigate"], "La frégate FDI", None),                   # accents ignored, words not translated
    (["AN/TPY-2"], "an AN/TPY-2 radar", ["AN/TPY-2"]),
    (["AN/TPY-2"], "an AN / TPY 2 radar", ["AN/TPY-2"]),
    (["Straße"], "an der STRASSE", ["Straße"]),
    (["NATO", "Baltic"], "nato's Baltic flank", ["NATO", "Baltic"]),
    (["Москва"], "в МОСКВА сегодня", ["Москва"]),
    (["Lask"], "F-35A land at Łask air base", ["Lask"]),
    (["Łódź"], "a plant in LODZ", ["Łódź"]),
    (["Diyarbakir"], "drones over Diyarbakır", ["Diyarbakir"]),
    (["Rheinmetall"], "Rhein\u00admetall and KNDS", ["Rheinmetall"]),   # a soft hyphen inside the word
    (["潜水艦"], "海上自衛隊の潜水艦が進水した", ["潜水艦"]),              # no spaces in Japanese: no word bounds
    (["たいげい"], "潜水艦「たいげい」型", ["たいげい"]),
    (["K2"], "폴란드 K2 전차", ["K2"]),
]


@pytest.mark.parametrize(("terms", "text", "want"), MATCHES, ids=[f"{c[0][0]}|{c[1][:24]}" for c in MATCHES])
def test_term_matching(terms, text, want):
    m = wl(terms).match({"title": text, "body": ""})
    assert (list(m.terms) if m else None) == want


def test_all_exclude_sites_langs_and_fields():
    rec = {"site": "navalnews", "lang": "en-GB", "title": "K2 tanks for Poland", "body": "Hyundai Rotem delivers.",
           "tags": ["Poland"]}
    assert wl(["K2"], all=["Poland", "Hyundai Rotem"]).match(rec)
    assert wl(["K2"], all=["Poland", "Korea"]).match(rec) is None           # every `all` term must match
    assert wl(["K2"], exclude=["hyundai rotem"]).match(rec) is None         # exclude vetoes
    assert wl(["K2"], sites=["navalnews"]).match(rec)
    assert wl(["K2"], sites=["defensenews"]).match(rec) is None
    assert wl(["K2"], langs=["en"]).match(rec)                             # en covers en-GB
    assert wl(["K2"], langs=["fr"]).match(rec) is None
    assert wl(["Hyundai"], fields=["title"]).match(rec) is None            # only the listed fields
    assert wl(["Poland"], fields=["tags"]).match(rec).terms == ("Poland",)
    assert wl(["Hyundai"], fields=["title"]).match({**rec, "description": "Hyundai"}) is None
    assert wl(["K2"], exclude=["K2 tanks"]).match(rec) is None              # an exclude phrase


def test_snippet_is_around_the_first_match_in_the_original_text():
    body = ("Lorem ipsum dolor sit amet. " * 10) + "Rheinmetall will build a plant near Jēkabpils in Latvia. " \
        + ("Consectetur adipiscing elit. " * 10)
    m = wl(["jekabpils", "Latvia"]).match({"title": "Baltic plants", "body": body})
    assert m.terms == ("jekabpils", "Latvia")
    assert "Jēkabpils" in m.snippet and m.snippet.startswith("…") and m.snippet.endswith("…")
    assert len(m.snippet) < 200
    title = wl(["Baltic"]).match({"title": "Baltic plants", "body": body})
    assert title.snippet == "Baltic plants"


# ---------------------------------------------------------------- the file format

GOOD = """
[[watchlists]]
id = "k2"
name = "K2 tanks for Poland"
terms = ["K2", "K2PL", "Black Panther"]
all = []
exclude = []
sites = []
langs = ["en", "fr"]
fields = ["title", "body", "summary"]

[[sinks]]
kind = "jsonl"
path = "alerts.jsonl"

[[sinks]]
kind = "webhook"
url = "https://hooks.example/defwatch"
events = ["new"]

[[sinks]]
kind = "apprise"
url = "ntfy://defwatch-alerts"
"""


def test_good_file_loads(tmp_path):
    path = tmp_path / "wl.toml"
    path.write_text(GOOD)
    cfg = load_watchlists(path)
    assert [w.id for w in cfg.watchlists] == ["k2"]
    assert cfg.watchlists[0].langs == ("en", "fr")
    assert cfg.watchlists[0].fields == ("title", "body", "description")   # summary is the record's description
    jsonl, hook, app = cfg.sinks
    assert jsonl.target == str(tmp_path / "alerts.jsonl")     # relative to the watchlists file
    assert hook.events == ("new",) and jsonl.events == ("new", "also-reported", "updated")
    assert app.kind == "apprise"


BAD = [
    ('[[watchlists]]\nid = "k2"\nterms = ["K2"]\ncolour = "red"\n', "watchlists[0].colour", "unknown key"),
    ('[[watchlists]]\nid = "k2"\nterms = "K2"\nall = [1]\n', "watchlists[0].all", "list of strings"),
    ('[[watchlists]]\nid = "K 2"\nterms = ["K2"]\n', "watchlists[0].id", "not a valid id"),
    ('[[watchlists]]\nid = "k2"\n', "watchlists[0].terms", "missing"),
    ('[[watchlists]]\nid = "k2"\nterms = []\n', "watchlists[0].terms", "at least one"),
    ('[[watchlists]]\nid = "k2"\nterms = ["--"]\n', "watchlists[0].terms", "no letter or digit"),
    ('[[watchlists]]\nid = "k2"\nterms = ["K2"]\nfields = ["headline"]\n', "watchlists[0].fields", "unknown field"),
    ('[[watchlists]]\nid = "k2"\nterms = ["K2"]\n[[watchlists]]\nid = "k2"\nterms = ["x"]\n', "watchlists[1].id",
     "already used"),
    ('[[watchlists]]\nid = "k2"\nterms = ["K2"]\n[[sinks]]\nkind = "slack"\nurl = "x://y"\n', "sinks[0].kind",
     "unknown sink kind"),
    ('[[watchlists]]\nid = "k2"\nterms = ["K2"]\n[[sinks]]\nkind = "webhook"\n', "sinks[0].url", "missing"),
    ('[[watchlists]]\nid = "k2"\nterms = ["K2"]\n[[sinks]]\nkind = "webhook"\nurl = "ftp://x"\n', "sinks[0].url",
     "http(s) URL"),
    ('[[watchlists]]\nid = "k2"\nterms = ["K2"]\n[[sinks]]\nkind = "jsonl"\npath = "a"\nevents = ["old"]\n',
     "sinks[0].events", "unknown event"),
    ('[[watchlists]]\nid = "k2"\nterms = ["K2"]\n[[sinks]]\nkind = "jsonl"\npath = "a"\ntimeout = -1\n',
     "sinks[0].timeout", "positive"),
    ('watchlists = "k2"\n', "watchlists", "array of tables"),
    ('[[watchlist]]\nid = "k2"\n', "watchlist", "unknown key"),
    ('[[watchlists]\n', None, "not valid TOML"),
]


@pytest.mark.parametrize(("text", "key", "problem"), BAD, ids=[b[1] or "toml" for b in BAD])
def test_bad_file_names_file_and_key(tmp_path, text, key, problem):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_watchlists(path)
    assert err.value.key == key
    assert problem in str(err.value) and str(path) in str(err.value)


@pytest.mark.parametrize("command", ["crawl", "daemon"])
def test_bad_file_exits_2_from_the_cli(tmp_path, command):
    path = tmp_path / "bad.toml"
    path.write_text('[[watchlists]]\nid = "k2"\nterms = ["K2"]\nexclude = "x"\nsites = 3\n')
    run = run_cli(command, "--db", tmp_path / "db.sqlite3", "--watchlists", path, timeout=60)
    assert run.returncode == 2
    assert f"{path}: watchlists[0].sites" in run.stderr
    assert not (tmp_path / "db.sqlite3").exists()  # refused before anything was crawled or stored


def test_missing_file_exits_2(tmp_path):
    run = run_cli("watch", "test", tmp_path / "nope.toml", "--db", tmp_path / "db.sqlite3", timeout=60)
    assert run.returncode == 2 and "nope.toml" in run.stderr


def test_default_file_from_the_user_config_dir(tmp_path):
    conf = tmp_path / "conf" / "defwatch"
    conf.mkdir(parents=True)
    (conf / "watchlists.toml").write_text('[[watchlists]]\nid = "k2"\nterms = ["K2"]\nbogus = 1\n')
    run = run_cli("crawl", "--db", tmp_path / "db.sqlite3", env={"XDG_CONFIG_HOME": str(tmp_path / "conf")},
                  timeout=60)
    assert run.returncode == 2 and "watchlists[0].bogus" in run.stderr


def test_only_terms_whose_first_word_piece_occurs_are_run():
    from crawler.terms import Terms, Text

    terms = Terms(("K2", "Black Panther", "$495 million", "Jēkabpils plant", "F-35"))
    text = Text.of("Poland buys K-2 tanks and F35 jets near JEKABPILS")
    assert sorted(terms.candidates(text)) == [0, 2, 3, 4]       # "$..." has no word start: always run
    assert terms.found(text) == [0, 4]
    i, m = terms.first(text)
    assert (i, text.folded[m.start():m.end()]) == (0, "k-2")
