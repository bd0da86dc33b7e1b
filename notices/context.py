"""Notice data built from casework objects: the snapshot a notice is rendered from.

`build(code, record, obj)` returns JSON-ready data (dates as ISO strings, ID numbers
masked). What the case does not hold (contact, channels, fixed wording with rule-table
numbers) comes from `DEFAULTS`, which `settings.CHENGXIN_NOTICES` may override; what neither
knows (evidence lists, an approver's name…) is left out, so validation names it and the
officer supplies it when drafting.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.models import ContentType

from casework import clock, rules
from casework.errors import DomainError
from casework.models import Deadline, Record, Tier
from casework.queries import SHARED_ATTACHMENTS
from casework.rule_table import RuleCode

DEFAULTS = {
    "issuer": {"name": "东莞市监察委员会", "code": "东监"},
    "contact": "",
    "publicity": "依申请公开",
    "channel": "通过东莞市政务失信记录管理系统在线提交，或者向本机关书面提交",
    "platforms": ["信用东莞网站", "广东省公共信用信息管理系统"],
    "repair_channel": "“信用中国”网站“信用修复”栏目、东莞市政务失信记录管理系统或者东莞市民服务中心信用窗口",
    "remedy": {
        "route": "向东莞市人民政府申请行政复议，或者依法提起行政诉讼",
        "time_limit": "申请行政复议的期限为自收到本文书之日起60日内，提起行政诉讼的期限为自收到本文书之日起6个月内",
    },
    "supervisory_remedy": {
        "route": "向作出决定的监察机关申请复审；对复审决定仍不服的，向上一级监察机关申请复核",
        "time_limit": "申请复审的期限为自收到本文书之日起一个月内，申请复核的期限为自收到复审决定之日起一个月内",
    },
}

_UNITS = {"wd": "个工作日", "d": "日", "m": "个月"}


def setting(key: str):
    return getattr(settings, "CHENGXIN_NOTICES", {}).get(key, DEFAULTS.get(key))


def iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def period(code: str) -> str:
    """A rule of the rule table as words: `5个工作日`."""
    rule = rules.deadline_rule(code)
    return f"{rule.amount}{_UNITS[rule.unit]}"


def due(code: str, start: dt.date) -> str:
    return iso(rules.due(code, start).date)


def deadline(owner, *kinds: str, status: str | None = None) -> Deadline | None:
    found = Deadline.objects.filter(
        owner_type=ContentType.objects.get_for_model(owner), owner_id=owner.pk, kind__in=kinds
    )
    if status:
        found = found.filter(status=status)
    return found.order_by("-id").first()


def issued_number(record: Record, type_code: str) -> str | None:
    """The number of the latest issued notice of `type_code` on the record, if any."""
    from .models import Notice

    notice = Notice.objects.filter(record=record, type_code=type_code, number__isnull=False).order_by("-id")
    return notice.values_list("number", flat=True).first()


def issuer_data(issuer=None) -> dict:
    if issuer is None:
        from .models import Issuer

        issuer = Issuer.objects.filter(is_active=True, is_default=True).first()
    if issuer is None:
        return dict(setting("issuer"))
    return {"name": issuer.name, "code": issuer.agency_code}


def subject_data(record: Record) -> dict:
    if record.subject_person_id:
        person = record.subject_person
        return {
            "kind": "person",
            "name": person.name,
            "unit": person.unit.name,
            "post": person.post,
            "id_number": person.masked_id_number,
        }
    org = record.subject_organisation
    return {"kind": "organisation", "name": org.name, "credit_code": org.credit_code or ""}


def common(record: Record, issuer=None) -> dict:
    issuer_obj = issuer
    subject = subject_data(record)
    contact = getattr(issuer_obj, "contact", "") or setting("contact")
    return {
        "issuer": issuer_data(issuer_obj),
        "addressee": subject["name"],
        "subject": subject,
        "record_number": record.reference or "",
        "contact": contact,
        "publicity": setting("publicity"),
    }


def record_data(record: Record) -> dict:
    measures = [{"name": m.name, "basis": f"{m.legal_basis}（清单{m.code}）"} for m in record.measures.all()]
    return {
        "category": record.get_category_display() if record.category else "",
        "tier": record.get_tier_display() if record.tier else "",
        "facts": record.facts,
        "basis": record.legal_basis,
        "measures": measures,
    }


def remedy(record: Record | None) -> dict:
    """Objection results on a 监察 decision go to 复审/复核; the rest to 复议/诉讼 (§6.2)."""
    supervisory = record is not None and record.category in ("DIS", "ACC")
    return dict(setting("supervisory_remedy" if supervisory else "remedy"))


# ── record notices: N1, N2, N3, N21 ──────────────────────────────────────────────────


def _disclosure(record: Record) -> tuple[str, str]:
    public = rules.is_public(record)
    scope = (
        "在“信用东莞”网站公示，并共享至广东省公共信用信息管理系统"
        if public
        else "不向社会公开，仅在政务部门之间依法共享"
    )
    try:
        rule = rules.disclosure_rule(record.tier, clock.today())
    except DomainError:
        return scope, ""
    return scope, f"最短{rule.min_months}个月、最长{rule.max_months}个月，自认定之日起计算"


def n1(record: Record, obj) -> dict:
    scope, span = _disclosure(record)
    # The notice goes to the subject: only files already shared with it are named; the
    # officer describes any investigation file in their own words.
    shared = record.attachments.filter(purpose="evidence", visibility__in=SHARED_ATTACHMENTS)
    evidence = [a.original_name for a in shared]
    return {
        **record_data(record),
        "evidence": evidence,
        "disclosure_scope": scope,
        "disclosure_period": span,
        "defence_period": f"自本告知书送达之日起{period(RuleCode.DEFENCE_WINDOW)}内",
        "defence_channel": setting("channel"),
    }


def n2(record: Record, obj) -> dict:
    return {
        **record_data(record),
        "determination_date": iso(record.determination_date),
        "disclosure_min_end": iso(record.min_end),
        "disclosure_max_end": iso(record.max_end),
        "public": rules.is_public(record, record.determination_date or clock.today()),
        "rectification_required": record.rectifications.exists(),
        "rectification_number": issued_number(record, "N8"),
        "objection_channel": setting("channel"),
    }


def n3(record: Record, obj) -> dict:
    earliest = record.min_end + dt.timedelta(days=1) if record.min_end else record.determination_date
    if record.tier == Tier.MINOR:
        earliest = record.determination_date  # minor: as soon as obligations are fulfilled
    return {
        "earliest_repair_date": iso(earliest),
        "repair_conditions": [
            "最短公示期已届满（轻微失信信息除外）",
            "失信行为已纠正、相关义务已全部履行，整改已经验收销号",
            "作出信用承诺",
            "法律、法规和有关规定要求的其他条件",
        ],
        "repair_materials": ["信用修复申请书", "履行义务或者整改完成的证明材料", "信用承诺书"],
        "repair_channel": setting("repair_channel"),
        "processing_times": (
            f"申请材料齐全的当场受理，最迟{period(RuleCode.REPAIR_ACCEPT)}内受理；"
            f"自受理之日起{period(RuleCode.REPAIR_DECIDE)}内作出决定，情况复杂的经批准可延长{period(RuleCode.REPAIR_DECIDE_EXTENSION)}；"
            f"自申请之日起{period(RuleCode.REPAIR_ANSWER)}内答复申请人"
        ),
    }


def n21(record: Record, obj) -> dict:
    return {
        "revoking_document": record.closing_document,
        "revoked_on": iso(clock.today()),
        "platforms": list(setting("platforms")),
    }


def given(record: Record, obj) -> dict:
    """N25, N26: the complaint is exchange's, which passes what the notice says about it
    as the draft's data; the record (the lead) gives only the common fields."""
    return {}


def build(code: str, record: Record, obj=None, *, issuer=None) -> dict:
    """The data of a notice `code` about `record` (and `obj`, its sub-process object)."""
    from . import context_cases

    builders = {
        "N1": n1,
        "N2": n2,
        "N3": n3,
        "N21": n21,
        "N25": given,
        "N26": given,
        **context_cases.BUILDERS,
    }
    data = common(record, issuer)
    data.update(builders[code](record, obj))
    return data
