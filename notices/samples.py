"""Plausible demo data for every notice type and variant: for `notice_samples`, for the
layout tests and as the reference of each type's data shape. Invented names and numbers."""

from __future__ import annotations

import copy

ISSUER = {"name": "东莞市监察委员会", "code": "东监"}
SAMPLE_ISSUED_ON = "2026-01-05"

ORGANISATION = {"kind": "organisation", "name": "东莞市甲局", "credit_code": "11441900MB2C000052"}
PERSON = {
    "kind": "person",
    "name": "张三",
    "unit": "东莞市甲局",
    "post": "副局长",
    "id_number": "4419**********1234",
}

COMMON = {
    "issuer": ISSUER,
    "addressee": "东莞市甲局",
    "subject": ORGANISATION,
    "record_number": "ZWSX-2026-000123",
    "contact": "王五，联系电话：0769-22221234，地址：东莞市南城街道鸿福路 99 号",
    "publicity": "依申请公开",
    "cc": ["东莞市发展和改革局", "东莞市人力资源和社会保障局"],
    "printed_by": "东莞市监察委员会办公室",
}

FACTS = (
    "2025年3月至2025年11月，你单位作为采购人，在“东莞市政务服务中心智能化改造项目”政府采购合同履约中，"
    "项目已于2025年2月28日验收合格，但未按合同约定在验收后30日内支付中小企业合同款120万元，"
    "经供应商多次催告，至2025年11月30日仍未支付。"
)
BASIS = "《保障中小企业款项支付条例》第九条；《东莞市人民政府关于加强政务诚信建设的实施意见》（东府〔2018〕124号）第二部分第（二）项"
MEASURES = [
    {"name": "取消当年度评优评先资格", "basis": "东府〔2018〕124号第二部分第（二）项第4目；惩戒措施清单M01"},
    {
        "name": "纳入年度政务诚信考核评价扣分",
        "basis": "东府〔2018〕124号第二部分第（一）项第1目；惩戒措施清单M03",
    },
]
EVIDENCE = [
    "《东莞市政务服务中心智能化改造项目政府采购合同》及验收报告",
    "供应商催款函三份及邮寄凭证",
    "你单位财务部门出具的付款情况说明",
]
REMEDY = {
    "route": "向东莞市人民政府申请行政复议，或者向东莞市第一人民法院提起行政诉讼",
    "time_limit": "申请行政复议的期限为自收到本文书之日起60日内，提起行政诉讼的期限为自收到本文书之日起6个月内",
}
CHANNEL = "通过东莞市政务失信记录管理系统在线提交，或者向本机关书面提交"


def _items(n: int) -> list[dict]:
    themes = [
        (
            "支付拖欠的合同款",
            "足额支付拖欠供应商的合同款120万元及逾期利息",
            "款项全部到账，供应商书面确认无异议",
            "供应商出具的收款确认书、银行付款凭证",
        ),
        (
            "清理同类欠款",
            "全面清理本单位2023年以来所有政府采购合同的付款情况，建立欠款台账",
            "台账覆盖全部合同，逐笔注明付款期限和责任人",
            "欠款清理台账",
        ),
        (
            "健全付款审批制度",
            "修订本单位合同付款审批流程，明确验收后付款的时限和责任人",
            "制度经单位领导班子会议审议通过并印发执行",
            "修订后的制度文件及会议纪要",
        ),
        (
            "追究相关责任",
            "对负有责任的人员依规依纪依法提出处理意见",
            "处理意见明确、依据充分，已按管理权限报送",
            "责任追究情况报告",
        ),
        (
            "开展诚信教育",
            "组织全体干部职工开展政务诚信专题学习",
            "参学人员覆盖率达到100%",
            "学习通知、签到表和学习记录",
        ),
        (
            "公开整改情况",
            "在本单位门户网站公开整改情况，接受社会监督",
            "公开内容完整，公开时间不少于30日",
            "网站公开页面截图",
        ),
    ]
    items = []
    for i in range(n):
        problem, requirement, criteria, evidence = themes[i % len(themes)]
        items.append(
            {
                "number": i + 1,
                "problem": problem,
                "requirement": requirement,
                "criteria": criteria,
                "evidence": evidence,
                "deadline": f"2026-{2 + i // 3:02d}-{10 + (i % 3) * 5:02d}",
            }
        )
    return items


