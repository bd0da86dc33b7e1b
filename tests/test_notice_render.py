"""Rendering: the locked-down URL fetcher (must-show 2), PDF/A-3b with the JSON data attached,
metadata, the verification code and QR, drafts without seal, fonts per thread."""

import io
import json
import re
import socket
import threading
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import IndirectObject, StreamObject
from weasyprint.urls import FatalURLFetchingError

from notices import render
from notices.models import Notice

from .notice_cases import draft, issued, record_fixture  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today", "issuer")]

HOSTILE = [
    '<img src="file:///etc/passwd">',
    '<link rel="attachment" href="file:///etc/hostname">',
    "http://127.0.0.1:9/x",
]


def pdf_text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def squeeze(text: str) -> str:
    """Line breaks fall where the layout puts them: compare text without white space."""
    return "".join(text.split())


def pdf_objects(pdf: bytes) -> list:
    """Every object of the file, wherever it hides (object streams included)."""
    reader = PdfReader(io.BytesIO(pdf))
    ids = {(num, gen) for gen, objects in reader.xref.items() for num in objects}
    ids |= {(num, 0) for num in reader.xref_objStm}
    return [reader.get_object(IndirectObject(num, gen, reader)) for num, gen in sorted(ids)]


def embedded_files(pdf: bytes) -> list:
    return [o for o in pdf_objects(pdf) if hasattr(o, "get") and o.get("/Type") == "/EmbeddedFile"]


def decoded_streams(pdf: bytes) -> bytes:
    """All stream contents, decompressed: where a fetched file would have ended up."""
    return b"".join(o.get_data() for o in pdf_objects(pdf) if isinstance(o, StreamObject))


@pytest.fixture
def spies(monkeypatch):
    """Record every URL the fetcher is asked for and every outbound connection attempt."""
    fetched, connections = [], []
    real_fetch = render.SafeURLFetcher.fetch

    def fetch(self, url, headers=None):
        fetched.append(url)
        return real_fetch(self, url, headers)

    def connect(address, *args, **kwargs):
        connections.append(address)
        raise OSError("no network in this test")

    monkeypatch.setattr(render.SafeURLFetcher, "fetch", fetch)
    monkeypatch.setattr(socket, "create_connection", connect)
    return fetched, connections


def test_hostile_text_is_printed_not_fetched(officer, approver, record, spies, tmp_path):
    """Must-show 2: markup and URLs in user text read no file, open no connection, and
    appear in the PDF as the literal text the user typed."""
    fetched, connections = spies
    # A file of our own too, whose content could not turn up in a PDF by chance.
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-7f3a9c-DO-NOT-EMBED")
    hostile = [*HOSTILE, f'<link rel="attachment" href="file://{secret}">', f'<img src="file://{secret}">']
    notice = issued(
        officer=officer, approver=approver, record=record, type_code="N8", facts="；".join(hostile)
    )
    pdf = bytes(notice.pdf)

    assert connections == []
    assert all(url.startswith(("data:", "asset:")) for url in fetched), fetched
    streams = decoded_streams(pdf)
    assert b"SECRET-7f3a9c" not in streams
    assert Path("/etc/passwd").read_bytes()[:30] not in streams
    assert f"\n{Path('/etc/hostname').read_text().strip()}\n".encode() not in streams
    (attached,) = embedded_files(pdf)  # the notice's JSON and nothing else
    assert json.loads(attached.get_data())["data"] == notice.data
    assert list(PdfReader(io.BytesIO(pdf)).attachments) == [f"notice-{notice.verify_code}.json"]
    text = re.sub(r"—\d+—", "", squeeze(pdf_text(pdf)))  # a page break may fall inside
    for literal in hostile:
        assert squeeze(literal) in text


def test_the_fetcher_serves_data_and_assets_only(tmp_path, monkeypatch):
    asset_dir = tmp_path / "assets"
    asset_dir.mkdir()
    (asset_dir / "notice.css").write_text("body { color: black }")
    (tmp_path / "secret.txt").write_text("secret")
    monkeypatch.setattr(render, "ASSET_DIR", asset_dir)
    fetcher = render.SafeURLFetcher()

    assert fetcher.fetch("asset:/notice.css").read() == b"body { color: black }"
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"
    with pytest.raises(FatalURLFetchingError):
        fetcher.fetch("asset:/../secret.txt")
    for url in ("file:///etc/passwd", "http://127.0.0.1:9/x", "https://example.org/", "ftp://x/y"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_an_issued_pdf_is_pdf_a_3b_with_its_data_attached_and_its_metadata_set(officer, approver, record):
    notice = issued(officer=officer, approver=approver, record=record, type_code="N3")
    pdf = bytes(notice.pdf)
    reader = PdfReader(io.BytesIO(pdf))

    xmp = reader.trailer["/Root"]["/Metadata"].get_data()
    assert b'pdfaid:part="3"' in xmp or b"<pdfaid:part>3</pdfaid:part>" in xmp
    assert b'pdfaid:conformance="B"' in xmp or b"<pdfaid:conformance>B</pdfaid:conformance>" in xmp
    assert reader.metadata.title == f"信用修复告知书 {notice.number}"
    assert reader.metadata.author == "东莞市监察委员会"
    assert reader.trailer["/Root"]["/Lang"] == "zh-CN"
    page = reader.pages[0].mediabox
    assert (round(float(page.width) * 25.4 / 72), round(float(page.height) * 25.4 / 72)) == (210, 297)
    fonts = {str(f["/BaseFont"]) for p in reader.pages for f in p["/Resources"]["/Font"].values()}
    assert any("CJK" in font for font in fonts)

    attached = json.loads(reader.attachments[f"notice-{notice.verify_code}.json"][0])
    assert attached["number"] == notice.number and attached["verify_code"] == notice.verify_code
    assert attached["data"] == notice.data
    text = squeeze(pdf_text(pdf))
    # the code printed in groups of four beside the address to type it at (the QR code holds
    # the whole verification URL: test_notice_paper)
    code = notice.verify_code
    assert f"核验码：{code[:4]}-{code[4:8]}-{code[8:]}核验网址：http://127.0.0.1:8000/verify" in text


def test_an_issued_notice_renders_to_the_same_bytes_every_time(officer, approver, record):
    notice = issued(officer=officer, approver=approver, record=record, type_code="N3")
    again = render.notice_pdf(Notice.objects.get(pk=notice.pk), draft=False)
    assert again == bytes(notice.pdf)


def test_a_draft_preview_is_watermarked_and_carries_no_seal_number_or_code(officer, approver, record):
    notice = draft(officer=officer, record=record, type_code="N3")
    preview = render.notice_pdf(notice, draft=True)
    reader = PdfReader(io.BytesIO(preview))
    assert "样稿" in squeeze(pdf_text(preview))
    assert not [image for page in reader.pages for image in page.images]  # no seal
    assert list(reader.attachments) == ["notice-draft.json"]
    assert json.loads(reader.attachments["notice-draft.json"][0])["number"] is None

    sealed = issued(officer=officer, approver=approver, record=record, type_code="N3")
    assert [image for page in PdfReader(io.BytesIO(bytes(sealed.pdf))).pages for image in page.images]


def test_each_thread_keeps_its_own_font_configuration():
    seen = []
    thread = threading.Thread(target=lambda: seen.append(render.font_config()))
    thread.start()
    thread.join()
    assert render.font_config() is render.font_config()
    assert seen[0] is not render.font_config()
