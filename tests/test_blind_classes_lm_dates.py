"""Dates on first contact with blind web M (issue 8): a SharePoint site wrote its month names one
letter apart from CLDR's ("Nofeembar" where CLDR has "Noofeembar"), so no date was read at all.

The class: a month name spelled with a long vowel single, a glide added or a letter changed. Tested on
our own pages in other languages and markup: Filipino ("Nobiyembre", CLDR "Nobyembre"), Estonian
("oktober", CLDR "oktoober"), Hausa ("Nuwanba", CLDR "Nuwamba"); a word that is no month stays none.
"""
from __future__ import annotations

import pytest

from crawler.extraction import extract_page
from crawler.extraction.clock import parse_local_date

PROSE = {
    "fil": "Nagsagawa ang Hukbong Dagat ng Pilipinas ng malawakang pagsasanay sa baybayin ng Zambales, "
           "kasama ang mga barkong pandigma at mga eroplanong pang-patrolya mula sa iba't ibang base.",
    "et": "Kaitseväe õppus toimus Tapa linnaku lähistel ning sellest võttis osa üle kahe tuhande kaitseväelase, "
          "sealhulgas liitlaste üksused Suurbritanniast ja Prantsusmaalt, teatas kaitseministeerium.",
    "ha": "Rundunar sojin saman Najeriya ta karbi sabbin jiragen yaki guda hudu a sansaninta na Kaduna, "
          "in ji wata sanarwa da kakakin rundunar ya fitar a ranar Litinin bayan bikin mika su.",
}


def drupal_page(lang: str, dateline: str) -> str:
    """A Drupal 7 node: the date in a "submitted" line under the title, no machine-readable date."""
    return (f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><title>Balita</title></head><body>"
            "<div id='page'><div class='region region-content'><div id='node-412' class='node node-article'>"
            f"<h1 class='title'>Pagsasanay ng hukbo</h1><div class='submitted'><span>{dateline}</span></div>"
            "<div class='field field-name-body'><div class='field-items'><div class='field-item even'>"
            + "".join(f"<p>{PROSE[lang]} ({n})</p>" for n in range(4)) +
            "</div></div></div></div></div></div></body></html>")


@pytest.mark.parametrize(("lang", "dateline", "want"), [
    ("fil", "Nobiyembre 14, 2024", "2024-11-14"),
    ("fil", "Setiyembre 3, 2024 - 09:15", "2024-09-03T09:15:00"),
    ("et", "12. oktober 2024", "2024-10-12"),
    ("ha", "14 Nuwanba, 2024", "2024-11-14"),
])
def test_a_month_name_spelled_one_letter_apart_from_cldr_is_read(lang: str, dateline: str, want: str) -> None:
    published = extract_page(drupal_page(lang, dateline), "https://balita.example.ph/node/412").published
    assert published is not None and published.startswith(want), published


def test_a_word_near_no_single_month_is_no_date() -> None:
    assert parse_local_date("14 Nuwamba 2024", "ha") == (2024, 11, 14, None, 0, 0)  # CLDR's own spelling
    assert parse_local_date("14 Kaduna 2024", "ha") is None
    assert parse_local_date("Tallinn 2024 ja 12 laeva", "et") is None
