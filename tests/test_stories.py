"""Story signals and the match decision: facts across languages, copies, translations, look-alikes."""
from __future__ import annotations

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
