"""Page parts shared by the real-page class tests: story paragraphs in eight languages and a page shell."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# ---------------------------------------------------------------- page parts

EN = [
    "The Defence Ministry confirmed on Tuesday that the first two of twelve new patrol vessels had "
    "completed their sea trials, clearing the way for delivery to the coast guard before the end of the year.",
    "Officials said the vessels, built at the northern yard under a contract signed three years ago, "
    "passed every test of speed, endurance and seakeeping, although the radar integration is still late.",
    "The remaining ten ships are due in pairs every eight months, and the yard has hired about 400 "
    "workers to keep to that schedule, according to the company's chief executive.",
    "Opposition lawmakers have questioned the cost of the programme, which rose by a fifth after the "
    "design was changed to carry a helicopter, and asked for a hearing in the budget committee.",
    "The coast guard expects the new ships to replace vessels that are more than forty years old, "
    "some of which spent more time in dock than at sea last year, a spokesman said.",
    "A decision on arming the ships with a heavier gun will be taken next spring, after the first "
    "crews have reported on how the vessels handle in winter conditions in the northern waters.",
]
DE = [
    "Die Bundeswehr hat am Dienstag die ersten beiden von zwölf neuen Transporthubschraubern "
    "übernommen, nachdem die Abnahmeflüge ohne größere Beanstandungen abgeschlossen worden waren.",
    "Nach Angaben des Verteidigungsministeriums sollen die übrigen Maschinen bis Ende 2028 "
    "ausgeliefert werden, wobei die Ausbildung der Besatzungen bereits im Frühjahr beginnt.",
    "Der Hersteller teilte mit, dass die Produktion im Werk in Süddeutschland verdoppelt worden sei, "
    "um den Zeitplan trotz der Lieferengpässe bei einigen Bauteilen einhalten zu können.",
    "Kritiker im Haushaltsausschuss verweisen auf die Kostensteigerung von rund einem Fünftel und "
    "verlangen einen ausführlichen Bericht über die Gründe der Verzögerungen bei der Elektronik.",
    "Die neuen Hubschrauber sollen die über vierzig Jahre alten Maschinen ersetzen, deren "
    "Einsatzbereitschaft im vergangenen Jahr zeitweise unter die Hälfte gefallen war.",
]
ES = [
    "El Ministerio de Defensa confirmó el martes que las dos primeras de las doce nuevas patrulleras "
    "han completado sus pruebas de mar, lo que permitirá su entrega a la Armada antes de fin de año.",
    "Según fuentes del astillero, los buques superaron todas las pruebas de velocidad, autonomía y "
    "comportamiento en la mar, aunque la integración del radar sigue acumulando retrasos.",
    "Las diez unidades restantes se entregarán por parejas cada ocho meses, y la empresa ha contratado "
    "a unos 400 trabajadores para cumplir ese calendario, según su consejero delegado.",
    "Los grupos de la oposición han cuestionado el coste del programa, que aumentó una quinta parte "
    "tras el cambio de diseño para embarcar un helicóptero, y han pedido una comparecencia.",
]
FR = [
    "Le ministère des Armées a confirmé mardi que les deux premiers des douze nouveaux patrouilleurs "
    "avaient achevé leurs essais en mer, ouvrant la voie à leur livraison avant la fin de l'année.",
    "Selon le chantier, les navires ont réussi tous les essais de vitesse, d'endurance et de tenue à la "
    "mer, même si l'intégration du radar accuse encore du retard sur le calendrier initial.",
    "Les dix bâtiments restants doivent être livrés par paires tous les huit mois, et l'industriel a "
    "recruté environ 400 salariés pour tenir ce rythme, a indiqué son directeur général.",
    "Des parlementaires de l'opposition s'interrogent sur le coût du programme, qui a augmenté d'un "
    "cinquième après la modification du dessin pour embarquer un hélicoptère.",
]
IT = [
    "Il ministero della Difesa ha confermato martedì che le prime due delle dodici nuove unità "
    "pattuglia hanno completato le prove in mare, aprendo la strada alla consegna entro fine anno.",
    "Secondo il cantiere, le navi hanno superato tutte le prove di velocità, autonomia e tenuta al "
    "mare, anche se l'integrazione del radar accumula ancora ritardi rispetto al programma.",
    "Le restanti dieci unità saranno consegnate a coppie ogni otto mesi, e l'azienda ha assunto circa "
    "400 lavoratori per rispettare il calendario, ha spiegato l'amministratore delegato.",
]
PL = [
    "Ministerstwo Obrony Narodowej potwierdziło we wtorek, że pierwsze dwa z dwunastu nowych okrętów "
    "patrolowych zakończyły próby morskie, co otwiera drogę do ich przekazania przed końcem roku.",
    "Według stoczni jednostki przeszły wszystkie próby prędkości, autonomii i dzielności morskiej, "
    "choć integracja radaru wciąż jest opóźniona względem pierwotnego harmonogramu.",
    "Pozostałe dziesięć okrętów ma być przekazywanych parami co osiem miesięcy, a stocznia zatrudniła "
    "około 400 pracowników, aby dotrzymać tego terminu, poinformował jej prezes.",
]
PT = [
    "O Ministério da Defesa confirmou na terça-feira que os dois primeiros de doze novos navios-patrulha "
    "concluíram as provas de mar, abrindo caminho para a entrega à Marinha antes do fim do ano.",
    "Segundo o estaleiro, os navios passaram em todos os testes de velocidade, autonomia e "
    "comportamento no mar, embora a integração do radar continue atrasada em relação ao calendário.",
    "Os restantes dez navios serão entregues aos pares a cada oito meses, e a empresa contratou cerca "
    "de 400 trabalhadores para cumprir esse prazo, segundo o seu presidente executivo.",
]
NL = [
    "Het ministerie van Defensie heeft dinsdag bevestigd dat de eerste twee van de twaalf nieuwe "
    "patrouilleschepen hun proefvaarten hebben afgerond, waardoor levering voor het einde van het jaar mogelijk is.",
    "Volgens de werf hebben de schepen alle tests op snelheid, uithoudingsvermogen en zeegang doorstaan, "
    "al loopt de integratie van de radar nog steeds achter op het oorspronkelijke schema.",
    "De overige tien schepen worden per twee om de acht maanden geleverd, en de werf heeft ongeveer "
    "400 medewerkers aangenomen om dat tempo vol te houden, aldus de directeur.",
]

URL = "https://www.example-news.test/2026/11/story-slug/"


def doc(body: str, *, lang: str = "en", head: str = "", title: str = "Patrol vessels finish sea trials") -> str:
    """A whole page: site chrome around ``body`` (the article and whatever sits beside it)."""
    return (f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><title>{title} | Example News</title>"
            f"<meta property='og:site_name' content='Example News'>{head}</head><body>"
            "<header class='site-header'><a class='logo' href='/'>Example News</a><nav class='main-nav'><ul>"
            "<li><a href='/world'>World</a></li><li><a href='/defence'>Defence</a></li>"
            "<li><a href='/business'>Business</a></li></ul></nav></header>"
            f"<main id='main'>{body}</main>"
            "<footer class='site-footer'><p>© 2026 Example News. All rights reserved.</p>"
            "<ul><li><a href='/about'>About us</a></li><li><a href='/privacy'>Privacy</a></li></ul></footer>"
            "</body></html>")


def paras(texts: list[str]) -> str:
    return "".join(f"<p>{t}</p>" for t in texts)


def words_of(text: str) -> set[str]:
    return set(text.split())


def has_all(body: str, texts: list[str]) -> bool:
    """Whether every paragraph is in the body (each as a whole)."""
    return all(t in body for t in texts)


RELATED_PEOPLE = ["Laura Becker", "Tomás Ruiz", "Priya Nair", "Jonas Weber", "Claire Dubois",
                  "Mateo Silva", "Hannah Kowalski", "Omar Haddad", "Elena Rossi", "Lukas Novak"]


def related_cards(kind: str) -> str:
    """A related-articles list of ten teasers, each with its own author."""
    cards = []
    for i, name in enumerate(RELATED_PEOPLE):
        head = f"<h3 class='card__title'><a href='/2026/10/story-{i}/'>Army orders more trucks for its {i + 2} new brigades</a></h3>"
        if kind == "microdata":
            cards.append(f"<li itemscope itemtype='https://schema.org/NewsArticle'>{head}"
                         f"<span itemprop='author' itemscope itemtype='https://schema.org/Person'>"
                         f"<span itemprop='name'>{name}</span></span></li>")
        elif kind == "class":
            cards.append(f"<li class='card'>{head}<div class='card__meta'><span class='card__author'>{name}</span>"
                         f" · <time>Oct {i + 1}, 2026</time></div></li>")
        else:  # rel=author profile links
            cards.append(f"<div class='teaser'>{head}<p class='teaser-byline'>By <a rel='author' "
                         f"href='/author/{name.split()[0].lower()}/'>{name}</a></p></div>")
    return f"<section class='more-stories'><h2>More from Example News</h2><ul>{''.join(cards)}</ul></section>"


SHARES = ("<a href='https://twitter.com/intent/tweet?url=https%3A%2F%2Fx'>Twitter</a> "
          "<a href='https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fx'>Facebook</a> "
          "<a href='https://www.linkedin.com/shareArticle?url=x'>LinkedIn</a>")
