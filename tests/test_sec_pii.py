"""Personal numbers in public text (个人信息保护法; 等保 level 3): the one detector
(casework.personal_numbers) finds ID, mobile, landline and bank card numbers and street
addresses in every spelling a reviewer tried; the record services refuse them in the facts
and the basis, naming the field and the span as typed; and what older data still holds is
masked on every public page and in the public export."""

import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from casework.errors import DomainError
from casework.models import Measure, Record
from casework.personal_numbers import find, is_credit_code, luhn_ok
from casework.services import records as svc
from casework.services.records import decided
from portal.public import scrub

from . import lifecycle
from .api_fixtures import api

pytestmark = pytest.mark.django_db

ZW = "\u200b"  # zero-width space
NBSP, IDEOGRAPHIC = "\u00a0", "\u3000"


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def with_luhn(body: str) -> str:
    """`body` and the check digit that makes it a valid card number."""
    return next(body + d for d in "0123456789" if luhn_ok(body + d))


CARD_16 = with_luhn("622202123456789")
CARD_19 = with_luhn("622848001234567890")
assert len(CARD_16) == 16 and len(CARD_19) == 19


def card_in_fours(sep: str, number: str = CARD_19) -> str:
    return sep.join(number[i : i + 4] for i in range(0, len(number), 4))


# Each entry: the text as typed; or (text around it, the span the detector must quote).
SPELLINGS = {
    "身份证号码": [
        "441900198001011234",  # plain
        "4419 0019 8001 0112 34",  # spaced 4-4-4-4-2
        "4419-0019-8001-0112-34",  # hyphenated
        "4419.0019.8001.0112.34",  # dotted
        "441900/19800101/1234",  # slashes, 6-8-4
        full_width("441900198001011234"),  # full-width digits
        f"4419{ZW}0019\u200c8001\u200d0112\u206034",  # zero-width characters inside
        f"4419\ufeff0019{ZW}{ZW}8001\u00ad0112{ZW}34",  # BOM, soft hyphen
        f"4419{NBSP}0019{IDEOGRAPHIC}8001{NBSP}0112{IDEOGRAPHIC}34",  # NBSP, ideographic space
        ("ID:441900198001011234", "441900198001011234"),  # prefixed by letters
        ("ID441900198001011234", "441900198001011234"),
        ("身份证号441900198001011234号码", "441900198001011234"),  # prefixed by Chinese
        "441900800101123",  # the old 15-digit number
        "44190019800101123X",  # trailing X, x, full-width ｘ and Ｘ
        "44190019800101123x",
        "44190019800101123ｘ",
        full_width("44190019800101123X"),
        f"４４19 0019-8001{ZW}0112 3Ｘ",  # mixed
    ],
    "手机号码": [
        "13800138000",
        "138 0013 8000",
        "138-0013-8000",
        "138.0013.8000",
        "138/0013/8000",
        full_width("13800138000"),
        f"138{ZW}0013\u20608000",
        f"138{NBSP}0013{IDEOGRAPHIC}8000",
        ("Tel13800138000", "13800138000"),
        ("手机13800138000转", "13800138000"),
        "+86 138 0013 8000",
        "0086-13800138000",
        "+8613800138000",
        f"＋８６ 159-0769{ZW}1234",
    ],
    "固定电话号码": [
        "0769-22221234",
        "076922221234",
        "0769 2222 1234",
        "0769.2222.1234",
        "(0769)22221234",
        "（0769）22221234",
        full_width("0769-22221234"),
        f"0769{ZW}2222\ufeff1234",
        f"0769{NBSP}2222{IDEOGRAPHIC}1234",
        ("Tel0769-22221234", "0769-22221234"),
        ("电话0769-22221234", "0769-22221234"),
        "010-12345678",
        "+86 769 2222 1234",
        f"０２０－8765{ZW} 4321",
    ],
    "银行卡号": [
        CARD_19,
        CARD_16,
        card_in_fours(" "),
        card_in_fours("-"),
        card_in_fours("."),
        card_in_fours("/"),
        full_width(CARD_19),
        card_in_fours(ZW),
        card_in_fours(NBSP),
        card_in_fours(IDEOGRAPHIC),
        (f"No.{CARD_19}", CARD_19),
        (f"卡号{CARD_16}", CARD_16),
        "4111111111111111",
        full_width(card_in_fours(" ", CARD_16)[:10]) + f"{ZW}" + card_in_fours(" ", CARD_16)[10:],
    ],
    "详细住址": [
        "鸿福路200号",
        "鸿福路 200 号",
        "东城路12-3号",
        f"鸿福路{full_width('200')}号",
        f"鸿福路2{ZW}00号",
        "鸿福路200号3栋1203室",
        "8栋2单元1203室",
        "5号楼502房",
        "石排村12号",
        "东莞大道1号",
        ("当事人住在南城街道鸿福路200号", "南城街道鸿福路200号"),
        f"光明巷{NBSP}3{IDEOGRAPHIC}号",
        "人民街18号2座301室",
    ],
}
assert all(len(spellings) >= 12 for spellings in SPELLINGS.values())

