"""The extraction workers' faster paths (issue 12) give the answers of the plain ones they replace.

Each test runs the new code and the straightforward one side by side over the same inputs (block
texts of the fixture pages, and texts written to hit each rule) and asserts equal outputs.
"""
from __future__ import annotations

from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest
from lxml import html as lxml_html

from crawler.extraction.clean import iter_blocks
from crawler.extraction.needs import canonical
from crawler.extraction.vocabulary import _starts_at_beginning, load_rules

FIXTURES = Path(__file__).parent / "fixtures"

#: Texts that hit the edge rules (provenance notes, sign-ups, tips), at the start and further in.
EDGE_SAMPLES = [
    "This article originally appeared on Example News.",
    "A version of this essay first appeared in The Example Review.",
    "Editing by John Smith",
    "(Reporting by Anna Kowalska; Editing by Tom O'Neill)",
    "(With inputs from agencies)",
    "Dieser Artikel erschien zuerst auf Beispiel.de.",
    "Cet article a été initialement publié sur Exemple.fr.",
    "Sign up for our daily newsletter to get defence news in your inbox.",
    "Have a tip? Write to us.",
    "This story has been rewritten by our newsroom from agency copy.",
    "The views expressed in this article are the author's and do not reflect those of the publisher.",
    "Contains affiliate links.",
    "Republished with permission.",
    "（责任编辑：王伟）",
    "Okuma süresi: 4 dakika",  # [structure]: a reading time with the minute unit's CLDR name
    "6 წუთი",
]


@lru_cache(maxsize=1)
def block_texts() -> list[str]:
    """The text blocks of every fixture page, plus the samples, alone and after a sentence."""
    texts = []
    for path in sorted(FIXTURES.rglob("*.html"))[:400]:
        try:
            root = lxml_html.document_fromstring(path.read_bytes())
        except (ValueError, lxml_html.etree.ParserError):
            continue
        texts.extend(b.text for b in iter_blocks(root) if len(b.text) <= 2000)  # edge rules see <= 800
    return texts + EDGE_SAMPLES + [f"The navy said so. {s}" for s in EDGE_SAMPLES]


@pytest.mark.parametrize("group", [g for g in load_rules().groups if g.edge_text is not None], ids=lambda g: g.name)
def test_edge_hit_is_the_search_of_the_whole_alternation(group):
    texts = block_texts()
    plain = [group.edge_text.search(t) is not None for t in texts]
    assert [group.edge_hit(t, canonical(t)) for t in texts] == plain
    # With the literals found in a join of blocks (as prune_sequence asks): a superset of the block's own.
    joined = "\0".join(canonical(t) for t in texts[::7])
    present = frozenset(lit for lit in group.edge_literals if lit in joined)
    own = [frozenset(lit for lit in group.edge_literals if lit in canonical(t)) for t in texts]
    assert [group.edge_hit(t, canonical(t), mine) for t, mine in zip(texts, own, strict=True)] == plain
    assert [group.edge_hit(t, canonical(t), present | mine) for t, mine in zip(texts, own, strict=True)] == plain
    assert any(plain), f"no sample hits [{group.name}].edge_text: the comparison proves nothing"


def test_every_disclosure_sample_hits_only_at_the_start_where_anchored():
    disclosure = next(g for g in load_rules().groups if g.name == "disclosure")
    assert any(p.anchored for p in disclosure.edge_parts) and any(not p.anchored for p in disclosure.edge_parts)
    assert disclosure.edge_hit("Editing by John Smith", canonical("Editing by John Smith"))
    later = "The navy said so. Editing by John Smith"
    assert not disclosure.edge_hit(later, canonical(later))


@pytest.mark.parametrize(("pattern", "anchored"), [
    ("^editing by", True), ("^a|^b", True), ("\\Aa", True), ("^a|b", False), ("(^a)", False),
    ("a^", False), ("\\bfollow us\\b", False), ("(?:^a)", True),
])
def test_rules_anchored_at_the_start(pattern, anchored):
    assert _starts_at_beginning(pattern) is anchored


def test_selectors_for_the_subjects_present_are_those_of_a_pass_over_all_in_order():
    import random

    rules = load_rules()
    every = [(g.name, sel) for g in rules.groups for sel in g.selectors]
    keys = sorted({sel.key for _, sel in every})
    rng = random.Random(12)
    for size in (0, 1, 5, 20, len(keys)):
        chosen = rng.sample(keys, size) + [("class", "not-a-rule-class"), ("any", "")]
        present: dict[str, set[str]] = {}
        for kind, name in chosen:
            present.setdefault(kind, set()).add(name)
        plain = [(g, sel) for g, sel in every if sel.key[1] in present.get(sel.key[0], ())]
        assert rules.selectors_for(present) == plain
    assert len(rules.selectors_for({k: {n} for k, n in keys[:1]})) >= 1


