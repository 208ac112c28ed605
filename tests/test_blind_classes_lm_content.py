"""Content choice on first contact with blind web L (issue 8): a short story written in a script
without word spaces, split into ``<section>``s, lost to one teaser card of an "Editor's picks" box.

Three classes, each tested on our own pages in other scripts and CMS markup than L's Khmer Tilda site:
a paragraph's clause breaks in a script that has no comma (the spaces between Thai or Lao clauses),
a body in parts scored as one text, and a teaser card whose class says "post" beside its twin cards.
"""
from __future__ import annotations

from crawler.extraction import extract_page
from crawler.extraction.content import clause_marks

URL = "https://khao-thahan.example.org/news/navy-patrol-gulf"
#: Thai prose: clauses separated by spaces, no comma anywhere.
T1 = ("กองทัพเรือไทยประกาศเพิ่มการลาดตระเวนในอ่าวไทยตอนล่าง เพื่อป้องกันการประมงผิดกฎหมายและการลักลอบขนสินค้า "
      "เรือตรวจการณ์หกลำจะเข้าร่วมภารกิจนี้ตลอดเดือนหน้า")
T2 = ("เจ้าหน้าที่ระดับสูงกล่าวว่า การลาดตระเวนจะดำเนินการทั้งกลางวันและกลางคืน โดยร่วมมือกับตำรวจน้ำและหน่วยงานท้องถิ่น "
      "ลูกเรือทุกนายได้รับการฝึกอบรมเพิ่มเติมแล้ว")
T3 = ("ตามสถิติของกรมประมง ปีนี้พบการกระทำผิดมากกว่าสี่สิบครั้ง "
      "ส่วนใหญ่เกี่ยวข้องกับเรือต่างชาติที่เข้ามาในน่านน้ำโดยไม่ได้รับอนุญาต")
T4 = "ชาวประมงในพื้นที่ต่างยินดีกับมาตรการนี้ และหวังว่าจำนวนปลาจะเพิ่มขึ้นอีกครั้งในอีกไม่กี่ปีข้างหน้า"
TEASER = ("จากเรือลาดตระเวนลำเล็ก สู่ฐานทัพเรือทันสมัยที่สัตหีบ เราได้รวบรวมเรื่องราวและภาพถ่ายหายาก "
          "เพื่ออธิบายพัฒนาการของกองทัพเรือ")
TEASER2 = "เธอทำงานในพื้นที่ทุ่นระเบิดมานานสิบห้าปี และได้ฝึกอบรมทีมงานใหม่หลายทีมตามแนวชายแดน"
ABOUT = ("เกี่ยวกับเรา ข่าวทหารเป็นเว็บไซต์ข่าวอิสระ ที่มุ่งเน้นเรื่องความมั่นคง การป้องกันประเทศ และการทูตในภูมิภาคเอเชียตะวันออกเฉียงใต้ "
         "ทีมข่าวของเราทำงานในกรุงเทพฯ เชียงใหม่ และสงขลา เรามุ่งมั่นนำเสนอข่าวที่ถูกต้อง เป็นกลาง และทันเวลาแก่ผู้อ่านทุกคน")


def webflow_page() -> str:
    """A Webflow-style page: the story in two ``<section>``s of a box with no telling class, then a
    collection list of two teaser cards (no links, class "post-item") and a one-paragraph about box."""
    cards = "".join(
        f"<div role='listitem' class='post-item w-dyn-item'><div class='post-item-heading'>{title}</div>"
        f"<div class='post-item-summary'>{text}</div><div class='post-item-date'>2 ตุลาคม 2567</div></div>"
        for title, text in (("ประวัติกองทัพเรือไทยในรอบห้าสิบปี", TEASER), ("สัมภาษณ์ผู้เชี่ยวชาญกู้ทุ่นระเบิดหญิง", TEASER2)))
    return ("<!doctype html><html lang='th' data-wf-page='64f1'><head><meta charset='utf-8'>"
            "<title>กองทัพเรือเพิ่มการลาดตระเวน</title></head><body>"
            "<div class='navbar w-nav'><a class='brand w-nav-brand' href='/'>ข่าวทหาร</a></div>"
            "<div class='w-layout-blockcontainer container-9 w-container'>"
            "<h1 class='heading-4'>กองทัพเรือเพิ่มการลาดตระเวนในอ่าวไทย</h1>"
            "<div class='w-layout-grid grid-3'>"
            f"<section><p>{T1}</p><p>{T2}</p></section>"
            f"<section><h2>เป้าหมายหลัก</h2><p>{T3}</p><p>{T4}</p></section>"
            "</div></div>"
            "<div class='section-picks'><div class='w-layout-blockcontainer w-container'>"
            "<div class='heading-picks'>บรรณาธิการแนะนำ</div>"
            f"<div class='w-dyn-list'><div role='list' class='w-dyn-items'>{cards}</div></div></div></div>"
            f"<div class='section-about'><div class='w-container'><div class='text-block-7'>{ABOUT}</div></div></div>"
            "</body></html>")


def test_a_split_thai_story_wins_over_teaser_cards_and_an_about_box() -> None:
    body = extract_page(webflow_page(), URL).body
    for para in (T1, T2, T3, T4):
        assert para in body, body
    assert TEASER not in body and TEASER2 not in body and "บรรณาธิการแนะนำ" not in body
    assert "เกี่ยวกับเรา" not in body


def test_clause_breaks_count_in_scripts_with_and_without_commas() -> None:
    assert clause_marks(T1) == 2  # two spaces between Thai clauses
    lao = "ກອງທັບປະຊາຊົນລາວໄດ້ຈັດການຝຶກຊ້ອມ ເພື່ອກຽມພ້ອມຮັບມືກັບໄພພິບັດ ໃນແຂວງຫຼວງພະບາງ"
    assert clause_marks(lao) == 2
    assert clause_marks("ရေတပ် ၊ လေတပ်နှင့်၊ ကြည်းတပ်") == 2  # the Myanmar comma, spaced or not
    assert clause_marks("防衛省は、新型の護衛艦、補給艦を発表した。") == 2  # the ideographic comma
    assert clause_marks("The navy, the army and the air force.") == 1
    assert clause_marks("Zwei Wörter ohne Komma") == 0  # spaces between Latin words are no clause breaks
