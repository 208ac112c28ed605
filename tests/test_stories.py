"""Story signals and the match decision: facts across languages, copies, translations, look-alikes."""
from __future__ import annotations

from dataclasses import replace

import pytest
from stories_samples import (
    HIMARS_PL,
    HIMARS_PL_COPY,
    HIMARS_PL_DE,
    HIMARS_PL_ES,
    HIMARS_PL_FR,
    HIMARS_RO,
    NK_FRI,
    NK_TUE,
    UNRELATED,
    rec,
)

from crawler.items import Article
from crawler.stories.facts import date_facts, number_facts, parse_number
from crawler.stories.match import KIND_WEIGHT, conflict, decide, kind, profile
from crawler.stories.names import name_facts, place_facts
from crawler.stories.signals import band_keys, jaccard, signature


@pytest.mark.parametrize("text, value", [("1,100", 1100), ("1.100", 1100), ("1 100", 1100), ("1\u202f100", 1100),
                                         ("1,6", 1.6), ("1.6", 1.6), ("2,500,000", 2500000), ("4.94", 4.94)])
def test_numbers_in_four_conventions(text, value):
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["The US approved a $1.6bn sale", "une vente de 1,6 milliard de dollars",
                                  "ein Geschäft über 1,6 Milliarden US-Dollar", "una venta de 1.600 millones de dólares",
                                  "a US$1.6 billion deal"])
def test_money_is_one_fact_in_every_language(text):
    assert "money:usd:1.6e+09" in number_facts(text)


@pytest.mark.parametrize("text, fact", [("flew 1,100 km", "km:1100"), ("a parcouru 1 100 kilomètres", "km:1100"),
                                        ("flog 1.100 Kilometer", "km:1100"), ("about 680 miles", "km:1090"),
                                        ("155mm shells", "mm:155"), ("155 mm", "mm:155"), ("60 tonnes", "t:60"),
                                        ("180 tanks", "num:180"), ("180 chars", "num:180"), ("in 2024", "year:2024"),
                                        ("€180m plant", "money:eur:1.8e+08"), ("15 %", "pct:15"),
                                        ("340 millions d'euros", "money:eur:3.4e+08"), ("340 M€", "money:eur:3.4e+08"),
                                        ("SEK 6.2bn", "money:kr:6.2e+09"),
                                        ("6,2 milliards de couronnes suédoises", "money:kr:6.2e+09")])
def test_units(text, fact):
    assert fact in number_facts(text)


def test_designators_are_not_counts():
    assert number_facts("the F-35A and the C-390") == set()
    assert {"id:F35A", "id:C390"} <= name_facts("the F-35A and the C-390")


@pytest.mark.parametrize("text", ["on Tuesday, March 4", "le mardi 4 mars", "am Dienstag, 4. März",
                                  "el martes 4 de marzo"])
def test_dates_and_weekdays_in_four_languages(text):
    assert date_facts(text) == {"date:03-04", "wd:1"}


def test_places_across_languages_and_us_is_not_a_pronoun():
    assert place_facts("Poland") == place_facts("la Pologne") == place_facts("Polen") == place_facts("Polonia") == {"pl:pl"}
    assert place_facts("Warsaw told us") == {"pl:pl"}
    assert place_facts("The US Army") == {"pl:us"}


def test_names_and_acronyms():
    facts = name_facts("Defense Secretary Lloyd Austin met Hanwha executives. L'OTAN et la DSCA ont salué le K2.")
    assert {"nm2:lloyd austin", "nm:austin", "nm:hanwha", "ac:NATO", "ac:DSCA", "id:K2"} <= facts
    assert not {f for f in facts if f in ("nm:defense", "nm:the", "nm:l'otan")}


def test_minhash_estimates_jaccard_and_bands_collide_for_copies():
    a, b, c = (signature(" ".join(s)) for s in (HIMARS_PL, HIMARS_PL_COPY, UNRELATED))
    assert jaccard(a, b) > 0.5 > 0.1 > jaccard(a, c)
    assert set(band_keys(a)) & set(band_keys(b))
    assert not set(band_keys(a)) & set(band_keys(c))


def _p(sample, when="2024-03-12T10:00:00+00:00"):
    return profile(rec("x", sample, when))


def _weight(fact):
    return KIND_WEIGHT.get(kind(fact), 0.5)


def test_copy_and_translation_are_one_event():
    assert decide(_p(HIMARS_PL), _p(HIMARS_PL_COPY), _weight).reason == "near-copy"
    french = decide(_p(HIMARS_PL), _p(HIMARS_PL_FR), _weight)
    assert french.same and french.jaccard < 0.1  # shares names and numbers, not text


