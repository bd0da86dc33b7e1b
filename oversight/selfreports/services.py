"""What a unit does: report a document it received (a lead for the commission at once) and
file its quarterly report. Each use case: who, lock, guards, change, audit, in one transaction.

The unit's row is locked while it reports, so the same document reported twice at once is
refused once the first commits (the unique constraint backs this on any database).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from casework import audit, calendar, clock
from casework.errors import DomainError, PermissionDeniedError
from casework.guards import Refusal, refuse
from casework.language import official_language
from casework.models import Category, LeadSource, Organisation, Record
from casework.permissions import UNIT_ROLES, roles_of
from casework.roles import Role
from casework.services.records import new_leads
from casework.services.validation import require_choice, require_past_date, require_text
from exchange.court.common import number_key

from ..models import QuarterlyReport, SelfReport, SelfReportKind
from ..models.selfreports import Quarter
from . import SelfReportAction

#: The category a reported document's lead starts with; "other" waits for the officer's proposal.
CATEGORY_OF_KIND = {SelfReportKind.JUDGMENT: Category.JUD, SelfReportKind.PENALTY: Category.PEN}


def policy(key: str):
    defaults = {"REPORT_WORKING_DAYS": 5, "QUARTERLY_WORKING_DAYS": 10, "SINCE": "2026-01-01"}
    return settings.CHENGXIN.get("SELF_REPORTS", {}).get(key, defaults[key])


def first_quarter() -> Quarter:
    """The first quarter units owe a report for (CHENGXIN SELF_REPORTS SINCE)."""
    return Quarter.of(dt.date.fromisoformat(str(policy("SINCE"))))


def report_due(received_on: dt.date) -> dt.date:
    """5 working days counted from the day after the document was received."""
    return calendar.add_working_days(received_on, policy("REPORT_WORKING_DAYS")).date


def quarterly_due(quarter: Quarter) -> dt.date:
    return calendar.add_working_days(quarter.last_day, policy("QUARTERLY_WORKING_DAYS")).date


def reporter_refusal(user) -> Refusal | None:
    """Only a unit's liaison or head reports, and only for their own unit."""
    if roles_of(user) & UNIT_ROLES and user.organisation_id:
        return None
    return PermissionDeniedError(
        _("只有责任单位的联络员或主要负责人可以报告本单位的政务失信情况。"), code="permission_denied"
    )


def _acting(user, ip_address: str | None) -> audit.Acting:
    role = Role.UNIT_LIAISON if Role.UNIT_LIAISON in roles_of(user) else Role.UNIT_HEAD
    return audit.Acting(user, role, ip_address)


def _short_text(value: str, field: str, name: str, longest: int) -> str:
    value = require_text(value, field, _("请填写%(name)s。") % {"name": name}, name=name)
    if len(value) > longest:
        raise DomainError(
            _("%(name)s过长：最多%(max)s个字。") % {"name": name, "max": longest},
            field=field,
            code="too_long",
        )
    return value


def duplicate_refusal(organisation_id: int, kind: str, key: str) -> Refusal | None:
    """One document is reported once (and is one lead): the unit is told where it went."""
    earlier = SelfReport.objects.filter(organisation_id=organisation_id, kind=kind, number_key=key).first()
    if earlier is None:
        return None
    return DomainError(
        _("文书号：本单位已于%(day)s报告过该文书（线索 %(ref)s），不能重复报告。")
        % {"day": earlier.submitted_on.isoformat(), "ref": earlier.record.reference},
        field="document_number",
        code="duplicate",
    )


def lead_for(report: SelfReport) -> Record:
    """An unsaved lead quoting the report (in the official language: it is the record)."""
    with official_language():
        content = _("单位自报（%(kind)s）：%(body)s %(number)s，%(received)s收到。%(summary)s") % {
            "kind": SelfReportKind(report.kind).label,
            "body": report.issuing_body,
            "number": report.document_number,
            "received": report.received_on.isoformat(),
            "summary": report.summary,
        }
    return Record(
        subject_organisation_id=report.organisation_id,
        source=LeadSource.SELF_REPORT,
        category=CATEGORY_OF_KIND.get(report.kind, ""),
        lead_content=content,
        received_on=report.submitted_on,
        created_by=report.submitted_by,
    )


