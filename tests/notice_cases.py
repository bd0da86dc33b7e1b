"""Notices for tests, made through the real services: issuers, drafts, issued notices with PDFs."""

import io

import pytest
from django.test import TestCase
from PIL import Image, ImageDraw

from notices import samples, services, types
from notices.models import Issuer, Notice

from . import lifecycle


def seal_png() -> bytes:
    """A red ring on a transparent background, like a scanned seal."""
    image = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((10, 10, 190, 190), outline=(200, 0, 0, 255), width=12)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def make_issuer(**kwargs) -> Issuer:
    defaults = {
        "name": "东莞市监察委员会",
        "agency_code": "东监",
        "is_default": True,
        "seal_image": seal_png(),
        "contact": "0769-12345678",
    }
    return Issuer.objects.create(**{**defaults, **kwargs})


def complete(type_code: str, record, **overrides) -> dict:
    """Data for `type_code` that passes validation: the type's demo data with the record's
    number and `overrides`; any field still missing is filled with plain text (or a date).
    Keys follow notices.validation: `a.b` nests, `items[].x` is per element."""
    notice_type = types.get(type_code)
    data = {**samples.sample_data(type_code), "record_number": record.reference, **overrides}
    for _round in range(3):  # a filled list can reveal its elements' required keys
        keys = [key for key, _message in notice_type.missing(data)]
        if not keys:
            break
        for key in keys:
            _fill(data, key)
    return data


def _fill(data: dict, key: str) -> None:
    value = "2026-03-02" if key.rsplit(".", 1)[-1].endswith(DATE_ENDINGS) else f"测试{key}"
    if "[]." in key:
        list_key, sub = key.split("[].", 1)
        elements = _container(data, list_key, list)
        if not elements:
            elements.append({})
        for element in elements:
            if not element.get(sub):
                element[sub] = value
        return
    *parents, leaf = key.split(".")
    target = data
    for part in parents:
        target = target.setdefault(part, {})
    target[leaf] = [{}] if leaf in LIST_KEYS else value


def _container(data: dict, path: str, kind):
    *parents, leaf = path.split(".")
    target = data
    for part in parents:
        target = target.setdefault(part, {})
    if not isinstance(target.get(leaf), kind):
        target[leaf] = kind()
    return target[leaf]


DATE_ENDINGS = ("_on", "_date", "_due", "_end", "_start", "deadline", "due")
LIST_KEYS = {"items", "measures", "platform_changes", "accepted_items", "checklist"}


def draft(*, officer, record, type_code="N8", **data) -> Notice:
    return services.notice_draft(
        acting_user=officer,
        type_code=type_code,
        record_id=record.pk,
        data=complete(type_code, record, **data),
    )


def issue(*, officer, approver, notice: Notice) -> Notice:
    """Approve and issue; the rendering task runs on commit, as in production."""
    services.notice_approve(acting_user=approver, notice_id=notice.pk)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.notice_issue(acting_user=officer, notice_id=notice.pk)
    return Notice.objects.get(pk=notice.pk)


def issued(*, officer, approver, record, type_code="N8", **data) -> Notice:
    notice = draft(officer=officer, record=record, type_code=type_code, **data)
    return issue(officer=officer, approver=approver, notice=notice)


# Fixtures `issuer` and `record`: import them into a test module
# (`from .notice_cases import issuer_fixture, record_fixture`).


@pytest.fixture(name="issuer")
def issuer_fixture(db):
    return make_issuer()


@pytest.fixture(name="record")
def record_fixture(officer, approver, unit, fixed_today):
    """An EFFECTIVE record about `unit` (served 2026-01-16; today is 2026-02-02), without the
    drafts its steps produced (test_notice_transitions covers those): tests draft their own."""
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    Notice.objects.filter(record=record, drafted_by__isnull=True).delete()
    return record