# ---------------------------------------------------------------- words

def test_words_and_word_count_are_those_of_the_regex():
    from crawler.text import _UNSPACED, CHARS_PER_WORD, WORD, word_count, words

    texts = block_texts() + ["", "a", "x_y 1,000.5 it's\tnew\nline\x0b\x0c\r", "café naïve", "日本語 text"]
    texts += ["\n\n".join(texts[i:i + 12]) for i in range(0, len(texts), 12)]
    assert any(t.isascii() and len(t) > 100 for t in texts) and any(not t.isascii() for t in texts)
    for text in texts:
        assert words(text) == WORD.findall(text)
        unspaced = len(_UNSPACED.findall(text))
        plain = len(WORD.findall(_UNSPACED.sub(" ", text))) + unspaced // CHARS_PER_WORD
        assert word_count(text) == plain


# ---------------------------------------------------------------- language

def _plain_script_shares(text: str) -> Counter:
    """``lang.script_shares`` as it was: every character looked at in Python."""
    from crawler.extraction import lang

    sample = text[:3000]
    letters = sum(map(str.isalpha, sample))
    if not letters:
        return Counter()
    counts: Counter = Counter()
    counts["latin"] = len(lang._LATIN.findall(sample))
    for name, rx in lang._SCRIPT_RX:
        if n := len(rx.findall(sample)):
            counts[name] += n
    if (other := letters - sum(counts.values())) > 0:
        counts["other"] = other
    return Counter({k: v / letters for k, v in counts.items() if v})


def test_script_shares_and_stopword_counts_are_the_plain_ones():
    from crawler.extraction import lang

    texts = block_texts() + ["", "1234 -- 56", "Ünïcödé and ASCII", "Добрый день, мир", "日本語のテキスト"]
    joined = ["\n\n".join(texts[i:i + 12]) for i in range(0, len(texts), 12)]
    for text in texts + joined:
        assert lang.script_shares(text) == _plain_script_shares(text), text[:80]
        counts = Counter(lang._first_words(text))
        assert lang._stop_counts(counts) == {k: sum(counts[w] for w in stops) for k, stops in lang._STOP_SETS.items()}
        assert list(lang._word_stop_counts(lang._first_words(text)).items()) == list(lang._stop_counts(counts).items())
    assert any(lang._stop_counts(Counter(lang._first_words(t)))["en"] for t in joined)


# ---------------------------------------------------------------- story signals

#: Digests of ``text_signals`` of every truth file's title and body under tests/fixtures and the
#: shared web-dev, made by the plain code before the faster one (``python tests/test_worker_cpu.py``
#: writes it anew: only when a change of the signals is meant).
SIGNALS_GOLDEN = FIXTURES / "signals-golden.json"
TRUTH_DIRS = (FIXTURES, Path(__file__).resolve().parents[1].parent / "shared" / "mockweb" / "web-dev")


