"""How a demo case is written down: the lead, the state the demo leaves it in, and what the
officer proposes. Defaults per category keep the case lists short; every sanction still
comes from the measure catalogue and every finding cites its basis (S3 清单管理)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..lifecycle import RecordState as S

SEED = "东府〔2018〕124号"

BASIS = {
    "JUD": f"《中华人民共和国行政诉讼法》第九十四条；生效民事判决书；{SEED} 二(一)3、二(二)3",
    "DEF": f"《最高人民法院关于公布失信被执行人名单信息的若干规定》；{SEED} 二(三)8",
    "PEN": f"行政处罚决定书；《中华人民共和国行政处罚法》；{SEED} 二(二)3",
    "DIS": f"《中华人民共和国公职人员政务处分法》；处分决定书；{SEED} 二(二)3",
    "ACC": f"问责决定书；《中国共产党问责条例》；{SEED} 二(二)1、二(二)3",
    "PRM": f"《优化营商环境条例》第三十一条；{SEED} 二(二)3、二(三)1",
    "ONL": f"《国务院关于加快推进全国一体化在线政务服务平台建设的指导意见》（国发〔2018〕45号）；{SEED} 二(二)3",
    "RCT": f"{SEED} 二(三)8：对未按时完成整改的单位和个人记入政务失信记录",
}
PAYMENT_BASIS = f"《保障中小企业款项支付条例》；{SEED} 二(三)2"

#: Measure codes (migration 0002) by category, for organisation and for person subjects.
ORG_MEASURES = {
    "JUD": ("M01", "M03"),
    "DEF": ("M01", "M04", "M08"),
    "PEN": ("M01", "M07"),
    "ACC": ("M03", "M07"),
    "PRM": ("M01", "M07"),
    "ONL": ("M01",),
    "RCT": ("M03", "M04", "M07"),
}
PERSON_MEASURES = {
    "JUD": ("M05", "M06"),
    "DEF": ("M02", "M05", "M06"),
    "DIS": ("M05", "M06"),
    "ACC": ("M03", "M06"),
    "RCT": ("M03", "M06"),
}
#: The evidence summary of the 事前告知书 by lead source (the officer completes the system's draft with it).
EVIDENCE = {
    "HOTLINE": ("12345热线工单及办理记录", "合同、验收及付款凭证等书面材料", "被核查单位的情况说明"),
    "PETITION": ("来信及附件材料", "核查谈话记录", "被核查单位的情况说明"),
    "CONGRESS": ("代表建议办理复函", "代表跟踪督办记录", "被核查单位的情况说明"),
    "COURT": ("生效民事判决书", "执行立案及履行情况材料", "被核查单位的情况说明"),
    "DEFAULTER_LIST": ("失信被执行人名单信息", "生效法律文书及执行通知书", "被核查单位的情况说明"),
    "PENALTY": ("行政处罚决定书", "行政处罚案件调查材料", "被核查单位的情况说明"),
    "DISCIPLINE": ("处分决定书", "审查调查报告", "本人的陈述材料"),
    "ACCOUNTABILITY": ("问责决定书", "问责调查报告", "被问责对象的说明材料"),
    "AUDIT": ("审计报告及审计发现问题清单", "合同、验收及付款凭证", "被审计单位的说明材料"),
    "INSPECTION": ("巡察反馈意见", "国有建设用地使用权出让合同", "被巡察单位的说明材料"),
    "PROCURATORIAL": ("检察建议书", "货款支付台账", "被建议单位的回复材料"),
    "COMMITMENT": ("投资协议或承诺文件", "承诺跟踪台账及督办记录", "企业书面反映材料"),
    "ONLINE_STATS": ("网上办事统计季度报表", "政务服务事项办理明细", "行业主管部门意见"),
    "MONITORING": ("第三方监测报告", "合同及付款记录", "被监测单位的说明材料"),
    "SELF_REPORT": ("单位自报材料", "产权交易合同", "受让方书面反映材料"),
    "RECTIFICATION": ("整改通知书及整改台账", "催办函、督办通知书及送达回证", "被整改单位的整改报告"),
}

RATIONALE = {
    "MINOR": "首次发生，情节轻微，已主动纠正。",
    "GENERAL": "造成一定不良影响，按该类别默认等级认定为一般失信。",
    "SERIOUS": "拒不履行或情节严重，社会影响较大，认定为严重失信。",
}

#: The states a case may end in, in the order the lifecycle reaches them.
LADDER = [S.VERIFYING, S.PROPOSED, S.PRE_NOTICE, S.DETERMINED, S.EFFECTIVE]
CLOSED = {S.DISMISSED, S.REVOKED, S.EXPIRED}


@dataclass(frozen=True)
class Item:
    requirement: str
    criteria: str  # 验收标准
    evidence: str  # 须提交的材料
    days: int  # the item's period, in calendar days from the order's service


@dataclass(frozen=True)
class Order:
    """A rectification order (整改, DOMAIN §6.3) on the case's record, drafted on `drafted`."""

    drafted: dt.date
    items: tuple[Item, ...]
    explanation: str = ""  # the unit's written explanation of the causes (书面说明原因)
    uploads: tuple[tuple[int, str], ...] = ()  # (item number, file name) the unit has uploaded


