"""The automatic deduction sources: one row per source in `SOURCES`, each a set-based count
over the system's own data for every unit at once (a fixed number of queries, whatever the
number of units), giving `Hit`s that name the rows behind them.

An indicator names its source by code (`Indicator.source`); the points per row are settings
(CHENGXIN["ASSESSMENT"]). A new source is one function returning `Hit`s and one row in the
table — nothing else changes; `commitments` (oversight.commitments, DOMAIN §9.8) and
`self_reports` (oversight.selfreports, §9.9) were plugged in this way once those modules came.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework.lifecycle import RECORD_IN_FORCE
from casework.models import Deadline, Objection, Record, RectificationItem
from casework.models.records import Category, DeadlineStatus, Tier
from casework.rule_table import RuleCode
from exchange.complaints.lifecycle import ComplaintState
from exchange.models import Complaint, DefaulterEntry, EntryStatus, MatchState

from ..commitments import queries as commitment_queries
from ..models import QuarterlyReport, SelfReport


@dataclass(frozen=True)
class Window:
    """The assessed year and the day the count is made (no later than the year's end)."""

    year: int
    as_of: dt.date

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year, 12, 31)


@dataclass(frozen=True)
class Hit:
    """Points to deduct from one unit, why, and the rows behind it."""

    organisation_id: int
    points: Decimal
    explanation: str
    references: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class Source:
    label: str
    collect: Callable[[Window], list[Hit]]


def _points(key: str) -> Decimal:
    return Decimal(str(settings.CHENGXIN["ASSESSMENT"][key]))


def _record_ref(record_id: int, reference: str | None) -> dict:
    return {"kind": "record", "id": record_id, "record_id": record_id, "label": reference or f"#{record_id}"}


def records_in_force(window: Window) -> list[Hit]:
    """Each record in force against a unit, determined by the year's end: points by tier."""
    tiers = settings.CHENGXIN["ASSESSMENT"]["TIER_POINTS"]
    rows = Record.objects.filter(
        state__in=RECORD_IN_FORCE,
        subject_organisation__isnull=False,
        determination_date__lte=window.end,
    ).values_list("pk", "reference", "subject_organisation_id", "tier")
    return [
        Hit(
            organisation,
            Decimal(str(tiers.get(tier, 0))),
            _("%(tier)s失信记录 %(ref)s") % {"tier": Tier(tier).label if tier else "", "ref": reference},
            [_record_ref(pk, reference)],
        )
        for pk, reference, organisation, tier in rows
        if tiers.get(tier)
    ]


def _overdue_in(window: Window) -> Q:
    """A time limit that passed within the year by the count's day: still open, or marked
    overdue by the sweep before it was met."""
    return (
        Q(due_on__gte=window.start, due_on__lte=window.end, due_on__lt=window.as_of)
        & (Q(status=DeadlineStatus.OPEN) | Q(overdue_since__isnull=False))
        & ~Q(status=DeadlineStatus.CANCELLED)
    )


def _overdue_deadlines(window: Window, owner_model, kinds, unit_field: str):
    return (
        Deadline.objects.filter(
            _overdue_in(window),
            owner_type=ContentType.objects.get_for_model(owner_model),
            kind__in=kinds,
        )
        .exclude(**{f"record__{unit_field}": None})
        .values_list("owner_id", "record_id", "record__reference", f"record__{unit_field}", "label", "due_on")
        .order_by("owner_id", "due_on")
    )


def overdue_rectifications(window: Window) -> list[Hit]:
    """Each rectification item that went past a time limit in the year: once per item."""
    kinds = [RuleCode.RECTIFICATION, RuleCode.RESUBMISSION, RuleCode.OVERDUE_REMINDER]
    rows = _overdue_deadlines(window, RectificationItem, kinds, "subject_organisation_id")
    return _once_per_owner(
        rows, "OVERDUE_RECTIFICATION_POINTS", _("整改事项逾期（%(ref)s，%(label)s截止 %(due)s）")
    )


def overdue_objections(window: Window) -> list[Hit]:
    """Each objection whose acceptance or decision went past its time limit in the year,
    against the unit that determined the record (DOMAIN §6.2: "counts in the assessment of
    the handling unit")."""
    kinds = [RuleCode.OBJECTION_ACCEPT, RuleCode.OBJECTION_DECIDE, RuleCode.OBJECTION_EXTENSION]
    rows = _overdue_deadlines(window, Objection, kinds, "determining_unit_id")
    return _once_per_owner(
        rows, "OVERDUE_OBJECTION_POINTS", _("异议逾期未办理（%(ref)s，%(label)s截止 %(due)s）")
    )


def _once_per_owner(rows, points_key: str, text: str) -> list[Hit]:
    # The earliest time limit of each owner speaks for it: one deduction per item or objection.
    first: dict[int, tuple] = {}
    for owner_id, record_id, reference, organisation, label, due_on in rows:
        first.setdefault(owner_id, (record_id, reference, organisation, label, due_on))
    points = _points(points_key)
    return [
        Hit(
            organisation,
            points,
            text % {"ref": reference, "label": label, "due": due_on.isoformat()},
            [_record_ref(record_id, reference)],
        )
        for record_id, reference, organisation, label, due_on in first.values()
    ]