@transaction.atomic(durable=True)
def self_report_submit(
    *,
    acting_user,
    kind: str,
    document_number: str,
    issuing_body: str,
    received_on: dt.date,
    summary: str,
    ip_address: str | None = None,
) -> SelfReport:
    refuse(reporter_refusal(acting_user))
    unit = Organisation.objects.select_for_update().get(pk=acting_user.organisation_id)
    report = SelfReport(
        organisation=unit,
        kind=require_choice(kind, SelfReportKind, "kind", _("报告类别")),
        document_number=_short_text(document_number, "document_number", _("文书号"), 100),
        issuing_body=_short_text(issuing_body, "issuing_body", _("作出机关"), 200),
        received_on=require_past_date(received_on, "received_on", _("收到日期")),
        summary=require_text(summary, "summary", _("请填写内容摘要。"), name=_("内容摘要")),
        submitted_by=acting_user,
        submitted_on=clock.today(),
    )
    report.number_key = number_key(report.document_number)
    refuse(duplicate_refusal(unit.pk, report.kind, report.number_key))
    report.due_on = report_due(report.received_on)
    report.late = report.submitted_on > report.due_on
    by = _acting(acting_user, ip_address)
    [report.record] = new_leads([lead_for(report)], by)
    report.save()
    audit.append(
        by,
        obj=report,
        record=report.record,
        action=SelfReportAction.SUBMIT,
        diff={"due_on": report.due_on.isoformat(), "late": report.late},
    )
    return report


def _quarter(year: int, quarter: int, today: dt.date) -> Quarter:
    if quarter not in (1, 2, 3, 4):
        raise DomainError(_("季度须为1至4。"), field="quarter", code="invalid")
    period = Quarter(year, quarter)
    if period < first_quarter():
        raise DomainError(
            _("季度：%(quarter)s早于本制度施行，无须报送。") % {"quarter": period},
            field="quarter",
            code="invalid",
        )
    if today <= period.last_day:
        raise DomainError(
            _("季度：%(quarter)s尚未结束，季度结束后才能报送季度报告。") % {"quarter": period},
            field="quarter",
            code="premature",
        )
    return period


def _items(unit_id: int, period: Quarter, nil: bool, item_ids: set[int]) -> list[SelfReport]:
    """The quarter's self-reports the report names: none for 无, at least one for a list."""
    held = SelfReport.objects.filter(
        organisation_id=unit_id, received_on__range=(period.first_day, period.last_day)
    )
    if nil:
        if item_ids:
            raise DomainError(_("报告事项：报告“无”时不能选择报告事项。"), field="items", code="invalid")
        if count := held.count():
            raise DomainError(
                _("本季度无失信情况：本单位本季度已报告%(n)s件，不能报告为“无”，请选择报告事项。")
                % {"n": count},
                field="nil",
                code="invalid",
            )
        return []
    if not item_ids:
        raise DomainError(_("报告事项：请选择本季度的报告事项，或报告“无”。"), field="items", code="required")
    chosen = list(held.filter(pk__in=item_ids))
    if len(chosen) != len(item_ids):
        raise DomainError(
            _("报告事项：只能选择本单位在本季度收到并已报告的事项。"), field="items", code="invalid"
        )
    return chosen


@transaction.atomic(durable=True)
def quarterly_report_submit(
    *,
    acting_user,
    year: int,
    quarter: int,
    nil: bool,
    item_ids: Iterable[int] = (),
    note: str = "",
    ip_address: str | None = None,
) -> QuarterlyReport:
    refuse(reporter_refusal(acting_user))
    unit = Organisation.objects.select_for_update().get(pk=acting_user.organisation_id)
    today = clock.today()
    period = _quarter(year, quarter, today)
    earlier = QuarterlyReport.objects.filter(organisation=unit, year=year, quarter=quarter).first()
    if earlier is not None:
        raise DomainError(
            _("季度：本单位%(quarter)s的季度报告已于%(day)s报送。")
            % {"quarter": period, "day": earlier.submitted_on.isoformat()},
            field="quarter",
            code="duplicate",
        )
    items = _items(unit.pk, period, nil, set(item_ids))
    due = quarterly_due(period)
    report = QuarterlyReport.objects.create(
        organisation=unit,
        year=year,
        quarter=quarter,
        nil=nil,
        note=(note or "").strip(),
        submitted_by=acting_user,
        submitted_on=today,
        due_on=due,
        late=today > due,
    )
    report.items.set(items)
    audit.append(
        _acting(acting_user, ip_address),
        obj=report,
        action=SelfReportAction.QUARTERLY_SUBMIT,
        diff={
            "nil": nil,
            "items": sorted(i.pk for i in items),
            "due_on": due.isoformat(),
            "late": report.late,
        },
    )
    return report
