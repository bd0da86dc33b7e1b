"""The assessment's use cases: lock → guard → change → audit, each in its own transaction.

A step's guard is `refusal(user, assessment, step)`: the Chinese reason it is refused, or
"" — the services raise it and the portal shows it beside a greyed-out button.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework import action_labels, audit, clock, uploads
from casework.errors import DomainError, PermissionDeniedError
from casework.permissions import roles_of
from casework.services.validation import require_text
from notices.addressed import retry_addressed_render
from notices.models import Notice

from ..models import (
    Assessment,
    AssessmentState,
    Indicator,
    IndicatorTemplate,
    LineOrigin,
    ScoreLine,
)
from . import notice, scoring, sources
from .lifecycle import ASSESSMENT_STEPS, action

A = AssessmentState
action_labels.register({action(name): step.label for name, step in ASSESSMENT_STEPS.items()})
action_labels.register({action("create"): gettext_lazy("创建年度考核")})


# ── guards ──────────────────────────────────────────────────────────────────────────────
def refusal(user, assessment: Assessment, step: str) -> str:
    """Why `user` may not take `step` on `assessment` now ("" when they may)."""
    rule = ASSESSMENT_STEPS[step]
    if not rule.roles & roles_of(user):
        return _("您没有权限执行“%(step)s”操作。") % {"step": rule.label}
    if assessment.state not in rule.sources:
        if step == "edit_tree":
            return _("%(year)s 年度考核已开始评分，指标体系已冻结，不能再修改。") % {"year": assessment.year}
        return _("考核当前状态为“%(state)s”，不能执行“%(step)s”。") % {
            "state": assessment.get_state_display(),
            "step": rule.label,
        }
    if step == "approve" and assessment.submitted_by_id == user.pk:
        return _("审定人不能是提交人：请由其他审批人员审定本年度考核结果。")
    return ""


def _guard(user, assessment: Assessment, step: str) -> None:
    reason = refusal(user, assessment, step)
    if reason:
        denied = not ASSESSMENT_STEPS[step].roles & roles_of(user) or step == "approve"
        raise (PermissionDeniedError if denied else DomainError)(reason, field="state", code="refused")


def _acting(user, step: str, ip_address: str | None) -> audit.Acting:
    role = sorted(ASSESSMENT_STEPS[step].roles & roles_of(user))[0]
    return audit.Acting(user, role, ip_address)


def _locked(assessment_id: int) -> Assessment:
    assessment = Assessment.objects.select_for_update().filter(pk=assessment_id).first()
    if assessment is None:
        raise DomainError(_("年度考核不存在。"), field="assessment", code="not_found")
    return assessment


def _points(value, field: str) -> Decimal:
    try:
        points = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError(_("请填写有效的分值。"), field=field) from None
    if not points.is_finite() or abs(points) > 1000 or points != points.quantize(Decimal("0.1")):
        raise DomainError(_("分值须为不超过 1000 的数，最多一位小数。"), field=field)
    return points


# ── the year and its tree ─────────────────────────────────────────────────────────────
@transaction.atomic(durable=True)
def assessment_create(
    *, acting_user, year: int, copy_from_year: int | None = None, ip_address: str | None = None
) -> Assessment:
    """A new year in DRAFT, its tree copied from an earlier year or else from the default rows."""
    if not ASSESSMENT_STEPS["edit_tree"].roles & roles_of(acting_user):
        raise PermissionDeniedError(_("只有考评人员可以创建年度考核。"))
    if not 2000 <= year <= 2100:
        raise DomainError(_("请填写有效的考核年度。"), field="year")
    if Assessment.objects.filter(year=year).exists():
        raise DomainError(_("%(year)s 年度考核已存在。") % {"year": year}, field="year", code="duplicate")
    if copy_from_year is not None:
        rows = Indicator.objects.filter(assessment__year=copy_from_year)
        if not rows.exists():
            raise DomainError(_("被复制的年度没有指标。"), field="copy_from_year")
    else:
        rows = IndicatorTemplate.objects.all()
    assessment = Assessment.objects.create(year=year, created_by=acting_user)
    fields = ("code", "name", "weight", "source", "bonus", "position", "description")
    Indicator.objects.bulk_create(
        Indicator(assessment=assessment, **{f: getattr(row, f) for f in fields}) for row in rows
    )
    audit.append(
        _acting(acting_user, "edit_tree", ip_address),
        obj=assessment,
        action=action("create"),
        to_state=A.DRAFT,
        diff={"copied_from": copy_from_year or "template"},
    )
    return assessment


@transaction.atomic(durable=True)
def indicator_save(
    *,
    acting_user,
    assessment_id: int,
    indicator_id: int | None = None,
    code: str,
    name: str,
    weight,
    source: str = "",
    bonus: bool = False,
    position: int = 0,
    description: str = "",
    ip_address: str | None = None,
) -> Indicator:
    """Add an indicator to a DRAFT year's tree, or change one."""
    assessment = _locked(assessment_id)
    _guard(acting_user, assessment, "edit_tree")
    weight = _points(weight, "weight")
    if weight <= 0:
        raise DomainError(_("指标分值须大于 0。"), field="weight")
    if source and source not in sources.SOURCES:
        raise DomainError(_("自动扣分来源无效。"), field="source")
    name = require_text(name, "name", _("请填写指标名称。"))
    code = (code or "").strip()
    if not code:
        raise DomainError(_("请填写指标代码。"), field="code")
    indicator = Indicator(assessment=assessment)
    if indicator_id is not None:
        indicator = assessment.indicators.filter(pk=indicator_id).first()
        if indicator is None:
            raise DomainError(_("指标不存在。"), field="indicator", code="not_found")
    if assessment.indicators.filter(code=code).exclude(pk=indicator.pk).exists():
        raise DomainError(_("指标代码“%(code)s”已使用。") % {"code": code}, field="code")
    before = {"code": indicator.code, "name": indicator.name, "weight": str(indicator.weight or "")}
    indicator.code, indicator.name, indicator.weight, indicator.source = code, name, weight, source
    indicator.bonus, indicator.position, indicator.description = bonus, position, description.strip()
    indicator.save()
    audit.append(
        _acting(acting_user, "edit_tree", ip_address),
        obj=assessment,
        action=action("edit_tree"),
        diff={"before": before, "after": {"code": code, "name": name, "weight": str(weight)}},
    )
    return indicator


