"""Risk warnings on screen, through the pages users take: the commission's list and its buttons,
the blocks on the dashboard, the inbox and the unit portal, and a unit's payments to SMEs."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.identifiers import org_code_check_char, uscc_check_char
from casework.models import AuditEntry
from oversight import alerts
from oversight.alerts import Cause
from oversight.models import AlertState, RiskAlert, SmePayment

from .factories import OrganisationFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 6, 1)


def raise_alerts(unit, *levels_and_keys, rule="court_defaulter"):
    alerts.sync(
        rule,
        [
            Cause(key=key, summary=f"预警 {key}", organisation_id=unit.pk, due_on=DAY)
            for key in levels_and_keys
        ],
        today=DAY,
    )
    return list(RiskAlert.objects.filter(rule_id=rule).order_by("id"))


def signed_in(client, user):
    client.force_login(user)
    return client


def test_the_commission_sees_active_alerts_with_level_in_words_and_filters(client, officer, unit, other_unit):
    raise_alerts(unit, "a")
    raise_alerts(other_unit, "b", rule="sme_payment_late")
    page = signed_in(client, officer).get(reverse("risk-alerts"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "预警 a" in html and "预警 b" in html
    assert 'class="level level-red">红色（严重）' in html  # colour and words
    filtered = client.get(
        reverse("risk-alerts"), {"rule": "sme_payment_late", "state": "active"}
    ).content.decode()
    assert "预警 b" in filtered and "预警 a" not in filtered
    by_unit = client.get(reverse("risk-alerts"), {"unit": unit.pk, "state": "active"}).content.decode()
    assert "预警 a" in by_unit and "预警 b" not in by_unit
    by_level = client.get(reverse("risk-alerts"), {"level": "orange", "state": "active"}).content.decode()
    assert "预警 b" in by_level and "预警 a" not in by_level
    # a level link asks for no state: the active ones; "全部状态" shows the resolved too
    raise_alerts(unit, "c")  # "a" is gone: resolved
    assert "预警 a" not in client.get(reverse("risk-alerts"), {"level": "red"}).content.decode()
    assert "预警 a" in client.get(reverse("risk-alerts"), {"level": "red", "state": ""}).content.decode()


def test_a_unit_liaison_may_not_open_the_commissions_list(client, liaison):
    assert signed_in(client, liaison).get(reverse("risk-alerts")).status_code == 403


def test_acknowledge_resolve_and_dismiss_go_through_the_use_cases(client, officer, unit):
    first, second, third = raise_alerts(unit, "a", "b", "c")
    signed_in(client, officer)
    client.post(reverse("risk-alert-acknowledge", args=[first.pk]), {"next": reverse("risk-alerts")})
    client.post(reverse("risk-alert-resolve", args=[second.pk]), {"reason": "已处理"})
    refused = client.post(reverse("risk-alert-dismiss", args=[third.pk]), {"reason": ""}, follow=True)
    assert "请填写排除理由。" in refused.content.decode()
    assert RiskAlert.objects.get(pk=third.pk).state == AlertState.OPEN
    client.post(reverse("risk-alert-dismiss", args=[third.pk]), {"reason": "经核实不构成风险"})

    states = dict(RiskAlert.objects.values_list("pk", "state"))
    assert states == {
        first.pk: AlertState.ACKNOWLEDGED,
        second.pk: AlertState.RESOLVED,
        third.pk: AlertState.DISMISSED,
    }
    assert AuditEntry.objects.filter(action__startswith="alert.").count() == 3


def test_a_button_the_user_may_not_press_is_greyed_out_with_the_reason_as_title(
    client, liaison, unit, officer
):
    [alert] = raise_alerts(unit, "a")
    alerts.alert_acknowledge(acting_user=officer, alert_id=alert.pk)
    html = signed_in(client, liaison).get(reverse("unit-home")).content.decode()
    assert "预警 a" in html
    assert re.search(r'<button type="button" class="button" disabled title="该预警已知悉或已关闭。"', html)


def test_the_unit_portal_lists_the_units_alerts_and_its_liaison_acknowledges_one(
    client, liaison, unit, other_unit
):
    late = [("mine", unit), ("theirs", other_unit)]  # the units' to handle
    alerts.sync(
        "sme_payment_late", [Cause(key=k, summary=f"预警 {k}", organisation_id=u.pk) for k, u in late]
    )
    mine = RiskAlert.objects.get(key="mine")
    [commissions] = raise_alerts(unit, "court")  # the commission's, about the unit
    html = signed_in(client, liaison).get(reverse("unit-home")).content.decode()
    assert "预警 mine" in html and "预警 court" in html and "预警 theirs" not in html
    assert reverse("risk-alert-acknowledge", args=[mine.pk]) in html
    assert reverse("risk-alert-acknowledge", args=[commissions.pk]) not in html
    assert "该预警由委员会处理，本单位可查看，无需确认知悉。" in html
    assert 'href="/work/court/"' not in html  # the court page is the commission's: no link to a 403

    response = client.post(reverse("risk-alert-acknowledge", args=[mine.pk]), {"next": reverse("unit-home")})
    assert response.status_code == 302 and response["Location"] == reverse("unit-home")
    assert RiskAlert.objects.get(pk=mine.pk).acknowledged_by == liaison
    client.post(reverse("risk-alert-acknowledge", args=[commissions.pk]), {"next": reverse("unit-home")})
    assert RiskAlert.objects.get(pk=commissions.pk).state == AlertState.OPEN
    # no resolve or dismiss button for the unit
    assert (
        reverse("risk-alert-dismiss", args=[mine.pk]) not in client.get(reverse("unit-home")).content.decode()
    )


def test_a_commitment_alert_links_each_reader_to_a_page_they_may_open(client, officer, liaison, unit):
    from oversight.commitments.alerts import MISSED

    alerts.sync(
        MISSED,
        [
            Cause(
                key="c1",
                summary="预警 承诺",
                organisation_id=unit.pk,
                due_on=DAY,
                link="/work/commitments/7/",
            )
        ],
        today=DAY,
    )
    assert (
        'href="/unit/commitments/7/"' in signed_in(client, liaison).get(reverse("unit-home")).content.decode()
    )
    assert (
        'href="/work/commitments/7/"'
        in signed_in(client, officer).get(reverse("risk-alerts")).content.decode()
    )


def test_the_dashboard_shows_counts_by_level_and_the_five_most_urgent_in_constant_queries(
    client, officer, unit
):
    signed_in(client, officer)
    raise_alerts(unit, "a")
    client.get(reverse("work-dashboard"))
    with CaptureQueriesContext(connection) as few:
        html = client.get(reverse("work-dashboard")).content.decode()
    assert "风险预警" in html and "预警 a" in html
    raise_alerts(unit, *"abcdefgh")  # "a" still found, seven more
    raise_alerts(unit, "x", rule="sme_payment_late")
    with CaptureQueriesContext(connection) as many:
        html = client.get(reverse("work-dashboard")).content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)
    assert html.count('<td><span class="level level-') == 5
    assert "预警 x" not in html  # the eight red ones come before the orange one
    assert "查看全部 9 条预警" in html


def test_the_inbox_shows_the_users_alerts(client, liaison, unit):
    raise_alerts(unit, "a")
    html = signed_in(client, liaison).get(reverse("workflow-inbox-page")).content.decode()
    assert "风险预警" in html and "预警 a" in html


# ── payments ───────────────────────────────────────────────────────────────────────────


def uscc(n: int) -> str:
    """An enterprise (91) registered in 东莞, with both check characters."""
    first17 = f"91441900{n:08d}" + org_code_check_char(f"{n:08d}")
    return first17 + uscc_check_char(first17)


def test_a_liaison_records_a_payment_and_the_commission_sees_it(client, liaison, officer, settings, unit):
    settings.CHENGXIN_TODAY = "2026-06-01"
    signed_in(client, liaison)
    data = {
        "supplier_name": "东莞市小微制造有限公司",
        "supplier_credit_code": uscc(1),
        "contract_number": "HT-1",
        "amount": "5000.00",
        "accepted_on": "2026-03-02",
        "contract_days": "61",
    }
    refused = client.post(reverse("unit-payments"), data)
    assert refused.status_code == 400 and not SmePayment.objects.exists()
    assert client.post(reverse("unit-payments"), data | {"contract_days": "45"}).status_code == 302
    payment = SmePayment.objects.get()
    assert (payment.unit, payment.due_on) == (unit, dt.date(2026, 4, 16))

    page = signed_in(client, officer).get(reverse("unit-payments")).content.decode()
    assert "HT-1" in page and "已逾期" in page and "登记应付款项" not in page

    signed_in(client, liaison).post(
        reverse("unit-payment-paid", args=[payment.pk]), {"paid_on": "2026-05-01"}
    )
    assert SmePayment.objects.get().paid_on == dt.date(2026, 5, 1)


def test_a_liaison_sees_only_their_units_payments(client, liaison, other_liaison, settings):
    settings.CHENGXIN_TODAY = "2026-06-01"
    from oversight import payments

    payments.payment_record(
        acting_user=other_liaison,
        supplier_name="某公司",
        supplier_credit_code=uscc(2),
        contract_number="HT-THEIRS",
        amount=1,
        accepted_on=dt.date(2026, 3, 2),
    )
    OrganisationFactory()
    assert "HT-THEIRS" not in signed_in(client, liaison).get(reverse("unit-payments")).content.decode()


def test_another_units_alert_or_payment_is_a_404_for_a_liaison(
    client, liaison, other_liaison, other_unit, settings
):
    [theirs] = raise_alerts(other_unit, "theirs")
    signed_in(client, liaison)
    assert client.post(reverse("risk-alert-acknowledge", args=[theirs.pk])).status_code == 404
    assert RiskAlert.objects.get(pk=theirs.pk).state == AlertState.OPEN

    settings.CHENGXIN_TODAY = "2026-06-01"
    from oversight import payments

    payment = payments.payment_record(
        acting_user=other_liaison,
        supplier_name="某公司",
        supplier_credit_code=uscc(3),
        contract_number="HT-X",
        amount=1,
        accepted_on=dt.date(2026, 3, 2),
    )
    response = client.post(reverse("unit-payment-paid", args=[payment.pk]), {"paid_on": "2026-05-01"})
    assert response.status_code == 404
    assert SmePayment.objects.get(pk=payment.pk).paid_on is None


def test_hr_opens_the_list_from_the_navigation_and_sees_only_the_alerts_hr_owns(client, hr, unit):
    from casework.roles import Role
    from oversight.models import RiskRule

    RiskRule.objects.create(code="hr_rule", name="人事规则", level="blue", owner_role=Role.HR_ADMIN)
    raise_alerts(unit, "hr-owned", rule="hr_rule")
    raise_alerts(unit, "officer-owned")
    html = signed_in(client, hr).get(reverse("risk-alerts")).content.decode()
    assert f'href="{reverse("risk-alerts")}"' in html
    assert "预警 hr-owned" in html and "预警 officer-owned" not in html


def test_the_list_asks_the_same_with_2_and_30_acknowledged_alerts_and_names_who_acknowledged(
    client, officer, liaison, unit
):
    def acknowledged(keys):
        raised = raise_alerts(unit, *keys)
        RiskAlert.objects.filter(pk__in=[a.pk for a in raised]).update(
            state=AlertState.ACKNOWLEDGED, acknowledged_by=liaison
        )

    def queries() -> tuple[int, str]:
        client.get(reverse("risk-alerts"))
        with CaptureQueriesContext(connection) as captured:
            html = client.get(reverse("risk-alerts")).content.decode()
        return len(captured), html

    signed_in(client, officer)
    acknowledged([f"a{n}" for n in range(2)])
    few, html = queries()
    assert f"知悉人：{liaison.get_full_name()}" in html
    acknowledged([f"a{n}" for n in range(30)])
    many, html = queries()
    assert many == few
    assert html.count(f"知悉人：{liaison.get_full_name()}") == 30
