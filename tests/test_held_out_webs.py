"""Generalisation: the crawl scored over mock webs of CMSs the extraction was not built on,
exactly as the judge scores (``../shared/tools/score_crawl.py``: CLI only, a sites file with id,
name, url and feeds).

* web-alt: Ghost, Drupal 10, Hugo, Arc XP Atom, Blogger, a bespoke RSS 1.0 site;
* web-alt2: Spanish WordPress+AMP, Korean EUC-KR, Next.js, Polish tagDiv, a DNN press room, Wix;
* web-alt3: Italian Joomla 4, a Medium-like blog, Substack, Ukrainian WordPress;
* web-alt4: German TYPO3, Arabic RTL, Japanese Shift_JIS, a magazine with a teaser grid and a
  live blog;
* web-blind-a / web-blind-b (issue 8): built blind, from a brief and FORMAT.md only: Elementor+
  Jetpack, Divi, a legacy table layout, Sitecore, a live blog, BLOX, Webflow (en); Plone, Jannah,
  Optimizely, ASP.NET WebForms, Bitrix, Craft, Liferay (nl, pt, sv, tr, cs, ro, el);
* web-blind-c (issue 8, built blind too): SPIP/DSFR (fr), Drupal 7 (es), Magnolia with 10,000 nested
  divs (de), WPBakery (uk), Brightspot (en), Nuxt (pl), Blogger (it);
* web-blind-d / web-blind-e (issue 8, built blind, scored once on first contact and then fixed by
  class: BENCHMARKS.md): Drupal 10 (fi), Escenic (nb), Joomla 3 (hu), DataLife Engine in
  windows-1251 (ru), JNews (id), RTL custom (he), Eleventy with footnotes (en); a Portuguese
  custom CMS, Umbraco (da), Avada (lt), a DedeCMS portal in undeclared GBK (zh), Next.js (en),
  a Slovak table layout;
* web-blind-f (issue 8, built blind; first contact in BENCHMARKS.md, then fixed by class): Ghost (en-AU),
  Arc XP (en-US), tagDiv (en-IN), Substack (en-CA), Hugo PaperMod (en-GB), TYPO3 EXT:news (ja), a Korean
  portal CMS with <br>-separated text;
* web-blind-g (issue 8, built blind; first and second contact in BENCHMARKS.md, then fixed by class):
  Drupal 9 Paragraphs (ar), Wagtail (fa), Sitefinity (vi), Kentico in windows-1251 (bg), Contentful+Gatsby
  (hr), Squarespace (ca), Wix (en);
* web-blind-h (issue 8, built blind; first contact in BENCHMARKS.md, then fixed by class): Newspack (th),
  Contentful + React (hi), Concrete CMS (sr-Cyrl), ProcessWire (lv), Jekyll (et), MODX (ms), Astro + Sanity
  (es-MX);
* web-blind-i (issue 8, built blind; first contact, and a second still-unseen contact after H's fixes, in
  BENCHMARKS.md, then fixed by class): Statamic (sl), django CMS (ur), Kirby (sq), Neos (ka), Pimcore
  (zh-TW), Medium (tl), Textpattern (en-NZ);
* web-blind-k (issue 8, built blind; first contact in BENCHMARKS.md, then fixed by class): HubSpot CMS (ta),
  ExpressionEngine (kk), October CMS (mn), Backdrop CMS (bs), Storyblok + SvelteKit (af), uCoz (ne, Bikram
  Sambat dates), WordPress Soledad (am);
* web-blind-j (issue 8, built blind; first contact and a second still-unseen contact after K's fixes in
  BENCHMARKS.md, then fixed by class): Adobe Experience Manager (az), SilverStripe (hy), Contao (mk),
  WordPress Kadence (bn), Grav (sw), Hashnode (is), Payload + Remix (en-IN);
* web-blind-l / web-blind-m (issue 8, built blind; first contact in BENCHMARKS.md, then fixed by class):
  Joomla 4 Cassiopeia (eu), NetCat (be), WordPress Astra (ps), Tilda with Khmer (km), Quintype (te), Atex
  Polopoly with Unicode paths (mt), Drupal 11 Olivero (ha); Bloomreach/Hippo (gl), dotCMS (uz), WordPress
  GeneratePress (si), Tumblr with Burmese (my), EidosMedia Méthode AMP (mr), Movable Type (cy), SharePoint
  with <br>-only text (so);
* web-blind-n (issue 8, built blind after L's and M's fixes; first contact in BENCHMARKS.md, then fixed by
  class): Ibexa DXP (ga), WordPress block theme (lo), Strapi + Angular Universal (ml), Bolt CMS (ky), Odoo
  (yo), Publii (lb), Directus + Vue SSR (pa);
* hostile-web-2: faults with the default configuration (500s then 200, redirect chains, a gzip
  bomb feed, robots.txt hanging, a 300-entry feed over the per-poll cap, tarpits, a 9 MB page,
  cross-host canonicals, meta refresh, duplicate links).

Each was first scored before any fix for it (BENCHMARKS.md has the numbers); the floors pin what
is measured now, so a change that lowers them fails.
"""
from __future__ import annotations