SPECIFIC: dict[str, dict] = {
    "N1": {
        "category": "未守信践诺",
        "tier": "一般",
        "facts": FACTS,
        "evidence": EVIDENCE,
        "basis": BASIS,
        "disclosure_scope": "在“信用东莞”网站公示，并共享至广东省公共信用信息管理系统",
        "disclosure_period": "最短3个月、最长1年，自认定之日起计算",
        "measures": MEASURES,
        "defence_period": "自本告知书送达之日起5个工作日内",
        "defence_channel": CHANNEL,
    },
    "N2": {
        "category": "未守信践诺",
        "tier": "一般",
        "facts": FACTS,
        "basis": BASIS,
        "determination_date": "2026-01-15",
        "disclosure_min_end": "2026-04-15",
        "disclosure_max_end": "2027-01-15",
        "public": True,
        "measures": MEASURES,
        "rectification_required": True,
        "rectification_number": "东监整改〔2026〕3号",
        "objection_channel": CHANNEL,
    },
    "N3": {
        "earliest_repair_date": "2026-04-16",
        "repair_conditions": [
            "最短公示期已届满",
            "失信行为已纠正、相关义务已全部履行，整改已经验收销号",
            "作出信用承诺",
        ],
        "repair_materials": [
            "信用修复申请书",
            "履行义务或者整改完成的证明材料",
            "经单位主要负责人签字的信用承诺书",
        ],
        "repair_channel": "“信用中国”网站“信用修复”栏目、东莞市政务失信记录管理系统或者东莞市民服务中心信用窗口",
        "processing_times": "申请材料齐全的当场受理；自受理之日起3个工作日内作出决定，情况复杂的经批准可延长3个工作日；自申请之日起10个工作日内答复申请人",
    },
    "N4": {"objection_number": "YY-2026-0012", "received_on": "2026-02-12"},
    "N5": {
        "objection_number": "YY-2026-0012",
        "extension_reason": "异议涉及的合同履约情况需向信息提供单位东莞市财政局进一步核实",
        "original_due": "2026-03-06",
        "new_due": "2026-03-13",
        "approver": "东莞市监察委员会副主任李明",
    },
    "N6": {
        "objection_number": "YY-2026-0012",
        "outcome": "更正",
        "outcome_reasons": "经核查，你单位已于2025年12月20日支付合同款80万元，原记录所载拖欠金额有误，应予更正；其余事实清楚。",
        "outcome_evidence": "银行付款凭证、东莞市财政局出具的核查意见",
        "platform_changes": [
            {"platform": "信用东莞网站", "change": "更正拖欠金额为40万元", "due": "2026-03-11"},
            {"platform": "广东省公共信用信息管理系统", "change": "同步更正", "due": "2026-03-11"},
        ],
        "remedy": REMEDY,
    },
    "N7": {
        "facts": FACTS,
        "explain_items": ["未按期支付合同款的原因", "目前的付款安排和资金来源", "相关责任人员及其履职情况"],
        "explain_deadline": "2026-02-02",
    },
    "N8": {
        "facts": FACTS,
        "basis": BASIS,
        "items": _items(6),
        "report_format": "整改报告应当逐项说明整改措施、完成情况和佐证材料，加盖单位公章",
        "leader_signature": "整改报告须经你单位主要负责人签字确认，对材料的真实性负责",
        "overdue_consequences": "逾期未完成整改的，本机关将发出催办函；经催办仍未完成的，将启动督办、约谈和责任追究程序，并将未按时完成整改的情况记入单位和相关人员的政务失信记录",
        "attachments": ["整改报告（式样）", "整改事项清单"],
        "extension_procedure": "确有正当理由不能按期完成的，应当在整改期限届满前提出书面延期申请，说明理由；每个事项只能申请延期一次，延长期限不超过原整改期限",
    },
    "N9": {
        "original_number": "东监整改〔2026〕3号",
        "items": [
            {
                "requirement": "全面清理本单位政府采购合同付款情况",
                "return_reason": "欠款台账未覆盖2023年度合同",
            },
            {"requirement": "修订合同付款审批流程", "return_reason": "修订后的制度未明确付款时限"},
        ],
        "resubmission_deadline": "2026-03-20",
    },
    "N10": {
        "original_number": "东监整改〔2026〕3号",
        "request_date": "2026-02-25",
        "items": [
            {
                "requirement": "全面清理本单位政府采购合同付款情况",
                "old_deadline": "2026-03-02",
                "new_deadline": "2026-04-01",
            }
        ],
        "extension_conditions": "延期期间每15日报送一次工作进展，延期届满不再延长",
        "refusal_reason": "延期申请在整改期限届满后提出，不符合延期条件",
    },
    "N11": {
        "original_number": "东监整改〔2026〕3号",
        "original_deadline": "2026-10-08",
        "overdue_days": 1,
        "new_deadline": "2026-10-22",
        "escalation_warning": "逾期仍未完成的，本机关将对你单位进行督办、约谈主要负责人，启动责任追究程序，并将未按时完成整改的情况记入政务失信记录",
    },
    "N12": {
        "original_number": "东监整改〔2026〕3号",
        "overdue_history": [
            "原整改期限2026年10月8日届满，你单位未提交整改材料",
            "本机关于2026年10月9日发出催办函，要求于2026年10月22日前完成，你单位仍未完成",
        ],
        "escalation_measures": "启动责任追究程序，拟将未按时完成整改的情况记入你单位及相关责任人员的政务失信记录",
        "supervise_deadline": "2026-10-29",
        "meeting_time": "2026年10月27日（星期二）上午9时30分",
        "meeting_place": "东莞市监察委员会第三会议室",
        "attendees": "你单位主要负责人、分管负责人及财务部门负责人",
    },
    "N13": {
        "accepted_items": [
            {"requirement": "足额支付拖欠供应商的合同款及逾期利息"},
            {"requirement": "全面清理本单位政府采购合同付款情况"},
        ],
        "accepted_on": "2026-03-25",
        "remaining_items": [],
        "repair_effect": "整改已全部验收销号，最短公示期届满后你单位可申请信用修复",
    },
    "N14": {
        "subject": PERSON,
        "addressee": "张三",
        "facts": "张三在担任东莞市甲局副局长期间，分管政府采购和财务工作，对项目验收后长期拖欠中小企业合同款问题未依规履职，造成不良社会影响。",
        "evidence": ["证人证言", "项目合同及付款审批记录", "张三本人的陈述和申辩材料"],
        "sanction_type": "记过",
        "basis": "《中华人民共和国公职人员政务处分法》第七条、第三十九条第（二）项",
        "remedy": {
            "route": "向东莞市监察委员会申请复审；对复审决定仍不服的，向广东省监察委员会申请复核",
            "time_limit": "申请复审的期限为自收到本决定之日起一个月内，申请复核的期限为自收到复审决定之日起一个月内",
        },
        "decided_on": "2026-03-31",
        "sanction_start": "2026-03-31",
        "sanction_end": "2027-03-30",
    },
    "N15": {
        "subject": PERSON,
        "addressee": "张三",
        "facts": "张三作为分管负责人，对本单位长期拖欠中小企业合同款问题失职失责，经提醒仍未推动整改。",
        "accountability_form": "诫勉",
        "basis": "《中国共产党问责条例》第七条、第八条",
        "remedy": {
            "route": "向作出问责决定的党组织提出书面申诉",
            "time_limit": "申诉期限为自收到本决定之日起一个月内",
        },
        "public": True,
        "decided_on": "2026-04-10",
    },
    "N16": {
        "facts": FACTS,
        "recommendations": ["对负有领导责任的分管负责人进行问责", "健全政府采购合同付款内部控制制度"],
        "reply_deadline": "2026-05-10",
        "refusal_consequence": "无正当理由拒不采纳的，依照《中华人民共和国监察法实施条例》第七十一条予以通报批评，并对有关负责人依法处理",
    },
    "N17": {
        "application_number": "XF-2026-0031",
        "submitted_on": "2026-06-17",
        "checklist": [
            {"item": "最短公示期", "result": "已于2026年4月15日届满"},
            {"item": "整改验收", "result": "已于2026年3月25日验收销号"},
            {"item": "信用承诺书", "result": "已提交，经主要负责人签字"},
        ],
        "decision_due": "2026-06-23",
    },
    "N18": {
        "application_number": "XF-2026-0031",
        "repair_mode": "终止公示并停止共享",
        "effective_date": "2026-06-22",
        "platforms": ["信用东莞网站", "广东省公共信用信息管理系统"],
        "sanctions_lifted": ["取消当年度评优评先资格的限制"],
        "retention_note": "该记录终止公示后转入内部档案保存，仅供依法履职查询，保存期满后予以匿名化处理",
    },
    "N19": {
        "application_number": "XF-2026-0032",
        "refusal_reasons": ["最短公示期未满", "整改未验收"],
        "earliest_reapply": "最短公示期于2026年4月15日届满且整改经验收销号后",
        "remedy": REMEDY,
    },
    "N20": {
        "repair_decision_number": "东监修决〔2026〕5号",
        "fraud_facts": "你单位在信用修复申请中提交的供应商收款确认书系伪造，实际款项至今未支付。",
        "restored_disclosure": "自本决定作出之日起恢复公示，公示期限按原认定计算",
        "bar_period": "自本决定作出之日起3年内不得申请信用修复",
        "remedy": REMEDY,
    },
    "N21": {
        "revoking_document": "东莞市中级人民法院（2026）粤19民再12号民事判决书",
        "revoked_on": "2026-06-17",
        "platforms": ["信用东莞网站", "广东省公共信用信息管理系统"],
    },
    "N24": {
        "addressee": "东莞市水务局",
        "year": 2025,
        "method": "系统数据自动扣分与人工加减分相结合的方式，基础分100分",
        "unit_count": 30,
        "total": "91.0",
        "grade": "A",
        "rank": 14,
        "deductions": [
            {"indicator": "在施失信记录", "points": "6.0", "count": 2},
            {"indicator": "逾期未整改事项", "points": "2.0", "count": 1},
            {"indicator": "逾期未履行的生效判决", "points": "1.0", "count": 1},
        ],
        "standings": [
            {"rank": 1, "unit": "东莞市发展和改革局", "total": "100.0", "grade": "A"},
            {"rank": 1, "unit": "东莞市教育局", "total": "100.0", "grade": "A"},
            {"rank": 3, "unit": "东莞市科学技术局", "total": "99.0", "grade": "A"},
            {"rank": 4, "unit": "东莞市工业和信息化局", "total": "98.0", "grade": "A"},
            {"rank": 4, "unit": "东莞市公安局", "total": "98.0", "grade": "A"},
            {"rank": 6, "unit": "东莞市民政局", "total": "97.0", "grade": "A"},
            {"rank": 7, "unit": "东莞市司法局", "total": "96.0", "grade": "A"},
            {"rank": 7, "unit": "东莞市财政局", "total": "96.0", "grade": "A"},
            {"rank": 9, "unit": "东莞市人力资源和社会保障局", "total": "95.0", "grade": "A"},
            {"rank": 10, "unit": "东莞市自然资源局", "total": "94.0", "grade": "A"},
            {"rank": 11, "unit": "东莞市生态环境局", "total": "93.0", "grade": "A"},
            {"rank": 11, "unit": "东莞市住房和城乡建设局", "total": "93.0", "grade": "A"},
            {"rank": 13, "unit": "东莞市交通运输局", "total": "92.0", "grade": "A"},
            {"rank": 14, "unit": "东莞市水务局", "total": "91.0", "grade": "A"},
            {"rank": 15, "unit": "东莞市农业农村局", "total": "90.0", "grade": "A"},
            {"rank": 15, "unit": "东莞市商务局", "total": "90.0", "grade": "A"},
            {"rank": 17, "unit": "东莞市文化广电旅游体育局", "total": "89.0", "grade": "B"},
            {"rank": 18, "unit": "东莞市卫生健康局", "total": "88.0", "grade": "B"},
            {"rank": 19, "unit": "东莞市市场监督管理局", "total": "87.0", "grade": "B"},
            {"rank": 20, "unit": "东莞市城市管理和综合执法局", "total": "86.0", "grade": "B"},
            {"rank": 20, "unit": "东莞松山湖高新技术产业开发区管理委员会", "total": "86.0", "grade": "B"},
            {"rank": 22, "unit": "东莞滨海湾新区管理委员会", "total": "85.0", "grade": "B"},
            {"rank": 23, "unit": "莞城街道办事处", "total": "84.0", "grade": "B"},
            {"rank": 24, "unit": "南城街道办事处", "total": "82.0", "grade": "B"},
            {"rank": 25, "unit": "石龙镇人民政府", "total": "80.0", "grade": "B"},
            {"rank": 26, "unit": "石碣镇人民政府", "total": "79.0", "grade": "C"},
            {"rank": 27, "unit": "茶山镇人民政府", "total": "76.0", "grade": "C"},
            {"rank": 28, "unit": "寮步镇人民政府", "total": "72.0", "grade": "C"},
            {"rank": 29, "unit": "虎门镇人民政府", "total": "66.0", "grade": "C"},
            {"rank": 30, "unit": "长安镇人民政府", "total": "58.0", "grade": "D"},
        ],
        "objection_deadline": "2026-01-12",
    },
    "N25": {
        "addressee": "李小明",
        "complaint_number": "GD12345-2026-0001",
        "complaint_channel": "12345 热线",
        "complaint_received_on": "2026-01-05",
        "complaint_title": "东莞市甲局拖欠中小企业工程款",
        "accepted_on": "2026-01-06",
        "handling": (
            "已登记为政务失信线索（编号：ZWSX-2026-000123），转办案部门核查。办案部门将调取该项目的政府采购合同、"
            "验收记录、付款申请和支付凭证，听取东莞市甲局的情况说明，并向供应商核实催告及收款情况；"
            "核查期间如需补充材料，办案人员将通过你登记的联系方式与你联系。"
            "经核查属实的，本机关将依照《东莞市人民政府关于加强政务诚信建设的实施意见》认定为政务失信，"
            "责令限期整改，并依法公示；经核查不属实的，本机关将向你书面说明理由。"
            "你反映的情况涉及中小企业款项支付的，本机关已同时告知东莞市工业和信息化局，"
            "由其依照《保障中小企业款项支付条例》督促履行付款义务。"
        ),
    },
    "N26": {
        "addressee": "李小明",
        "complaint_number": "GD12345-2026-0001",
        "complaint_channel": "12345 热线",
        "complaint_received_on": "2026-01-05",
        "complaint_title": "东莞市甲局拖欠中小企业工程款",
        "outcome": "经核查，投诉反映的问题不属实或者不构成政务失信，不予认定。",
        "outcome_reasons": (
            "经调取该项目的政府采购合同、验收记录、付款申请和国库集中支付凭证，并向供应商核实，"
            "该项目已于2025年2月28日验收合格，供应商于2025年3月10日提交付款申请，"
            "东莞市甲局已于2025年3月28日通过国库集中支付系统将合同款120万元全额支付至供应商账户，"
            "付款未超过合同约定的期限。供应商于2025年12月另行主张的逾期利息，"
            "属于双方对合同条款的理解分歧，不属于政务失信行为，可以通过协商、仲裁或者诉讼解决。"
            "你反映的东莞市甲局拖欠中小企业工程款问题不属实，本机关决定不予认定为政务失信。"
            "本机关已将核查情况告知东莞市甲局，要求其今后在合同履行中及时与供应商沟通，"
            "依法依约办理款项结算，防止产生新的争议。"
        ),
        "closed_on": "2026-02-10",
    },
}

