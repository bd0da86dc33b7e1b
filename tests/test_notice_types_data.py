"""Notice data built from real casework objects: JSON snapshots, masked ID numbers, dates from
the rule table and the calendar, and validation naming what the case does not hold."""

import datetime as dt
import json

import pytest

from casework.models import Accountability, Rectification, RectificationItem, Sanction
from casework.services import objections as objection_svc
from notices import types
from notices.models import Issuer

from . import lifecycle

CONTACT = "王五，联系电话：0769-22221234"


@pytest.fixture
def contact(settings):
    settings.CHENGXIN_NOTICES = {"contact": CONTACT}


def _roundtrip(data: dict) -> dict:
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    return data


def test_n1_is_built_from_a_proposed_record(db, officer, unit, fixed_today):
    record = lifecycle.proposed(officer=officer, organisation=unit)
    data = _roundtrip(types.get("N1").build_data(record))
    assert data["issuer"] == {"name": "东莞市监察委员会", "code": "东监"}
    assert data["addressee"] == "东莞市甲局" and data["subject"]["kind"] == "organisation"
    assert data["record_number"] == record.reference
    assert (data["category"], data["tier"]) == ("未守信践诺", "一般")
    assert data["measures"] and all("（清单M01）" in m["basis"] for m in data["measures"])
    assert data["defence_period"] == "自本告知书送达之日起5个工作日内"
    assert data["disclosure_period"].startswith("最短3个月、最长12个月")
    # What the record does not hold is named, so the officer supplies it with the draft.
    assert types.get("N1").validate(data) == ["缺少“联系人及联系方式”", "缺少“证据摘要”"]


def test_n2_and_n3_carry_the_disclosure_window(db, officer, approver, unit, fixed_today, contact):
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    n2 = _roundtrip(types.get("N2").build_data(record))
    assert (n2["determination_date"], n2["disclosure_min_end"], n2["disclosure_max_end"]) == (
        "2026-01-15",
        "2026-04-15",
        "2027-01-15",
    )
    assert n2["public"] is True and n2["rectification_required"] is False
    assert types.get("N2").validate(n2) == []
    n3 = _roundtrip(types.get("N3").build_data(record))
    assert n3["earliest_repair_date"] == "2026-04-16"  # scenario 13
    assert "3个工作日内作出决定" in n3["processing_times"]
    assert types.get("N3").validate(n3) == []
    html = types.render_html("N2", n2, number=None, issued_on=None, draft=True)
    assert "2027年1月15日" in html and record.reference in html


def test_person_records_show_only_a_masked_id_number(db, officer, approver, civil_servant, fixed_today):
    person = civil_servant.person
    record = lifecycle.effective(officer=officer, approver=approver, person=person)
    data = types.get("N2").build_data(record)
    assert data["subject"] == {
        "kind": "person",
        "name": "张三",
        "unit": "东莞市甲局",
        "post": person.post,
        "id_number": person.masked_id_number,
    }
    assert person.id_number not in json.dumps(data)
    html = types.render_html("N2", data, number=None, issued_on=None, draft=True)
    assert person.id_number not in html and person.masked_id_number in html


def test_the_issuer_is_the_one_given_else_the_default(db, officer, unit, fixed_today):
    record = lifecycle.proposed(officer=officer, organisation=unit)
    default = Issuer.objects.create(name="东莞市纪委监委", agency_code="东纪", is_default=True)
    other = Issuer.objects.create(name="东莞市发展和改革局", agency_code="东发改", contact="0769-1")
    assert types.get("N1").build_data(record)["issuer"] == {"name": default.name, "code": "东纪"}
    data = types.get("N1").build_data(record, issuer=other)
    assert data["issuer"] == {"name": "东莞市发展和改革局", "code": "东发改"}
    assert data["contact"] == "0769-1"


def test_n8_lists_the_items_with_deadlines_rolled_off_holidays(
    db, officer, approver, unit, fixed_today, contact
):
    """Scenario 8: served 2026-09-01 with 30 calendar days → 2026-10-01 is a holiday → 10-08."""
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    rectification = Rectification.objects.create(
        record=record, drafted_by=officer, served_on=dt.date(2026, 9, 1)
    )
    for number, period in ((1, 30), (2, 14)):
        RectificationItem.objects.create(
            rectification=rectification,
            number=number,
            requirement=f"要求{number}",
            acceptance_criteria=f"标准{number}",
            required_evidence=f"材料{number}",
            period_days=period,
        )
    data = _roundtrip(types.get("N8").build_data(record, rectification))
    assert [(i["requirement"], i["deadline"]) for i in data["items"]] == [
        ("要求1", "2026-10-08"),
        ("要求2", "2026-09-15"),
    ]
    assert "10个工作日" in data["overdue_consequences"]
    assert types.get("N8").validate(data) == []


def test_n14_is_built_from_a_sanction(db, officer, approver, civil_servant, fixed_today, contact):
    person = civil_servant.person
    record = lifecycle.effective(officer=officer, approver=approver, person=person, category="DIS")
    case = Accountability.objects.create(
        record=record, track="SUPERVISORY", reason="拖欠账款", initiated_on=dt.date(2026, 1, 20),
        decided_on=dt.date(2026, 3, 31),
    )  # fmt: skip
    sanction = Sanction.objects.create(
        accountability=case, person=person, decision_type="WARNING", basis="《公职人员政务处分法》第七条",
        effective_on=dt.date(2026, 3, 31), period_months=6, period_end=dt.date(2026, 9, 30),
    )  # fmt: skip
    data = _roundtrip(types.get("N14").build_data(record, sanction))
    assert data["addressee"] == "张三" and data["subject"]["unit"] == "东莞市甲局"
    assert (data["sanction_type"], data["decided_on"], data["sanction_end"]) == (
        "警告",
        "2026-03-31",
        "2026-09-30",
    )
    assert "复审" in data["remedy"]["route"] and "一个月" in data["remedy"]["time_limit"]
    person.post = ""
    person.save()
    problems = types.get("N14").validate(types.get("N14").build_data(record, sanction))
    assert problems == ["缺少“职务”", "缺少“证据”"]


def test_n4_follows_the_objection(db, officer, approver, liaison, unit, fixed_today, contact):
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    objection = objection_svc.objection_file(
        acting_user=liaison,
        record_id=record.pk,
        ground="ERROR",
        statement="金额有误",
        received_on=dt.date(2026, 2, 2),
    )
    objection = objection_svc.objection_accept(acting_user=officer, objection_id=objection.pk)
    record.refresh_from_db()
    data = _roundtrip(types.get("N4").build_data(record, objection))
    assert data["variant"] == "accept" and data["flagged"] is True
    assert data["objection_number"] == f"YY-2026-{objection.pk:04d}"
    assert data["decision_due"] == "2026-02-14"  # 10 WD from 2026-02-02: the 调休 Saturday counts
    assert types.get("N4").validate(data) == []
    assert types.get("N4").title_for(data) == "异议受理通知书"
