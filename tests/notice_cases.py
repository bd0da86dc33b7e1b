"""Notices for tests, made through the real services: issuers, drafts, issued notices with PDFs."""

import io

import pytest
from django.test import TestCase, override_settings
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


def completed(*, officer, notice: Notice) -> Notice:
    """A system draft with its blanks filled as an officer would (notice_revise_draft); the
    officer then answers for it, so someone else approves it."""
    notice_type = types.get(notice.type_code)
    tops = {key.split(".")[0].split("[]")[0] for key, _message in notice_type.missing(notice.data)}
    if not tops:
        return notice
    sample = samples.sample_data(notice.type_code)
    filled = complete(notice.type_code, notice.record, **notice.data)
    fields = {key: sample.get(key) or filled[key] for key in tops}
    return services.notice_revise_draft(acting_user=officer, notice_id=notice.pk, fields=fields)


def served(*, officer, approver, notice: Notice, served_on, method="IN_PERSON", proof="送达回证 001 号"):
    """Complete, approve and issue `notice` on `served_on` (the legal today set to that day),
    then record its service that day: the path a notice takes from draft to served."""
    return served_together(
        officer=officer, approver=approver, notices=[notice], served_on=served_on, method=method, proof=proof
    )[0]


def served_together(*, officer, approver, notices, served_on, method="IN_PERSON", proof="送达回证 001 号"):
    """`served` for notices served in one event (两书同达: the recording and repair notices)."""
    with override_settings(CHENGXIN_TODAY=served_on.isoformat()):
        for notice in notices:
            if notice.state == "DRAFT":
                notice = completed(officer=officer, notice=notice)
            if notice.state in ("DRAFT", "APPROVED"):
                if notice.state == "DRAFT":
                    services.notice_approve(acting_user=approver, notice_id=notice.pk)
                with TestCase.captureOnCommitCallbacks(execute=True):
                    services.notice_issue(acting_user=officer, notice_id=notice.pk)
            # What the worker does after the issue (a no-op when the task already ran here), so
            # that the service never waits on a queue a test run may not have.
            services.notice_store_pdf(notice_id=notice.pk)
        ids = [n.pk for n in notices]
        services.notice_serve(
            acting_user=officer, notice_ids=ids, method=method, served_on=served_on, proof=proof
        )
    return list(Notice.objects.filter(pk__in=ids).order_by("pk"))


def serve_recorded_step(obj, step: str, *, officer, approver, served_on, direct, **service):
    """The service of `step` on `obj` (an order, an objection, a case, a record) as a user
    records it: by serving the notices on their way whose service records it, together
    (notices.service_steps), or, where none was drafted (no issuer), by `direct()`."""
    from notices.service_steps import on_its_way

    notices = list(on_its_way(obj, step))
    if not notices:
        return direct()
    served_together(officer=officer, approver=approver, notices=notices, served_on=served_on, **service)
    return type(obj).objects.get(pk=obj.pk)


def issued_via_api(*, officer, approver, notice_id: int) -> dict:
    """Through the API: the officer fills what the system could not draft, the approver
    approves, the officer issues (the PDF is rendered on commit); the notice as then read."""
    from .api_fixtures import api

    officer_api = api(officer)
    notice = officer_api.get(f"/api/notices/{notice_id}/").json()
    notice_type = types.get(notice["type_code"])
    blanks = {key.split(".")[0].split("[]")[0] for key, _m in notice_type.missing(notice["data"])}
    if blanks:
        sample = samples.sample_data(notice["type_code"])
        body = {"data": {key: sample[key] for key in blanks}, "reason": "补充文书内容"}
        assert officer_api.post(f"/api/notices/{notice_id}/revise/", body, format="json").status_code == 200
    assert api(approver).post(f"/api/notices/{notice_id}/approve/").status_code == 200
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert officer_api.post(f"/api/notices/{notice_id}/issue/").status_code == 200
    return officer_api.get(f"/api/notices/{notice_id}/").json()


def serve_via_api(client, notice_ids, served_on: str, **extra):
    body = {
        "notices": list(notice_ids),
        "method": "IN_PERSON",
        "served_on": served_on,
        "proof": "送达回证 007 号",
    }
    return client.post("/api/notices/serve/", {**body, **extra}, format="json")


# Fixtures `issuer` and `record`: import them into a test module
# (`from .notice_cases import issuer_fixture, record_fixture`).


@pytest.fixture(name="issuer")
def issuer_fixture(db):
    return make_issuer()


@pytest.fixture(name="record")
def record_fixture(officer, approver, unit, fixed_today):
    """An EFFECTIVE record about `unit` (served 2026-01-16; today is 2026-02-02), without the
    notices its steps would produce (test_notice_transitions covers those): tests draft their own."""
    return without_notices(lambda: lifecycle.effective(officer=officer, approver=approver, organisation=unit))


def without_notices(make):
    """`make()` with every issuer inactive, so that its steps draft no notice (and a service
    is typed in, as where no notice exists); the issuers are active again afterwards."""
    active = list(Issuer.objects.filter(is_active=True).values_list("pk", flat=True))
    Issuer.objects.filter(pk__in=active).update(is_active=False)
    try:
        return make()
    finally:
        Issuer.objects.filter(pk__in=active).update(is_active=True)
