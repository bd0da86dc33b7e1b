"""Notice data from the sub-process objects: objections (N4–N6), rectification (N7–N13),
accountability (N14–N16) and credit repair (N17–N20). See notices.context."""

from __future__ import annotations

from casework import clock, rules
from casework.lifecycle import ItemState, ObjectionState
from casework.models import (
    Accountability,
    ExtensionRequest,
    Objection,
    Record,
    Rectification,
    RepairApplication,
    Sanction,
)
from casework.models.accountability import Track
from casework.models.records import DeadlineStatus
from casework.models.rectification import RequestState
from casework.rule_table import RuleCode

from .context import deadline, due, iso, issued_number, period, record_data, remedy, setting

# ── objections ──────────────────────────────────────────────────────────────────────

_PLATFORM_CHANGE = {
    "MAINTAIN": "维持原记录，取消“异议处理中”标注",
    "CORRECT": "更正记录信息",
    "SUPPLEMENT": "补充记录信息",
    "REVOKE": "撤下该记录",
    "STOP_DISCLOSURE": "停止公示该记录",
    "DELIST": "移出名单",
    "UNCONFIRMABLE": "保留记录并记载核查情况，取消“异议处理中”标注",
}


def objection_number(obj: Objection) -> str:
    return f"YY-{obj.received_on.year}-{obj.pk:04d}"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def n4(record: Record, obj: Objection) -> dict:
    variant = {ObjectionState.NOT_ACCEPTED: "refuse", ObjectionState.NEEDS_SUPPLEMENT: "supplement"}.get(
        obj.state, "accept"
    )
    decide = deadline(obj, RuleCode.OBJECTION_DECIDE)
    return {
        "variant": variant,
        "objection_number": objection_number(obj),
        "received_on": iso(obj.received_on),
        "accepted_on": iso(obj.accepted_on),
        "decision_due": iso(decide.due_on) if decide else None,
        "flagged": record.objection_pending,
        "refuse_reason": obj.not_accepted_reason,
        "missing_items": _lines(obj.missing_items),
    }


def n5(record: Record, obj: Objection) -> dict:
    first = deadline(obj, RuleCode.OBJECTION_DECIDE, status=DeadlineStatus.CANCELLED)
    current = deadline(obj, RuleCode.OBJECTION_DECIDE, status=DeadlineStatus.OPEN)
    return {
        "objection_number": objection_number(obj),
        "extension_reason": obj.extension_reason,
        "original_due": iso(first.due_on) if first else None,
        "new_due": iso(current.due_on) if current else None,
    }


def n6(record: Record, obj: Objection) -> dict:
    decided = obj.decided_on or clock.today()
    change = _PLATFORM_CHANGE.get(obj.outcome, "")
    return {
        "objection_number": objection_number(obj),
        "outcome": obj.get_outcome_display() if obj.outcome else "",
        "outcome_reasons": obj.decision_reason,
        "platform_changes": [
            {"platform": p, "change": change, "due": due(RuleCode.WITHDRAW_DISPLAY, decided)}
            for p in setting("platforms")
        ],
        "remedy": remedy(record),
    }


# ── rectification ───────────────────────────────────────────────────────────────────


def _rectification(record: Record, obj) -> Rectification | None:
    if isinstance(obj, Rectification):
        return obj
    return record.rectifications.order_by("-id").first()


def _item_term(item) -> dict:
    """When the item is due: its date once the order was served; before (the 整改通知书 is
    issued before its service, which starts the periods), its period in days."""
    found = deadline(item, RuleCode.RECTIFICATION, RuleCode.OVERDUE_REMINDER, RuleCode.RESUBMISSION)
    if found:
        return {"deadline": iso(found.due_on)}
    start = item.rectification.served_on
    if start is None:
        return {"period_days": item.period_days}
    return {"deadline": iso(rules.due(RuleCode.RECTIFICATION, start, amount=item.period_days).date)}


