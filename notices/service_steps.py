"""What the service of a notice records on its case (DOMAIN §5.1 T5, §6.3, §6.4, §7 rule 5:
"clock starts from service for notices").

A period that runs from the service of a notice runs from the day that notice, issued, was
served, and from nothing else: serving it (notices.services.notice_serve) takes the case's
own service step on the object the notice is about, in the same transaction, with the
event's date. The same step taken on its own (the casework service with a date typed in)
is refused while such a notice is on its way (`refuse_direct_service`); it stays open
where this system issues no notice (the appointing body's own 处分决定书, no issuer).

The 政务失信记录告知书 and 信用修复告知书, served together (两书同达), are the record's own
service (T8): it puts the record in force.

Every notice type is either here or in `NO_PERIOD_OF_ITS_OWN`, which says why its service
starts nothing (docs/decisions.md, "When a notice's period starts").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Max
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from casework import audit
from casework.errors import DomainError
from casework.models import Accountability, Objection, Record, Rectification, Sanction
from casework.permissions import acting_role
from casework.services import accountability, objections, records, rectification
from casework.services.accountability.case import CASE, case_snapshot
from casework.services.objections import OBJECTION
from casework.services.records import decided as decided_records
from casework.services.records.steps import RECORD
from casework.services.records.steps import snapshot as record_snapshot
from casework.services.rectification.steps import RECTIFICATION
from casework.services.steps import Machine, apply_step
from casework.services.steps import snapshot as object_snapshot

from .lifecycle import NOTICE_ON_ITS_WAY, NoticeState
from .models import Notice, ServiceEvent

NS = NoticeState
#: The decision notices this system issues on an accountability case, one per person.
DECISION_CODES = ("N14", "N15")


@dataclass(frozen=True)
class ServiceStep:
    """Serving a notice of `codes` takes `step` of `machine` on the object it records."""

    codes: tuple[str, ...]
    machine: Machine
    step: str
    #: (served_on, event) → the (change, after) pair of the step's service, from casework
    service: Callable[[dt.date, ServiceEvent], tuple[Callable, Callable]]
    #: the locked object whose step it is, for a notice
    target: Callable[[Notice], models.Model]
    #: the notices of `codes` that record the service of an object (about it, or its parts)
    notices_for: Callable[[models.Model], models.QuerySet]
    capture: Callable[[models.Model], dict] = object_snapshot
    #: Refuse the notice's service when it is not the object's latest notice of its kind or
    #: the object is past the step (True), or record the notice as served and leave the
    #: object be (False: its service was recorded before, or the object ended meanwhile).
    strict: bool = True
    #: One notice per person of the case: the step waits until each is served, and runs
    #: from the last service, so that nobody's period starts before their notice arrived.
    when_all_served: bool = False


def _about_record(codes: Iterable[str]) -> Callable[[Record], models.QuerySet]:
    def notices_for(record: Record) -> models.QuerySet:
        return Notice.objects.filter(record=record, type_code__in=codes, content_type__isnull=True)

    return notices_for


def _about(model, codes: Iterable[str]) -> Callable[[models.Model], models.QuerySet]:
    """Notices of `codes` about the object itself (an order, an objection)."""

    def notices_for(obj) -> models.QuerySet:
        content_type = ContentType.objects.get_for_model(model)
        return Notice.objects.filter(type_code__in=codes, content_type=content_type, object_id=obj.pk)

    return notices_for


def _about_decisions(codes: Iterable[str]) -> Callable[[Accountability], models.QuerySet]:
    """The decision notices of a case: one about each person's decision (a Sanction)."""

    def notices_for(case: Accountability) -> models.QuerySet:
        return Notice.objects.filter(
            type_code__in=codes,
            content_type=ContentType.objects.get_for_model(Sanction),
            object_id__in=case.sanctions.values("pk"),
        )

    return notices_for


def _on_date(service: Callable[[dt.date], tuple[Callable, Callable]]):
    """A service that needs only the date the event was served on."""
    return lambda served_on, event: service(served_on)


def _record_service(served_on: dt.date, event: ServiceEvent) -> tuple[Callable, Callable]:
    """T8 with the event's method, proof and consent (scenario 27)."""
    return decided_records.service_change(served_on, event.method, event.proof, event.recipient_consent)


def _is_about(notice: Notice, model) -> bool:
    return notice.content_type_id == ContentType.objects.get_for_model(model).pk