CASES = [
    (label, *(entry if isinstance(entry, tuple) else (entry, entry)))
    for label, spellings in SPELLINGS.items()
    for entry in spellings
]


def uscc_all_digits_and_card_like() -> str:
    """A valid credit code made of digits only that also passes the card check: the
    detector must still leave it alone."""
    for n in range(10**6):
        for check in "0123456789":
            code = f"91441900{n:09d}{check}"
            if is_credit_code(code) and luhn_ok(code):
                return code
    raise AssertionError("no such code")


NOT_PERSONAL = [
    "东府〔2018〕124号",
    "国办发〔2016〕33号",
    "《保障中小企业款项支付条例》第九条",
    "第3条第2款",
    "ZWSX-2026-000123",
    "ZWSX-2026-000123 2026-12-07 13:00",
    "2026-12-07",
    "2026.12.07",
    "2026/12/07",
    "2025年12月31日",
    "120万元",
    "1,200,000元",
    "1500.00万元",
    "76.3%",
    "统一社会信用代码91441900MA4UXXXX",
    "统一社会信用代码 11441900007030838X",
    "统一社会信用代码91110000600037341L",
    "统一社会信用代码91110000600037341M",  # mistyped check character: still a code
    "9111-0000-6000-3734-1L",
    "（2026）粤19民再1号",
    "（2018）粤1971民初12345号",
    "送达回证 001 号",
    "国务院令第593号",
    "22221234",  # a number without its area code is not told from an amount
]


@pytest.mark.parametrize(("label", "text", "span"), CASES)
def test_every_spelling_is_found_with_its_span_as_typed(label, text, span):
    hits = find(f"经查，{text}，特此说明。")
    assert [(hit.label, hit.text) for hit in hits] == [(label, span)]


@pytest.mark.parametrize("text", NOT_PERSONAL)
def test_document_numbers_dates_amounts_and_credit_codes_are_not_personal(text):
    assert find(text) == []
    assert scrub(text) == text


def test_a_credit_code_that_looks_like_a_card_number_is_still_an_organisations_code():
    code = uscc_all_digits_and_card_like()
    assert find(f"统一社会信用代码{code}") == []
    letters = "91441900MA4U12345"
    code = next(letters + c for c in "0123456789ABCDEFGHJKLMNPQRTUWXY" if is_credit_code(letters + c))
    assert find(f"信用代码：{code}。") == []


@pytest.mark.parametrize(("label", "text", "span"), CASES)
def test_scrub_hides_every_spelling(label, text, span):
    shown = scrub(f"经查，{text}，特此说明。")
    assert f"［{label}已隐去］" in shown and find(shown) == []


# ── the record services refuse them ────────────────────────────────────────────────


@pytest.fixture
def in_force(fixed_today, commission, officer, approver, unit):
    return lifecycle.effective(officer=officer, approver=approver, organisation=unit)


def test_the_reviewers_example_is_refused_with_the_field_and_the_span(in_force, approver):
    with pytest.raises(DomainError) as refused:
        decided.record_amend(
            acting_user=approver,
            record_id=in_force.pk,
            changes={"facts": "经查，该单位经办人身份证号4419 0019 8001 0112 34，拖欠账款。"},
            reason="补充",
        )
    assert refused.value.field == "facts" and refused.value.code == "personal_number"
    assert str(refused.value.message) == (
        "失信事实中含有疑似身份证号码“4419 0019 8001 0112 34”，请删除或改写后再保存。"
    )


@pytest.mark.parametrize("label", SPELLINGS)
def test_an_amendment_with_any_spelling_is_refused_naming_it(in_force, approver, label):
    before = Record.objects.values("facts", "legal_basis").get(pk=in_force.pk)
    for kind, text, span in (case for case in CASES if case[0] == label):
        for field, name in (("facts", "失信事实"), ("legal_basis", "认定依据")):
            with pytest.raises(DomainError) as refused:
                decided.record_amend(
                    acting_user=approver,
                    record_id=in_force.pk,
                    changes={field: f"经查，{text}，特此说明。"},
                    reason="补充",
                )
            assert refused.value.field == field
            assert str(refused.value.message) == f"{name}中含有疑似{kind}“{span}”，请删除或改写后再保存。"
    assert Record.objects.values("facts", "legal_basis").get(pk=in_force.pk) == before


