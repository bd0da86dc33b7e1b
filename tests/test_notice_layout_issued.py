"""An issued notice's closing: seal over the issuer's name and date, verification code and QR
in the 版记 area, and a 版记 that never ends up alone on a page (GB/T 9704-2012 §7.3.5, §7.4)."""

import datetime as dt
import io

import pdfplumber
import pytest
from PIL import Image, ImageDraw

from notices import render, samples, types

from .notice_geometry import body_chars, em_top, lines_of, mm, text_of

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
    data = data or samples.sample_data(code)
    html = types.render_html(
        code,
        data,
        number=samples.sample_number(code),
        issued_on=dt.date(2026, 1, 5),
        draft=False,
        seal_data_uri=seal_uri(),
        verify_url=VERIFY_URL,
        verify_code="K7Q2M9XP",
        qr_data_uri=render.qr_data_uri(VERIFY_URL),
    )
    moment = dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)
    pdf = render.html_to_pdf(
        html, title="t", author="a", moment=moment, attachment_name="n.json", attachment_data=data
    )
    return pdfplumber.open(io.BytesIO(pdf))


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


def test_the_verification_code_and_qr_sit_under_the_last_page_number(issued):
    """They take nothing from the 版心: bottom margin of the last page only, below the page
    number and clear of the 信函格式's second double line (which ends at 277 mm)."""
    *earlier, last = issued.pages
    assert all("K7Q2M9XP" not in page.extract_text() and not page.lines for page in earlier)
    text = last.extract_text().replace(" ", "")
    assert "验证码：K7Q2M9XP" in text and VERIFY_URL in text
    code = next(c for c in last.chars if c["text"] == "K")
    assert em_top(last, code) > 277
    # segno's SVG draws the modules as short strokes, row by row
    modules = last.lines
    assert len(modules) > 50
    assert min(mm(r["top"]) for r in modules) > 277
    assert max(mm(r["bottom"]) for r in modules) < 297 - 3
    assert mm(max(r["x1"] for r in modules)) < mm(code["x0"])  # the code reads beside the QR


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
