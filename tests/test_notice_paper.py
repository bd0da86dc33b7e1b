"""Notices on paper: verifiable by whoever holds a faxed or photocopied copy, and pages that
close well.

- The QR code of an issued notice decodes with zbarimg from the page rendered at 100 dpi (a
  fax's resolution) to CHENGXIN_PUBLIC_BASE_URL/verify/<code>, and that page verifies the
  notice; someone who cannot scan types the printed address and the code, grouped in fours,
  which the page takes with or without dashes and spaces, in either case.
- No paragraph leaves its last line alone at the head of a page, nor its first line alone at
  the foot of one (except right under its heading, which goes with it), and the closing
  (contact line, issuer, date, seal) moves as one block.

pdftoppm (poppler-utils) and zbarimg (zbar-tools) are Debian packages that
`scripts/bootstrap.sh test` installs; a check whose tool is missing is skipped, saying so."""

import importlib.util
import io
import shutil
import subprocess
import sys
from itertools import pairwise
from pathlib import Path
from urllib.parse import urlsplit

import pdfplumber
import pytest
from PIL import Image

from notices import samples

from .notice_cases import issued, record_fixture  # noqa: F401
from .notice_geometry import body_chars, em_top, lines_of, mm, red_rects, text_of
from .test_notice_layout_issued import issued_pdf, issued_pdf_bytes

PUBLIC = "https://chengxin.example.gov.cn"
CHAR = 156 / 28  # mm: 28 characters fill the 156 mm 版心
LEFT = 28  # mm: the 版心's left edge
ROOT = Path(__file__).resolve().parent.parent


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} is not installed (scripts/bootstrap.sh test installs it)")
    return path


def page_image(pdf: bytes, page: int, tmp_path: Path, dpi: int = 100) -> Path:
    source = tmp_path / "notice.pdf"
    source.write_bytes(pdf)
    target = tmp_path / f"page-{page}-{dpi}"
    n = str(page)
    subprocess.run(
        [need("pdftoppm"), "-r", str(dpi), "-png", "-singlefile", "-f", n, "-l", n, str(source), str(target)],
        check=True,
    )
    return target.with_suffix(".png")


def scanned(image: Path) -> str:
    # zbarimg may complain on stderr about D-Bus: harmless; the decoded text is on stdout.
    result = subprocess.run([need("zbarimg"), "--raw", "-q", str(image)], capture_output=True, text=True)
    assert result.returncode == 0, f"no QR code found in {image.name}: {result.stderr}"
    return result.stdout.strip()


