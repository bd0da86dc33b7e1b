"""The notice registry N1–N21 and N24–N26: required fields (scenario 24 for every type) and the HTML contract."""

import copy
import json
import re

import pytest

from notices import samples, types
from notices.templatetags.notice_tags import cn_date, cn_ordinal
from notices.validation import lookup

CASES = [(code, variant) for code, variant, _data in samples.all_samples()]


def _case_id(case):
    code, variant = case
    return f"{code}-{variant}" if variant else code


def _without(data: dict, key: str) -> dict:
    """`data` with `key` removed; for `items[].x`, removed from the last element only."""
    data = copy.deepcopy(data)
    if "[]." in key:
        list_key, sub = key.split("[].", 1)
        del lookup(data, list_key)[-1][sub]
        return data
    *parents, leaf = key.split(".")
    holder = lookup(data, ".".join(parents)) if parents else data
    del holder[leaf]
    return data


REMOVALS = [
    (code, variant, key)
    for code, variant, data in samples.all_samples()
    for key in types.get(code).required_for(data)
]


def test_the_registry_holds_n1_to_n21_the_assessment_result_and_the_complaint_answers_with_distinct_codes():
    registry = types.all_types()
    # N22–N23 are reserved by DOMAIN §8.3 for types not built yet.
    assert [t.code for t in registry] == [f"N{n}" for n in [*range(1, 22), 24, 25, 26]]
    assert len({t.doc_code for t in registry}) == 24
    assert [t.code for t in registry if not t.about_record] == ["N24"]
    assert types.get("N2").title == "政务失信记录告知书"
    assert types.get("N2").doc_code == "失告"
    assert types.get("N14").letter_format is False
    assert types.get("N2").letter_format is True


def test_an_unknown_type_is_a_key_error():
    with pytest.raises(KeyError):
        types.get("N99")


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_every_sample_is_complete(case):
    code, variant = case
    assert types.get(code).validate(samples.sample_data(code, variant)) == []


@pytest.mark.parametrize(
    ("code", "variant", "key"), REMOVALS, ids=[f"{c}-{v or ''}-{k}" for c, v, k in REMOVALS]
)
def test_removing_a_required_field_is_reported_by_name(code, variant, key):
    notice_type = types.get(code)
    problems = notice_type.validate(_without(samples.sample_data(code, variant), key))
    assert len(problems) == 1, problems
    assert notice_type.label(key) in problems[0]
    if "[]." in key:
        count = len(lookup(samples.sample_data(code, variant), key.split("[].")[0]))
        assert f"第 {count} 项" in problems[0]


def test_blank_text_and_empty_lists_count_as_missing():
    data = samples.sample_data("N8")
    data["facts"], data["items"][0]["criteria"], data["overdue_consequences"] = "  ", "", None
    problems = types.get("N8").validate(data)
    assert problems == ["缺少“失信事实”", "“整改事项”第 1 项缺少“验收标准”", "缺少“逾期未整改的后果”"]
    data = samples.sample_data("N8")
    data["items"] = []
    assert types.get("N8").validate(data) == ["缺少“整改事项”"]


def test_false_is_an_answer_not_a_gap():
    data = samples.sample_data("N2")
    data["public"] = False
    data["rectification_required"] = False
    assert types.get("N2").validate(data) == []


def test_scenario_24_a_sanction_decision_names_each_statutory_gap():
    """S14 Art 45: name/unit/post, facts and evidence, type and basis, 复审/复核 route and time
    limit, commission name and date. (The seal is checked by the issuing step.)"""
    statutory = {
        "subject.name": "被处分人姓名",
        "subject.unit": "工作单位",
        "subject.post": "职务",
        "facts": "违法事实",
        "evidence": "证据",
        "sanction_type": "政务处分种类",
        "basis": "处分依据",
        "remedy.route": "复审、复核途径",
        "remedy.time_limit": "复审、复核期限",
        "issuer.name": "作出决定的监察机关名称",
        "decided_on": "作出决定日期",
    }
    n14 = types.get("N14")
    for key, label in statutory.items():
        assert n14.validate(_without(samples.sample_data("N14"), key)) == [f"缺少“{label}”"]