def truth_texts() -> dict[str, tuple[str, str]]:
    """(title, body) of every truth file, by its path under its web."""
    import json

    out = {}
    for root in TRUTH_DIRS:
        for path in sorted(root.rglob("truth/*.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(data, dict) and isinstance(data.get("body"), str):
                out[f"{root.name}/{path.relative_to(root).as_posix()}"] = (data.get("title") or "", data["body"])
    return out


def signals_digest(title: str, body: str) -> str:
    """A short digest of everything ``text_signals`` returns."""
    import hashlib

    from crawler.stories.match import text_signals

    s = text_signals(title, body)
    dump = repr((s.title, s.body, s.sig.dtype.str, s.sig.tolist(), sorted(s.facts), sorted(s.lead)))
    return hashlib.sha256(dump.encode()).hexdigest()[:16]


def test_story_signals_are_those_of_the_plain_code():
    import json

    golden = json.loads(SIGNALS_GOLDEN.read_text())
    texts = truth_texts()
    assert len(golden) >= 800 and set(golden) <= set(texts), "the truth files moved: regenerate the golden file"
    differ = [key for key, want in golden.items() if signals_digest(*texts[key]) != want]
    assert not differ, f"{len(differ)} of {len(golden)} texts' signals changed, e.g. {differ[:3]}"


def _plain_date_facts(text: str) -> set[str]:
    """``facts.date_facts`` as it was: every pattern run over the whole text."""
    from crawler.stories import facts as f

    low = f.fold(text)
    out = {f"date:{f._MONTH[m.group(1)]:02d}-{int(m.group(2)):02d}" for m in f._DATE_MD.finditer(low)
           if 1 <= int(m.group(2)) <= 31}
    out |= {f"date:{f._MONTH[m.group(2)]:02d}-{int(m.group(1)):02d}" for m in f._DATE_DM.finditer(low)
            if 1 <= int(m.group(1)) <= 31}
    out |= {f"date:{m.group(2)}-{m.group(3)}" for m in f._DATE_ISO.finditer(low)}
    return out | {f"wd:{f._WEEKDAY[m.group(1)]}" for m in f._WEEKDAY_RE.finditer(low)}


def test_date_facts_are_those_of_every_pattern():
    import random

    from crawler.stories.facts import date_facts

    samples = ["Signed on Tuesday, March 12.", "le mardi 12 mars", "am Dienstag, 12. März", "el martes 12 de marzo",
               "Mondays and sabados", "2024-03-12", "may 5 ago", "15th of march", "1er mars", "Sept. 17"]
    texts = [t for title, body in truth_texts().values() for t in (title, body)] + block_texts()[:3000] + samples
    rng = random.Random(4)  # and pieces of dates, at every boundary
    pieces = ["march", "mar", "mar.", "mai", "12", "3", "2024", "-", "03", "1999-12-31", "2024-03-12", " ", "\n", "x",
              "_", "é", "of ", "de ", "st", "th", "er", ".", ",", "monday", "sept", "sept.", "17", "jänner", "9"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 10))) for _ in range(40000)]
    found = 0
    for text in texts:
        want = _plain_date_facts(text)
        assert date_facts(text) == want, text[:80]
        found += bool(want)
    assert found > 100


def test_one_alternation_picks_the_first_currency_and_unit_of_the_lists():
    import re

    from crawler.stories import facts as f

    currencies = [re.compile(p + r"(?![a-z])") for p, _ in f._CURRENCIES]
    units = [re.compile(p + r"(?![a-z])") for p, _, _ in f._UNITS]
    tails = ["$ for", "us$ 5", "usd", "dollars", "dólares", "€", "euros", "eur.", "£", "pounds sterling", "livres sterling",
             "pfund", "zł", "zlotych", "₩", "won", "wonder", "¥", "yen", "₹", "rupees", "a$", "aud", "c$", "cad", "kronor",
             "chf", "km", "km/h", "kilometres", "kilometer per hour", "mi", "miles", "nm", "nautical miles", "mm", "millimetres",
             "t", "t.", "tons", "tonnes", "tx", "%", "per cent", "percent", "prozent", "por ciento", "tanks", "", " ", "x"]
    hits = 0
    for tail in tails + [t.upper() for t in tails] + [t + " more" for t in tails]:
        first = next((i for i, rx in enumerate(currencies) if rx.match(tail)), None)
        m = f._CUR_ANY.match(tail)
        assert (int(m.lastgroup[1:]) if m else None) == first, tail
        first_unit = next((i for i, rx in enumerate(units) if rx.match(tail)), None)
        u = f._UNIT_ANY.match(tail)
        assert (int(u.lastgroup[1:]) if u else None) == first_unit, tail
        if u:
            assert u.group(0) == units[first_unit].match(tail).group(0)
        hits += (first is not None) + (first_unit is not None)
    assert hits > 40



# ---------------------------------------------------------------- perfx: parsing, measures, signatures

def test_element_classes_are_lxml_html_ones_without_its_python_lookup():
    from lxml import etree
    from lxml import html as lxml_html

    from crawler.extraction.page import Page

    page = Page.parse(b"<html><body><form><input name=q><label>L</label></form><p>Text <b>here</b></p></body></html>",
                      "https://example.com/a")
    for el in page.doc.iter(etree.Element):
        assert type(el) is lxml_html.HtmlElement, el.tag  # form controls too: their form API is never used
    assert page.doc.find(".//p").text_content() == "Text here"


def test_spaced_len_is_the_length_of_the_split_and_joined_text():
    import random

    from crawler.extraction.page import _UNICODE_SPACES, spaced_len, text_len

    assert _UNICODE_SPACES == tuple(chr(c) for c in range(128, 0x110000) if chr(c).isspace())

    rng = random.Random(12)
    alphabet = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u2003\u3000ab.é©’日\U0001F600\ud800İ"
    texts = block_texts() + ["", " ", "a", " a ", "a  b", "\x1fa\x1c"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14))) for _ in range(40000)]
    texts += ["\n\n".join(texts[i:i + 12]) for i in range(0, 600, 12)]
    assert sum(t.isascii() for t in texts) > 5000 and sum(not t.isascii() for t in texts) > 5000
    for text in texts:
        assert spaced_len(text) == len(" ".join(text.split())), repr(text[:80])
    root = lxml_html.document_fromstring("<div><p>One <b>two</b>\n three</p>  <p>four</p></div>")
    assert [text_len(el) for el in root.iter()] == [len(" ".join(el.text_content().split())) for el in root.iter()]


