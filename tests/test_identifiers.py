"""Credit codes (GB 32100) and ID numbers (GB 11643): one rule (casework.identifiers) for the
model, the admin forms and the generators, and the verified override of a value that fails
the check, saved with its reason and audited."""

import pytest
from django.core.exceptions import ValidationError

from casework import audit
from casework.action_labels import AuditAction
from casework.demo.organisations import UNITS
from casework.demo.people import all_staff
from casework.identifiers import (
    id_check_char,
    id_number_problem,
    id_number_refusal,
    normalise,
    uscc_check_char,
    uscc_problem,
    uscc_refusal,
    validate_id_number,
    validate_uscc,
)
from casework.models import AuditEntry, Organisation, Person
from casework.roles import Role

from .api_fixtures import grant
from .factories import OrganisationFactory, PersonFactory, UserFactory

#: Published examples: python-stdnum's documented sample, and 深圳市腾讯计算机系统有限公司.
PUBLISHED_CODES = ["91110000600037341L", "9144030071526726XG"]
#: The example number of GB 11643-1999 itself.
STANDARD_ID = "11010519491231002X"


def with_id_check(first17: str) -> str:
    return first17 + id_check_char(first17)


def with_uscc_check(first17: str) -> str:
    return first17 + uscc_check_char(first17)


# ── the rule ─────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("code", PUBLISHED_CODES)
def test_published_credit_codes_pass(code):
    assert uscc_refusal(code) is None


def test_a_wrong_check_character_is_refused_naming_the_right_one():
    assert uscc_refusal("91110000600037341M") == "统一社会信用代码校验位错误：应为 L。"


def test_a_wrong_organisation_code_is_refused_even_with_the_last_character_recomputed():
    # 600037341 → 600037342: the 18th character recomputed over it passes mod 31.
    code = with_uscc_check("9111000060003734" + "2")
    problem = uscc_problem(code)
    assert problem.code == "uscc_org_check" and problem.overridable
    assert problem.message == "统一社会信用代码第 9–17 位（组织机构代码）校验位错误：应为 1。"


def test_with_both_check_characters_wrong_the_organisation_code_is_named_first():
    # Correcting the organisation code changes what the 18th character must be: naming the
    # 18th first would send the person to fix it twice.
    problem = uscc_problem("9111000060003734" + "2" + "M")
    assert problem.code == "uscc_org_check"


@pytest.mark.parametrize(
    "code", ["9111000060003734L", "91110000600037341LL", "9111000060003734IL", "911100006000373O1L"]
)
def test_a_credit_code_of_the_wrong_shape_is_refused_and_no_override_saves_it(code):
    problem = uscc_problem(code)
    assert problem.code == "uscc_format" and not problem.overridable
    assert "18 位" in problem.message


@pytest.mark.parametrize(
    "typed",
    [
        "91 110000 600037341L",
        "9111-0000-6000-3734-1l",
        "９１１１００００６０００３７３４１ｌ",
        "\u300091110000600037341L ",
    ],
)
def test_spaced_hyphenated_full_width_and_lower_case_input_is_normalised(typed):
    assert normalise(typed) == "91110000600037341L"
    assert uscc_refusal(typed) is None


def test_the_standards_example_id_number_passes_with_an_upper_or_lower_case_x():
    assert id_number_refusal(STANDARD_ID) is None
    assert id_number_refusal(STANDARD_ID.lower()) is None
    assert normalise("110105 19491231 002x") == STANDARD_ID


def test_a_dongguan_number_of_someone_born_before_1988_passes():
    """东莞's code 441900 dates from 1988; numbers issued since carry it whatever the birth year
    (python-stdnum's cn.ric refuses these)."""
    assert id_number_refusal(with_id_check("44190019750615123")) is None


def test_a_wrong_id_check_character_is_refused_naming_the_right_one():
    assert id_number_refusal("110105194912310021") == "身份证号码校验位错误：应为 X。"


@pytest.mark.parametrize("birth", ["19750231", "19751301", "19750000"])
def test_an_impossible_birth_date_is_refused(birth):
    assert id_number_refusal(with_id_check(f"441900{birth}123")) == "身份证号码出生日期无效。"


def test_a_birth_date_after_today_is_refused(settings):
    settings.CHENGXIN_TODAY = "2026-02-02"
    assert id_number_refusal(with_id_check("44190020260203123")) == "身份证号码出生日期晚于今天。"
    assert id_number_refusal(with_id_check("44190020260202123")) is None


