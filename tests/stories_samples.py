"""Small hand-written articles for the story tests: copies, a rewrite, a translation, look-alikes."""
from __future__ import annotations

from crawler.items import Article

HIMARS_PL = ("US approves $1.6bn HIMARS sale to Poland",
             "The US State Department has approved a possible Foreign Military Sale to the Government of Poland of "
             "18 M142 High Mobility Artillery Rocket Systems (HIMARS) and related equipment for an estimated cost of "
             "$1.6 billion, the Defense Security Cooperation Agency (DSCA) said on Tuesday, March 12. Lockheed Martin "
             "of Grand Prairie, Texas, is the prime contractor. The proposed sale will improve Poland's capability to "
             "meet current and future threats by providing long-range precision fires, the agency said. Warsaw has "
             "been expanding its rocket artillery since 2022, alongside the Korean Chunmoo launchers it ordered.")
HIMARS_PL_COPY = ("State Department clears Poland to buy 18 HIMARS for $1.6 billion",
                  "The US State Department has approved a possible Foreign Military Sale to the Government of Poland "
                  "of 18 M142 High Mobility Artillery Rocket Systems (HIMARS) and related equipment for an estimated "
                  "cost of $1.6 billion, the Defense Security Cooperation Agency (DSCA) said on Tuesday, March 12. "
                  "Lockheed Martin of Grand Prairie, Texas, is the prime contractor. The proposed sale will improve "
                  "Poland's capability to meet current and future threats by providing long-range precision fires.")
HIMARS_PL_FR = ("Les États-Unis approuvent la vente de 18 HIMARS à la Pologne pour 1,6 milliard de dollars",
                "Le département d'État américain a approuvé mardi 12 mars une possible vente à la Pologne de 18 "
                "lance-roquettes M142 HIMARS et d'équipements associés, pour un coût estimé à 1,6 milliard de "
                "dollars, a annoncé la Defense Security Cooperation Agency (DSCA). Lockheed Martin, à Grand Prairie "
                "au Texas, sera le maître d'œuvre. Varsovie renforce son artillerie depuis 2022.")
HIMARS_RO = ("US approves $920m HIMARS sale to Romania",
             "The US State Department has approved a possible Foreign Military Sale to the Government of Romania of "
             "6 M142 High Mobility Artillery Rocket Systems (HIMARS) and related equipment for an estimated cost of "
             "$920 million, the Defense Security Cooperation Agency (DSCA) said on Thursday, March 14. Lockheed "
             "Martin of Grand Prairie, Texas, is the prime contractor. The proposed sale will improve Romania's "
             "capability to meet current and future threats by providing long-range precision fires.")
NK_TUE = ("North Korea fires ballistic missile into East Sea",
          "North Korea fired a ballistic missile into the East Sea on Tuesday, South Korea's Joint Chiefs of Staff "
          "said. The missile flew about 1,100 km after being launched from near Pyongyang at 7:10 a.m. Japan's "
          "defense ministry said it fell outside its exclusive economic zone. It was the third launch this year.")
NK_FRI = ("North Korea fires ballistic missile into East Sea",
          "North Korea fired a ballistic missile into the East Sea on Friday, South Korea's Joint Chiefs of Staff "
          "said. The missile flew about 600 km after being launched from near Pyongyang at 6:40 a.m. Japan's "
          "defense ministry said it fell outside its exclusive economic zone. It was the fourth launch this year.")
UNRELATED = ("Rheinmetall opens ammunition plant in Lithuania",
             "Rheinmetall opened a new 155mm ammunition plant near Baisogala in Lithuania on Wednesday, with an "
             "annual capacity of tens of thousands of shells. Chief executive Armin Papperger said the plant would "
             "employ about 150 people.")


def rec(aid: str, sample: tuple[str, str], published: str, site: str = "ex", lang: str = "en") -> Article:
    title, body = sample
    return Article.from_dict({"id": aid, "url": f"https://{site}.example/{aid}", "site": site, "title": title, "authors": [],
            "published": published, "updated": None, "lang": lang, "tags": [], "body": body,
            "fetched_at": "2024-03-15T00:00:00+00:00", "version": 1, "content_hash": f"h-{aid}-{hash(body)}"})
HIMARS_PL_DE = ("USA genehmigen Verkauf von 18 HIMARS an Polen für 1,6 Milliarden Dollar",
                "Das US-Außenministerium hat am Dienstag, 12. März, den möglichen Verkauf von 18 Raketenwerfern "
                "M142 HIMARS samt Ausrüstung an Polen genehmigt. Die geschätzten Kosten liegen bei 1,6 Milliarden "
                "US-Dollar, teilte die Defense Security Cooperation Agency (DSCA) mit. Hauptauftragnehmer ist "
                "Lockheed Martin in Grand Prairie, Texas. Warschau baut seine Raketenartillerie seit 2022 aus.")
HIMARS_PL_ES = ("EE.UU. aprueba la venta de 18 HIMARS a Polonia por 1.600 millones de dólares",
                "El Departamento de Estado de Estados Unidos aprobó el martes 12 de marzo la posible venta a Polonia "
                "de 18 lanzacohetes M142 HIMARS y equipos asociados, con un coste estimado de 1.600 millones de "
                "dólares, según la Defense Security Cooperation Agency (DSCA). Lockheed Martin, de Grand Prairie "
                "(Texas), será el contratista principal. Varsovia amplía su artillería de cohetes desde 2022.")