def test_clean_author_gives_the_same_fresh_list_from_its_cache():
    from crawler.extraction.authors import _clean_author, clean_author

    first = clean_author("By Jane Smith and John Doe", ["Example News"], "en")
    assert first == ["Jane Smith", "John Doe"]
    first.append("mutated")
    assert clean_author("By Jane Smith and John Doe", ("Example News",), "en") == ["Jane Smith", "John Doe"]
    assert _clean_author.cache_info().hits >= 1
    assert clean_author("By Example News", ["Example News"]) == []  # the banned names are part of the key


def test_signature_is_datasketchs_minhash_of_the_shingle_hashes():
    import numpy as np

    from crawler.stories.signals import NUM_PERM, MinHash, _hash32, _permutations, shingles, signature

    texts = [t for t in block_texts() if t.strip()][:300] + ["", "one", "one two three", "Ünïcödé wörds here"]
    for text in texts:
        plain = MinHash(num_perm=NUM_PERM, hashfunc=int, permutations=_permutations(), scheme="affine32")
        for s in shingles(text):
            plain.update(_hash32(s))
        want = plain.hashvalues.astype(np.uint32)
        got = signature(text)
        assert got.dtype == want.dtype and got.tolist() == want.tolist(), text[:80]



def test_head_is_the_regex_match_of_words_and_their_spaces():
    import random
    import re

    from crawler.stories.match import _head

    rng = random.Random(5)
    pieces = ["a", "bb", " ", "\n", "\t", "\xa0", "\u3000", "é", "\x1c", ".", "  "]
    texts = [t for t in block_texts()[:400]] + ["", " ", "a", "a ", " a", "a b", "a b "]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 14))) for _ in range(30000)]
    for i, text in enumerate(texts):
        words = i % 8 if i % 3 else rng.choice([60, 350, 600])
        want = re.match(rf"(?:\S+\s+){{0,{words}}}", text)
        assert _head(text, words) == text[:want.end()], (repr(text[:80]), words)


def test_shingle_run_is_the_shingles_with_repeats():
    import random

    from crawler.stories.signals import _shingle_run, shingles, words

    rng = random.Random(3)
    vocab = ["a", "bb", "ccc", "Ünï", "日本", "x_y", "42", "the", "navy", "Łask", "—", "it's"]
    texts = block_texts()[:300] + [" ".join(rng.choice(vocab) for _ in range(rng.randint(0, 30))) for _ in range(5000)]
    for text in texts:
        toks = words(text)
        if len(toks) > 3:
            run = _shingle_run(toks)
            assert len(run) == len(toks) - 2 and set(run) == shingles(text), text[:80]



def _plain_designators_and_acronyms(text: str) -> set[str]:
    """The ``id:`` and ``ac:`` facts as ``name_facts`` found them: both patterns searched over the text."""
    from crawler.stories import names as n

    facts = set()
    for m in n._DESIGNATOR.finditer(text):
        token = m.group(1)
        if any(c.isalpha() for c in token) and any(c.isdigit() for c in token):
            facts.add("id:" + token.replace("-", "").upper())
    for m in n._ACRONYM.finditer(text):
        if m.group(1) not in n._PLACE_ABBR:
            facts.add("ac:" + n._ACRONYM_ALIAS.get(m.group(1), m.group(1)))
    return facts


def test_designators_acronyms_and_place_words_are_those_of_the_searches():
    import random

    from crawler.stories import names as n

    rng = random.Random(1)
    pieces = ["F-35", "K2", "NATO", "OTAN", "l'", "’s", "-", "--", "US", "U.S.", "HIMARS", "2A7", "S-400", "a", "The",
              " ", ".", "_", "٣", "X", "ABCs", "KF-21", "M142", "9K33", "é", "É", "\n", "'", "1", "22", "long-range"]
    texts = block_texts() + ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 12))) for _ in range(60000)]
    found = 0
    for text in texts:
        facts = n.name_facts(text)
        plain = _plain_designators_and_acronyms(text)
        assert {f for f in facts if f.startswith(("id:", "ac:"))} == plain, repr(text[:80])
        assert n._place_words(n.fold(text)) == n._WORD_RE.findall(n.fold(text)), repr(text[:80])
        assert n.place_facts(text) >= {f"pl:{n._PLACE_ABBR[m.group(1)]}" for m in n._ABBR_RE.finditer(text)}
        found += bool(plain)
    assert found > 1000



