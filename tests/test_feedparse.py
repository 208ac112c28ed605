"""XML safety of feed and sitemap parsing: entity expansion and XXE are refused quickly, before
feedparser or lxml see the document; odd but harmless documents still parse."""
from __future__ import annotations

import time

import pytest

from spiders.feedparse import FeedError, check_xml_safety, parse_feed, parse_sitemap

URL = "http://news.example/feed/"
ITEM = "<item><title>T</title><link>http://news.example/a/</link><guid>g1</guid></item>"
RSS = f'<rss version="2.0"><channel><title>x</title>{ITEM}</channel></rss>'


def laughs(levels: int = 9) -> str:
    ents = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{k} "{("&lol%s;" % ("" if k == 1 else k - 1)) * 10}">' for k in range(1, levels + 1))
    return f'<?xml version="1.0"?><!DOCTYPE rss [{ents}]><rss version="2.0"><channel><title>&lol{levels};</title></channel></rss>'


ATTACKS = {
    "billion-laughs": laughs().encode(),
    "quadratic-blowup": ('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "' + "A" * 50_000 + '">]><rss><channel><title>'
                         + "&a;" * 20_000 + "</title></channel></rss>").encode(),
    "xxe-file": b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss><channel>'
                b"<title>&x;</title></channel></rss>",
    "xxe-internal-url": b'<!DOCTYPE rss [<!ENTITY % r SYSTEM "http://169.254.169.254/latest/">%r;]><rss/>',
    "external-dtd": b'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "http://10.0.0.1/evil.dtd"><rss/>',
    "entity-after-long-comment": b"<?xml version='1.0'?><!--" + b"x" * 300_000 + b'--><!DOCTYPE r [<!ENTITY a "b">]>'
                                 + RSS.encode(),
    "utf16": laughs().replace('version="1.0"?>', 'version="1.0" encoding="utf-16"?>').encode("utf-16"),
    "utf16-no-bom": laughs().encode("utf-16-le"),
    "lowercase-keyword": b'<!doctype rss [<!entity a "b">]><rss/>',
    "bracket-in-quoted-value": b'<!DOCTYPE r [<!ATTLIST a b CDATA "]>"><!ENTITY a "b">]>' + RSS.encode(),
    "junk-before-doctype": b'junk <!DOCTYPE r [<!ENTITY a "' + b"a" * 1000 + b'">]><rss>&a;</rss>',
}


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_attacks_refused_quickly(name):
    start = time.perf_counter()
    with pytest.raises(FeedError) as err:
        parse_feed(ATTACKS[name], {"content-type": "application/rss+xml"}, URL)
    assert err.value.outcome == "parse-error"
    assert "refused" in str(err.value)
    assert time.perf_counter() - start < 0.5


@pytest.mark.parametrize("name", ["billion-laughs", "xxe-file", "external-dtd"])
def test_sitemap_attacks_refused(name):
    body = ATTACKS[name].replace(b"<rss", b"<urlset").replace(b"</rss>", b"</urlset>")
    with pytest.raises(FeedError):
        parse_sitemap(body, "http://news.example/sitemap.xml")


def test_utf7_declared_in_the_header_is_checked():
    body = '<!DOCTYPE r [<!ENTITY a "b">]><rss/>'.encode("utf-7").replace(b"<", b"+ADw-")
    check_xml_safety(body)  # harmless as bytes ...
    with pytest.raises(FeedError):  # ... but not when the server says it is UTF-7
        check_xml_safety(body, {"Content-Type": "application/xml; charset=utf-7"})


@pytest.mark.parametrize("body", [
    RSS.encode(),
    b'<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
    b'"http://my.netscape.com/publish/formats/rss-0.91.dtd">' + RSS.encode(),
    b"<!DOCTYPE rss>" + RSS.encode(),
    (b'<rss version="2.0"><channel><title>x</title><item><title>T</title><link>http://news.example/a/</link>'
     b"<description><![CDATA[<!DOCTYPE html><p>&lt;!ENTITY a></p>]]></description></item></channel></rss>"),
], ids=["plain", "rss091-netscape", "internal-doctype", "entity-text-in-cdata"])
def test_harmless_documents_parse(body):
    assert [e.link for e in parse_feed(body, {}, URL).entries] == ["http://news.example/a/"]


def test_html_instead_of_a_feed():
    with pytest.raises(FeedError, match="HTML"):
        parse_feed(b"<!DOCTYPE html><html><body>moved</body></html>", {}, URL)


def test_shared_guids_do_not_hide_articles():
    items = "".join(f"<item><title>{n}</title><link>http://news.example/{n}/</link><guid>same</guid></item>"
                    for n in ("a", "b"))
    items += "<item><title>c</title><link>http://news.example/c/</link></item>"
    items += "<item><title>d</title><link>http://news.example/d/</link><guid>own</guid></item>"
    feed = parse_feed(f'<rss version="2.0"><channel><title>x</title>{items}</channel></rss>'.encode(), {}, URL)
    assert [(e.link.rsplit("/", 2)[1], e.guid is None) for e in feed.entries] == [
        ("a", True), ("b", True), ("c", True), ("d", False)]


def test_non_http_links_are_not_entries():
    items = "".join(f"<item><title>x</title><link>{link}</link></item>" for link in
                    ("javascript:alert(1)", "file:///etc/passwd", "data:text/html,x", "ftp://h/x",
                     "http://news.example/ok/"))
    feed = parse_feed(f'<rss version="2.0"><channel><title>x</title>{items}</channel></rss>'.encode(), {}, URL)
    assert [e.link for e in feed.entries] == ["http://news.example/ok/"]


def test_json_feed():
    import json

    from spiders.feedparse import parse_feed

    body = json.dumps({
        "version": "https://jsonfeed.org/version/1.1", "title": "J",
        "items": [
            {"id": "1", "url": "/2024/10/a/", "title": "A", "content_html": "<p>x</p>",
             "date_published": "2024-10-22T14:05:00+02:00", "authors": [{"name": "Jane Roe"}], "tags": ["Navy"]},
            {"id": "https://j.test/b/", "title": "B", "date_modified": "2024-10-23T08:00:00Z"},
            {"id": "3", "title": "no link"},
        ]}).encode()
    feed = parse_feed(body, {"content-type": "application/feed+json"}, "https://j.test/feed.json")
    a, b = feed.entries
    assert a.link == "https://j.test/2024/10/a/" and a.published == "2024-10-22T14:05:00+02:00"
    assert a.authors == ("Jane Roe",) and a.tags == ("Navy",) and a.stamp.startswith("2024-10-22T14:05:00+02:00|")
    assert b.link == "https://j.test/b/" and b.updated == "2024-10-23T08:00:00+00:00"
    assert feed.skipped == 1
    with pytest.raises(FeedError):
        parse_feed(b'{"items": []}', {}, "https://j.test/feed.json")
