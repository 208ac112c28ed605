"""Article URLs outside ASCII (issue 8, blind web L): the record names an article as the site writes
it (an IRI: ``/zprávy/nový-tank``), while fetching uses the encoded URI and every key and id treat
both spellings as one article. Checked on a Czech mock site, crawled through the CLI twice with the
feed's spelling swapped, and exported."""
from __future__ import annotations

import hashlib
import json
import sqlite3
from urllib.parse import quote, urlsplit

from conftest import run_cli
from w3lib.url import safe_url_string

from crawler.urls import article_id, canonical_url, readable_url, url_key

#: (file path, how feed epoch 0 spells the link, how epoch 1 spells it)
PATHS = ["/zpravy/vojáci-cvičí-na-šumavě", "/zpravy/nový-tank-pro-armádu", "/zpravy/50%-nárůst-rozpočtu",
         "/zpravy/ascii-clanek"]
PARA = ("Armáda České republiky zahájila na Šumavě rozsáhlé cvičení, kterého se účastní přes dva tisíce "
        "vojáků, obrněná technika a letectvo, uvedlo ministerstvo obrany v pondělí.")


def encoded(path: str) -> str:
    return quote(path, safe="/")


def iri(path: str) -> str:
    """The readable spelling: only a literal '%' needs its escape."""
    return path.replace("%", "%25")


def make_web(root) -> None:
    site = root / "obrana-cz"
    (site / "files" / "zpravy").mkdir(parents=True)
    (site / "truth").mkdir()
    for n, path in enumerate(PATHS):
        # Each page declares its canonical in the other spelling than the first feed links it in.
        canonical = iri(path) if n % 2 else encoded(path)
        (site / "files" / path.lstrip("/")).write_text(
            f"<!doctype html><html lang='cs'><head><meta charset='utf-8'><title>Zpráva {n}</title>"
            f"<link rel='canonical' href='{{{{BASE}}}}{canonical}'></head><body><article><h1>Zpráva číslo {n}</h1>"
            + "".join(f"<p>{PARA} Odstavec {j} zprávy {n}.</p>" for j in range(5)) + "</article></body></html>",
            encoding="utf-8")
    for epoch in (0, 1):
        items = "".join(
            f"<item><title>Zpráva {n}</title><link>{{{{BASE}}}}{encoded(p) if (n + epoch) % 2 == 0 else iri(p)}</link>"
            f"<pubDate>Mon, 0{n + 1} Dec 2026 10:00:00 +0000</pubDate></item>" for n, p in enumerate(PATHS))
        (site / "files" / f"feed{epoch}.xml").write_text(
            f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Obrana</title>"
            f"<link>{{{{BASE}}}}/</link>{items}</channel></rss>", encoding="utf-8")
    (site / "site.json").write_text(json.dumps({"name": "Obrana", "lang": "cs", "feeds": ["/rss.xml"],
                                                "epochs": {"/rss.xml": ["feed0.xml", "feed1.xml"]}}))


def exported(tmp_path, db) -> list[dict]:
    out = tmp_path / "export.jsonl"
    run = run_cli("export", "--db", db, "--out", out)
    assert run.returncode == 0, run.stderr[-2000:]
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_records_name_iris_and_both_spellings_are_one_article(tmp_path) -> None:
    import mockweb

    make_web(tmp_path / "web")
    web = mockweb.start(str(tmp_path / "web"), port=0)
    try:
        base = web.sites["obrana-cz"]
        sites = tmp_path / "sites.toml"
        sites.write_text(f'[[sites]]\nid = "obrana-cz"\nname = "Obrana"\nurl = "{base}/"\nfeeds = ["/rss.xml"]\n')
        db = tmp_path / "db.sqlite3"
        for epoch in (0, 1):  # the second crawl sees every link in its other spelling
            web.set_epoch(epoch)
            run = run_cli("crawl", "--sites", sites, "--db", db)
            assert run.returncode == 0, run.stderr[-3000:]
            assert "Traceback" not in run.stderr, run.stderr[-3000:]
        records = exported(tmp_path, db)
        assert sorted(r["url"] for r in records) == sorted(base + iri(p) for p in PATHS)
        assert len({r["id"] for r in records}) == len(PATHS)
        # Ids are those of the encoded URL, as before: a store written by an older build still dedupes.
        host = urlsplit(base).netloc
        for r in records:
            path = quote(urlsplit(r["url"]).path.replace("%25", "%"), safe="/%")  # the key's literal '%', as before
            assert r["id"] == hashlib.sha256(f"{host}{path}".encode()).hexdigest()[:16], r["url"]
        fetched = [e["path"] for e in web.log() if e["path"].startswith("/zpravy/")]
        assert all(p.isascii() for p in fetched), fetched  # fetching sends the encoded URI

        # An older build's store: records named by the encoded URL. The next crawl adds nothing.
        with sqlite3.connect(db) as conn:
            for aid, url in conn.execute("SELECT id, url FROM articles").fetchall():
                conn.execute("UPDATE articles SET url=? WHERE id=?", (safe_url_string(url), aid))
        web.set_epoch(0)
        run = run_cli("crawl", "--sites", sites, "--db", db)
        assert run.returncode == 0, run.stderr[-3000:]
        assert len(exported(tmp_path, db)) == len(PATHS)
    finally:
        web.stop()


def test_readable_url_decodes_only_whole_visible_utf8() -> None:
    assert readable_url("https://x.cz/zpr%C3%A1vy/n%C3%A1r%C5%AFst?q=%C3%A9") == "https://x.cz/zprávy/nárůst?q=%C3%A9"
    assert readable_url("https://x.tr/haber/%C3%A7%C4%B1kt%C4%B1") == "https://x.tr/haber/çıktı"
    kept = ["https://x.cz/a%20b%2Fc%3F", "https://x.cz/caf%E9",  # ASCII escapes; Latin-1, not UTF-8
            "https://x.cz/%C3", "https://x.cz/%E2%80%AEtxt.exe", "https://x.cz/a%C2%A0b",  # cut; bidi; NBSP
            "https://x.cz/plain/ascii"]
    for url in kept:
        assert readable_url(url) == url
    for url in ("https://x.cz/zpr%C3%A1vy/50%25-n%C3%A1r%C5%AFst", "https://x.tr/haber/%C3%A7%C4%B1kt%C4%B1"):
        nice = readable_url(url)
        assert safe_url_string(nice) == url and canonical_url(nice) == canonical_url(url)
        assert url_key(nice) == url_key(url) and article_id(nice) == article_id(url)