def test_numbers_are_those_of_the_plain_pattern():
    import random

    from crawler.stories import facts as f

    rng = random.Random(7)
    pieces = ["1", "22", "333", "4444", ",", ".", " ", "\u00a0", "\u202f", "a", "F-", "x-", "-", "_", "٣", "é", "000",
              "5.5", "1,000", "\n"]
    texts = block_texts() + [t for pair in truth_texts().values() for t in pair]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 14))) for _ in range(50000)]
    found = 0
    for text in texts:
        low = text.casefold()
        want = [(m.span(), m.group(1)) for m in f._NUMBER_PLAIN.finditer(low)]
        assert [(m.span(), m.group(1)) for m in f._NUMBER.finditer(low)] == want, repr(text[:80])
        found += len(want)
    assert found > 10000



def test_a_block_longer_than_the_dropped_texts_is_so_after_normalising():
    import random

    from crawler.extraction.clean import _longer_than, _norm
    from crawler.extraction.sequence import Block, _is_label

    rng = random.Random(9)
    pieces = ["a", "B", " ", "\n", "\t", "\x1c", "\xa0", "İ", "é", ".", ":"]
    texts = block_texts() + ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 16))) for _ in range(30000)]
    for text in texts:
        for limit in (0, 3, 8, 60):
            if _longer_than(text, limit):
                assert len(_norm(text)) > limit, repr(text)
        words = text.split()
        for tag in ("p", "h3"):
            plain = 1 <= len(words) <= 5 and not text.rstrip().endswith((".", "!", "?")) and \
                (text.rstrip().endswith(":") or tag in ("h2", "h3", "h4", "h5", "h6", "dt", "strong"))
            assert _is_label(Block(text, 0, tag)) == plain, repr(text)



def test_following_is_the_xpath_axis():
    from lxml import etree

    from crawler.extraction.header import following

    checked = 0
    for path in sorted(FIXTURES.rglob("*.html"))[:150]:
        try:
            root = lxml_html.document_fromstring(path.read_bytes())  # comments and PIs kept here
        except (ValueError, etree.ParserError):
            continue
        for el in list(root.iter("h1", "h2", "p", "span", "div"))[:25]:
            for limit in (1, 7, 60):
                assert list(following(el, limit)) == el.xpath(f"following::*[position() <= {limit}]")
                checked += 1
    assert checked > 3000



def test_site_names_are_read_once_per_page_and_site():
    from crawler.config import Site
    from crawler.extraction.page import Page
    from crawler.extraction.title import _site_names, site_names

    page = Page.parse(b'<html><head><meta property="og:site_name" content="Example News"></head><body><p>x</p>'
                      b'</body></html>', "https://www.example.com/a")
    one = Site(id="a", name="Alpha Wire", url="https://example.com/", feeds=())
    two = Site(id="b", name="Beta Wire", url="https://example.com/", feeds=())
    first = site_names(page, one)
    assert first == _site_names(page, one) == ["Example News", "Alpha Wire", "example.com"]
    first.append("mutated")
    assert site_names(page, one) == _site_names(page, one)
    assert site_names(page, two) == _site_names(page, two) == ["Example News", "Beta Wire", "example.com"]
    assert site_names(page) == _site_names(page, None)



def test_only_a_title_is_the_plain_test():
    from lxml import etree

    from crawler.extraction.clean import TITLE_WORDS, _only_a_title

    def plain(box):
        text = " ".join(box.text_content().split())
        return 0 < len(text.split()) <= TITLE_WORDS and not text.endswith((".", "!", "?")) and \
            next(box.iter("h2", "h3", "h4", "h5", "h6", "strong", "b", "span", "p", "div"), None) is not None

    seen = hits = 0
    for path in sorted(FIXTURES.rglob("*.html"))[:120]:
        try:
            root = lxml_html.document_fromstring(path.read_bytes())
        except (ValueError, etree.ParserError):
            continue
        for box in root.iter("div", "section", "aside", "header", "footer", "nav", "figure", "details"):
            assert _only_a_title(box) == plain(box)
            seen += 1
            hits += plain(box)
    assert seen > 1000 and hits > 20


if __name__ == "__main__":  # regenerate the golden file
    import json

    SIGNALS_GOLDEN.write_text(json.dumps({k: signals_digest(*v) for k, v in truth_texts().items()}, indent=0,
                                         sort_keys=True) + "\n")
    print(f"wrote {SIGNALS_GOLDEN}")
