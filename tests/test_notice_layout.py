"""Must-show 1: every sample PDF from `manage.py notice_samples`, parsed back, is laid out after
GB/T 9704-2012 (DOMAIN §8.1, scenario 26)."""

import io
import re
from itertools import pairwise
from pathlib import Path

import pdfplumber
import pytest
from django.core.management import call_command
from pypdf import PdfReader

from notices import types

from .notice_geometry import (
    BODY_PT,
    NUMBER_RE,
    black_rules,
    body_chars,
    em_top,
    lines_of,
    mark_chars,
    mm,
    page_number,
    red_rects,
    sized,
    text_of,
)

CODES = [t.code for t in types.all_types()]
LINE = 225 / 22  # mm: 22 lines fill the 225 mm 版心
CHAR = 156 / 28  # mm: 28 characters fill the 156 mm 版心


@pytest.fixture(scope="module")
def sample_files(tmp_path_factory):
    out = tmp_path_factory.mktemp("samples")
    printed = io.StringIO()
    call_command("notice_samples", str(out), stdout=printed)
    return [Path(line) for line in printed.getvalue().splitlines()]


@pytest.fixture(scope="module")
def pdfs(sample_files):
    opened = {path.name.split("-")[0]: pdfplumber.open(path) for path in sample_files}
    yield opened
    for pdf in opened.values():
        pdf.close()


def test_the_command_writes_and_prints_one_draft_per_type(sample_files):
    assert [p.name for p in sample_files] == [f"{t.code}-{t.title}.pdf" for t in types.all_types()]
    assert all(p.is_file() and p.read_bytes().startswith(b"%PDF-") for p in sample_files)


@pytest.mark.parametrize("code", CODES)
def test_pages_are_a4(pdfs, code):
    for page in pdfs[code].pages:
        assert mm(page.width) == pytest.approx(210, abs=0.5)
        assert mm(page.height) == pytest.approx(297, abs=0.5)


@pytest.mark.parametrize("code", CODES)
def test_the_text_block_starts_28_mm_from_the_left_and_is_156_mm_wide(pdfs, code):
    for page in pdfs[code].pages:
        chars = body_chars(page)
        assert mm(min(c["x0"] for c in chars)) == pytest.approx(28, abs=1)
        assert mm(max(c["x1"] for c in chars)) <= 28 + 156 + 0.5


@pytest.mark.parametrize("code", CODES)
def test_the_text_block_starts_37_mm_from_the_top(pdfs, code):
    """The 版心 top edge is 37 mm below the page top. On a page the text fills from the top
    (every page after the first) the first line's character frames start on it. On the
    first page the standard fixes the red head instead: in the 文件 format the mark's top
    edge is 35 mm below the 版心 top (so at 72 mm); in the 信函格式 the mark's top edge is
    30 mm below the page top and the head stands partly above the 版心."""
    notice_type = types.get(code)
    pages = pdfs[code].pages
    mark_top = min(em_top(pages[0], c) for c in mark_chars(pages[0]))
    if notice_type.letter_format:
        assert mark_top == pytest.approx(30, abs=1)
    else:
        assert mark_top - 35 == pytest.approx(37, abs=1)
    assert len(pages) > 1, "every sample has a continuation page to measure"
    for page in pages[1:]:
        assert min(em_top(page, c) for c in body_chars(page)) == pytest.approx(37, abs=1)


@pytest.mark.parametrize("code", CODES)
def test_the_document_number_is_well_formed_and_placed(pdfs, code):
    page = pdfs[code].pages[0]
    rows = [row for row in lines_of(sized(page, BODY_PT), page) if "〔" in text_of(row)]
    number = rows[0]
    assert NUMBER_RE.fullmatch(text_of(number)), text_of(number)
    left, right = mm(number[0]["x0"]), mm(number[-1]["x1"])
    if types.get(code).letter_format:
        assert right == pytest.approx(184, abs=0.5)  # flush with the 版心's right edge
    else:
        assert (left + right) / 2 == pytest.approx(106, abs=1)  # centred on the 版心