def test_a_number_outside_every_province_is_refused():
    assert id_number_problem(with_id_check("99190019750615123")).code == "id_region"


def test_a_first_generation_15_digit_number_is_refused_asking_for_the_18_digit_one():
    problem = id_number_problem("441900750615123")
    assert not problem.overridable and "18 位" in problem.message and "15 位" in problem.message


@pytest.mark.parametrize(
    "number", ["44190019750615123", "4419001975061512345", "44190019750615123Y", "A41900197506151234"]
)
def test_an_id_number_of_the_wrong_shape_is_refused_and_no_override_saves_it(number):
    problem = id_number_problem(number)
    assert problem.code == "id_format" and not problem.overridable


def test_the_demo_data_and_the_factories_produce_valid_identifiers():
    for unit in UNITS:
        validate_uscc(unit.credit_code)
    for staff in all_staff():
        validate_id_number(staff.id_number)
    for _n in range(40):
        validate_uscc(OrganisationFactory.build().credit_code)
        validate_id_number(PersonFactory.build().id_number)


# ── the model ────────────────────────────────────────────────────────────────────────


@pytest.mark.django_db
def test_the_model_stores_the_normalised_value_and_refuses_a_failed_check_without_override():
    unit = OrganisationFactory(credit_code="91 1100-0060 0037 341l")
    assert Organisation.objects.get(pk=unit.pk).credit_code == "91110000600037341L"
    unit.credit_code = "91110000600037341M"
    with pytest.raises(ValidationError) as refused:
        unit.full_clean()
    assert refused.value.message_dict == {"credit_code": ["统一社会信用代码校验位错误：应为 L。"]}
    unit.credit_code_override_reason = "登记机关赋码差错，已函询核实。"
    unit.full_clean()


@pytest.mark.django_db
def test_the_override_does_not_save_a_value_of_the_wrong_shape():
    person = PersonFactory.build(unit=OrganisationFactory(), id_number="441900750615123")
    person.id_number_override_reason = "老号码"
    with pytest.raises(ValidationError) as refused:
        person.full_clean()
    assert list(refused.value.message_dict) == ["id_number"]


# ── the admin: refused, then saved by the identifier's administrator with a reason ──


@pytest.fixture
def credit_admin(db):
    user = UserFactory(username="credit", first_name="信用管理员甲", roles=[Role.CREDIT_ADMIN])
    return grant(user, "casework.view_organisation", "casework.change_organisation")


@pytest.fixture
def system_admin(db):
    user = UserFactory(username="sysadmin", roles=[Role.SYSTEM_ADMIN])
    return grant(user, "casework.view_organisation", "casework.change_organisation")


@pytest.fixture
def hr_admin(db, settings):
    settings.CHENGXIN = {
        **settings.CHENGXIN,
        "ADMIN_ROLES": [*settings.CHENGXIN["ADMIN_ROLES"], Role.HR_ADMIN],
    }
    user = UserFactory(username="hradmin", roles=[Role.HR_ADMIN])
    return grant(user, "casework.view_person", "casework.change_person")


def organisation_form(unit, **changes) -> dict:
    return {
        "name": unit.name,
        "short_name": unit.short_name,
        "type": unit.type,
        "parent": "",
        "credit_code": unit.credit_code,
        "is_active": "on",
        "names-TOTAL_FORMS": "0",
        "names-INITIAL_FORMS": "0",
        "names-MIN_NUM_FORMS": "0",
        "names-MAX_NUM_FORMS": "1000",
        **changes,
    }


def person_form(person, **changes) -> dict:
    return {
        "name": person.name,
        "id_number": person.id_number,
        "unit": person.unit_id,
        "post": person.post,
        "rank": person.rank,
        "supervising_body": person.supervising_body,
        "is_active": "on",
        **changes,
    }


def overrides() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=AuditAction.IDENTIFIER_OVERRIDE))


def test_the_credit_admin_saves_a_failing_code_only_with_a_reason_and_it_is_audited(
    client, credit_admin, unit
):
    url = f"/admin/casework/organisation/{unit.pk}/change/"
    client.force_login(credit_admin)
    assert "override_reason" in client.get(url).content.decode()

    refused = client.post(url, organisation_form(unit, credit_code="91110000600037341M"))
    assert refused.status_code == 200
    assert "统一社会信用代码校验位错误：应为 L。" in refused.content.decode()
    assert Organisation.objects.get(pk=unit.pk).credit_code == unit.credit_code and overrides() == []

    reason = "该代码为登记机关赋予的历史代码，已函询市场监管部门核实。"
    body = organisation_form(unit, credit_code="9111 0000 6000 3734 1m", override_reason=reason)
    assert client.post(url, body).status_code == 302
    saved = Organisation.objects.get(pk=unit.pk)
    assert saved.credit_code == "91110000600037341M"
    assert (saved.credit_code_override_reason, saved.credit_code_override_by) == (reason, credit_admin)
    assert saved.credit_code_override_at is not None
    [entry] = overrides()
    assert (entry.reason, entry.actor, entry.actor_role) == (reason, credit_admin, Role.CREDIT_ADMIN)
    assert entry.object_id == str(unit.pk) and entry.diff == {"credit_code": "91110000600037341M"}
    assert audit.verify().ok
    assert reason in client.get(url).content.decode()