def test_an_expulsion_has_no_period_end():
    data = _without(samples.sample_data("N14"), "sanction_end")
    assert types.get("N14").validate(data) == ["缺少“处分期届满日”"]
    data["sanction_type"] = "开除"
    assert types.get("N14").validate(data) == []


def test_dates_must_be_iso_dates():
    data = samples.sample_data("N8")
    data["items"][1]["deadline"] = "下月底"
    data["basis"] = "x"
    problems = types.get("N8").validate(data)
    assert problems == ["“整改事项”第 2 项“整改期限”不是有效日期"]


def test_variants_carry_their_own_title_and_fields():
    n4 = types.get("N4")
    assert n4.title_for(samples.sample_data("N4", "refuse")) == "异议不予受理通知书"
    assert "refuse_reason" in n4.required_for(samples.sample_data("N4", "refuse"))
    assert "refuse_reason" not in n4.required_for(samples.sample_data("N4", "accept"))
    data = samples.sample_data("N4", "accept")
    data["variant"] = "maybe"
    assert "“文书种类”取值无效" in n4.validate(data)


def test_samples_are_json_serialisable():
    for _code, _variant, data in samples.all_samples():
        assert json.loads(json.dumps(data, ensure_ascii=False)) == data


def test_template_version_names_the_type_and_changes_with_the_template():
    version = types.get("N8").template_version
    assert re.fullmatch(r"N8-[0-9a-f]{12}", version)
    assert version != types.get("N9").template_version


# ── the HTML contract ───────────────────────────────────────────────────────────────


def _html(code="N2", variant=None, data=None, **options):
    defaults = {"number": "东监失告〔2026〕7号", "issued_on": "2026-01-05", "draft": False}
    return types.render_html(code, data or samples.sample_data(code, variant), **{**defaults, **options})


def test_the_document_is_chinese_with_title_and_author():
    html = _html()
    assert '<html lang="zh-CN">' in html
    assert "<title>政务失信记录告知书</title>" in html
    assert '<meta name="author" content="东莞市监察委员会">' in html
    assert "东监失告〔2026〕7号" in html
    assert "2026年1月5日" in html


def test_user_text_is_escaped():
    data = samples.sample_data("N2")
    data["facts"] = '<img src="file:///etc/passwd"> & <script>x()</script>'
    data["subject"]["name"] = '"><link rel="attachment" href="file:///etc/hostname">'
    html = _html(data=data)
    assert '<img src="file:///etc/passwd">' not in html
    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt; &amp; &lt;script&gt;" in html
    assert '<link rel="attachment"' not in html


def test_a_draft_has_a_watermark_and_never_a_seal():
    seal = "data:image/png;base64,AAAA"
    draft = _html(draft=True, seal_data_uri=seal)
    issued = _html(seal_data_uri=seal, verify_code="K7Q2M9XP", verify_url="https://x/verify/K7Q2M9XP")
    assert 'class="watermark">样稿<' in draft and seal not in draft
    assert "watermark" not in issued and f'src="{seal}"' in issued
    assert '核验码：<span class="code">K7Q2-M9XP</span>' in issued


def test_a_draft_without_a_number_shows_where_it_will_go():
    html = _html(number=None, issued_on=None, draft=True)
    assert "东监失告〔" in html and "〕\u3000\u3000号" in html
    assert "\u3000\u3000年\u3000\u3000月\u3000\u3000日" in html


def test_letter_format_only_for_letters():
    assert 'href="asset:letter.css"' in _html("N2")
    assert 'href="asset:letter.css"' not in _html("N14")


def test_chinese_dates_and_ordinals():
    assert cn_date("2026-01-05") == "2026年1月5日"
    assert cn_date("2026-12-31") == "2026年12月31日"
    assert [cn_ordinal(n) for n in (1, 10, 12, 20, 21)] == ["一", "十", "十二", "二十", "二十一"]
