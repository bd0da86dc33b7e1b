"""Steps of the sub-processes a demo case goes on to (rectification, accountability, credit
repair), called like the record's steps with the record's id: each finds the case's latest
order, accountability case or repair application and calls its service."""

from __future__ import annotations

import io
from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from ..models import Accountability, Rectification, RepairApplication
from ..services import accountability as accountability_svc
from ..services import rectification as rectification_svc
from ..services import repair as repair_svc
from .fonts import chinese_font


def latest_order(record_id: int) -> Rectification:
    return Rectification.objects.filter(record_id=record_id).latest("pk")


def latest_case(record_id: int) -> Accountability:
    return Accountability.objects.filter(record_id=record_id).latest("pk")


def latest_repair(record_id: int) -> RepairApplication:
    return RepairApplication.objects.filter(record_id=record_id).latest("pk")


def on_repair(service: Callable, *, record_id: int, **kwargs):
    return service(application_id=latest_repair(record_id).pk, **kwargs)


def apply_for_repair(*, record_id: int, acting_user, commitment: str):
    return repair_svc.repair_apply(acting_user=acting_user, record_id=record_id, commitment=commitment)


def on_order(service: Callable, *, record_id: int, **kwargs):
    return service(rectification_id=latest_order(record_id).pk, **kwargs)


def on_case(service: Callable, *, record_id: int, **kwargs):
    return service(accountability_id=latest_case(record_id).pk, **kwargs)


def draft_order(*, record_id: int, acting_user, items: list[dict]):
    return rectification_svc.rectification_draft(acting_user=acting_user, record_id=record_id, items=items)


def open_case(*, record_id: int, acting_user, **kwargs):
    return accountability_svc.accountability_initiate(acting_user=acting_user, record_id=record_id, **kwargs)


def upload_evidence(*, record_id: int, acting_user, number: int, name: str):
    item = latest_order(record_id).items.get(number=number)
    upload = SimpleUploadedFile(name, demo_pdf(name), content_type="application/pdf")
    return rectification_svc.rectification_item_add_evidence(
        acting_user=acting_user, item_id=item.pk, uploaded_file=upload
    )


def demo_pdf(title: str) -> bytes:
    """A one-page A4 PDF that says what it stands for and that it is demo material."""
    page = Image.new("RGB", (1240, 1754), "white")  # A4 at 150 dpi
    draw = ImageDraw.Draw(page)
    draw.rectangle((60, 60, 1180, 1694), outline=(160, 160, 160), width=3)
    draw.text((120, 140), title.removesuffix(".pdf"), font=chinese_font(44), fill=(40, 40, 40))
    draw.text((120, 240), "演示材料 · DEMO，非真实文件", font=chinese_font(32), fill=(200, 16, 32))
    out = io.BytesIO()
    page.save(out, format="PDF", resolution=150)
    return out.getvalue()
