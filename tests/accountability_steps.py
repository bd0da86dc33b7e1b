"""Drive an accountability case (DOMAIN §6.4) through the real services, with the legal
clock set to each step's day, for the tests that need one in a given state."""

import datetime as dt

from casework.roles import Role
from casework.services import accountability as svc
from casework.services.accountability import appeals

from .factories import UserFactory
from .notice_cases import serve_recorded_step


def set_today(settings, day: dt.date | str) -> None:
    settings.CHENGXIN_TODAY = str(day)


def opened(*, officer, record, persons=(), unit=None, track="SUPERVISORY", on=dt.date(2026, 1, 20)):
    return svc.accountability_initiate(
        acting_user=officer,
        record_id=record.pk,
        track=track,
        reason="对拖欠中小企业账款负有直接责任。",
        person_ids=[p.pk for p in persons],
        unit_id=unit.pk if unit else None,
        initiated_on=on,
    )


def deliberated(*, officer, on=dt.date(2026, 1, 20), **kwargs):
    """A case through investigation (two investigators, S14 Art 42), hearing and deliberation."""
    case = opened(officer=officer, on=on, **kwargs)
    second = UserFactory(roles=[Role.OFFICER])
    svc.accountability_investigate(
        acting_user=officer, accountability_id=case.pk, investigators=[officer.pk, second.pk]
    )
    svc.accountability_hear(acting_user=officer, accountability_id=case.pk, notified_on=on)
    return svc.accountability_deliberate(
        acting_user=officer, accountability_id=case.pk, opinion="事实清楚，证据确凿。"
    )


def decision(person, decision_type="WARNING", effective_on=None, basis="《公职人员政务处分法》第三十九条"):
    return {
        "person_id": person.pk,
        "decision_type": decision_type,
        "basis": basis,
        "effective_on": effective_on,
    }


def decided(*, officer, approver, decisions, decided_on, combined_periods=None, **kwargs):
    case = deliberated(officer=officer, **kwargs)
    return svc.accountability_decide(
        acting_user=approver,
        accountability_id=case.pk,
        decisions=decisions,
        decided_on=decided_on,
        combined_periods=combined_periods,
    )


def served(*, officer, served_on, **kwargs):
    case = decided(officer=officer, **kwargs)
    return serve(case, officer=officer, approver=kwargs["approver"], served_on=served_on)


def serve(case, *, officer, approver, served_on):
    """The decision's service: through each person's decision notice when they were drafted
    (an issuer exists), else typed in."""
    return serve_recorded_step(
        case,
        "serve",
        officer=officer,
        approver=approver,
        served_on=served_on,
        direct=lambda: svc.accountability_serve(
            acting_user=officer, accountability_id=case.pk, served_on=served_on
        ),
    )


def appeal(user, sanction, filed_on, kind="REVIEW", grounds="处分过重。"):
    """`user` appeals `sanction` through the service, as filed on `filed_on`."""
    return appeals.accountability_appeal(
        acting_user=user, sanction_id=sanction.pk, kind=kind, filed_on=filed_on, grounds=grounds
    )
