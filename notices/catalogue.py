"""The notice types of DOMAIN §8.3 with their required fields: N1–N21, the yearly assessment's
result N24, and the complaint's answers N25–N26 (N22–N23 are reserved by §8.3 for types not
built yet).

Common fields (§8.3, after S14 Art 45 and S21 Art 59) come first; each type adds its own.
Format (§8.1 design (c)): decisions and recommendations to a body use the 版头 (文件) format;
告知书, 通知书 and 函 to a single addressee use the 信函格式.
文书代字 are two characters so that a number reads like 东监失告〔2026〕7号.
"""

from __future__ import annotations

from .types import NoticeType, Variant

COMMON = "issuer.name addressee subject.name record_number contact publicity"

# Labels name the field in validation messages; a type may rename a field (N14: 被处分人姓名).
LABELS = {
    "issuer.name": "发文机关名称",
    "addressee": "主送",
    "subject.name": "当事人名称或姓名",
    "subject.unit": "工作单位",
    "subject.post": "职务",
    "record_number": "失信记录编号",
    "contact": "联系人及联系方式",
    "publicity": "公开方式",
    "variant": "文书种类",
    "category": "失信类别",
    "tier": "失信等级",
    "facts": "失信事实",
    "evidence": "证据",
    "basis": "认定依据",
    "measures": "惩戒措施",
    "measures[].name": "措施名称",
    "measures[].basis": "措施依据（惩戒措施清单）",
    "remedy.route": "救济途径",
    "remedy.time_limit": "救济期限",
    "decided_on": "作出决定日期",
    "public": "是否公开公示",
    # N1–N3
    "disclosure_scope": "拟公示范围",
    "disclosure_period": "拟公示期限",
    "defence_period": "陈述申辩期限",
    "defence_channel": "陈述申辩方式",
    "determination_date": "认定日期",
    "disclosure_min_end": "最短公示期届满日",
    "disclosure_max_end": "最长公示期届满日",
    "rectification_required": "是否需要整改",
    "objection_channel": "异议申请渠道",
    "earliest_repair_date": "最早可申请修复日期",
    "repair_conditions": "修复条件",
    "repair_materials": "申请材料",
    "repair_channel": "申请渠道",
    "processing_times": "办理时限",
    # N4–N6
    "objection_number": "异议编号",
    "received_on": "异议收到日期",
    "accepted_on": "受理日期",
    "decision_due": "处理决定期限",
    "flagged": "异议标注情况",
    "refuse_reason": "不予受理理由",
    "missing_items": "需补正的材料",
    "extension_reason": "延期理由",
    "original_due": "原处理期限",
    "new_due": "延长后的处理期限",
    "approver": "批准人",
    "outcome": "处理结果",
    "outcome_reasons": "处理理由",
    "outcome_evidence": "核查依据的证据",
    "platform_changes": "平台变更事项",
    "platform_changes[].platform": "平台",
    "platform_changes[].change": "变更内容",
    "platform_changes[].due": "完成期限",
    # N7–N13
    "explain_items": "需说明的事项",
    "explain_deadline": "书面说明期限",
    "explain_period": "书面说明期限（自送达之日起）",
    "explain_from": "书面说明期限的起算文书",
    "original_number": "原整改通知书文号",
    "items": "整改事项",
    "items[].requirement": "整改要求",
    "items[].criteria": "验收标准",
    "items[].evidence": "须提交的材料",
    "items[].deadline": "整改期限",
    "items[].return_reason": "退回理由",
    "items[].old_deadline": "原整改期限",
    "items[].new_deadline": "延长后的整改期限",
    "report_format": "整改报告要求",
    "leader_signature": "主要负责人签字要求",
    "overdue_consequences": "逾期未整改的后果",
    "extension_procedure": "延期申请程序",
    "resubmission_deadline": "重新提交期限",
    "request_date": "延期申请日期",
    "extension_conditions": "延期条件",
    "refusal_reason": "不予延期理由",
    "original_deadline": "原整改期限",
    "overdue_days": "逾期天数",
    "new_deadline": "新的整改期限",
    "escalation_warning": "逾期后果警示",
    "overdue_history": "逾期及催办情况",
    "escalation_measures": "拟采取的措施",
    "supervise_deadline": "督办期限",
    "meeting_time": "约谈时间",
    "meeting_place": "约谈地点",
    "attendees": "参加约谈人员",
    "accepted_items": "已验收销号事项",
    "accepted_items[].requirement": "整改要求",
    "remaining_items": "尚未销号事项",
    "repair_effect": "对信用修复的影响",
    # N14–N16
    "sanction_type": "政务处分种类",
    "sanction_start": "处分期起算日",
    "sanction_end": "处分期届满日",
    "accountability_form": "问责方式",
    "recommendations": "建议事项",
    "reply_deadline": "回复期限",
    "reply_period": "回复期限（自收到之日起）",
    "refusal_consequence": "无正当理由拒不采纳的后果",
    # N17–N21
    "application_number": "修复申请编号",
    "submitted_on": "申请日期",
    "checklist": "修复条件审查结果",
    "checklist[].item": "审查事项",
    "checklist[].result": "审查结果",
    "repair_mode": "修复方式",
    "effective_date": "修复生效日期",
    "platforms": "已通知的平台",
    "sanctions_lifted": "解除的惩戒措施",
    "retention_note": "记录保存说明",
    "refusal_reasons": "不予修复理由",
    "earliest_reapply": "可重新申请的条件或日期",
    "repair_decision_number": "原信用修复决定书文号",
    # N25–N26: the complaint's answers (exchange.complaints drafts them on the lead)
    "complaint_number": "投诉编号（工单编号）",
    "complaint_channel": "投诉渠道",
    "complaint_received_on": "投诉收到日期",
    "complaint_title": "投诉事项",
    "handling": "办理情况",
    "reply_due": "书面答复期限",
    "closed_on": "办结日期",
    "fraud_facts": "以欺骗手段取得修复的事实",
    "restored_disclosure": "恢复公示情况",
    "bar_period": "不得申请信用修复的期限",
    "revoking_document": "撤销依据文书",
    "revoked_on": "撤销日期",
    # N24: the yearly assessment's result, to each assessed body (no record: notices.addressed)
    "year": "考核年度",
    "method": "考核评价方式",
    "unit_count": "参评单位数",
    "total": "本单位得分",
    "grade": "本单位等次",
    "rank": "本单位名次",
    "deductions": "主要扣分事项",
    "standings": "各单位考核评价结果",
    "standings[].rank": "名次",
    "standings[].unit": "单位",
    "standings[].total": "得分",
    "standings[].grade": "等次",
    "objection_deadline": "提出异议的期限",
}

