"""Drive a record through the lifecycle with the real services, for tests that need one in a given state."""

import datetime as dt

from casework.models import Measure
from casework.services import records as svc
from casework.services.records import decided


def lead(
    *,
    officer,
    organisation=None,
    person=None,
    content="未按合同约定支付工程款 120 万元。",
    received_on=dt.date(2026, 1, 5),
):
    return svc.record_register_lead(
        acting_user=officer,
        subject_organisation_id=organisation.pk if organisation else None,
        subject_person_id=person.pk if person else None,
        source="HOTLINE",
        lead_content=content,
        received_on=received_on,
    )


def proposed(*, officer, tier="GENERAL", category="PRM", **kwargs):
    record = lead(officer=officer, **kwargs)
    svc.record_start_verification(acting_user=officer, record_id=record.pk)
    measures = [Measure.objects.get(code="M01" if record.subject_organisation_id else "M05").pk]
    return svc.record_propose(
        acting_user=officer,
        record_id=record.pk,
        category=category,
        domain="PROCUREMENT",
        tier=tier,
        facts="该单位在政府采购合同履约中拖欠中小企业账款。",
        legal_basis="《保障中小企业款项支付条例》第九条",
        measure_ids=measures,
    )


def approved(*, officer, approver, **kwargs):
    """PRE_NOTICE with the 事前告知书 drafted (when an issuer exists), not yet served."""
    record = proposed(officer=officer, **kwargs)
    return svc.record_approve_pre_notice(acting_user=approver, record_id=record.pk)


def serve_pre_notice(record, *, officer, approver, served_on=dt.date(2026, 1, 5)):
    """The 事前告知书's service on `served_on`: through the notice when one was drafted (it is
    completed, approved and issued that day), else recorded on its own (no issuer)."""
    from .notice_cases import serve_recorded_step

    return serve_recorded_step(
        record,
        "serve_pre_notice",
        officer=officer,
        approver=approver,
        served_on=served_on,
        direct=lambda: svc.record_pre_notice_served(
            acting_user=officer, record_id=record.pk, served_on=served_on
        ),
    )


def pre_notice(*, officer, approver, served_on=dt.date(2026, 1, 5), **kwargs):
    record = approved(officer=officer, approver=approver, **kwargs)
    return serve_pre_notice(record, officer=officer, approver=approver, served_on=served_on)


def determined(
    *, officer, approver, served_on=dt.date(2026, 1, 5), determination_date=dt.date(2026, 1, 15), **kwargs
):
    record = pre_notice(officer=officer, approver=approver, served_on=served_on, **kwargs)
    return svc.record_determine(
        acting_user=approver, record_id=record.pk, determination_date=determination_date
    )


def serve(record, *, officer, approver, served_on=dt.date(2026, 1, 16)):
    """T8 on `served_on`: the recording and repair notices served together when they were
    drafted (an issuer exists), else the service recorded on its own."""
    from .notice_cases import serve_recorded_step

    return serve_recorded_step(
        record,
        "serve",
        officer=officer,
        approver=approver,
        served_on=served_on,
        direct=lambda: decided.record_serve(
            acting_user=officer,
            record_id=record.pk,
            served_on=served_on,
            method="IN_PERSON",
            proof="送达回证 001 号",
        ),
    )


def effective(*, officer, approver, served=dt.date(2026, 1, 16), **kwargs):
    record = determined(officer=officer, approver=approver, **kwargs)
    return serve(record, officer=officer, approver=approver, served_on=served)
