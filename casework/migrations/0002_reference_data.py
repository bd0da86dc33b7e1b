"""Reference data a fresh installation needs: role groups, the rule tables, a starting
measure catalogue and the 2004–2026 holiday calendar from `chinesecalendar`.
Administrators edit all of it afterwards; nothing here is demo data."""

import datetime as dt

from django.db import migrations

ROLE_GROUPS = {
    "officer": "办案人员",
    "approver": "审批人员",
    "credit_admin": "信用管理员",
    "hr_admin": "人事管理员",
    "unit_liaison": "单位联络员",
    "unit_head": "单位主要负责人",
    "civil_servant": "公务员",
    "intake_operator": "线索登记员",
    "assessor": "考评人员",
    "system_admin": "系统管理员",
}

# DOMAIN §7.1. (code, label, amount, unit, roll forward, source)
DEADLINE_RULES = [
    ("verification", "线索核查", 20, "wd", True, "设计取值 (c)；1103号“第一时间…核实认定”"),
    ("defence_window", "陈述申辩期", 5, "wd", True, "参照《行政处罚法》第64条、第85条 (c)"),
    ("determination", "申辩期满后作出认定", 10, "wd", True, "设计取值 (c)"),
    ("service", "认定后送达", 7, "wd", True, "参照《行政处罚法》第61条、第85条 (c)"),
    ("publish", "公示", 1, "wd", True, "设计取值 (c)；东府〔2018〕124号“及时”"),
    ("withdraw_display", "撤销后撤下公示并通知省平台", 3, "wd", True, "参照《行政处罚法》第48条；上海条例第37条"),
    ("objection_accept", "异议受理", 2, "wd", True, "信用广州异议指引 (S12)"),
    ("objection_decide", "异议处理决定", 10, "wd", True, "信用广州异议指引 (S12)"),
    ("objection_extension", "异议处理延期", 5, "wd", True, "S11 区间 (c)"),
    ("rectification", "整改期限", 30, "d", True, "设计取值 (c)"),
    ("written_explanation", "书面说明原因", 10, "wd", True, "设计取值 (c)"),
    ("rectification_review", "整改审核", 5, "wd", True, "设计取值 (c)"),
    ("resubmission", "退回后重新提交", 10, "wd", True, "设计取值 (c)"),
    ("overdue_reminder", "逾期催办新期限", 10, "wd", True, "设计取值 (c)"),
    ("escalation", "二次逾期督办", 5, "wd", True, "设计取值 (c)"),
    ("extension_decide", "延期申请审批", 3, "wd", True, "设计取值 (c)"),
    ("repair_accept", "信用修复受理", 1, "wd", True, "《深圳经济特区社会信用条例》第81条"),
    ("repair_decide", "信用修复决定", 3, "wd", True, "国办发〔2025〕22号；深圳条例第82条"),
    ("repair_decide_extension", "信用修复决定延长", 3, "wd", True, "国办发〔2025〕22号"),
    ("repair_answer", "信用修复答复申请人", 10, "wd", True, "国办发〔2025〕22号"),
    ("complaint_routing", "投诉转办", 1, "wd", True, "参照《信访工作条例》第22–23条 (c)"),
    ("complaint_feedback", "投诉书面反馈", 15, "d", True, "参照《信访工作条例》第22–23条"),
    ("self_report", "单位自报新判决/处罚", 5, "wd", True, "设计取值 (c)"),
]