def _explain_term(rect: Rectification | None) -> dict:
    """The written explanation is part of the rectification order: it is due a period after
    the 整改通知书 is served (rectification.service_change). Its date once that happened;
    before, the period and what it runs from, never a date counted from the drafting day.
    Without an order, the period runs from this notice's own service."""
    found = deadline(rect, RuleCode.WRITTEN_EXPLANATION) if rect else None
    if found:
        return {"explain_deadline": iso(found.due_on)}
    return {
        "explain_period": period(RuleCode.WRITTEN_EXPLANATION),
        "explain_from": "《整改通知书》" if rect else "本通知书",
    }


def n7(record: Record, obj) -> dict:
    return {
        "facts": record.facts,
        "explain_items": ["发生上述情形的原因", "已采取和拟采取的纠正措施", "相关责任人员及其履职情况"],
        **_explain_term(_rectification(record, obj)),
    }


def n8(record: Record, obj) -> dict:
    rect = _rectification(record, obj)
    items = [
        {
            "number": item.number,
            "requirement": item.requirement,
            "criteria": item.acceptance_criteria,
            "evidence": item.required_evidence,
            **_item_term(item),
        }
        for item in (rect.items.all() if rect else [])
    ]
    return {
        "facts": record.facts,
        "basis": record.legal_basis,
        "items": items,
        "report_format": "整改报告应当逐项说明整改措施、完成情况，并附佐证材料",
        "leader_signature": "整改报告须经单位主要负责人签字确认，并对材料的真实性负责",
        "overdue_consequences": (
            f"逾期未完成整改的，本机关将发出催办函，限期{period(RuleCode.OVERDUE_REMINDER)}内完成；"
            "经催办仍未完成的，将进行督办或者约谈，启动责任追究程序，"
            "并将未按时完成整改的情况记入单位和相关人员的政务失信记录"
        ),
        "extension_procedure": (
            "确有正当理由不能按期完成的，应当在整改期限届满前提出书面延期申请并说明理由；"
            f"每个事项只能申请延期一次，延长期限不超过原整改期限，本机关在{period(RuleCode.EXTENSION_DECIDE)}内作出批复"
        ),
    }


def n9(record: Record, obj) -> dict:
    rect = _rectification(record, obj)
    returned = list(rect.items.filter(state=ItemState.RETURNED)) if rect else []
    dues = [deadline(item, RuleCode.RESUBMISSION) for item in returned]
    latest = max((d.due_on for d in dues if d), default=None)
    return {
        "original_number": issued_number(record, "N8"),
        "items": [{"requirement": i.requirement, "return_reason": i.return_reason} for i in returned],
        "resubmission_deadline": iso(latest) if latest else due(RuleCode.RESUBMISSION, clock.today()),
    }


def _extension_dates(request: ExtensionRequest) -> tuple:
    """An approved extension replaced the item's deadline by one running from the old due
    date; before approval the new date is the one asked for."""
    current = deadline(request.item, RuleCode.RECTIFICATION, status=DeadlineStatus.OPEN)
    if current is None:
        return None, None
    if request.state == RequestState.APPROVED:
        return current.start_on, current.due_on
    return current.due_on, rules.due(RuleCode.RECTIFICATION, current.due_on, amount=request.days).date


def n10(record: Record, obj) -> dict:
    if not isinstance(obj, ExtensionRequest):
        return {"variant": "approve", "original_number": issued_number(record, "N8")}
    old, new = _extension_dates(obj)
    refused = obj.state == "REJECTED"
    return {
        "variant": "refuse" if refused else "approve",
        "original_number": issued_number(record, "N8"),
        "request_date": iso(obj.requested_on),
        "items": [{"requirement": obj.item.requirement, "old_deadline": iso(old), "new_deadline": iso(new)}],
        "extension_conditions": "延期期间应当按期报送整改进展，延长的期限届满后不再延长",
        "refusal_reason": obj.decision_reason if refused else "",
    }