@pytest.mark.parametrize("code", CODES)
def test_the_chinese_text_extracts(pdfs, code, sample_files):
    notice_type = types.get(code)
    first = pdfs[code].pages[0].extract_text().replace(" ", "")
    assert "东莞市监察委员会" in first
    assert notice_type.title in first
    path = next(p for p in sample_files if p.name.startswith(f"{code}-"))
    whole = "".join(page.extract_text() for page in PdfReader(path).pages).replace(" ", "")
    assert "联系人：王五" in whole and "（公开方式：依申请公开）" in whole


@pytest.mark.parametrize("code", CODES)
def test_a_cjk_font_is_embedded(sample_files, code):
    path = next(p for p in sample_files if p.name.startswith(f"{code}-"))
    embedded = set()
    for page in PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", []):
                descriptor = descendant.get_object()["/FontDescriptor"]
                if any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                    embedded.add(str(font["/BaseFont"]))
    assert any("Noto-Serif-CJK-SC" in name for name in embedded), embedded


@pytest.mark.parametrize("code", CODES)
def test_title_and_body_fonts_come_from_their_stacks(pdfs, code):
    """Without the licensed 小标宋/仿宋/黑体 fonts installed, the stacks fall back to Noto CJK
    SC: serif bold for the title, serif regular for the body, sans for 一、 headings."""
    page = pdfs[code].pages[0]
    title = sized(page, 22)
    assert title and all(c["fontname"].endswith("Noto-Serif-CJK-SC-Bold") for c in title)
    for line in lines_of(body_chars(page), page):
        heading = re.match("[一二三四五六七八九十]+、", text_of(line))
        font = "Noto-Sans-CJK-SC" if heading else "Noto-Serif-CJK-SC"
        assert all(c["fontname"].endswith(font) for c in line), text_of(line)


@pytest.mark.parametrize("code", CODES)
def test_page_numbers_sit_right_on_odd_and_left_on_even_pages(pdfs, code):
    """`— n —` in 4号, its top 7 mm below the 版心 (262 + 7 mm), one character (14 pt) in
    from the 版心's right edge on odd pages and from its left edge on even pages. The
    信函格式 leaves page one unnumbered."""
    for n, page in enumerate(pdfs[code].pages, start=1):
        found = page_number(page)
        if n == 1 and types.get(code).letter_format:
            assert found is None
            continue
        number, left, right, top = found
        assert number == n
        assert top == pytest.approx(262 + 7, abs=1)
        if n % 2:
            assert right == pytest.approx(184 - mm(14), abs=1)
        else:
            assert left == pytest.approx(28 + mm(14), abs=1)


def test_a_long_notice_exercises_both_page_number_sides(pdfs):
    numbered = [page_number(p) for p in pdfs["N8"].pages]
    assert len(numbered) >= 3
    assert {n % 2 for n, *_ in numbered} == {0, 1}


def test_a_full_page_holds_22_lines_of_28_characters(pdfs):
    page = pdfs["N8"].pages[1]
    lines = lines_of(body_chars(page), page)
    assert len(lines) == 22
    tops = [em_top(page, line[0]) for line in lines]
    assert [b - a for a, b in pairwise(tops)] == pytest.approx([LINE] * 21, abs=0.05)
    widest = max(len(line) for line in lines if all(ord(c["text"]) > 0x2E80 for c in line))
    assert widest == 28
    pitch = [mm(b["x0"] - a["x0"]) for line in lines for a, b in pairwise(line)]
    assert max(pitch) < CHAR + 0.2


@pytest.mark.parametrize("code", [t.code for t in types.all_types() if not t.letter_format])
def test_the_red_head_has_its_line_4_mm_under_the_number(pdfs, code):
    page = pdfs[code].pages[0]
    number = next(row for row in lines_of(sized(page, BODY_PT), page) if "〔" in text_of(row))
    number_bottom = em_top(page, number[0]) + mm(BODY_PT)
    (left, top, width, _height), *others = red_rects(page)
    assert not others
    assert (left, width) == pytest.approx((28, 156), abs=0.3)
    assert top - number_bottom == pytest.approx(4, abs=0.5)