def _locked_record(notice: Notice) -> Record | None:
    if notice.content_type_id is not None:
        return None
    return Record.objects.select_for_update().get(pk=notice.record_id)


def _locked_about(model):
    def target(notice: Notice):
        if not _is_about(notice, model):
            return None  # drafted by hand about the record only: nothing of the order's to take
        return model.objects.select_for_update().filter(pk=notice.object_id).first()

    return target


def _locked_case(notice: Notice) -> Accountability | None:
    if not _is_about(notice, Sanction):
        return None
    case_id = Sanction.objects.filter(pk=notice.object_id).values("accountability_id")
    return Accountability.objects.select_for_update().filter(pk__in=case_id).first()


#: Served together (两书同达, enforced by notices.services): the record's own service.
RECORDING_CODES = ("N2", "N3")

STEPS: tuple[ServiceStep, ...] = (
    # T8: the record is in force, and its periods run, from the service of its 告知书 (DOMAIN
    # §5.1); a record served before through its own step, or ended meanwhile, is left be.
    ServiceStep(
        codes=RECORDING_CODES,
        machine=RECORD,
        step="serve",
        service=_record_service,
        target=_locked_record,
        notices_for=_about_record(RECORDING_CODES),
        capture=record_snapshot,
        strict=False,
    ),
    # T5: the defence window runs from the service of the 事前告知书.
    ServiceStep(
        codes=("N1",),
        machine=RECORD,
        step="serve_pre_notice",
        service=_on_date(records.pre_notice_service),
        target=_locked_record,
        notices_for=_about_record(("N1",)),
        capture=record_snapshot,
    ),
    # §6.3: each item's period and the written explanation run from the 整改通知书's service.
    ServiceStep(
        codes=("N8",),
        machine=RECTIFICATION,
        step="serve",
        service=_on_date(rectification.service_change),
        target=_locked_about(Rectification),
        notices_for=_about(Rectification, ("N8",)),
        strict=False,
    ),
    # §6.2: the further remedies run from the 异议处理结果告知书's service.
    ServiceStep(
        codes=("N6",),
        machine=OBJECTION,
        step="serve",
        service=_on_date(objections.service_change),
        target=_locked_about(Objection),
        notices_for=_about(Objection, ("N6",)),
        capture=objections.objection_snapshot,
        strict=False,
    ),
    # §6.4: the appeal window runs from the service of the 政务处分决定书 / 问责决定书.
    ServiceStep(
        codes=DECISION_CODES,
        machine=CASE,
        step="serve",
        service=_on_date(accountability.service_change),
        target=_locked_case,
        notices_for=_about_decisions(DECISION_CODES),
        capture=case_snapshot,
        strict=False,
        when_all_served=True,
    ),
)
BY_CODE = {code: step for step in STEPS for code in step.codes}

#: The notices whose service starts no period of the case, and why: each states a date the
#: system tracks from an earlier event (printed as that date, or as the period and what it
#: runs from while the date is not known), a period from its own decision, or none at all.
NO_PERIOD_OF_ITS_OWN: dict[str, str] = {
    "N24": "the yearly assessment's result to a body: the objection window runs from the approval "
    "day (oversight.assessment), printed as a date; it is about no record and is never served here",
    "N4": "the objection's decision period runs from its receipt (§6.2), printed as its date",
    "N5": "the extended decision date runs from the original one (§6.2)",
    "N7": "the written explanation runs from the 整改通知书's service (N8); without an order "
    "it states the period from its own service, which nothing here tracks",
    "N9": "supervision letter between government bodies: a fixed resubmission date, tracked "
    "from the return, which the unit sees in its portal the day it is decided",
    "N10": "the extended deadline runs from the item's old due date (§6.3)",
    "N11": "supervision letter: a fixed new date, tracked from the day the item was urged",
    "N12": "supervision letter: a fixed date, tracked from the day of the escalation",
    "N13": "acceptance: ends the order's periods",
    "N16": "states its reply period from its own service; nothing here tracks the reply",
    "N17": "the repair decision period runs from the application's filing (§6.5)",
    "N18": "repair granted: ends periods, starts none",
    "N19": "the re-application date runs from the refusal's decision (§6.5)",
    "N20": "the bar runs from the revocation's decision, as the notice says (§6.5)",
    "N21": "revocation of the record: ends its periods",
    "N25": "the complaint's written answer: its period (15 days) runs from the complaint's receipt",
    "N26": "the complaint's result: sent when the lead closes, starts nothing",
}