@transaction.atomic(durable=True)
def indicator_delete(
    *, acting_user, assessment_id: int, indicator_id: int, ip_address: str | None = None
) -> None:
    assessment = _locked(assessment_id)
    _guard(acting_user, assessment, "edit_tree")
    indicator = assessment.indicators.filter(pk=indicator_id).first()
    if indicator is None:
        raise DomainError(_("指标不存在。"), field="indicator", code="not_found")
    audit.append(
        _acting(acting_user, "edit_tree", ip_address),
        obj=assessment,
        action=action("edit_tree"),
        diff={"deleted": {"code": indicator.code, "name": indicator.name, "weight": str(indicator.weight)}},
    )
    indicator.delete()


def tree_refusal(assessment: Assessment) -> str:
    """A tree that cannot be scored: the deduction indicators must add up to the base."""
    indicators = list(assessment.indicators.all())
    if not indicators:
        return _("指标体系为空，不能开始评分。")
    total = sum((i.weight for i in indicators if not i.bonus), Decimal(0))
    if total != assessment.base:
        return _("扣分类指标分值合计为 %(total)s，应等于基础分 %(base)s。") % {
            "total": total,
            "base": assessment.base,
        }
    return ""


# ── scoring ─────────────────────────────────────────────────────────────────────────────
def _recompute(assessment: Assessment, today) -> int:
    """Replace the automatic lines with a fresh count: one query per source in the tree."""
    window = sources.Window(assessment.year, min(today, sources.Window(assessment.year, today).end))
    units = set(scoring.assessed_units().values_list("pk", flat=True))
    assessment.lines.filter(origin=LineOrigin.AUTO).delete()
    lines = []
    for indicator in assessment.indicators.exclude(source=""):
        for hit in sources.SOURCES[indicator.source].collect(window):
            if hit.organisation_id in units and hit.points:
                lines.append(
                    ScoreLine(
                        assessment=assessment,
                        organisation_id=hit.organisation_id,
                        indicator=indicator,
                        origin=LineOrigin.AUTO,
                        points=-abs(hit.points),
                        explanation=hit.explanation[:500],
                        references=hit.references,
                    )
                )
    ScoreLine.objects.bulk_create(lines, batch_size=500)
    assessment.computed_on = window.as_of
    return len(lines)


@transaction.atomic(durable=True)
def assessment_start_scoring(*, acting_user, assessment_id: int, ip_address: str | None = None) -> Assessment:
    """Freeze the tree and compute the deductions."""
    assessment = _locked(assessment_id)
    _guard(acting_user, assessment, "start_scoring")
    if reason := tree_refusal(assessment):
        raise DomainError(reason, field="indicators")
    count = _recompute(assessment, clock.today())
    assessment.state = A.SCORING
    assessment.save()
    audit.append(
        _acting(acting_user, "start_scoring", ip_address),
        obj=assessment,
        action=action("start_scoring"),
        from_state=A.DRAFT,
        to_state=A.SCORING,
        diff={"lines": count, "as_of": assessment.computed_on.isoformat()},
    )
    return assessment