VARIANT_DATA: dict[tuple[str, str], dict] = {
    ("N4", "accept"): {"accepted_on": "2026-02-13", "decision_due": "2026-03-06", "flagged": True},
    ("N4", "refuse"): {"refuse_reason": "你单位以相同理由再次提出异议，且未提供新的证据"},
    ("N4", "supplement"): {"missing_items": ["异议事项的书面说明", "支持异议的证明材料（付款凭证等）"]},
    ("N10", "approve"): {},
    ("N10", "refuse"): {},
    ("N12", "supervise"): {},
    ("N12", "interview"): {},
    ("N16", "accountability"): {},
    ("N16", "supervisory"): {},
    ("N17", "accept"): {},
    ("N17", "refuse"): {"refuse_reason": "该记录属于法律规定不予修复的情形"},
    ("N17", "supplement"): {"missing_items": ["经单位主要负责人签字的信用承诺书"]},
}


def variants_of(code: str) -> list[str | None]:
    found = [variant for (c, variant) in VARIANT_DATA if c == code]
    return found or [None]


def sample_data(code: str, variant: str | None = None) -> dict:
    """A complete data dict for `code` (and `variant`, default: the first one)."""
    variant = variant or variants_of(code)[0]
    data = copy.deepcopy({**COMMON, **SPECIFIC[code]})
    if variant:
        data["variant"] = variant
        data.update(copy.deepcopy(VARIANT_DATA[(code, variant)]))
    return data