def _original_deadline(rect: Rectification | None):
    dues = [deadline(item, RuleCode.RECTIFICATION) for item in rect.items.all()] if rect else []
    return max((d.due_on for d in dues if d), default=None)


def n11(record: Record, obj) -> dict:
    rect = _rectification(record, obj)
    original = _original_deadline(rect)
    today = clock.today()
    return {
        "original_number": issued_number(record, "N8"),
        "original_deadline": iso(original),
        "overdue_days": (today - original).days if original else None,
        "new_deadline": due(RuleCode.OVERDUE_REMINDER, today),
        "escalation_warning": (
            "逾期仍未完成的，本机关将对你单位进行督办或者约谈主要负责人，启动责任追究程序，"
            "并将未按时完成整改的情况记入政务失信记录"
        ),
    }


def n12(record: Record, obj) -> dict:
    rect = _rectification(record, obj)
    original = _original_deadline(rect)
    history = (
        [f"原整改期限{original.year}年{original.month}月{original.day}日届满，未完成整改"] if original else []
    )
    reminder = issued_number(record, "N11")
    if reminder:
        history.append(f"本机关发出《整改逾期催办函》（{reminder}）后，仍未完成整改")
    return {
        "variant": "supervise",
        "original_number": issued_number(record, "N8"),
        "overdue_history": history,
        "escalation_measures": "本机关已启动责任追究程序，并拟将未按时完成整改的情况记入单位及相关责任人员的政务失信记录",
        "supervise_deadline": due(RuleCode.ESCALATION, clock.today()),
    }


def n13(record: Record, obj) -> dict:
    rect = _rectification(record, obj)
    items = list(rect.items.all()) if rect else []
    accepted = [{"requirement": i.requirement} for i in items if i.state == ItemState.ACCEPTED]
    remaining = [
        {"requirement": i.requirement} for i in items if i.state not in (ItemState.ACCEPTED, ItemState.MOOT)
    ]
    effect = (
        "整改已全部验收销号，符合信用修复的整改条件"
        if not remaining
        else "尚有事项未销号，全部验收销号前不符合信用修复的整改条件"
    )
    return {
        "accepted_items": accepted,
        "accepted_on": iso(clock.today()),
        "remaining_items": remaining,
        "repair_effect": effect,
    }


# ── accountability ──────────────────────────────────────────────────────────────────

_APPEAL_ROUTES = {
    Track.APPOINTING: {
        "route": "向原处分决定机关申请复核；对复核决定不服的，向同级公务员主管部门或者作出该处分决定的机关的上一级机关提出申诉",
        "time_limit": "申请复核的期限为自知道该处分决定之日起30日内，提出申诉的期限为自接到复核决定之日起15日内",
    },
    Track.PARTY: {
        "route": "向作出问责决定的党组织提出书面申诉",
        "time_limit": "申诉期限为自收到本决定之日起15日内",
    },
}


def _appeal_route(track: str) -> dict:
    """复审/复核 (S15 Art 56), 复核/申诉 (S16 Art 95) or 问责申诉 (S19), by legal track."""
    return dict(_APPEAL_ROUTES.get(track) or setting("supervisory_remedy"))


def _sanction(obj) -> Sanction | None:
    if isinstance(obj, Sanction):
        return obj
    if isinstance(obj, Accountability):
        return obj.sanctions.order_by("id").first()
    return None


def _person_decision(record: Record, obj) -> dict:
    sanction = _sanction(obj)
    if sanction is None:
        return {}
    case, person = sanction.accountability, sanction.person
    subject = {"kind": "person", "name": person.name, "unit": person.unit.name, "post": person.post}
    subject["id_number"] = person.masked_id_number
    return {
        "subject": subject,
        "addressee": person.name,
        "facts": record.facts if record else case.reason,
        "basis": sanction.basis,
        "remedy": _appeal_route(case.track),
        "decided_on": iso(case.decided_on),
        "decision_type": sanction.get_decision_type_display(),
        "sanction_start": iso(sanction.effective_on),
        "sanction_end": iso(sanction.period_end),
    }


