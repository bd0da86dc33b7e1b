"""Rule rows of the accountability sub-process (DOMAIN §6.4) and of the honours-query log
(§9.7): sanction periods, the combined-period cap, appeal windows and decision limits,
the HR execution limit and the query-log retention. Every number the code uses is here,
with its source; administrators edit the rows afterwards."""

from django.db import migrations

_S14 = "《公职人员政务处分法》"
_S15 = "《监察法》第56条（2018年文本第49条）"
_S16 = "《公务员法》第95条"
_S19 = "《关于实行党政领导干部问责的暂行规定》(2009)"

# (code, label, amount, unit, roll forward, source)
# 处分期 are status durations: they end on the corresponding day and never roll forward
# (DOMAIN §7 rule 4). Appeal windows and decision limits are action deadlines: a last day
# that is a rest day moves to the next working day (S28 Art 203).
RULES = [
    ("sanction_warning", "警告处分期", 6, "m", False, f"{_S14}第8条"),
    ("sanction_demerit", "记过处分期", 12, "m", False, f"{_S14}第8条"),
    ("sanction_major_demerit", "记大过处分期", 18, "m", False, f"{_S14}第8条"),
    ("sanction_demotion", "降级处分期", 24, "m", False, f"{_S14}第8条"),
    ("sanction_removal_from_post", "撤职处分期", 24, "m", False, f"{_S14}第8条"),
    ("sanction_cap", "合并执行处分期上限", 48, "m", False, f"{_S14}第15条"),
    ("hr_execution", "降级及以上处分的人事变动", 1, "m", True, f"{_S14}第54条"),
    ("appeal_review_apply", "申请复审期限", 1, "m", True, _S15),
    ("appeal_review_decide", "复审决定期限", 1, "m", True, _S15),
    ("appeal_re_review_apply", "申请复核期限", 1, "m", True, _S15),
    ("appeal_re_review_decide", "复核决定期限", 2, "m", True, _S15),
    ("appeal_cs_review_apply", "申请复核期限（公务员法）", 30, "d", True, _S16),
    ("appeal_cs_review_decide", "复核决定期限（公务员法）", 30, "d", True, _S16),
    ("appeal_complaint_apply", "复核后提出申诉期限", 15, "d", True, _S16),
    ("appeal_complaint_direct_apply", "直接提出申诉期限", 30, "d", True, _S16),
    ("appeal_complaint_decide", "申诉决定期限", 60, "d", True, _S16),
    ("appeal_party_appeal_apply", "问责申诉期限", 15, "d", True, _S19),
    ("appeal_party_appeal_decide", "问责申诉决定期限", 30, "d", True, _S19),
    (
        "honours_query_retention",
        "评优评先查询记录保存期",
        60,
        "m",
        False,
        "《深圳经济特区社会信用条例》第45条（查询记录保存五年以上）",
    ),
]


def load(apps, schema_editor):
    DeadlineRule = apps.get_model("casework", "DeadlineRule")
    for code, label, amount, unit, roll, source in RULES:
        DeadlineRule.objects.update_or_create(
            code=code, defaults=dict(label=label, amount=amount, unit=unit, roll_forward=roll, source=source)
        )


def unload(apps, schema_editor):
    apps.get_model("casework", "DeadlineRule").objects.filter(code__in=[r[0] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("casework", "0004_repair_rules")]

    operations = [migrations.RunPython(load, unload)]