@transaction.atomic(durable=True)
def assessment_recompute(*, acting_user, assessment_id: int, ip_address: str | None = None) -> Assessment:
    assessment = _locked(assessment_id)
    _guard(acting_user, assessment, "recompute")
    count = _recompute(assessment, clock.today())
    assessment.save()
    audit.append(
        _acting(acting_user, "recompute", ip_address),
        obj=assessment,
        action=action("recompute"),
        diff={"lines": count, "as_of": assessment.computed_on.isoformat()},
    )
    return assessment


@transaction.atomic(durable=True)
def adjustment_add(
    *,
    acting_user,
    assessment_id: int,
    organisation_id: int,
    indicator_id: int,
    points,
    reason: str,
    evidence=None,
    ip_address: str | None = None,
) -> ScoreLine:
    """A deduction (negative) or addition by hand, with its reason and optional evidence."""
    assessment = _locked(assessment_id)
    _guard(acting_user, assessment, "adjust")
    points = _points(points, "points")
    if not points:
        raise DomainError(_("加减分分值不能为 0。"), field="points")
    reason = require_text(reason, "reason", _("请填写加减分理由。"))
    indicator = assessment.indicators.filter(pk=indicator_id).first()
    if indicator is None:
        raise DomainError(_("请选择指标。"), field="indicator")
    if not scoring.assessed_units().filter(pk=organisation_id).exists():
        raise DomainError(_("请选择被考核单位。"), field="organisation")
    line = ScoreLine.objects.create(
        assessment=assessment,
        organisation_id=organisation_id,
        indicator=indicator,
        origin=LineOrigin.MANUAL,
        points=points,
        explanation=(_("人工加分：") if points > 0 else _("人工扣分：")) + reason[:480],
        reason=reason,
        # The same checks (type by content, clean copy, scan) as every other upload.
        evidence=uploads.checked_content(evidence) if evidence else "",
        created_by=acting_user,
    )
    audit.append(
        _acting(acting_user, "adjust", ip_address),
        obj=assessment,
        action=action("adjust"),
        reason=reason,
        diff={"organisation": organisation_id, "indicator": indicator.code, "points": str(points)},
    )
    return line


# ── submission and approval ─────────────────────────────────────────────────────────────
def _move(acting_user, assessment_id: int, step: str, ip_address, reason: str = "") -> Assessment:
    assessment = _locked(assessment_id)
    _guard(acting_user, assessment, step)
    was, assessment.state = assessment.state, ASSESSMENT_STEPS[step].target
    audit.append(
        _acting(acting_user, step, ip_address),
        obj=assessment,
        action=action(step),
        from_state=was,
        to_state=assessment.state,
        reason=reason,
    )
    return assessment


@transaction.atomic(durable=True)
def assessment_submit(*, acting_user, assessment_id: int, ip_address: str | None = None) -> Assessment:
    assessment = _move(acting_user, assessment_id, "submit", ip_address)
    assessment.submitted_by, assessment.submitted_at = acting_user, timezone.now()
    assessment.return_reason = ""
    assessment.save()
    return assessment


@transaction.atomic(durable=True)
def assessment_return(
    *, acting_user, assessment_id: int, reason: str, ip_address: str | None = None
) -> Assessment:
    reason = require_text(reason, "reason", _("请填写退回理由。"))
    assessment = _move(acting_user, assessment_id, "return", ip_address, reason)
    assessment.return_reason = reason
    assessment.save()
    return assessment


@transaction.atomic(durable=True)
def assessment_approve(*, acting_user, assessment_id: int, ip_address: str | None = None) -> Assessment:
    """Approve and freeze: each unit's result is written once, as computed from its lines now,
    and each unit is sent its result notice (N24), numbered and sealed, in the same transaction:
    without an issuer that has a seal nothing is approved."""
    assessment = _move(acting_user, assessment_id, "approve", ip_address)
    assessment.approved_by, assessment.approved_on = acting_user, clock.today()
    assessment.save()
    ranked = scoring.ranked(scoring.live_scores(assessment))
    scoring.UnitResult.objects.bulk_create(scoring.freeze_rows(assessment, ranked))
    notice.issue_result_notices(assessment, ranked, _acting(acting_user, "approve", ip_address))
    return assessment


# ── the result notices ──────────────────────────────────────────────────────────────────
@transaction.atomic(durable=True)
def result_notice_retry_render(
    *, acting_user, assessment_id: int, organisation_id: int, ip_address: str | None = None
) -> Notice:
    """Render again a unit's result notice (N24) whose rendering failed: the year's approvers
    ask for it (step retry_render), the notice's own retry is audited with its reason."""
    assessment = _locked(assessment_id)
    _guard(acting_user, assessment, "retry_render")
    target = notice.result_notice_to_retry(assessment, organisation_id)
    if target is None:
        raise DomainError(_("该单位没有考核结果通报。"), field="organisation", code="not_found")
    return retry_addressed_render(by=_acting(acting_user, "retry_render", ip_address), notice=target)
