"""An issued notice's PDF is a sound PDF/A-3b file that carries its own data and its
verification QR code (issue #4 items 5–6), checked with the tools of LIBRARIES §8 part 2:
qpdf, pikepdf.pdfa, the JSON attachment, pdftoppm + zbarimg.

qpdf, pdftoppm (poppler-utils) and zbarimg (zbar-tools) are Debian packages that
`scripts/bootstrap.sh test` installs; a check whose tool is missing is skipped, saying so."""

import json
import shutil
import subprocess

import pikepdf
import pikepdf.pdfa
import pytest
from pypdf import PdfReader

from notices import render

from .notice_cases import issued, record_fixture  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today", "issuer")]


def need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{tool} is not installed (scripts/bootstrap.sh test installs it)")
    return path


@pytest.fixture
def notice(officer, approver, record):
    """An issued 政务失信记录告知书: letter format, seal (a raster PNG), QR code, 3 pages."""
    return issued(officer=officer, approver=approver, record=record, type_code="N2")


@pytest.fixture
def pdf_path(tmp_path, notice):
    path = tmp_path / f"{notice.verify_code}.pdf"
    path.write_bytes(bytes(notice.pdf))
    return path


def test_qpdf_finds_no_syntax_or_stream_error(pdf_path):
    result = subprocess.run([need("qpdf"), "--check", str(pdf_path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors found" in result.stdout


def strip_empty_pattern_and_shading(pdf: pikepdf.Pdf) -> int:
    """WeasyPrint writes empty /Pattern and /Shading resource dicts, which pikepdf.pdfa does
    not check at all (verdict `not_checked`); empty, they name nothing and can go."""
    removed = 0
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary):
            continue
        for key in ("/Pattern", "/Shading"):
            value = obj.get(key)
            if isinstance(value, pikepdf.Dictionary) and not value.keys():
                del obj[key]
                removed += 1
    return removed


def test_pikepdf_finds_it_pdfa_3b_once_the_empty_pattern_and_shading_dicts_are_gone(pdf_path):
    with pikepdf.open(pdf_path) as pdf:
        raw = pikepdf.pdfa.check(pdf, "3b")
        assert raw.verdict == "not_checked"
        assert {f.rule for f in raw.findings} == {"pikepdf:schema-Resources"}
        assert strip_empty_pattern_and_shading(pdf) > 0
        report = pikepdf.pdfa.check(pdf, "3b")
        # A raster seal with /Interpolate true would fail ISO_19005_3:6.2.8-3 here (notice.css).
        assert report.verdict == "pass", [f"{f.rule}: {f.message}" for f in report.findings]
        metadata = pdf.open_metadata()
        assert (metadata.get("pdfaid:part"), metadata.get("pdfaid:conformance")) == ("3", "B")
        assert str(pdf.Root.Lang) == "zh-CN"


def test_the_embedded_json_is_the_stored_data(pdf_path, notice):
    with pikepdf.open(pdf_path) as pdf:
        assert list(pdf.attachments) == [f"notice-{notice.verify_code}.json"]
        embedded = pdf.attachments[f"notice-{notice.verify_code}.json"].get_file()
        assert embedded.mime_type == "application/json"
        payload = json.loads(embedded.read_bytes())
    assert payload["data"] == notice.data
    assert (payload["type"], payload["number"], payload["verify_code"], payload["issued_on"]) == (
        "N2",
        notice.number,
        notice.verify_code,
        notice.issued_on.isoformat(),
    )


def test_the_qr_code_on_the_last_page_decodes_to_the_verification_url(pdf_path, notice, tmp_path):
    pdftoppm, zbarimg = need("pdftoppm"), need("zbarimg")
    last = str(len(PdfReader(pdf_path).pages))
    subprocess.run(
        [pdftoppm, "-r", "150", "-png", "-f", last, "-l", last, str(pdf_path), str(tmp_path / "page")],
        check=True,
    )
    [image] = tmp_path.glob("page-*.png")
    # zbarimg may complain on stderr about D-Bus: harmless; the decoded text is on stdout.
    result = subprocess.run([zbarimg, "--raw", "-q", str(image)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    url = render.verify_url(notice.verify_code)
    assert result.stdout.strip() == url and url.endswith(f"/verify/{notice.verify_code}")
