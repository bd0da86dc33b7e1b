"""An issued notice's closing: seal over the issuer's name and date, verification code and QR
in the 版记 area, and a 版记 that never ends up alone on a page (GB/T 9704-2012 §7.3.5, §7.4)."""

import datetime as dt
import io

import pdfplumber
import pytest
from PIL import Image, ImageDraw

from notices import render, samples, types

from .notice_geometry import body_chars, em_top, lines_of, mm, page_number, text_of

LINE = 225 / 22
CHAR = 156 / 28
VERIFY_URL = "http://127.0.0.1:8000/verify/K7Q2M9XP"


def seal_uri() -> str:
    image = Image.new("RGBA", (420, 420), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((10, 10, 410, 410), outline=(230, 0, 18, 255), width=14)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return render.seal_data_uri(buffer.getvalue())


def issued_pdf(code: str, data: dict | None = None) -> pdfplumber.PDF:
    return pdfplumber.open(io.BytesIO(issued_pdf_bytes(code, data)))


def issued_pdf_bytes(
    code: str, data: dict | None = None, *, verify_code: str = "K7Q2M9XP", verify_url: str = VERIFY_URL
) -> bytes:
    """The sample notice `code` (or `data`) as issued: number, date, seal, code and QR."""
    data = data or samples.sample_data(code)
    html = types.render_html(
        code,
        data,
        number=samples.sample_number(code),
        issued_on=dt.date(2026, 1, 5),
        draft=False,
        seal_data_uri=seal_uri(),
        verify_url=verify_url,
        verify_code=verify_code,
        qr_data_uri=render.qr_data_uri(verify_url),
    )
    moment = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)
    return render.html_to_pdf(
        html, title="t", author="a", moment=moment, attachment_name="n.json", attachment_data=data
    )


@pytest.fixture(scope="module", params=["N14", "N2"])
def issued(request):
    pdf = issued_pdf(request.param)
    yield pdf
    pdf.close()


def _closing(page):
    lines = lines_of(body_chars(page), page)
    texts = [text_of(line) for line in lines]
    at = texts.index("东莞市监察委员会")
    return lines[at - 1], lines[at], lines[at + 1]


def test_an_issued_notice_has_no_watermark(issued):
    assert all(not [c for c in page.chars if c["size"] > 60] for page in issued.pages)


def test_the_date_is_right_indented_four_characters_with_the_name_centred_on_it(issued):
    page = issued.pages[-1]
    _body, name, date = _closing(page)
    assert text_of(date) == "2026年1月5日"
    assert mm(date[-1]["x1"]) == pytest.approx(184 - 4 * CHAR, abs=1)
    centre = (mm(date[0]["x0"]) + mm(date[-1]["x1"])) / 2
    assert (mm(name[0]["x0"]) + mm(name[-1]["x1"])) / 2 == pytest.approx(centre, abs=0.5)


def test_the_seal_presses_on_name_and_date_just_below_the_body(issued):
    """Red seal centred on the date, name and date below its centre, its top within one line
    of the text above it."""
    page = issued.pages[-1]
    body, name, date = _closing(page)
    (seal,) = page.images
    left, right, top, bottom = mm(seal["x0"]), mm(seal["x1"]), mm(seal["top"]), mm(seal["bottom"])
    assert right - left == pytest.approx(42, abs=0.5)
    date_centre = (mm(date[0]["x0"]) + mm(date[-1]["x1"])) / 2
    assert (left + right) / 2 == pytest.approx(date_centre, abs=0.5)
    body_bottom = em_top(page, body[0]) + mm(16)
    assert 0 <= top - body_bottom <= LINE
    name_top, date_bottom = em_top(page, name[0]), em_top(page, date[0]) + mm(16)
    assert top < name_top and date_bottom < bottom
    assert (name_top + date_bottom) / 2 > (top + bottom) / 2


def test_the_verification_code_and_qr_sit_in_the_bottom_margin_of_the_last_page(issued):
    """They take nothing from the 版心: bottom margin of the last page only, from just under
    the 版心 (262 mm) down to a printer's reach, beside the page number and clear of it."""
    *earlier, last = issued.pages
    assert all("K7Q2" not in page.extract_text() and not page.lines for page in earlier)
    text = last.extract_text().replace(" ", "")
    assert "核验码：K7Q2-M9XP" in text and "核验网址：http://127.0.0.1:8000/verify" in text
    code = next(c for c in last.chars if c["text"] == "K" and c["size"] > 10)
    # segno's SVG draws the modules as short strokes, row by row
    modules = last.lines
    assert len(modules) > 50
    top, bottom = min(mm(r["top"]) for r in modules), max(mm(r["bottom"]) for r in modules)
    left, right = mm(min(r["x0"] for r in modules)), mm(max(r["x1"] for r in modules))
    # the modules start a 4-module quiet zone (3 mm) below the 版心 and end well above the edge
    assert 262 + 2.5 < top and bottom < 297 - 8
    assert right < mm(code["x0"])  # the code reads beside the QR
    number = page_number(last)
    assert number is not None
    _n, number_left, number_right, _top = number
    assert number_right < left - 3 or right + 3 < number_left


@pytest.mark.parametrize("extra", range(0, 8))
def test_the_colophon_never_stands_alone_on_a_page(extra):
    """Whatever the length of the text, the 版记 shares its page with the signature and at
    least one line of the body (the block with the 版记's anchor moves, not the 版记)."""
    data = samples.sample_data("N21")
    data["revoking_document"] += "，" + "并经本机关复核确认" * (extra * 3)
    with issued_pdf("N21", data) as pdf:
        last = pdf.pages[-1]
        text = last.extract_text().replace(" ", "")
        assert "抄送：" in text and "东莞市监察委员会" in text and "2026年1月5日" in text
        lines = [text_of(line) for line in lines_of(body_chars(last), last)]
        assert lines.index("东莞市监察委员会") >= 1
        assert all("抄送" not in p.extract_text() for p in pdf.pages[:-1])