def qr_page(pdf: bytes) -> int:
    """The number of the one page that bears the QR code (segno draws it as strokes)."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        pages = [n for n, page in enumerate(document.pages, 1) if page.lines]
    assert len(pages) == 1, pages
    return pages[0]


# ── verifiable on paper ─────────────────────────────────────────────────────────────


@pytest.fixture
def notice(settings, officer, approver, record, fixed_today, issuer):
    """An issued 政务失信记录告知书 (three pages, 信函格式) of a site at its public address."""
    settings.CHENGXIN_PUBLIC_BASE_URL = PUBLIC
    return issued(officer=officer, approver=approver, record=record, type_code="N2")


@pytest.mark.django_db
def test_the_qr_code_read_at_100_dpi_leads_to_the_page_that_verifies_the_notice(notice, client, tmp_path):
    pdf = bytes(notice.pdf)
    url = scanned(page_image(pdf, qr_page(pdf), tmp_path))
    assert url == f"{PUBLIC}/verify/{notice.verify_code}"

    page = client.get(urlsplit(url).path)
    assert page.status_code == 200
    html = page.content.decode()
    assert notice.number in html and notice.title in html and "有效" in html
    assert page.context["notice"]["valid"] is True and page.context["notice"]["number"] == notice.number


@pytest.mark.parametrize("code", ["K7Q2M9XPAB", "EU99YNESDJ", "ZZ23HHQR8W"])
def test_the_qr_code_survives_a_fax(code, tmp_path):
    """A fax sends black and white only, at about 100 dpi, and the sheet goes in a little
    askew: the page skewed 1.5° and thresholded to one bit still scans (with 0.6 mm modules,
    two of these three codes do not). Fixed codes, so that the test gives one answer."""
    url = f"{PUBLIC}/verify/{code}"
    pdf = issued_pdf_bytes("N2", verify_code=code, verify_url=url)
    with Image.open(page_image(pdf, qr_page(pdf), tmp_path)) as page:
        skewed = page.convert("L").rotate(1.5, resample=Image.Resampling.BILINEAR, fillcolor=255)
        skewed.point(lambda v: 255 if v > 128 else 0).convert("1").save(tmp_path / "faxed.png")
    assert scanned(tmp_path / "faxed.png") == url


@pytest.mark.django_db
def test_whoever_cannot_scan_reads_the_address_and_code_and_types_them(notice, client):
    code = notice.verify_code
    grouped = f"{code[:4]}-{code[4:8]}-{code[8:]}"
    with pdfplumber.open(io.BytesIO(bytes(notice.pdf))) as pdf:
        last = pdf.pages[-1]
        text = last.extract_text().replace(" ", "")
        assert f"核验码：{grouped}" in text and "核验网址：chengxin.example.gov.cn/verify" in text
        printed = [c for c in last.chars if em_top(last, c) > 262 and c["text"].strip()]
    # every character of the code, the address and their explanation is at least 9 pt
    assert all(c["size"] >= 9 for c in printed)
    # the code itself, in a monospaced font of its own, is larger still
    code_chars = [c for c in printed if "Mono" in c["fontname"]]
    assert "".join(c["text"] for c in code_chars) == grouped and min(c["size"] for c in code_chars) >= 12

    # the address as printed (browsers add https://) leads to the form; the code as printed,
    # or as typed in lower case with spaces, to the notice
    assert client.get("/verify")["Location"] == "/verify/"
    assert client.get("/verify/").status_code == 200
    typed = grouped.lower().replace("-", " ")
    assert client.get("/verify/", {"code": typed})["Location"] == f"/verify/{code}"
    page = client.get(f"/verify/{grouped}")
    assert page.status_code == 200 and notice.number in page.content.decode()
    assert f"核验码 {grouped} 对应以下文书" in page.content.decode()


def test_a_one_page_letter_carries_its_qr_code_in_the_top_margin(tmp_path):
    """The 信函格式's first page has a red double line across its foot: a letter of one page
    shows the code above the mark instead, clear of it, and it still scans at 100 dpi."""
    data = {**samples.sample_data("N4"), "contact": "", "cc": [], "publicity": ""}
    pdf = issued_pdf_bytes("N4", data)
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        assert len(document.pages) == 1
        page = document.pages[0]
        modules = page.lines
        mark_top = min(em_top(page, c) for c in page.chars if c["size"] > 20)
        assert (
            4.5 < min(mm(r["top"]) for r in modules) and max(mm(r["bottom"]) for r in modules) + 3 < mark_top
        )
        assert "核验码：K7Q2-M9XP" in page.extract_text().replace(" ", "")
        assert max(top for _l, top, _w, _h in red_rects(page)) > 270  # the double line is there
    assert scanned(page_image(pdf, 1, tmp_path)) == "http://127.0.0.1:8000/verify/K7Q2M9XP"


def test_a_longer_letter_shows_the_qr_code_only_on_its_last_page():
    with issued_pdf("N3") as pdf:
        assert len(pdf.pages) > 1
        assert [bool(page.lines) for page in pdf.pages] == [False] * (len(pdf.pages) - 1) + [True]
        assert all("核验码" not in page.extract_text() for page in pdf.pages[:-1])


# ── pages that close well ──────────────────────────────────────────────────────────────


def _lines(page) -> list[tuple[float, str]]:
    """(indent in mm from the 版心's left edge, text) of the page's 3号 body lines."""
    return [(mm(line[0]["x0"]) - LEFT, text_of(line)) for line in lines_of(body_chars(page), page)]


def _flush(line) -> bool:
    """A paragraph's second and later lines start on the 版心's edge; its first line (and a
    heading, a one-line paragraph) two characters in."""
    return abs(line[0]) < 0.6


def _first_line(line) -> bool:
    return abs(line[0] - 2 * CHAR) < 0.6


def _heading(line) -> bool:
    return _first_line(line) and not line[1].endswith(("。", "：", "；"))


def page_breaks(pages: list[list[tuple[float, str]]]) -> list[str]:
    """What is wrong with the page breaks of a notice whose pages hold `pages` (`_lines`), in
    words; [] when nothing is.

    - widow: a page (after the first) that starts with exactly one line of a paragraph begun
      on the page before: one line on the edge, then a line that starts a new paragraph or
      the closing;
    - orphan: a page that ends with the first line of a paragraph that goes on over the page,
      unless a heading stands right above it (heading and line close the page together);
    - the closing: the contact paragraph, the issuer's name and the date not all on the last
      page.
    """
    faults = []
    for n, (before, page) in enumerate(pairwise(pages), 2):
        carried = 0
        while carried < len(page) and _flush(page[carried]):
            carried += 1
        if carried == 1:
            faults.append(f"widow on page {n}: {page[0][1]}")
        if carried and before and _first_line(before[-1]):
            if not (len(before) > 1 and _heading(before[-2])):
                faults.append(f"orphan at the foot of page {n - 1}: {before[-1][1]}")
    where: dict[str, set[int]] = {}
    in_contact = False
    for n, page in enumerate(pages, 1):
        for line in page:
            in_contact = line[1].startswith("联系人：") or (in_contact and _flush(line))
            for part, found in (
                ("contact", in_contact),
                ("issuer", line[1] == "东莞市监察委员会"),
                ("date", line[1] == "2026年1月5日"),
            ):
                if found:
                    where.setdefault(part, set()).add(n)
    if set(where) != {"contact", "issuer", "date"} or set().union(*where.values()) != {len(pages)}:
        faults.append(f"closing spread over pages {where}")
    return faults


def _more(text: str, times: int) -> str:
    return text.rstrip("。") + "，" + "经复核查明属实" * times + "。"


REPORTED_CONTACT = "王五（东莞市监察委员会案件审理室），电话：0769-22000000"


def n3_as_reported(extra: int) -> dict:
    """The 信用修复告知书 of the report: a contact line that breaks after 电话：, and a body of
    the length that once carried its last line alone onto the signature page."""
    data = samples.sample_data("N3")
    data["contact"] = REPORTED_CONTACT
    data["repair_conditions"] = data["repair_conditions"] + ["已按要求完成整改并提交整改报告"] * (3 + extra)
    return data


def n8_with_items(count: int) -> dict:
    return {**samples.sample_data("N8"), "items": samples._items(count)}


def lengthened(code: str, key: str, times: int) -> dict:
    data = samples.sample_data(code)
    data[key] = _more(data[key], times)
    return data


CASES = {
    **{f"N1 facts+{t}": ("N1", lengthened("N1", "facts", t)) for t in (0, 2, 4, 6)},
    **{f"N2 facts+{t}": ("N2", lengthened("N2", "facts", t)) for t in (0, 3, 5, 8)},
    **{f"N3 as reported+{e}": ("N3", n3_as_reported(e)) for e in (0, 1, 2, 3, 4, 5)},
    "N3 sample": ("N3", samples.sample_data("N3")),
    **{f"N8 {n} items": ("N8", n8_with_items(n)) for n in (6, 8, 10, 12, 14)},
}


@pytest.mark.parametrize("case", list(CASES))
def test_no_line_stands_alone_and_the_closing_stays_together(case):
    code, data = CASES[case]
    with issued_pdf(code, data) as pdf:
        assert page_breaks([_lines(page) for page in pdf.pages]) == []


def test_the_reported_contact_line_stays_whole_with_the_signature():
    """The report: "联系人：…电话：" on page 2, "0769-22000000。" alone with the signature on
    page 3. Now the contact paragraph is whole, on the signed page, above the signature."""
    with issued_pdf("N3", n3_as_reported(0)) as pdf:
        *_earlier, last = pdf.pages
        lines = [text for _indent, text in _lines(last)]
    contact = lines.index("联系人：王五（东莞市监察委员会案件审理室），电话：")
    assert lines[contact + 1 : contact + 4] == ["0769-22000000。", "东莞市监察委员会", "2026年1月5日"]


def test_the_checks_catch_the_faults_they_describe():
    """page_breaks() on hand-made pages: the test above can fail."""
    first, flush = 2 * CHAR, 0.0
    closing = [(first, "联系人：王五。"), (100.0, "东莞市监察委员会"), (100.0, "2026年1月5日")]
    widow = [[(first, "正文第一行"), (flush, "第二行")], [(flush, "第三行。"), *closing]]
    assert page_breaks(widow) == ["widow on page 2: 第三行。"]
    orphan = [[(first, "正文")], [(flush, "续一"), (flush, "续二。"), *closing]]
    assert page_breaks(orphan) == ["orphan at the foot of page 1: 正文"]
    under_heading = [[(first, "一、标题"), (first, "正文")], [(flush, "续一"), (flush, "续二。"), *closing]]
    assert page_breaks(under_heading) == []
    split = [[(first, "正文。"), closing[0], (flush, "电话。")], closing[1:]]
    assert page_breaks(split)[0].startswith("closing spread")


# ── make run prints the address it serves on ────────────────────────────────────────────


def _run_dev():
    spec = importlib.util.spec_from_file_location("run_dev", ROOT / "scripts" / "run_dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SHOW = [sys.executable, "-c", "import os, time; print(os.environ['CHENGXIN_PUBLIC_BASE_URL']); time.sleep(3)"]


def test_make_run_gives_the_web_server_and_the_worker_its_own_address(monkeypatch, capfd):
    run_dev = _run_dev()
    monkeypatch.delenv("CHENGXIN_PUBLIC_BASE_URL", raising=False)
    monkeypatch.setattr(run_dev, "commands", lambda addr: {"web": SHOW, "worker": SHOW})
    supervisor = run_dev.Supervisor("192.0.2.7:8123")
    supervisor.start()
    supervisor.wait()
    out = capfd.readouterr().out
    assert "web    | http://192.0.2.7:8123\n" in out and "worker | http://192.0.2.7:8123\n" in out
    assert run_dev.public_base_url("8001") == "http://127.0.0.1:8001"


def test_make_run_keeps_an_address_the_environment_gives(monkeypatch, capfd):
    run_dev = _run_dev()
    monkeypatch.setenv("CHENGXIN_PUBLIC_BASE_URL", PUBLIC)
    monkeypatch.setattr(run_dev, "commands", lambda addr: {"worker": SHOW})
    supervisor = run_dev.Supervisor("127.0.0.1:8000")
    supervisor.start()
    supervisor.wait()
    assert f"worker | {PUBLIC}\n" in capfd.readouterr().out