@dataclass(frozen=True)
class Discipline:
    """A 政务处分 case (追责 on the supervisory track, DOMAIN §6.4) about a person
    responsible for the case's failure, opened on `initiated`."""

    initiated: dt.date
    person: str  # name of a demo person
    reason: str
    facts: str  # what the person did, as the decision states it
    statement: str  # what the person said when heard
    opinion: str  # the deliberation's opinion
    decision_type: str
    basis: str
    evidence: tuple[str, ...]  # listed in the decision notice


@dataclass(frozen=True)
class Repair:
    """A credit repair (信用修复, DOMAIN §6.5) applied for on `applied`, on paper (recorded by
    the officer), and granted: the case ends REPAIRED."""

    applied: dt.date
    commitment: str  # the 信用承诺书


@dataclass(frozen=True)
class Case:
    subject: str  # an organisation's short name, or "@姓名" for a demo person
    source: str
    received: dt.date
    lead: str  # also the key that makes re-running skip the case
    state: str  # the state the demo leaves the record in
    category: str = ""
    domain: str = ""
    tier: str = ""
    facts: str = ""
    basis: str = ""
    measures: tuple[str, ...] = ()
    must_disclose: bool = False
    rationale: str = ""
    by: str = "officer"  # the case officer's username
    waived: bool = False  # the subject waived the defence period in writing
    defence: str = ""  # a 陈述申辩 after the prior notice ...
    reply: str = ""  # ... and the officer's answer
    closing: str = ""  # reason for 不予认定 or 撤销
    document: str = ""  # the document a 撤销 rests on
    closed_as: str = ""  # for ARCHIVED: DISMISSED, REVOKED or EXPIRED
    verified: bool = True  # for DISMISSED: dismissed after verification, or straight from the lead
    evidence: tuple[str, ...] = ()  # the 事前告知书's evidence summary; default: by source
    # The case's latest notice is left awaiting the approver's 核准 (the demo's 待核准 queue).
    notice_pending: bool = False
    order: Order | None = None  # after the record is in force
    discipline: Discipline | None = None  # after the record is in force
    repair: Repair | None = None  # for a case that ends REPAIRED

    @property
    def person(self) -> str:
        return self.subject[1:] if self.subject.startswith("@") else ""

    @property
    def end_state(self) -> str:
        """The state before archiving (the case's own state when it is not archived)."""
        return self.closed_as if self.state == S.ARCHIVED else self.state

    def measure_codes(self) -> tuple[str, ...]:
        table = PERSON_MEASURES if self.person else ORG_MEASURES
        return self.measures or table[self.category]

    def legal_basis(self) -> str:
        return self.basis or BASIS[self.category]

    def evidence_summary(self) -> list[str]:
        return list(self.evidence or EVIDENCE[self.source])

    def tier_rationale(self) -> str:
        return self.rationale or RATIONALE[self.tier]


def day(iso: str) -> dt.date:
    return dt.date.fromisoformat(iso)


def case(subject: str, source: str, received: str, state: str, lead: str, **details) -> Case:
    return Case(subject, source, dt.date.fromisoformat(received), lead, state, **details)
