"""The rule table: every time limit the services count, as a code (`RuleCode`) and the row
a fresh installation starts from (`RULES`), with its source. Administrators edit the rows
afterwards (admin 办理期限规则); the data migration loads the rows missing from the
database and the admin's "重新载入规则表" puts chosen rows back to these values.

The other fixed points of the law the code applies are here too, each with its basis:
which windows are the subject's own, and the escalation of an overdue rectification.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.db import models

from .models.records import Tier


class RuleCode(models.TextChoices):
    # record, objection, rectification, repair, complaints (DOMAIN §7.1)
    VERIFICATION = "verification", "线索核查"
    DEFENCE_WINDOW = "defence_window", "陈述申辩期"
    DETERMINATION = "determination", "申辩期满后作出认定"
    SERVICE = "service", "认定后送达"
    PUBLISH = "publish", "公示"
    WITHDRAW_DISPLAY = "withdraw_display", "撤销后撤下公示并通知省平台"
    OBJECTION_ACCEPT = "objection_accept", "异议受理"
    OBJECTION_DECIDE = "objection_decide", "异议处理决定"
    OBJECTION_EXTENSION = "objection_extension", "异议处理延期"
    RECTIFICATION = "rectification", "整改期限"
    WRITTEN_EXPLANATION = "written_explanation", "书面说明原因"
    RECTIFICATION_REVIEW = "rectification_review", "整改审核"
    RESUBMISSION = "resubmission", "退回后重新提交"
    OVERDUE_REMINDER = "overdue_reminder", "逾期催办新期限"
    ESCALATION = "escalation", "二次逾期督办"
    EXTENSION_DECIDE = "extension_decide", "延期申请审批"
    REPAIR_ACCEPT = "repair_accept", "信用修复受理"
    REPAIR_DECIDE = "repair_decide", "信用修复决定"
    REPAIR_DECIDE_EXTENSION = "repair_decide_extension", "信用修复决定延长"
    REPAIR_ANSWER = "repair_answer", "信用修复答复申请人"
    COMPLAINT_ROUTING = "complaint_routing", "投诉转办"
    COMPLAINT_FEEDBACK = "complaint_feedback", "投诉书面反馈"
    SELF_REPORT = "self_report", "单位自报新判决/处罚"
    # after a repair obtained by fraud is revoked (DOMAIN §7.1, [L] analogue of S5)
    REPAIR_FRAUD_BAR = "repair_fraud_bar", "修复欺诈限制期"
    # accountability (DOMAIN §6.4) and the honours-query log (§9.7)
    SANCTION_WARNING = "sanction_warning", "警告处分期"
    SANCTION_DEMERIT = "sanction_demerit", "记过处分期"
    SANCTION_MAJOR_DEMERIT = "sanction_major_demerit", "记大过处分期"
    SANCTION_DEMOTION = "sanction_demotion", "降级处分期"
    SANCTION_REMOVAL_FROM_POST = "sanction_removal_from_post", "撤职处分期"
    SANCTION_CAP = "sanction_cap", "合并执行处分期上限"
    HR_EXECUTION = "hr_execution", "降级及以上处分的人事变动"
    APPEAL_REVIEW_APPLY = "appeal_review_apply", "申请复审期限"
    APPEAL_REVIEW_DECIDE = "appeal_review_decide", "复审决定期限"
    APPEAL_RE_REVIEW_APPLY = "appeal_re_review_apply", "申请复核期限"
    APPEAL_RE_REVIEW_DECIDE = "appeal_re_review_decide", "复核决定期限"
    APPEAL_CS_REVIEW_APPLY = "appeal_cs_review_apply", "申请复核期限（公务员法）"
    APPEAL_CS_REVIEW_DECIDE = "appeal_cs_review_decide", "复核决定期限（公务员法）"
    APPEAL_COMPLAINT_APPLY = "appeal_complaint_apply", "复核后提出申诉期限"
    APPEAL_COMPLAINT_DIRECT_APPLY = "appeal_complaint_direct_apply", "直接提出申诉期限"
    APPEAL_COMPLAINT_DECIDE = "appeal_complaint_decide", "申诉决定期限"
    APPEAL_PARTY_APPEAL_APPLY = "appeal_party_appeal_apply", "问责申诉期限"
    APPEAL_PARTY_APPEAL_DECIDE = "appeal_party_appeal_decide", "问责申诉决定期限"
    HONOURS_QUERY_RETENTION = "honours_query_retention", "评优评先查询记录保存期"
    # the longest period a rectification item may be given (DOMAIN §6.3)
    RECTIFICATION_MAX = "rectification_max", "复杂整改事项期限上限"


C = RuleCode


@dataclass(frozen=True)
class Rule:
    amount: int
    unit: str  # DeadlineUnit: "wd" working days, "d" days, "m" months
    roll_forward: bool  # an action deadline moves off a rest day; a status duration does not
    source: str


_S14 = "《公职人员政务处分法》"
_S15 = "《监察法》第56条（2018年文本第49条）"
_S16 = "《公务员法》第95条"
_S19 = "《关于实行党政领导干部问责的暂行规定》(2009)"

# 处分期 are status durations: they end on the corresponding day and never roll forward
# (DOMAIN §7 rule 4). Appeal windows and decision limits are action deadlines: a last day
# that is a rest day moves to the next working day (S28 Art 203).
RULES: dict[RuleCode, Rule] = {
    # record, objection, rectification, repair, complaints (DOMAIN §7.1)
    C.VERIFICATION: Rule(20, "wd", True, "设计取值 (c)；1103号“第一时间…核实认定”"),
    C.DEFENCE_WINDOW: Rule(5, "wd", True, "参照《行政处罚法》第64条、第85条 (c)"),
    C.DETERMINATION: Rule(10, "wd", True, "设计取值 (c)"),
    C.SERVICE: Rule(7, "wd", True, "参照《行政处罚法》第61条、第85条 (c)"),
    C.PUBLISH: Rule(1, "wd", True, "设计取值 (c)；东府〔2018〕124号“及时”"),
    C.WITHDRAW_DISPLAY: Rule(3, "wd", True, "参照《行政处罚法》第48条；上海条例第37条"),
    C.OBJECTION_ACCEPT: Rule(2, "wd", True, "信用广州异议指引 (S12)"),
    C.OBJECTION_DECIDE: Rule(10, "wd", True, "信用广州异议指引 (S12)"),
    C.OBJECTION_EXTENSION: Rule(5, "wd", True, "S11 区间 (c)"),
    C.RECTIFICATION: Rule(30, "d", True, "设计取值 (c)"),
    C.WRITTEN_EXPLANATION: Rule(10, "wd", True, "设计取值 (c)"),
    C.RECTIFICATION_REVIEW: Rule(5, "wd", True, "设计取值 (c)"),
    C.RESUBMISSION: Rule(10, "wd", True, "设计取值 (c)"),
    C.OVERDUE_REMINDER: Rule(10, "wd", True, "设计取值 (c)"),
    C.ESCALATION: Rule(5, "wd", True, "设计取值 (c)"),
    C.EXTENSION_DECIDE: Rule(3, "wd", True, "设计取值 (c)"),
    C.REPAIR_ACCEPT: Rule(1, "wd", True, "《深圳经济特区社会信用条例》第81条"),
    C.REPAIR_DECIDE: Rule(3, "wd", True, "国办发〔2025〕22号；深圳条例第82条"),
    C.REPAIR_DECIDE_EXTENSION: Rule(3, "wd", True, "国办发〔2025〕22号"),
    C.REPAIR_ANSWER: Rule(10, "wd", True, "国办发〔2025〕22号"),
    C.COMPLAINT_ROUTING: Rule(1, "wd", True, "参照《信访工作条例》第22–23条 (c)"),
    C.COMPLAINT_FEEDBACK: Rule(15, "d", True, "参照《信访工作条例》第22–23条"),
    C.SELF_REPORT: Rule(5, "wd", True, "设计取值 (c)"),
    # after a repair obtained by fraud is revoked (DOMAIN §7.1, [L] analogue of S5)
    C.REPAIR_FRAUD_BAR: Rule(36, "m", False, "设计取值 (c)；参照国家发展改革委令2025年第36号"),
    # accountability (DOMAIN §6.4) and the honours-query log (§9.7)
    C.SANCTION_WARNING: Rule(6, "m", False, f"{_S14}第8条"),
    C.SANCTION_DEMERIT: Rule(12, "m", False, f"{_S14}第8条"),
    C.SANCTION_MAJOR_DEMERIT: Rule(18, "m", False, f"{_S14}第8条"),
    C.SANCTION_DEMOTION: Rule(24, "m", False, f"{_S14}第8条"),
    C.SANCTION_REMOVAL_FROM_POST: Rule(24, "m", False, f"{_S14}第8条"),
    C.SANCTION_CAP: Rule(48, "m", False, f"{_S14}第15条"),
    C.HR_EXECUTION: Rule(1, "m", True, f"{_S14}第54条"),
    C.APPEAL_REVIEW_APPLY: Rule(1, "m", True, _S15),
    C.APPEAL_REVIEW_DECIDE: Rule(1, "m", True, _S15),
    C.APPEAL_RE_REVIEW_APPLY: Rule(1, "m", True, _S15),
    C.APPEAL_RE_REVIEW_DECIDE: Rule(2, "m", True, _S15),
    C.APPEAL_CS_REVIEW_APPLY: Rule(30, "d", True, _S16),
    C.APPEAL_CS_REVIEW_DECIDE: Rule(30, "d", True, _S16),
    C.APPEAL_COMPLAINT_APPLY: Rule(15, "d", True, _S16),
    C.APPEAL_COMPLAINT_DIRECT_APPLY: Rule(30, "d", True, _S16),
    C.APPEAL_COMPLAINT_DECIDE: Rule(60, "d", True, _S16),
    C.APPEAL_PARTY_APPEAL_APPLY: Rule(15, "d", True, _S19),
    C.APPEAL_PARTY_APPEAL_DECIDE: Rule(30, "d", True, _S19),
    C.HONOURS_QUERY_RETENTION: Rule(
        60, "m", False, "《深圳经济特区社会信用条例》第45条（查询记录保存五年以上）"
    ),
    # the longest period a rectification item may be given (DOMAIN §6.3)
    C.RECTIFICATION_MAX: Rule(60, "d", True, "设计取值 (c)；复杂整改事项最长可给予60日"),
}

#: The subject's windows to act (to defend, to appeal), not a handler's time limit: their
#: passing is not "overdue" (casework.queries.overdue_deadlines).
SUBJECT_WINDOWS = frozenset(
    {
        C.DEFENCE_WINDOW,
        C.APPEAL_REVIEW_APPLY,
        C.APPEAL_RE_REVIEW_APPLY,
        C.APPEAL_CS_REVIEW_APPLY,
        C.APPEAL_COMPLAINT_APPLY,
        C.APPEAL_COMPLAINT_DIRECT_APPLY,
        C.APPEAL_PARTY_APPEAL_APPLY,
    }
)

#: An item still overdue after its reminder is escalated, an accountability case opened and
#: an RCT record registered one tier above the failed one, at most 严重 (DOMAIN §4.1).
ESCALATION_BASIS = "东府〔2018〕124号 二(三)8"
ESCALATION_TIER_ABOVE = {Tier.MINOR: Tier.GENERAL, Tier.GENERAL: Tier.SERIOUS, Tier.SERIOUS: Tier.SERIOUS}


def row(code: RuleCode) -> dict:
    """The columns of `code`'s DeadlineRule row as this table declares them."""
    return {"label": code.label, **asdict(RULES[code])}


def load_missing(deadline_rules) -> int:
    """Create the rows the database lacks; an existing row, edited or not, keeps its values
    and its id. `deadline_rules` is the model class (a migration passes its historical one).
    Returns how many rows were created."""
    present = set(deadline_rules.objects.values_list("code", flat=True))
    missing = [deadline_rules(code=code, **row(code)) for code in RuleCode if code not in present]
    deadline_rules.objects.bulk_create(missing)
    return len(missing)