def n14(record: Record, obj) -> dict:
    data = _person_decision(record, obj)
    data["sanction_type"] = data.pop("decision_type", "")
    return data


def n15(record: Record, obj) -> dict:
    data = _person_decision(record, obj)
    data["accountability_form"] = data.pop("decision_type", "")
    data["public"] = True  # accountability decisions are generally made public (S19 Art 20)
    return data


#: The body's reply to a 问责建议书 / 监察建议书 (DOMAIN §8.3 N16: "reply deadline (c)").
RECOMMENDATION_REPLY = "1个月"


def n16(record: Record, obj) -> dict:
    case = obj if isinstance(obj, Accountability) else None
    unit = case.unit.name if case and case.unit_id else None
    data = {
        "variant": "accountability",
        "facts": case.reason if case else record.facts,
        # Nothing here tracks the reply: the notice states its period, from its own service.
        "reply_period": RECOMMENDATION_REPLY,
        "refusal_consequence": "无正当理由拒不采纳的，本机关将依法予以通报批评，并对有关负责人依法处理",
    }
    if unit:
        data["addressee"] = unit
    return data


# ── credit repair ───────────────────────────────────────────────────────────────────


def application_number(app: RepairApplication) -> str:
    return f"XF-{app.submitted_on.year}-{app.pk:04d}"


def n17(record: Record, obj: RepairApplication) -> dict:
    from casework.services.repair.eligibility import repair_eligibility

    checks = repair_eligibility(record, obj.submitted_on).conditions
    decide = deadline(obj, RuleCode.REPAIR_DECIDE_EXTENSION, RuleCode.REPAIR_DECIDE)
    return {
        "variant": "accept",
        "application_number": application_number(obj),
        "submitted_on": iso(obj.submitted_on),
        "checklist": [{"item": c.label, "result": "符合" if c.passed else c.reason} for c in checks],
        "decision_due": iso(decide.due_on) if decide else None,
    }


def n18(record: Record, obj: RepairApplication) -> dict:
    return {
        "application_number": application_number(obj),
        "repair_mode": "终止公示，并停止共享和使用",
        "effective_date": iso(obj.decided_on),
        "platforms": list(setting("platforms")),
        "sanctions_lifted": [m["name"] for m in record_data(record)["measures"]],
        "retention_note": "该记录终止公示后转入内部档案保存，仅供依法履职查询，不再作为惩戒依据",
    }


def n19(record: Record, obj: RepairApplication) -> dict:
    reason = obj.get_refusal_reason_display() if obj.refusal_reason else ""
    detail = f"{reason}：{obj.refusal_detail}" if obj.refusal_detail else reason
    return {
        "application_number": application_number(obj),
        "refusal_reasons": [detail] if detail else [],
        "earliest_reapply": "上述不予修复的情形消除后",
        "remedy": remedy(record),
    }


def n20(record: Record, obj: RepairApplication) -> dict:
    return {
        "repair_decision_number": issued_number(record, "N18"),
        "fraud_facts": obj.revoked_reason,
        "restored_disclosure": "自本决定作出之日起恢复公示，公示期限按原认定计算",
        "bar_period": f"自本决定作出之日起{period(RuleCode.REPAIR_FRAUD_BAR)}内不得申请信用修复",
        "remedy": remedy(record),
    }


BUILDERS = {
    "N4": n4, "N5": n5, "N6": n6, "N7": n7, "N8": n8, "N9": n9, "N10": n10, "N11": n11,
    "N12": n12, "N13": n13, "N14": n14, "N15": n15, "N16": n16, "N17": n17, "N18": n18,
    "N19": n19, "N20": n20,
}  # fmt: skip
