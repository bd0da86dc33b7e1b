"""The case list's long selects (portal.selects): the unit filter and the bulk form's assignees
are rendered once and reused while their rows stay the same, so a unit added or renamed, or an
officer who joins or leaves, must show on the next request, and a user who may not assign gets
no assignee select at all. The choice labels of the rows (casework.models.fields.ChoiceLabels)
are still translated per request."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from casework.models import Organisation
from casework.roles import Role

from . import lifecycle
from .factories import OrganisationFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today")]
LIST = "/work/cases/"


def client_for(user, language: str = "zh-hans") -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    return client


def options(html: str, name: str) -> list[tuple[str, str, bool]]:
    """The (value, label, selected) of each option of the select `name`."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select {name}"
    found = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select.group(1))
    return [(value, label, bool(selected)) for value, selected, label in found]


@pytest.fixture
def listed(officer, unit):
    """One case on the list: the bulk form shows only over rows."""
    return lifecycle.lead(officer=officer, organisation=unit)


def test_a_unit_added_or_renamed_shows_on_the_next_request(officer, unit, listed):
    client = client_for(officer)
    first = options(client.get(LIST).content.decode(), "unit")
    assert ("", "全部", True) in first and (str(unit.pk), unit.name, False) in first

    added = OrganisationFactory(name="东莞市新设局")
    Organisation.objects.filter(pk=unit.pk).update(name="东莞市改名局")  # no save(), no signal
    second = options(client.get(LIST, {"unit": added.pk}).content.decode(), "unit")

    assert (str(added.pk), "东莞市新设局", True) in second
    assert (str(unit.pk), "东莞市改名局", False) in second
    assert unit.name not in [label for _v, label, _s in second]
    assert [label for _v, label, _s in second[1:]] == sorted(label for _v, label, _s in second[1:])


def test_a_removed_unit_is_no_longer_offered(officer, unit, listed):
    client = client_for(officer)
    gone = OrganisationFactory(name="东莞市撤销局")
    assert (str(gone.pk), "东莞市撤销局", False) in options(client.get(LIST).content.decode(), "unit")
    gone.delete()
    assert str(gone.pk) not in [value for value, _l, _s in options(client.get(LIST).content.decode(), "unit")]


def test_unit_names_are_escaped(officer, listed):
    OrganisationFactory(name='<b>"甲&乙"</b>局')
    html = client_for(officer).get(LIST).content.decode()
    assert "&lt;b&gt;&quot;甲&amp;乙&quot;&lt;/b&gt;局" in html
    assert '<b>"甲' not in html


def test_assignees_follow_who_holds_the_role(officer, approver, listed):
    client = client_for(officer)
    shown = options(client.get(LIST).content.decode(), "assignee")
    assert shown[0] == ("", "请选择人员", True)
    assert (str(approver.pk), approver.get_full_name(), False) in shown

    newcomer = UserFactory(username="newcomer", first_name="", last_name="", roles=[Role.OFFICER])
    approver.is_active = False
    approver.save()
    shown = options(client.get(LIST).content.decode(), "assignee")

    assert (str(newcomer.pk), "newcomer", False) in shown  # no name: the username
    assert str(approver.pk) not in [value for value, _l, _s in shown]


def test_a_bad_assignment_keeps_the_chosen_assignee(officer, approver, listed):
    response = client_for(officer).post("/work/cases/bulk/", {"action": "assign", "assignee": approver.pk})
    assert response.status_code == 400
    assert (str(approver.pk), approver.get_full_name(), True) in options(
        response.content.decode(), "assignee"
    )


def test_a_user_who_may_not_assign_gets_no_assignee_select(officer, listed):
    assessor = UserFactory(username="assessor", roles=[Role.ASSESSOR])
    client_for(officer).get(LIST)  # the officer's assignees rendered first, in this process
    html = client_for(assessor).get(LIST).content.decode()
    assert 'name="unit"' in html
    assert 'name="assignee"' not in html


def test_the_small_selects_and_row_labels_follow_the_language(officer, listed):
    chinese = client_for(officer).get(LIST, {"state": "LEAD"}).content.decode()
    english = client_for(officer, "en").get(LIST, {"state": "LEAD"}).content.decode()
    assert ("LEAD", "线索", True) in options(chinese, "state")
    assert ("LEAD", "Lead", True) in options(english, "state")
    assert ("", "All", True) in options(english, "unit")
    assert '<span class="state">线索</span>' in chinese
    assert '<span class="state">Lead</span>' in english