def unperformed_judgments(window: Window) -> list[Hit]:
    """Each entry of the 失信被执行人 list still listed against a unit (matched by code or
    confirmed by an officer), and each JUD/DEF record in force no such entry already counts."""
    points = _points("UNPERFORMED_JUDGMENT_POINTS")
    entries = DefaulterEntry.objects.filter(
        status=EntryStatus.LISTED,
        match__in=[MatchState.STRONG, MatchState.CONFIRMED],
        organisation__isnull=False,
    ).values_list("pk", "organisation_id", "case_number", "court", "record_id", "record__reference")
    hits, counted_records = [], set()
    for pk, organisation, case_number, court, record_id, reference in entries:
        refs = [{"kind": "defaulter", "id": pk, "record_id": record_id, "label": f"{court} {case_number}"}]
        if record_id:
            counted_records.add(record_id)
            refs.append(_record_ref(record_id, reference))
        hits.append(
            Hit(organisation, points, _("列入失信被执行人名单（%(case)s）") % {"case": case_number}, refs)
        )
    records = Record.objects.filter(
        state__in=RECORD_IN_FORCE,
        category__in=[Category.JUD, Category.DEF],
        subject_organisation__isnull=False,
        determination_date__lte=window.end,
    ).values_list("pk", "reference", "subject_organisation_id")
    hits += [
        Hit(
            organisation,
            points,
            _("未履行生效裁判（%(ref)s）") % {"ref": reference},
            [_record_ref(pk, reference)],
        )
        for pk, reference, organisation in records
        if pk not in counted_records
    ]
    return hits


def substantiated_complaints(window: Window) -> list[Hit]:
    """Each complaint received in the year that became a lead, determined and in force."""
    rows = (
        Complaint.objects.filter(
            state=ComplaintState.ACCEPTED,
            lead__state__in=RECORD_IN_FORCE,
            received_on__gte=window.start,
            received_on__lte=window.end,
        )
        .annotate(unit=Coalesce("lead__subject_organisation_id", "organisation_id"))
        .exclude(unit=None)
        .values_list("pk", "unit", "title", "lead_id", "lead__reference")
    )
    points = _points("COMPLAINT_POINTS")
    return [
        Hit(
            unit,
            points,
            _("投诉经核查属实（%(title)s）") % {"title": title[:60]},
            [
                {"kind": "complaint", "id": pk, "record_id": lead_id, "label": title[:60]},
                _record_ref(lead_id, reference),
            ],
        )
        for pk, unit, title, lead_id, reference in rows
    ]


def broken_commitments(window: Window) -> list[Hit]:
    """Each commitment broken in the year (oversight.commitments.queries.broken_commitments:
    a milestone missed with a lead, or a commitment found breached): BROKEN_COMMITMENT_POINTS
    each. Only the commitment's reference is quoted: the lead behind it may still be internal."""
    points = _points("BROKEN_COMMITMENT_POINTS")
    return [
        Hit(
            organisation,
            points,
            _("未履行政务承诺（%(ref)s）") % {"ref": reference},
            [{"kind": "commitment", "id": None, "record_id": None, "label": reference}],
        )
        for organisation, broken in commitment_queries.broken_commitments(window.year).items()
        for reference, _explanation in broken
    ]


def late_self_reports(window: Window) -> list[Hit]:
    """Each self-report (oversight.selfreports, DOMAIN §9.9) and each quarterly report made
    after its due day, reported in the year: LATE_SELF_REPORT_POINTS each. A quarterly
    report never made is not counted yet (the self-reports' alerts chase it)."""
    points = _points("LATE_SELF_REPORT_POINTS")
    in_year = {"late": True, "submitted_on__gte": window.start, "submitted_on__lte": window.end}
    reports = SelfReport.objects.filter(**in_year).values_list(
        "pk", "organisation_id", "document_number", "due_on", "submitted_on", "record_id", "record__reference"
    )
    hits = [
        Hit(
            organisation,
            points,
            _("迟报政务失信情况（%(number)s，应于 %(due)s 前报告，%(on)s 报告）")
            % {"number": number, "due": due.isoformat(), "on": on.isoformat()},
            [
                {"kind": "self_report", "id": pk, "record_id": None, "label": number},
                _record_ref(record_id, ref),
            ],
        )
        for pk, organisation, number, due, on, record_id, ref in reports
    ]
    quarters = QuarterlyReport.objects.filter(**in_year).values_list(
        "pk", "organisation_id", "year", "quarter", "due_on"
    )
    hits += [
        Hit(
            organisation,
            points,
            _("迟报 %(year)s 年第 %(quarter)s 季度政务失信情况报告（应于 %(due)s 前报告）")
            % {"year": year, "quarter": quarter, "due": due.isoformat()},
            [{"kind": "quarterly_report", "id": pk, "record_id": None, "label": f"{year}Q{quarter}"}],
        )
        for pk, organisation, year, quarter, due in quarters
    ]
    return hits


SOURCES: dict[str, Source] = {
    "records": Source(gettext_lazy("生效的政务失信记录（按等级）"), records_in_force),
    "rectifications": Source(gettext_lazy("逾期未完成的整改事项"), overdue_rectifications),
    "objections": Source(gettext_lazy("逾期未办理的异议"), overdue_objections),
    "judgments": Source(gettext_lazy("未履行的生效裁判"), unperformed_judgments),
    "complaints": Source(gettext_lazy("经核查属实的投诉"), substantiated_complaints),
    "commitments": Source(gettext_lazy("未履行的政务承诺"), broken_commitments),
    "self_reports": Source(gettext_lazy("迟报政务失信情况"), late_self_reports),
}


def source_choices() -> list[tuple[str, str]]:
    return [("", gettext_lazy("无（仅人工评分）")), *((code, s.label) for code, s in SOURCES.items())]