def all_samples() -> list[tuple[str, str | None, dict]]:
    return [(code, v, sample_data(code, v)) for code in SPECIFIC for v in variants_of(code)]


def sample_number(code: str) -> str:
    from .types import get

    return f"{ISSUER['code']}{get(code).doc_code}〔2026〕1号"


SAMPLE_MOMENT = "2026-01-05T09:00:00+08:00"


def sample_html(code: str, variant: str | None = None, **overrides) -> str:
    """A draft (样稿) of `code` with demo data and a sample number, as `notice_samples` renders it."""
    from .types import render_html

    options = {"number": sample_number(code), "issued_on": SAMPLE_ISSUED_ON, "draft": True, **overrides}
    return render_html(code, sample_data(code, variant), **options)


def sample_pdf(code: str, variant: str | None = None, **overrides) -> bytes:
    import datetime as dt

    from .render import html_to_pdf
    from .types import get

    data = sample_data(code, variant)
    return html_to_pdf(
        sample_html(code, variant, **overrides),
        title=f"{get(code).title_for(data)} 样稿",
        author=ISSUER["name"],
        moment=dt.datetime.fromisoformat(SAMPLE_MOMENT),
        attachment_name=f"sample-{code}.json",
        attachment_data={"type": code, "sample": True, "data": data},
    )
