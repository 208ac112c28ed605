"""The costly voices are asked only when the page needs them: no dateparser for a date our own
formats read, no trafilatura when the scored content holds the body (issue 8, speed).

Counted by what a fresh process imports, never by timing.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from crawler.extraction.dates import parse_when

ELEMENTOR_PAGE = """<html lang="en"><head><title>Native ad platform names a strategy officer</title></head><body>
<div id="main"><div class="elementor elementor-623 elementor-location-single post type-post">
<div class="elementor-inner"><div class="elementor-section-wrap"><section class="elementor-element elementor-section">
<div class="elementor-container"><div class="elementor-row"><div class="elementor-element elementor-column">
<div class="elementor-column-wrap elementor-element-populated"><div class="elementor-widget-wrap">
<div class="elementor-element elementor-widget elementor-widget-theme-post-title"><div class="elementor-widget-container">
<h1>Native ad platform names a strategy officer</h1></div></div>
<div class="elementor-element elementor-widget elementor-widget-theme-post-content"><div class="elementor-widget-container">
{paragraphs}
</div></div></div></div></div></div></div></section></div></div></div></div>
<div class="sidebar"><span class="entry-info-wrap"><span class="entry-info">The platform has been shortlisted for an
award, and more news about it follows in the weeks ahead, the company said today.</span></span></div>
</body></html>"""

SENTENCE = ("The company, a white label programmatic platform, named a mobile marketing pioneer, who led a "
            "messaging firm for ten years, as its first chief strategy officer on Monday. ")


def _fresh(code: str) -> dict:
    """Run ``code`` in a new interpreter; it prints one JSON object."""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_page_builder_body_is_scored_without_the_fallback() -> None:
    paragraphs = "\n".join(f"<p>{SENTENCE * 2} Paragraph {i}.</p>" for i in range(6))
    html = ELEMENTOR_PAGE.replace("{paragraphs}", paragraphs)
    got = _fresh(
        "import json, sys\nfrom collections import Counter\nfrom crawler.extraction import extract_page\n"
        f"stats = Counter()\nex = extract_page({html!r}, 'https://example.com/a', stats=stats)\n"
        "print(json.dumps({'body': ex.body, 'stats': dict(stats), 'traf': 'trafilatura' in sys.modules}))")
    assert "Paragraph 5." in got["body"] and "Paragraph 0." in got["body"]
    assert "shortlisted" not in got["body"]
    assert got["stats"].get("extract/body/score") == 1 and not got["traf"]


@pytest.mark.parametrize("raw, iso", [
    ("Associated Press November 19, 2019, 9:02 AM Associated Press", "2019-11-19T09:02:00"),
    ("Associated Press November 19, 2019, 9:02 AM Associated Press November 19, 2019, 9:02 AM",
     "2019-11-19T09:02:00"),
    ("By Jane Roe Oct 22, 2024 Reuters", "2024-10-22"),
    ("Posted: 22 October 2024 14:05 GMT", "2024-10-22T14:05:00+00:00"),
])
def test_common_dates_need_no_dateparser(raw: str, iso: str) -> None:
    got = _fresh("import json, sys\nfrom crawler.extraction.dates import parse_when\n"
                 f"w = parse_when({raw!r}, 'en')\n"
                 "print(json.dumps({'iso': w.iso() if w else None, 'dp': 'dateparser' in sys.modules}))")
    assert got == {"iso": iso, "dp": False}


@pytest.mark.parametrize("raw", ["November 19, 2019, 9:02 AM ET", "November 19, 2019, 9:02 AM Eastern Time",
                                 "Nov 19, 2019 - 3 comments"])
def test_a_zone_or_more_numbers_after_the_date_go_to_dateparser(raw: str) -> None:
    """Words that may name the zone, or other numbers, are not dropped silently: dateparser reads the line."""
    got = _fresh("import json, sys\nfrom crawler.extraction.dates import parse_when\n"
                 f"parse_when({raw!r}, 'en')\nprint(json.dumps({{'dp': 'dateparser' in sys.modules}}))")
    assert got["dp"]


def test_zone_named_after_the_date_is_kept() -> None:
    got = parse_when("November 19, 2019, 9:02 AM EST", "en")
    assert got is not None and got.iso() == "2019-11-19T09:02:00-05:00"


@pytest.mark.parametrize("pattern, literals", [
    (r"\bbreadcrumb\b|\bpage-?nav\b|\bpost-nav(igation)?\b", {"breadcrumb", "page", "post-nav"}),
    (r"\w+-box", {"-box"}),
    (r"(photo|foto)s?( credit)?\s*:.{0,40}", {"photo", "foto"}),
    (r"\bepic-\w+|donat(e|ion)", {"epic-", "donat"}),
])
def test_needs_reads_the_literals_every_match_contains(pattern: str, literals: set[str]) -> None:
    from crawler.extraction.needs import needs

    assert set(needs(re.compile(pattern, re.I)) or ()) == literals


@pytest.mark.parametrize("pattern", [r"(a|\d+)x?", r"(?:foo)?bar|.*", r"[a-z]+\d"])
def test_needs_gives_up_where_a_branch_has_no_literal(pattern: str) -> None:
    from crawler.extraction.needs import needs

    assert needs(re.compile(pattern, re.I)) is None


@pytest.mark.parametrize("text", ["SHARE-BOX", "ſhare-box", "post-\u212aiosk", "İnstagram-share", "ΣΑΣ-share", "σας-share"])
def test_prefilter_is_exact_under_unicode_case_folding(text: str) -> None:
    """Where ``re.IGNORECASE`` matches, a required literal is found in the canonical text."""
    from crawler.extraction.needs import canonical, may_match, needs

    for pattern in (r"\bshare-box\b", r"kiosk", r"instagram", r"σασ-share", r"ςας"):
        rx = re.compile(pattern, re.I)
        if rx.search(text):
            assert may_match(needs(rx), canonical(text)), (pattern, text)


def test_class_rules_answer_the_same_with_the_prefilter() -> None:
    """Every vocabulary group gives the same verdict with and without its literal prefilter."""
    from crawler.extraction.needs import canonical, may_match
    from crawler.extraction.vocabulary import load_rules

    keys = ["sharedaddy sd-sharing-enabled", "jp-relatedposts", "entry-content", "post-meta", "td-post-content",
            "Breadcrumbs", "AD-slot", "newsletter-signup", "wp-caption aligncenter", "site-info", "ko-fi-button"]
    rules = load_rules()
    fired = 0
    for key in keys:
        for g in rules.groups:
            if g.classes is None:
                continue
            plain = g.classes.search(key) is not None
            fired += plain
            assert plain == (may_match(g.class_need, canonical(key)) and plain)
            assert not plain or may_match(g.class_need, canonical(key))
    assert fired >= 8


def test_page_index_answers_like_the_xpaths_it_replaces() -> None:
    """classed / with_attr / with_token give the elements, in document order, that the XPaths gave."""
    from crawler.extraction.page import Page

    html = """<html><head><link rel="next" href="/2"></head><body>
    <div class="Byline wrap" id="top"><span itemprop="author">A</span><a rel="author tag" href="/a">A</a></div>
    <p class="x" id="byline-2">B</p><span itemprop="author name">C</span>
    <div class="post-tags"><a rel=" tag " href="/t">T</a><a rel="tagged">U</a></div>
    <div class="nothing">z</div><h1 itemprop="headline">H</h1></body></html>"""
    page = Page.parse(html, "https://example.com/a")
    doc = page.doc
    byline = re.compile(r"byline|author", re.I)
    assert page.classed(byline) == [el for el in doc.xpath("//*[@class or @id]")
                                    if byline.search(f"{el.get('class') or ''} {el.get('id') or ''}")]
    assert len(page.classed(byline)) == 2
    assert page.index.with_attr("itemprop", "author") == doc.xpath('//*[@itemprop="author"]')
    assert page.index.with_attr("itemprop", "headline") == doc.xpath('//*[@itemprop="headline"]')
    tagged = doc.xpath('//a[contains(concat(" ", normalize-space(@rel), " "), " tag ")]')
    assert [a for a in page.index.with_token("rel", "tag") if a.tag == "a"] == tagged and len(tagged) == 2


def test_latin_letters_class_is_the_one_it_replaces() -> None:
    """lang._LATIN lists the characters r"[^\\W\\d_\\u0250-\\U0010ffff]" matched (that one took 7 ms to compile)."""
    from crawler.extraction.lang import _LATIN

    old = re.compile(r"[^\W\d_\u0250-\U0010ffff]")
    assert all(bool(old.match(chr(i))) == bool(_LATIN.match(chr(i))) for i in range(0x600))
    assert sum(1 for i in range(0x600) if _LATIN.match(chr(i))) > 300


@pytest.mark.parametrize("text", ["An English body, “quoted”, with a dash — here.", "Привет мир, это тест",
                                  "한국어 텍스트 English mix", "日本語のテキスト・です", "plain ascii", ""])
def test_script_shares_count_every_script_when_needed(text: str) -> None:
    from collections import Counter

    from crawler.extraction.lang import _LATIN, _SCRIPT_RX, script_shares

    sample = text[:3000]
    letters = sum(map(str.isalpha, sample))
    counts: Counter = Counter()
    if letters:
        counts["latin"] = len(_LATIN.findall(sample))
        for name, rx in _SCRIPT_RX:
            counts[name] += len(rx.findall(sample))
        other = letters - sum(counts.values())
        if other > 0:
            counts["other"] = other
    assert script_shares(text) == Counter({k: v / letters for k, v in counts.items() if v})


def test_a_grid_of_teaser_cards_does_not_outscore_the_story() -> None:
    """Hundreds of related-story cards, each a linked headline and a kicker (real pages' chrome), are
    not paragraphs of the article: the story keeps the body however many cards the page carries."""
    from crawler.extraction import extract_page

    story = "".join(f"<p>{SENTENCE} Paragraph {i}.</p>" for i in range(6))
    cards = "".join(f'<div class="card post-item"><a href="/news/{i}"><h3 class="card-title">Navy orders '
                    f'frigates and drones for the coastal command program {i}</h3></a><span class="kicker">'
                    f'Defence industry</span><time datetime="2026-11-02">Nov 2, 2026</time></div>'
                    for i in range(300))
    html = (f'<html lang="en"><head><title>Story</title></head><body><article><h1>Story</h1>{story}</article>'
            f'<section class="related-posts"><h2>Related stories</h2><div class="grid">{cards}</div></section>'
            f'</body></html>')
    body = extract_page(html, "https://example.com/story").body
    assert "Paragraph 0." in body and "Paragraph 5." in body and "coastal command" not in body


def test_nested_date_box_wrappers_are_not_each_read_in_full() -> None:
    """2,000 nested "post-meta-wrap" wrappers (the date-box pattern) around a story: the visible-date
    scan reads each wrapper only until it is known to be long, innermost first (it read each one in
    full: quadratic). Counted as characters read, not timed."""
    from crawler.extraction import page as page_mod
    from crawler.extraction.dates import extract_dates
    from crawler.extraction.page import Page

    story = "".join(f"<p>The army and the navy said the contract was signed on day {i}.</p>" for i in range(20))
    html = "<html><body>" + '<div class="post-meta-wrap">' * 2000 + story + "</div>" * 2000 + "</body></html>"
    page = Page.parse(html, "https://example.com/a")
    calls = []
    real = page_mod.text_over

    def counting(el, limit):
        calls.append(el)
        return real(el, limit)

    import crawler.extraction.dates as dates_mod
    dates_mod.text_over = counting
    try:
        assert extract_dates(page) == (None, None)
    finally:
        dates_mod.text_over = real
    assert 0 < len(calls) <= 2, len(calls)  # the innermost wrapper(s); their ancestors follow from them


def test_in_comments_with_the_page_memo_answers_as_without() -> None:
    """The memo changes how often ancestors are climbed, never the answer (comment sections, a
    comment-classed wrapper holding the headline, microdata comments, nesting)."""
    from crawler.extraction.page import Page, in_comments

    html = """<html><body><div class="comments-wrapper"><h1>Headline in an odd wrapper</h1><p class="by">A</p></div>
    <section id="comments"><ol class="commentlist"><li class="comment"><span class="fn">Reader</span>
    <div class="comment-content"><p>Text <time>Nov 2</time></p><div class="comment"><p>Nested</p></div></div></li></ol></section>
    <div itemtype="https://schema.org/Comment"><span class="author">B</span></div><div itemprop="comment"><b>C</b></div>
    <div class="entry"><p class="byline">By D</p><div class="comment-count">3 comments</div></div></body></html>"""
    page = Page.parse(html, "https://example.com/a")
    elements = list(page.body.iter())
    plain = [in_comments(el) for el in elements]
    assert [page.in_comments(el) for el in reversed(elements)][::-1] == plain
    assert [page.in_comments(el) for el in elements] == plain
    assert sum(plain) >= 8 and not all(plain)


def test_a_page_wrapped_in_an_unlikely_box_is_scored_through_its_headline() -> None:
    """A theme that wraps the whole page, headline and story, in one box with an "advert" class: the
    boxes around the headline are let in, so the story is scored (no trafilatura fallback)."""
    story = "".join(f"<p>{SENTENCE} Paragraph {i}.</p>" for i in range(6))
    html = (f'<html lang="en"><head><title>Story</title></head><body><div class="m-advertisement-off-canvas--pusher">'
            f'<div class="page"><article><h1>Story</h1>{story}</article></div></div></body></html>')
    got = _fresh(
        "import json, sys\nfrom collections import Counter\nfrom crawler.extraction import extract_page\n"
        f"stats = Counter()\nex = extract_page({html!r}, 'https://example.com/a', stats=stats)\n"
        "print(json.dumps({'body': ex.body, 'stats': dict(stats), 'traf': 'trafilatura' in sys.modules}))")
    assert "Paragraph 0." in got["body"] and "Paragraph 5." in got["body"]
    assert got["stats"].get("extract/body/score") == 1 and not got["traf"]


def test_bare_class_selectors_match_as_their_xpath_does() -> None:
    """A ".name" selector is answered from the fragment's class tokens; the same elements as the
    compiled XPath, whitespace and case included (tabs, newlines, a no-break space inside a class)."""
    from crawler.extraction.clean import _selector_hits, parse_fragment
    from crawler.extraction.vocabulary import load_rules

    rules = load_rules()
    root = parse_fragment('<div class="sharedaddy">a</div><p class="x\tsharedaddy\n">b</p><p class="SHAREDADDY">c</p>'
                          '<p class="sharedaddy\u00a0x">d</p><div class="jp-relatedposts">e</div><p class="y">f</p>')
    elements = [el for el in root.iter() if isinstance(el.tag, str)]
    expected: dict = {}
    for group in rules.groups:
        for sel in group.selectors:
            for el in sel.compiled(root):
                expected.setdefault(el, group.name)
    got = _selector_hits(root, elements, rules)
    assert got == expected and len(got) >= 3
    assert any(sel.bare for g in rules.groups for sel in g.selectors)


@pytest.mark.parametrize("text", ["© 2026 Naval Example. All rights reserved.", "This post contains affiliate links.",
                                  "Click here to download the full report.", "The frigate sailed on Monday, officials said.",
                                  "Our readers rely on the support of people like you to keep going.", "Tous droits réservés"])
@pytest.mark.parametrize("linky", [False, True])
def test_text_rules_answer_the_same_with_the_loose_rule_prefilter(text: str, linky: bool) -> None:
    from crawler.extraction.vocabulary import load_rules

    rules = load_rules()
    plain = next((g.name for g in rules.groups if g.text is not None and g.text.fullmatch(text) or
                  linky and g.link_text is not None and g.link_text.fullmatch(text)), None)
    rules._text_hits.clear()
    assert rules.text_group(text, linky) == plain
    assert any(g.text_need for g in rules.groups)