import json
import sys

import pytest
from conftest import FIXTURES, SHARED, run_cli, write_sites_file

WEBS = ["web-alt", "web-alt2", "web-alt3", "web-alt4", "web-blind-a", "web-blind-b", "web-blind-c", "web-blind-d", "web-blind-e",
        "web-blind-f", "web-blind-g", "web-blind-h", "web-blind-i", "web-blind-j", "web-blind-k",
        "web-blind-l", "web-blind-m", "web-blind-n",
        "hostile-web-2"]
#: Measured floors (see BENCHMARKS.md); raise them when the figures go up.
FLOORS = {"coverage": 1.0, "body_f1": 0.999, "title_acc": 1.0, "authors_acc": 1.0, "published_acc": 1.0,
          "lang_acc": 1.0}
CEILINGS = {"extra_records": 0, "duplicate_records": 0, "robots_violations": 0, "leaks": 0}
#: Where a web is measured below the common floors, and why (tests/fixtures/web-alt4/README.md):
#: its truth keeps a TYPO3 teaser paragraph as the first body block, and a live blog's
#: "Key events" label leaks.
#: web-blind-h's truth leaves a data table's cells out of the body; the real pages' truth
#: (../shared/bench/extraction) keeps them, so the extractor keeps data tables (one page, F1 0.94).
#: web-blind-i's truth does the same on two pages, and keeps an Urdu standfirst out of the body.
EXCEPTIONS = {"web-alt4": {"body_f1": 0.955, "leaks": 1}, "web-blind-h": {"body_f1": 0.997},
              "web-blind-i": {"body_f1": 0.984},
              # its truth keeps a military rank in one byline ("Lt Gen (Retd) S. K. Rao"); authors drop ranks.
              "web-blind-j": {"authors_acc": 0.96},
              # its truth keeps a fact box ("Taariikh ahaan", "Background") out of the body, where web-blind-l's
              # truth keeps its own ("Bayani") in: the extractor keeps in-article fact boxes.
              "web-blind-m": {"body_f1": 0.997, "leaks": 1}}


@pytest.fixture(scope="module", params=WEBS)
def scored(request, tmp_path_factory):
    return request.param, crawl_and_score(request.param, tmp_path_factory)


def crawl_and_score(name: str, tmp_path_factory) -> dict:
    import mockweb

    sys.path.insert(0, str(SHARED / "tools"))
    import score_crawl

    root = FIXTURES / name
    sites = score_crawl.load_sites(root)
    web = mockweb.start(str(root), port=0)
    tmp = tmp_path_factory.mktemp(name)
    try:
        sites_file = write_sites_file(tmp / "sites.toml", web, sites)
        db, out = tmp / "db.sqlite3", tmp / "export.jsonl"
        for epoch in (0, 1, 2):
            web.set_epoch(epoch)
            run = run_cli("crawl", "--sites", sites_file, "--db", db, timeout=240)
            assert run.returncode == 0, run.stderr[-3000:]
            assert "Traceback" not in run.stderr, run.stderr[-3000:]
        run = run_cli("export", "--db", db, "--out", out)
        assert run.returncode == 0, run.stderr
        records = [json.loads(line) for line in out.read_text().splitlines()]
        return score_crawl.score(records, sites, web.sites, [0, 1, 2], web.log())
    finally:
        web.stop()


@pytest.mark.parametrize("metric", sorted(FLOORS))
def test_floor(scored, metric):
    web, m = scored
    floor = EXCEPTIONS.get(web, {}).get(metric, FLOORS[metric])
    assert m[metric] >= floor, (metric, m[metric], m.get("_missing"), m.get("_leaks"))


@pytest.mark.parametrize("metric", sorted(CEILINGS))
def test_ceiling(scored, metric):
    web, m = scored
    ceiling = EXCEPTIONS.get(web, {}).get(metric, CEILINGS[metric])
    assert m[metric] <= ceiling, (metric, m[metric], m.get("_extra"), m.get("_leaks"))
