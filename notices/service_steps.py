"""What the service of a notice records on its case (DOMAIN §5.1 T5, §6.3, §6.4, §7 rule 5:
"clock starts from service for notices").

A period that runs from the service of a notice runs from the day that notice, issued, was
served, and from nothing else: serving it (notices.services.notice_serve) takes the case's
own service step on the object the notice is about, in the same transaction, with the
event's date. The same step taken on its own (the casework service with a date typed in)
is refused while such a notice is on its way (`refuse_direct_service`); it stays open
where this system issues no notice (the appointing body's own 处分决定书, no issuer).

The 政务失信记录告知书 and 信用修复告知书 (T8, served together) are notices.services' own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from casework.errors import DomainError
from casework.models import Record
from casework.permissions import acting_role
from casework.services import records
from casework.services.record_steps import RECORD
from casework.services.record_steps import snapshot as record_snapshot
from casework.services.steps import Machine, apply_step
from casework.services.steps import snapshot as object_snapshot

from .lifecycle import NoticeState
from .models import Notice, ServiceEvent

S = NoticeState
#: A notice in these states is still to be served.
ON_ITS_WAY = (S.DRAFT, S.APPROVED, S.ISSUED)


@dataclass(frozen=True)
class ServiceStep:
    """Serving a notice of `codes` takes `step` of `machine` on the object it records."""

    codes: tuple[str, ...]
    machine: Machine
    step: str
    #: served_on → the (change, after) pair of the step's service, from casework
    service: Callable[[dt.date], tuple[Callable, Callable]]
    #: the locked object whose step it is, for a notice
    target: Callable[[Notice], models.Model]
    #: the notices of `codes` that record the service of an object (about it, or its parts)
    notices_for: Callable[[models.Model], models.QuerySet]
    capture: Callable[[models.Model], dict] = object_snapshot
    #: Refuse the notice's service when the object is past the step (True), or record the
    #: notice as served and leave the object be (False: its service was recorded before).
    strict: bool = True


def _about_record(codes: Iterable[str]) -> Callable[[Record], models.QuerySet]:
    def notices_for(record: Record) -> models.QuerySet:
        return Notice.objects.filter(record=record, type_code__in=codes, content_type__isnull=True)

    return notices_for


def _locked_record(notice: Notice) -> Record:
    return Record.objects.select_for_update().get(pk=notice.record_id)


STEPS: tuple[ServiceStep, ...] = (
    # T5: the defence window runs from the service of the 事前告知书.
    ServiceStep(
        codes=("N1",),
        machine=RECORD,
        step="serve_pre_notice",
        service=records.pre_notice_service,
        target=_locked_record,
        notices_for=_about_record(("N1",)),
        capture=record_snapshot,
    ),
)
BY_CODE = {code: step for step in STEPS for code in step.codes}


def take_service_steps(acting_user, notices: list[Notice], event: ServiceEvent, ip_address) -> None:
    """The case's service steps of the notices just served in `event`, in its transaction."""
    done = set()
    for notice in notices:
        rule = BY_CODE.get(notice.type_code)
        if rule is None:
            continue
        obj = rule.target(notice)
        if (rule.step, type(obj), obj.pk) in done:
            continue
        done.add((rule.step, type(obj), obj.pk))
        _take(rule, obj, notice, acting_user, event.served_on, ip_address)


def _take(rule: ServiceStep, obj, notice: Notice, acting_user, served_on: dt.date, ip_address) -> None:
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
    change, after = rule.service(served_on)
    apply_step(
        rule.machine,
        obj,
        acting_user=acting_user,
        role=acting_role(acting_user, record, rule.machine.steps[rule.step]),
        step=rule.step,
        change=change,
        after=after,
        ip_address=ip_address,
        capture=rule.capture,
    )


# ── the step taken on its own ──────────────────────────────────────────────────────


def refuse_direct_service(*, obj, step: str) -> None:
    """casework.services.steps.SERVICE_GUARDS: no service typed in while its notice is on
    its way; serving the notice records it."""
    for rule in STEPS:
        if rule.step != step or not isinstance(obj, rule.machine.model):
            continue
        waiting = rule.notices_for(obj).filter(state__in=ON_ITS_WAY).order_by("pk").first()
        if waiting is not None:
            raise DomainError(
                _(
                    "该事项的%(title)s尚未送达（%(state)s）：请签发该文书，并在文书页面登记送达，送达日期即据以计算期限。"
                )
                % {"title": waiting.title, "state": waiting.get_state_display()},
                field="served_on",
                code="serve_the_notice",
            )
