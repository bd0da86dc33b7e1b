"""factory_boy factories shared by the whole suite."""

import datetime as dt

import factory

from casework.identifiers import id_check_char, org_code_check_char, uscc_check_char
from casework.models import Organisation, OrganisationType, Person, Record, User
from casework.permissions import role_groups


def _credit_code(n: int) -> str:
    """A 机关 registered in 东莞 whose organisation code is `n`, with both check characters."""
    first17 = f"11441900{n:08d}" + org_code_check_char(f"{n:08d}")
    return first17 + uscc_check_char(first17)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"测试单位{n}")
    type = OrganisationType.DEPARTMENT
    credit_code = factory.Sequence(_credit_code)


def _id_number(n: int) -> str:
    first17 = f"441900{1970 + n % 30}{(n % 12) + 1:02d}{(n % 28) + 1:02d}{n % 1000:03d}"
    return first17 + id_check_char(first17)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"公务员{n}")
    id_number = factory.Sequence(_id_number)
    unit = factory.SubFactory(OrganisationFactory)
    post = "科员"
    rank = "一级科员"


class UserFactory(factory.django.DjangoModelFactory):
    """`UserFactory(roles=[Role.OFFICER])` puts the user in the role's group."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", "pass-12345")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*role_groups(*extracted))
            self.save()


class LeadFactory(factory.django.DjangoModelFactory):
    """A bare LEAD row (for read tests); lifecycle tests go through the services instead."""

    class Meta:
        model = Record

    subject_organisation = factory.SubFactory(OrganisationFactory)
    source = "HOTLINE"
    lead_content = factory.Sequence(lambda n: f"线索内容{n}：未按合同约定支付工程款。")
    received_on = dt.date(2026, 1, 5)
    fact_hash = factory.Sequence(lambda n: f"{n:064d}")
    reference = factory.Sequence(lambda n: f"ZWSX-2026-T{n:05d}")