# DOMAIN §4.3. (tier, valid_from, min months, max months, public by default, source, version)
_OLD = "发改办财金〔2019〕527号 (参照)"
DISCLOSURE_RULES = [
    ("MINOR", dt.date(2000, 1, 1), 0, 3, False, _OLD, "FGW527/2019"),
    ("GENERAL", dt.date(2000, 1, 1), 3, 12, True, _OLD, "FGW527/2019"),
    ("SERIOUS", dt.date(2000, 1, 1), 6, 36, True, _OLD, "FGW527/2019"),
    ("MINOR", dt.date(2025, 6, 22), 0, 3, False, "国办发〔2025〕22号", "GOV22/2025"),
    ("GENERAL", dt.date(2025, 6, 22), 3, 12, True, "国办发〔2025〕22号", "GOV22/2025"),
    ("SERIOUS", dt.date(2025, 6, 22), 12, 36, True, "国办发〔2025〕22号", "GOV22/2025"),
    ("MINOR", dt.date(2026, 4, 1), 0, 3, False, "国家发展改革委令2025年第36号", "NDRC36/2025"),
    ("GENERAL", dt.date(2026, 4, 1), 3, 12, True, "国家发展改革委令2025年第36号", "NDRC36/2025"),
    ("SERIOUS", dt.date(2026, 4, 1), 12, 36, True, "国家发展改革委令2025年第36号", "NDRC36/2025"),
]

# DOMAIN §4.4: consequences of an active record, each with its basis (S3 清单管理).
MEASURES = [
    ("M01", "书面说明原因并限期整改", "国发〔2016〕76号；东府〔2018〕124号 二(二)4", True, False),
    ("M02", "取消参加荣誉评选资格", "国发〔2016〕76号；东府〔2018〕124号 二(二)4", True, True),
    ("M03", "予以通报批评", "国发〔2016〕76号；东府〔2018〕124号 二(二)4", True, True),
    ("M04", "对主要负责人依法依规追究责任", "国发〔2016〕76号；东府〔2018〕124号 二(二)1", True, False),
    ("M05", "限制评优评先", "东府〔2018〕124号 二(二)4", False, True),
    ("M06", "记入公务员诚信档案", "东府〔2018〕124号 二(二)3", False, True),
    ("M07", "纳入年度政务诚信考核评价扣分", "东府〔2018〕124号 二(一)1", True, False),
    ("M08", "限制申请政府资金和政策支持", "发改财金〔2023〕1103号", True, False),
]

HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "Mid-autumn Festival": "中秋节",
    "National Day": "国庆节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def load(apps, schema_editor):
    from chinese_calendar import constants

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    user_ct, _ = ContentType.objects.get_or_create(app_label="casework", model="user")
    for code, label in ROLE_GROUPS.items():
        perm, _ = Permission.objects.get_or_create(
            content_type=user_ct, codename=f"role_{code}", defaults={"name": f"角色：{label}"}
        )
        group, _ = Group.objects.get_or_create(name=label)
        group.permissions.add(perm)

    DeadlineRule = apps.get_model("casework", "DeadlineRule")
    for code, label, amount, unit, roll, source in DEADLINE_RULES:
        DeadlineRule.objects.update_or_create(
            code=code,
            defaults=dict(label=label, amount=amount, unit=unit, roll_forward=roll, source=source),
        )

    DisclosureRule = apps.get_model("casework", "DisclosureRule")
    for tier, valid_from, lo, hi, public, source, version in DISCLOSURE_RULES:
        DisclosureRule.objects.update_or_create(
            tier=tier,
            valid_from=valid_from,
            defaults=dict(min_months=lo, max_months=hi, public_by_default=public, source=source, rule_version=version),
        )

    Measure = apps.get_model("casework", "Measure")
    for code, name, basis, orgs, persons in MEASURES:
        Measure.objects.update_or_create(
            code=code,
            defaults=dict(name=name, legal_basis=basis, applies_to_organisations=orgs, applies_to_persons=persons),
        )

    CalendarYear = apps.get_model("casework", "CalendarYear")
    CalendarDay = apps.get_model("casework", "CalendarDay")
    years = {}
    for year in range(2004, 2027):
        years[year], _ = CalendarYear.objects.get_or_create(
            year=year, defaults={"official": True, "source": "chinesecalendar 1.11.0（国务院办公厅放假安排）"}
        )
    days = [
        CalendarDay(date=day, year=years[day.year], is_workday=False, name=HOLIDAY_NAMES.get(name, name))
        for day, name in constants.holidays.items()
    ] + [
        CalendarDay(date=day, year=years[day.year], is_workday=True, name=f"{HOLIDAY_NAMES.get(name, name)}调休上班")
        for day, name in constants.workdays.items()
    ]
    CalendarDay.objects.bulk_create(days, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