def take_service_steps(acting_user, notices: list[Notice], event: ServiceEvent, ip_address) -> None:
    """The case's service steps of the notices just served in `event`, in its transaction."""
    done = set()
    for notice in notices:
        rule = BY_CODE.get(notice.type_code)
        if rule is None:
            continue
        obj = rule.target(notice)
        if obj is None or (rule.step, type(obj), obj.pk) in done:
            continue
        done.add((rule.step, type(obj), obj.pk))
        _take(rule, obj, notice, acting_user, event, ip_address)


def _take(rule: ServiceStep, obj, notice: Notice, acting_user, event: ServiceEvent, ip_address) -> None:
    served_on = event.served_on
    if rule.when_all_served:
        served = rule.notices_for(obj)
        if served.filter(state__in=NOTICE_ON_ITS_WAY).exists():
            return  # another person's notice is still on its way
        served_on = ServiceEvent.objects.filter(notices__in=served).aggregate(last=Max("served_on"))["last"]
    if rule.strict:
        _check_current(rule, obj, notice)
    if not can_proceed(getattr(obj, rule.step)):
        if not rule.strict:
            return
        raise DomainError(
            _("%(title)s所告知的事项当前为“%(state)s”，不能据此登记送达；如该文书已不适用，请作废。")
            % {"title": notice.title, "state": rule.machine.states(obj.state).label},
            field="notices",
            code="not_servable",
        )
    record = rule.machine.record_of(obj)
    change, after = rule.service(served_on, event)
    apply_step(
        rule.machine,
        obj,
        audit.Acting(
            acting_user, acting_role(acting_user, record, rule.machine.steps[rule.step]), ip_address
        ),
        step=rule.step,
        change=change,
        after=after,
        capture=rule.capture,
    )


def _check_current(rule: ServiceStep, obj, notice: Notice) -> None:
    """A notice replaced by a newer one of its kind (a proposal approved again after it was
    returned or amended) no longer says what the case is: its service cannot count."""
    latest = rule.notices_for(obj).exclude(state=NS.VOIDED).order_by("-pk").first()
    if latest is not None and latest.pk != notice.pk:
        raise DomainError(
            _("%(title)s（%(number)s）已被新的%(title)s取代，不能据此登记送达；请作废该文书。")
            % {"title": notice.title, "number": notice.number},
            field="notices",
            code="superseded",
        )


# ── the step taken on its own, and what a page may offer ─────────────────────────────


def _rule(obj, step: str) -> ServiceStep | None:
    return next((r for r in STEPS if r.step == step and isinstance(obj, r.machine.model)), None)


def on_its_way(obj, step: str) -> models.QuerySet:
    """The notices on their way whose service will record `step` on `obj`."""
    rule = _rule(obj, step)
    if rule is None:
        return Notice.objects.none()
    return rule.notices_for(obj).filter(state__in=NOTICE_ON_ITS_WAY).order_by("pk")


def waiting(obj, step: str) -> Notice | None:
    """The first notice on its way whose service will record `step` on `obj`, if any."""
    return on_its_way(obj, step).first()


def servable(obj, step: str) -> list[Notice]:
    """The issued, rendered notices whose service would record `step` on `obj` now (for a
    strict rule, only its latest notice)."""
    rule = _rule(obj, step)
    if rule is None:
        return []
    notices = list(rule.notices_for(obj).exclude(state=NS.VOIDED).order_by("pk"))
    if rule.strict:
        notices = notices[-1:]
    return [n for n in notices if n.state == NS.ISSUED and n.pdf_ready]


def refuse_direct_service(*, obj, step: str) -> None:
    """No service typed in while its notice is on its way; serving the notice records it.
    Asked by casework.services.steps.check_direct_service, which settings name it to
    (CHENGXIN["DIRECT_SERVICE_CHECK"])."""
    notice = waiting(obj, step)
    if notice is not None:
        raise DomainError(
            _(
                "该事项的%(title)s尚未送达（%(state)s）：请签发该文书，并在文书页面登记送达，送达日期即据以计算期限。"
            )
            % {"title": notice.title, "state": notice.get_state_display()},
            field="served_on",
            code="serve_the_notice",
        )