def test_a_proposal_and_its_amendment_are_refused_too(fixed_today, commission, officer, unit):
    record = lifecycle.lead(officer=officer, organisation=unit)
    svc.record_start_verification(acting_user=officer, record_id=record.pk)
    proposal = {
        "acting_user": officer,
        "record_id": record.pk,
        "category": "PRM",
        "domain": "PROCUREMENT",
        "tier": "GENERAL",
        "facts": "该单位拖欠账款，联系人手机 138-0013-8000。",
        "legal_basis": "《保障中小企业款项支付条例》第九条",
        "measure_ids": [Measure.objects.get(code="M01").pk],
    }
    with pytest.raises(DomainError, match="失信事实中含有疑似手机号码“138-0013-8000”"):
        svc.record_propose(**proposal)
    proposed = svc.record_propose(**{**proposal, "facts": "该单位拖欠中小企业账款。"})
    with pytest.raises(DomainError, match="认定依据中含有疑似银行卡号"):
        svc.record_amend_proposal(
            acting_user=officer,
            record_id=proposed.pk,
            reason="补充",
            legal_basis=f"依据…收款账户{card_in_fours(' ')}",
        )


def test_the_api_answers_400_with_the_message_on_the_field(in_force, approver):
    response = api(approver).post(
        f"/api/records/{in_force.pk}/amend/",
        {"facts": "经查，联系电话（0769）22221234。", "reason": "补充"},
        format="json",
    )
    assert response.status_code == 400
    assert "失信事实中含有疑似固定电话号码“（0769）22221234”" in str(response.data)


def test_the_case_page_form_shows_the_message(in_force, approver):
    client = Client()
    client.force_login(approver)
    page = client.post(
        reverse("case-action", kwargs={"kind": "cases", "pk": in_force.pk, "step": "amend"}),
        {"facts": "经查，住所东城路12-3号。", "reason": "补充"},
    )
    assert page.status_code == 400
    assert "失信事实中含有疑似详细住址“东城路12-3号”" in page.content.decode()


# ── what older data holds never reaches the public ─────────────────────────────────


def visible_text(html: str) -> str:
    """What a reader of the page sees, entities decoded."""
    import html as html_lib

    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", body))


def test_no_planted_number_survives_the_public_pages_or_the_export(
    fixed_today, commission, officer, approver, unit
):
    planted = []
    for i, label in enumerate(SPELLINGS):
        record = lifecycle.effective(
            officer=officer, approver=approver, organisation=unit, content=f"线索{i}：拖欠账款。"
        )
        texts = [text for kind, text, _span in CASES if kind == label]
        facts = "经查：" + "；".join(texts) + "。"
        basis = "依据：" + "；".join(reversed(texts)) + "。"
        # Legacy data, written before the services refused it: straight into the table.
        Record.objects.filter(pk=record.pk).update(facts=facts, legal_basis=basis)
        assert len(find(facts)) == len(texts)
        planted.append(record.reference)

    client = Client()
    listing = client.get("/public/records/")
    assert listing.status_code == 200
    crawled = {"/public/records/": listing.content.decode()}
    for reference in planted:
        assert reference in crawled["/public/records/"]
        detail = client.get(f"/public/records/{reference}/")
        assert detail.status_code == 200
        crawled[reference] = detail.content.decode()
        assert "已隐去" in crawled[reference]
    for url, html in crawled.items():
        assert find(visible_text(html)) == [], url
        assert find(html) == [], url

    export = client.get("/public/records/export.xlsx")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content), read_only=True).active
    cells = [str(value) for row in sheet.iter_rows(values_only=True) for value in row if value is not None]
    assert any(reference in cells for reference in planted)
    assert any("已隐去" in cell for cell in cells)
    assert [(cell, find(cell)) for cell in cells if find(cell)] == []


def test_the_platform_payload_is_masked_too(fixed_today, commission, officer, approver, unit):
    """The provincial platform publishes what it is sent (casework.sync.payload)."""
    from casework.sync import payload

    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    typed = "；".join(text for _kind, text, _span in CASES)
    Record.objects.filter(pk=record.pk).update(facts=typed, legal_basis=typed)
    sent = payload(Record.objects.get(pk=record.pk))
    assert find(sent["facts"]) == [] and find(sent["legal_basis"]) == []
    assert "［身份证号码已隐去］" in sent["facts"] and "［银行卡号已隐去］" in sent["legal_basis"]