@pytest.mark.parametrize("version", [HIMARS_PL_FR, HIMARS_PL_DE, HIMARS_PL_ES], ids=["fr", "de", "es"])
def test_translations_match_the_original_and_not_its_lookalike(version):
    other = _p(version, "2024-03-12T20:00:00+00:00")
    assert decide(_p(HIMARS_PL), other, _weight).same
    assert not decide(_p(HIMARS_RO, "2024-03-14T10:00:00+00:00"), other, _weight).same


def test_lookalikes_never_merge_even_with_similar_text():
    pl, ro = _p(HIMARS_PL), _p(HIMARS_RO)
    assert jaccard(pl.sig, ro.sig) > 0.3
    assert conflict(pl, ro) is not None
    assert not decide(pl, ro, _weight).same
    tue, fri = _p(NK_TUE), _p(NK_FRI, "2024-03-15T10:00:00+00:00")
    assert jaccard(tue.sig, fri.sig) > 0.5
    verdict = decide(tue, fri, _weight)
    assert not verdict.same and verdict.reason.startswith("conflict")


def test_time_window():
    assert not decide(_p(HIMARS_PL), _p(HIMARS_PL_COPY, "2024-04-12T10:00:00+00:00"), _weight).same


def _truth(site: str, words: str) -> Article:
    """A web-dev truth file as a record (the fields a record and a truth file share)."""
    import json

    from conftest import WEB_DEV

    found = [json.loads(p.read_text()) for p in (WEB_DEV / site / "truth").glob("*.json")]
    truth = next(t for t in found if words in t["title"])
    return Article.from_dict({"id": truth.get("id") or words, "url": truth.get("url") or "", "site": site,
                              "authors": [], "updated": None, "lang": None, "tags": [], "body": "",
                              "fetched_at": "", **truth})


def test_web_dev_one_programme_two_events_and_one_event_two_outlets():
    # The first French FDI frigate's sea trials (English) and the second Greek one's launch
    # (French), two days apart: same programme, names and background figures, two events.
    trials, launch = profile(_truth("navalnews", "sails for sea trials")), profile(_truth("navalnews", "met à l’eau"))
    assert not decide(trials, launch, _weight).same
    # Keen Sword on two sites: one event.
    a, b = profile(_truth("thedefensepost", "Keen Sword")), profile(_truth("defencetalks", "Keen Sword"))
    assert decide(a, b, _weight).same


def test_articles_without_text_are_not_copies_of_each_other():
    empty = profile(rec("e1", ("", ""), "2024-03-12T10:00:00+00:00"))
    other = profile(rec("e2", ("", ""), "2024-03-12T11:00:00+00:00"))
    assert not decide(empty, other, _weight).same


def test_a_date_without_time_ranks_after_timed_copies_of_that_day():
    from crawler.stories.match import record_time

    def at(published: str | None, fetched_at: str = "") -> float:
        return record_time(replace(rec("x", ("", ""), ""), published=published, fetched_at=fetched_at))

    assert at("2024-03-12") > at("2024-03-12T22:00:00+00:00")
    assert at("2024-03-12") < at("2024-03-13T00:00:00+00:00")
    assert at(None, "2024-03-12T10:00:00+00:00") == 1710237600.0


# A German order (its date only as "am Dienstag") and a free English rewrite five days later
# that names the day of the signing: one event, past the 4-day window.
EUROFIGHTER_DE = ("Luftwaffe bestellt 15 Eurofighter der Tranche 5",
                  "Das Bundesamt BAAINBw hat am Dienstag mit Airbus Defence and Space den Vertrag über 15 "
                  "Eurofighter der Tranche 5 unterzeichnet. Der Auftrag hat einen Wert von rund 3,75 Milliarden "
                  "Euro. Die Maschinen sollen ab 2029 an das Taktische Luftwaffengeschwader 74 in Neuburg gehen.")
EUROFIGHTER_EN = ("Berlin's new Eurofighter batch: what the Luftwaffe gets",
                  "Airbus Defence and Space will build 15 more Eurofighter jets for Germany under a €3.75 billion "
                  "Tranche 5 contract signed with the BAAINBw procurement office on Tuesday, March 12. The first "
                  "aircraft are due in 2029 and go to Tactical Air Wing 74 at Neuburg.")


def test_a_later_rewrite_naming_the_original_day_joins_past_the_window():
    original = _p(EUROFIGHTER_DE, "2024-03-12T15:00:00+01:00")
    later = _p(EUROFIGHTER_EN, "2024-03-17T09:00:00-04:00")  # 4.8 days later
    assert decide(original, later, _weight).same
    assert decide(later, original, _weight).same
    # Naming another day (a later event of the programme), or past the dated window: not compared.
    other_day = _p((EUROFIGHTER_EN[0], EUROFIGHTER_EN[1].replace("March 12", "March 16")),
                   "2024-03-17T09:00:00-04:00")
    assert decide(original, other_day, _weight).reason == "time"
    too_late = _p(EUROFIGHTER_EN, "2024-03-20T09:00:00-04:00")
    assert decide(original, too_late, _weight).reason == "time"