@pytest.mark.parametrize("code", [t.code for t in types.all_types() if not t.letter_format])
def test_the_text_under_the_red_head_sits_on_the_22_line_grid(pdfs, code):
    """The head (35 mm, mark, number, red line) is no whole number of lines; the text under
    the title still takes the lines of the grid the next pages fill, the 22nd the last."""
    page = pdfs[code].pages[0]
    title_top = min(em_top(page, c) for c in sized(page, 22))
    body = [line for line in lines_of(body_chars(page), page) if em_top(page, line[0]) > title_top]
    slots = [(em_top(page, line[0]) - 37) / LINE for line in body]
    assert slots == pytest.approx([round(slot) for slot in slots], abs=0.02)
    assert round(slots[-1]) <= 21


@pytest.mark.parametrize("code", [t.code for t in types.all_types() if t.letter_format])
def test_letters_have_red_double_lines_under_the_mark_and_20_mm_from_the_bottom(pdfs, code):
    page = pdfs[code].pages[0]
    mark_bottom = max(em_top(page, c) for c in mark_chars(page)) + mm(mark_chars(page)[0]["size"])
    rects = red_rects(page)
    assert all(
        width == pytest.approx(170, abs=0.3) and left == pytest.approx(21, abs=0.3)
        for left, _t, width, _h in rects
    )
    top_lines = sorted(r for r in rects if r[1] < 100)
    assert top_lines[0][1] - mark_bottom == pytest.approx(4, abs=0.5)
    assert top_lines[0][3] > top_lines[1][3]  # thick over thin
    bottom_lines = sorted(r for r in rects if r[1] > 200)
    assert bottom_lines[0][3] < bottom_lines[1][3]  # thin over thick
    assert max(top + height for _l, top, _w, height in rects) == pytest.approx(297 - 20, abs=0.3)
    assert all(not red_rects(p) for p in pdfs[code].pages[1:])


@pytest.mark.parametrize("code", CODES)
def test_the_colophon_closes_the_last_page(pdfs, code):
    """版记 at the foot of the last page: in the 文件 format 抄送 and 印发 between a thick, a
    thin and a thick rule as wide as the 版心, the last one on the 版心's bottom edge; the
    信函格式 keeps only 抄送."""
    *earlier, last = pdfs[code].pages
    text = last.extract_text().replace(" ", "")
    assert "抄送：东莞市发展和改革局，东莞市人力资源和社会保障局。" in text
    assert all("抄送" not in p.extract_text() for p in earlier)
    rules = black_rules(last)
    if types.get(code).letter_format:
        assert rules == []
        return
    assert "东莞市监察委员会办公室" in text and "2026年1月5日印发" in text
    assert [round(h, 2) for _l, _t, _w, h in rules] == [0.35, 0.25, 0.35]
    assert all(w == pytest.approx(156, abs=0.3) for _l, _t, w, _h in rules)
    assert rules[-1][1] + rules[-1][3] == pytest.approx(262, abs=0.5)


@pytest.mark.parametrize("code", CODES)
def test_the_last_page_is_never_only_the_signature(pdfs, code):
    last = pdfs[code].pages[-1]
    lines = [text_of(line) for line in lines_of(body_chars(last), last)]
    closing = {"东莞市监察委员会", "2026年1月5日", "（公开方式：依申请公开）"}
    assert set(lines[-3:]) == closing
    assert len(lines) > 3


@pytest.mark.parametrize("code", CODES)
def test_drafts_carry_the_watermark_on_every_page_and_no_seal(pdfs, code):
    for page in pdfs[code].pages:
        assert {c["text"] for c in page.chars if c["size"] > 60} == {"样", "稿"}
        assert page.images == []
