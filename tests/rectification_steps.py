"""Drive a rectification through the real services, and make the files a unit uploads."""

import datetime as dt
import io
import zipfile

import pikepdf
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from casework.services import rectification as svc

from . import lifecycle
from .notice_cases import serve_recorded_step

SERVED_ON = dt.date(2026, 9, 1)  # scenario 8: a Tuesday


def pdf_bytes(pages: int = 1) -> bytes:
    """A real PDF, already in the form casework.upload_safety rewrites PDFs to (saved
    twice with a deterministic ID), so that storing it keeps its bytes and hash."""
    document = pikepdf.new()
    for _ in range(pages):
        document.add_blank_page(page_size=(595, 842))
    for _ in range(2):
        out = io.BytesIO()
        document.save(out, deterministic_id=True)
        document = pikepdf.open(io.BytesIO(out.getvalue()))
    return out.getvalue()


def image_bytes(image_format: str) -> bytes:
    """A real image that Pillow re-encodes to the same bytes (as uploads store images)."""
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (20, 120, 200)).save(out, format=image_format)
    return out.getvalue()


PDF_BYTES = pdf_bytes()
PNG_BYTES = image_bytes("PNG")
JPEG_BYTES = image_bytes("JPEG")
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56 + b"This program cannot be run in DOS mode."
ELF_BYTES = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 40


def zip_bytes(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<xml/>")
    return buffer.getvalue()


DOCX_BYTES = zip_bytes("[Content_Types].xml", "_rels/.rels", "word/document.xml")
XLSX_BYTES = zip_bytes("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml")
OFD_BYTES = zip_bytes("OFD.xml", "Doc_0/Document.xml")


def upload(name: str = "整改材料.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def items(count: int, **extra) -> list[dict]:
    return [
        {
            "requirement": f"第{n}项：清偿拖欠的中小企业账款",
            "acceptance_criteria": "提供付款凭证，款项全部结清",
            "required_evidence": "银行付款回单、对账确认函",
            **extra,
        }
        for n in range(1, count + 1)
    ]


def drafted(*, officer, approver, unit, count: int = 1, record=None, **extra):
    record = record or lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    return svc.rectification_draft(acting_user=officer, record_id=record.pk, items=items(count, **extra))


def in_progress(*, officer, approver, unit, count: int = 1, served_on=SERVED_ON, **extra):
    rectification = drafted(officer=officer, approver=approver, unit=unit, count=count, **extra)
    rectification = svc.rectification_issue(acting_user=approver, rectification_id=rectification.pk)
    return serve(rectification, officer=officer, approver=approver, served_on=served_on)


def serve(rectification, *, officer, approver, served_on=SERVED_ON):
    """The order's service: through its 整改通知书 when one was drafted, else typed in."""
    return serve_recorded_step(
        rectification,
        "serve",
        officer=officer,
        approver=approver,
        served_on=served_on,
        direct=lambda: svc.rectification_serve(
            acting_user=officer, rectification_id=rectification.pk, served_on=served_on
        ),
    )


def add_evidence(liaison, rectification, numbers=None):
    for item in rectification.items.order_by("number"):
        if numbers is None or item.number in numbers:
            svc.rectification_item_add_evidence(acting_user=liaison, item_id=item.pk, uploaded_file=upload())


def submitted(*, officer, approver, unit, liaison, head, count: int = 1, **extra):
    rectification = in_progress(officer=officer, approver=approver, unit=unit, count=count, **extra)
    add_evidence(liaison, rectification)
    svc.rectification_sign_off(acting_user=head, rectification_id=rectification.pk, declaration=True)
    return svc.rectification_submit(
        acting_user=liaison, rectification_id=rectification.pk, truth_declared=True
    )