MEASURES = "measures measures[].name measures[].basis"
REMEDY = "remedy.route remedy.time_limit"
ITEMS = "items items[].requirement"


def _dated_items(data) -> bool:
    """An order issued before its service states each item's period (`period_days`), which
    runs from the notice's service; a date is then not known, nor required."""
    items = data.get("items") or []
    return not (items and all(isinstance(i, dict) and i.get("period_days") for i in items))


def _unless_period(key: str):
    """A notice issued before its period has started states the period (`key`), which runs
    from a service; the date is then not known yet, nor required."""
    return lambda data: not data.get(key)


def _type(code, title, doc_code, letter, fields, labels=None, variants=None, conditional=None, common=COMMON):
    return NoticeType(
        code=code,
        title=title,
        doc_code=doc_code,
        letter_format=letter,
        fields=tuple(f"{common} {fields}".split()),
        labels={**LABELS, **(labels or {})},
        variants=variants or {},
        conditional=conditional or {},
        about_record=common == COMMON,
    )


def _variant(title: str, fields: str = "") -> Variant:
    return Variant(title, tuple(fields.split()))


_N14_LABELS = {
    "subject.name": "被处分人姓名",
    "facts": "违法事实",
    "basis": "处分依据",
    "remedy.route": "复审、复核途径",
    "remedy.time_limit": "复审、复核期限",
    "issuer.name": "作出决定的监察机关名称",
}
_N15_LABELS = {
    "subject.name": "被问责人姓名",
    "facts": "问责事实",
    "basis": "问责依据",
    "remedy.route": "申诉途径",
    "remedy.time_limit": "申诉期限",
    "public": "是否公开",
}