def test_an_override_covers_only_the_value_it_was_given_for(client, credit_admin, unit):
    url = f"/admin/casework/organisation/{unit.pk}/change/"
    client.force_login(credit_admin)
    body = organisation_form(unit, credit_code="91110000600037341M", override_reason="已核实。")
    assert client.post(url, body).status_code == 302
    unit.refresh_from_db()
    # Another field changes: the verified code stays as it is, no new audit entry.
    assert client.post(url, organisation_form(unit, short_name="甲局")).status_code == 302
    assert len(overrides()) == 1
    # Another failing code is refused: the reason was for the first one.
    refused = client.post(url, organisation_form(unit, credit_code="91110000600037341N"))
    assert "统一社会信用代码校验位错误：应为 L。" in refused.content.decode()
    assert Organisation.objects.get(pk=unit.pk).credit_code == "91110000600037341M"
    # A valid code clears the override.
    assert client.post(url, organisation_form(unit, credit_code="91110000600037341L")).status_code == 302
    saved = Organisation.objects.get(pk=unit.pk)
    assert (saved.credit_code_override_reason, saved.credit_code_override_by) == ("", None)


def test_a_system_admin_without_the_credit_role_cannot_override(client, system_admin, unit):
    url = f"/admin/casework/organisation/{unit.pk}/change/"
    client.force_login(system_admin)
    assert "override_reason" not in client.get(url).content.decode()
    body = organisation_form(unit, credit_code="91110000600037341M", override_reason="我认为没问题。")
    refused = client.post(url, body)
    assert refused.status_code == 200 and "统一社会信用代码校验位错误" in refused.content.decode()
    assert Organisation.objects.get(pk=unit.pk).credit_code == unit.credit_code and overrides() == []


def test_a_valid_code_typed_with_spaces_is_saved_normalised_with_no_override(client, system_admin, unit):
    url = f"/admin/casework/organisation/{unit.pk}/change/"
    client.force_login(system_admin)
    assert (
        client.post(url, organisation_form(unit, credit_code="９１１１-0000 6000 3734 1l")).status_code == 302
    )
    saved = Organisation.objects.get(pk=unit.pk)
    assert saved.credit_code == "91110000600037341L" and saved.credit_code_override_reason == ""
    assert overrides() == []


def test_the_hr_admin_saves_a_failing_id_number_with_a_reason_and_the_audit_masks_it(
    client, hr_admin, person
):
    url = f"/admin/casework/person/{person.pk}/change/"
    client.force_login(hr_admin)
    wrong = "110105194912310021"

    refused = client.post(url, person_form(person, id_number=wrong))
    assert refused.status_code == 200 and "身份证号码校验位错误：应为 X。" in refused.content.decode()
    assert Person.objects.get(pk=person.pk).id_number == person.id_number

    reason = "公安机关签发的号码校验位有误，已核对户籍证明。"
    assert client.post(url, person_form(person, id_number=wrong, override_reason=reason)).status_code == 302
    saved = Person.objects.get(pk=person.pk)
    assert (saved.id_number, saved.id_number_override_reason, saved.id_number_override_by) == (
        wrong,
        reason,
        hr_admin,
    )
    [entry] = overrides()
    assert (entry.reason, entry.actor_role) == (reason, Role.HR_ADMIN)
    assert entry.diff == {"id_number": "1101**********0021"} and wrong not in str(entry.diff)


def test_no_override_saves_a_first_generation_number(client, hr_admin, person):
    url = f"/admin/casework/person/{person.pk}/change/"
    client.force_login(hr_admin)
    refused = client.post(url, person_form(person, id_number="441900750615123", override_reason="老号码。"))
    assert refused.status_code == 200 and "15 位的第一代号码" in refused.content.decode()
    assert Person.objects.get(pk=person.pk).id_number == person.id_number and overrides() == []
