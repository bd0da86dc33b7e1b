"""Records at the dates the repair and disclosure scenarios need (DOMAIN §10, 13–18, 35),
driven through the real services while the legal clock is set to each step's day."""

import datetime as dt

from casework.models import Measure
from casework.services import records as svc

from . import lifecycle


def set_today(settings, day: dt.date | str) -> None:
    settings.CHENGXIN_TODAY = str(day)


def effective_record(
    settings,
    *,
    officer,
    approver,
    determined_on: dt.date,
    tier: str = "GENERAL",
    category: str = "PRM",
    organisation=None,
    person=None,
    must_disclose: bool = False,
    content: str = "未按合同约定支付工程款 120 万元。",
):
    """A record determined on `determined_on` (prior notice served 10 days before, so the
    5-WD defence window is over) and served the next day; the clock is left on that day."""
    notice_on = determined_on - dt.timedelta(days=14)
    set_today(settings, notice_on)
    record = svc.record_register_lead(
        acting_user=officer,
        subject_organisation_id=organisation.pk if organisation else None,
        subject_person_id=person.pk if person else None,
        source="COURT",
        lead_content=content,
        received_on=notice_on,
    )
    svc.record_start_verification(acting_user=officer, record_id=record.pk)
    measure = Measure.objects.get(code="M01" if organisation else "M05")
    svc.record_propose(
        acting_user=officer,
        record_id=record.pk,
        category=category,
        domain="PROCUREMENT",
        tier=tier,
        facts="该单位在政府采购合同履约中拖欠中小企业账款。",
        legal_basis="《保障中小企业款项支付条例》第九条",
        measure_ids=[measure.pk],
        must_disclose=must_disclose,
    )
    record = svc.record_approve_pre_notice(acting_user=approver, record_id=record.pk)
    lifecycle.serve_pre_notice(record, officer=officer, approver=approver, served_on=notice_on)
    set_today(settings, determined_on)
    svc.record_determine(acting_user=approver, record_id=record.pk, determination_date=determined_on)
    served_on = determined_on + dt.timedelta(days=1)
    set_today(settings, served_on)
    return lifecycle.serve(record, officer=officer, approver=approver, served_on=served_on)
