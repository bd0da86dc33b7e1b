"""The unit's latest notices on /unit/ (read newest first along an index rather than sorted
after a membership test) list exactly what the subject's visibility rule gives the liaison,
and the officers' unit filter on /work/cases/ still takes the unit's records and its civil
servants' records, narrowed by state."""

from __future__ import annotations

import pytest
from django.db.models import F

from casework.roles import Role
from notices.models import Notice
from notices.queries import visible_notices
from portal.unit import work

from . import lifecycle, notice_cases
from .factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today(settings):
    settings.CHENGXIN_TODAY = "2026-09-01"


def _shown(client, user) -> list[int]:
    client.force_login(user)
    response = client.get("/unit/")
    assert response.status_code == 200
    return [notice.pk for notice in response.context["notices"]]


def _expected(user, unit) -> list[int]:
    rows = visible_notices(user).filter(record__subject_organisation=unit)
    return list(rows.order_by(F("issued_on").desc(nulls_last=True), "-pk").values_list("pk", flat=True))


def test_latest_notices_are_the_visible_ones_newest_first(
    client, monkeypatch, officer, approver, unit, other_unit, liaison
):
    notice_cases.make_issuer()
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit, content="甲局一案")
    latest = notice_cases.issued(officer=officer, approver=approver, record=record, type_code="N8")
    draft = notice_cases.draft(officer=officer, record=record, type_code="N8")
    theirs = lifecycle.effective(officer=officer, approver=approver, organisation=other_unit, content="乙局")
    other = notice_cases.issued(officer=officer, approver=approver, record=theirs, type_code="N8")

    shown = _shown(client, liaison)

    assert shown == _expected(liaison, unit)
    assert len(shown) >= 2 and shown[0] == latest.pk  # issued today, after the record's own notices
    dates = [Notice.objects.get(pk=pk).issued_on for pk in shown]
    assert dates == sorted(dates, reverse=True)
    assert draft.pk not in shown and other.pk not in shown
    assert not Notice.objects.filter(pk__in=shown).exclude(state__in=["ISSUED", "SERVED"]).exists()

    # The first LATEST only, and the page says there are more.
    monkeypatch.setattr(work, "LATEST", 1)
    client.force_login(liaison)
    response = client.get("/unit/")
    assert [n.pk for n in response.context["notices"]] == shown[:1]
    assert response.context["notices"].more


def test_a_liaison_who_is_also_an_officer_keeps_the_staff_rule(client, officer, approver, unit):
    notice_cases.make_issuer()
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit, content="甲局二案")
    notice_cases.issued(officer=officer, approver=approver, record=record, type_code="N8")
    draft = notice_cases.draft(officer=officer, record=record, type_code="N8")
    both = UserFactory(username="both", organisation=unit, roles=[Role.UNIT_LIAISON, Role.OFFICER])

    shown = _shown(client, both)

    assert shown == _expected(both, unit)
    assert draft.pk in shown  # staff see drafts: the unit page keeps what visible_notices gives


def test_unit_filter_with_a_state_takes_the_unit_and_its_civil_servants(
    client, officer, approver, unit, other_unit
):
    civil = PersonFactory(unit=unit, name="张三")
    own = lifecycle.effective(officer=officer, approver=approver, organisation=unit, content="甲局三案")
    person = lifecycle.effective(officer=officer, approver=approver, person=civil, content="张三一案")
    lead = lifecycle.approved(officer=officer, approver=approver, organisation=unit, content="甲局线索")
    theirs = lifecycle.effective(officer=officer, approver=approver, organisation=other_unit, content="乙局")
    client.force_login(officer)

    html = client.get(f"/work/cases/?unit={unit.pk}&state=EFFECTIVE").content.decode()
    empty = client.get(f"/work/cases/?unit={other_unit.pk}&state=PRE_NOTICE").content.decode()

    assert own.reference in html and person.reference in html
    assert lead.reference not in html and theirs.reference not in html
    assert own.reference not in empty and theirs.reference not in empty
