"""The rule table is one file (casework/rule_table.py): the migration and the admin load it,
`rules.due` is the only way from a rule to a date, and one function each says what is
overdue and what is public."""

import datetime as dt

import pytest
from django.urls import reverse

from casework import rule_table, rules
from casework.models import AuditEntry, DeadlineRule, Tier
from casework.models.records import DeadlineStatus
from casework.roles import Role
from casework.rule_table import RuleCode

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def test_every_rule_code_has_a_row_and_the_migrated_rows_are_the_files():
    assert set(rule_table.RULES) == set(RuleCode)
    stored = {rule.code: rule for rule in DeadlineRule.objects.all()}
    assert set(stored) == set(RuleCode.values)
    for code in RuleCode:
        row = rule_table.row(code)
        assert {name: getattr(stored[code], name) for name in row} == row, code


def test_loading_the_table_again_creates_the_missing_rows_only_and_keeps_ids():
    ids = dict(DeadlineRule.objects.values_list("code", "pk"))
    DeadlineRule.objects.filter(code=RuleCode.SELF_REPORT).delete()
    DeadlineRule.objects.filter(code=RuleCode.VERIFICATION).update(amount=99)

    assert rule_table.load_missing(DeadlineRule) == 1
    assert rule_table.load_missing(DeadlineRule) == 0

    after = dict(DeadlineRule.objects.values_list("code", "pk"))
    assert {c: i for c, i in after.items() if c != RuleCode.SELF_REPORT} == {
        c: i for c, i in ids.items() if c != RuleCode.SELF_REPORT
    }
    assert DeadlineRule.objects.get(code=RuleCode.VERIFICATION).amount == 99  # an edit stays


def test_the_admin_reloads_chosen_rows_from_the_table_audited(client):
    admin = UserFactory(is_staff=True, roles=[Role.SYSTEM_ADMIN])
    client.force_login(admin)
    edited = DeadlineRule.objects.get(code=RuleCode.VERIFICATION)
    edited.amount = 99
    edited.save()
    DeadlineRule.objects.filter(code=RuleCode.SELF_REPORT).delete()

    response = client.post(
        reverse("admin:casework_deadlinerule_changelist"),
        {"action": "reload_rules", "_selected_action": [edited.pk]},
    )

    assert response.status_code == 302
    edited.refresh_from_db()
    assert edited.amount == rule_table.RULES[RuleCode.VERIFICATION].amount
    assert DeadlineRule.objects.filter(code=RuleCode.SELF_REPORT).exists()
    actions = list(AuditEntry.objects.filter(actor=admin).values_list("action", flat=True))
    assert sorted(actions) == ["rule_create", "rule_update"]


def test_due_counts_from_the_rule_row():
    rule = DeadlineRule.objects.get(code=RuleCode.DEFENCE_WINDOW)
    start = dt.date(2026, 3, 2)  # a Monday
    assert rules.due(RuleCode.DEFENCE_WINDOW, start).date == dt.date(2026, 3, 9)
    assert rules.due(rule, start, amount=1).date == dt.date(2026, 3, 3)


def test_a_closed_window_of_the_subject_is_not_overdue():
    today = dt.date(2026, 3, 10)

    def late(kind, status=DeadlineStatus.OPEN):
        return rules.is_overdue(_deadline(kind, dt.date(2026, 3, 9), status), today)

    assert late(RuleCode.DETERMINATION)
    assert not late(RuleCode.DEFENCE_WINDOW)
    assert not late(RuleCode.APPEAL_PARTY_APPEAL_APPLY)
    assert not late(RuleCode.DETERMINATION, DeadlineStatus.MET)


def _deadline(kind, due_on, status):
    from casework.models import Deadline

    return Deadline(kind=kind, due_on=due_on, status=status)


def test_is_public_follows_tier_flag_category_and_window():
    from casework.models import Record

    unit_record = Record(subject_organisation_id=1, tier=Tier.MINOR, must_disclose=False)
    assert not rules.is_public(unit_record)
    unit_record.must_disclose = True
    assert rules.is_public(unit_record)
    unit_record.max_end = dt.date(2026, 1, 1)
    assert not rules.is_public(unit_record, dt.date(2026, 1, 2))
    assert rules.is_public(Record(subject_person_id=1, category="ACC", tier=Tier.GENERAL))
    assert not rules.is_public(Record(subject_person_id=1, category="DIS", tier=Tier.GENERAL))