# fmt: off
_TYPES = [
    _type("N1", "失信记录事前告知书", "事告", True,
          f"category tier facts evidence basis disclosure_scope disclosure_period {MEASURES} "
          "defence_period defence_channel",
          {"category": "拟认定失信类别", "tier": "拟认定失信等级", "evidence": "证据摘要",
           "measures": "拟采取的惩戒措施"}),
    _type("N2", "政务失信记录告知书", "失告", True,
          f"category tier facts basis determination_date disclosure_min_end disclosure_max_end public "
          f"{MEASURES} rectification_required objection_channel"),
    _type("N3", "信用修复告知书", "修告", True,
          "earliest_repair_date repair_conditions repair_materials repair_channel processing_times"),
    _type("N4", "异议受理通知书", "异受", True, "objection_number received_on",
          variants={"accept": _variant("异议受理通知书", "accepted_on decision_due flagged"),
                    "refuse": _variant("异议不予受理通知书", "refuse_reason"),
                    "supplement": _variant("异议补正通知书", "missing_items")}),
    _type("N5", "异议处理延期告知书", "异延", True,
          "objection_number extension_reason original_due new_due approver"),
    _type("N6", "异议处理结果告知书", "异结", True,
          "objection_number outcome outcome_reasons outcome_evidence platform_changes "
          f"platform_changes[].platform platform_changes[].change platform_changes[].due {REMEDY}",
          {"remedy.route": "其他救济途径"}),
    _type("N7", "书面说明原因通知书", "说明", True, "facts explain_items explain_deadline",
          conditional={"explain_deadline": _unless_period("explain_period")}),
    _type("N8", "整改通知书", "整改", False,
          f"facts basis {ITEMS} items[].criteria items[].evidence items[].deadline report_format "
          "leader_signature overdue_consequences extension_procedure",
          conditional={"items[].deadline": _dated_items}),
    _type("N9", "整改退回通知书", "整退", True,
          f"original_number {ITEMS} items[].return_reason resubmission_deadline", {"items": "退回事项"}),
    _type("N10", "延期整改批复", "整延", True, f"original_number request_date {ITEMS} items[].old_deadline",
          {"items": "申请延期事项"},
          {"approve": _variant("延期整改批复", "items[].new_deadline extension_conditions"),
           "refuse": _variant("延期整改批复", "refusal_reason")}),
    _type("N11", "整改逾期催办函", "催办", True,
          "original_number original_deadline overdue_days new_deadline escalation_warning"),
    _type("N12", "督办通知书", "督办", True, "original_number overdue_history escalation_measures",
          variants={"supervise": _variant("督办通知书", "supervise_deadline"),
                    "interview": _variant("约谈通知书", "meeting_time meeting_place attendees")}),
    _type("N13", "整改验收意见书", "整验", True,
          "accepted_items accepted_items[].requirement accepted_on remaining_items repair_effect"),
    _type("N14", "政务处分决定书", "政处", False,
          f"subject.unit subject.post facts evidence sanction_type basis {REMEDY} decided_on "
          "sanction_start sanction_end",
          _N14_LABELS,
          conditional={"sanction_end": lambda data: data.get("sanction_type") != "开除"}),
    _type("N15", "问责决定书", "问责", False,
          f"subject.unit subject.post facts accountability_form basis {REMEDY} public decided_on",
          _N15_LABELS),
    _type("N16", "问责建议书", "建议", False, "facts recommendations reply_deadline refusal_consequence",
          variants={"accountability": _variant("问责建议书"), "supervisory": _variant("监察建议书")},
          conditional={"reply_deadline": _unless_period("reply_period")}),
    _type("N17", "信用修复受理通知书", "修受", True,
          "application_number submitted_on checklist checklist[].item checklist[].result",
          {"decision_due": "作出决定期限"},
          {"accept": _variant("信用修复受理通知书", "decision_due"),
           "refuse": _variant("信用修复不予受理通知书", "refuse_reason"),
           "supplement": _variant("信用修复补正通知书", "missing_items")}),
    _type("N18", "信用修复决定书", "修决", False,
          "application_number repair_mode effective_date platforms sanctions_lifted retention_note"),
    _type("N19", "不予修复决定书", "不修", False, f"application_number refusal_reasons earliest_reapply {REMEDY}"),
    _type("N20", "撤销修复决定书", "撤修", False,
          f"repair_decision_number fraud_facts restored_disclosure bar_period {REMEDY}"),
    _type("N21", "失信记录撤销告知书", "撤告", True, "revoking_document revoked_on platforms",
          {"platforms": "已更新的平台"}),
    # DOMAIN §9.1: a 通报 to each assessed body, about no record (so no subject, no record number).
    _type("N24", "年度政务诚信考核评价结果通报", "考通", False,
          "year method unit_count total grade rank standings standings[].rank standings[].unit "
          "standings[].total standings[].grade objection_deadline",
          common="issuer.name addressee contact publicity"),
    # DOMAIN §9.3, scenario 33: the written answer within 15 days, and the result when the
    # lead closes (unfounded: the explanation, in outcome_reasons).
    _type("N25", "投诉受理告知书", "投受", True,
          "complaint_number complaint_channel complaint_received_on complaint_title accepted_on handling",
          {"accepted_on": "受理日期"}),
    _type("N26", "投诉办理结果告知书", "投果", True,
          "complaint_number complaint_channel complaint_received_on complaint_title outcome outcome_reasons "
          "closed_on"),
]
# fmt: on

TYPES: dict[str, NoticeType] = {t.code: t for t in _TYPES}
