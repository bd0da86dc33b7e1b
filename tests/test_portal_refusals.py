"""A step the case page does not offer says why in the service's own words.

For each object of a case in representative states, and each user who sees it (the officer
who proposed and the approver, an approver who proposed, the subject's liaison, a colleague
who drafted or opened something), every step the page withholds is then attempted through
the API endpoint its form posts to, with input the endpoint accepts: the service refuses it
with exactly the sentence the page shows (casework.guards: one function, one message).

The case page and a notice's page show a step the user could take by role and state but that
a guard refuses greyed out, with that sentence beside it: read from the rendered HTML, each
such button is a disabled button that posts nothing, and its reason is the endpoint's answer.
"""

import datetime as dt
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIRequestFactory, force_authenticate

from casework.errors import NotFoundError
from casework.models import ConflictDeclaration, Measure
from casework.permissions import role_refusal
from casework.roles import Role
from notices.models import Notice
from portal.cases.actions import action_url, refusal, step_actions
from portal.cases.choices import choices_for
from portal.cases.dispatch import call, endpoint
from portal.cases.fields import Context
from portal.cases.kinds import KINDS, kind_of, visible_object
from portal.cases.specs import spec_for, specs_for

from . import lifecycle, rectification_steps
from .accountability_steps import deliberated, served
from .factories import UserFactory
from .notice_cases import draft, issue, issuer_fixture  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today", "issuer")]

PROPOSAL = {
    "category": "PRM",
    "domain": "PROCUREMENT",
    "tier": "GENERAL",
    "facts": "该单位拖欠中小企业账款 120 万元。",
    "legal_basis": "《保障中小企业款项支付条例》第九条",
}
TODAY = "2026-02-02"
SERVICE = {"served_on": TODAY, "method": "MAIL", "proof": "EMS 1"}

#: Input each endpoint accepts, so that the attempt reaches the service's guard.
INPUT = {
    ("cases", "start-verification"): {},
    ("cases", "dismiss"): {"reason": "证据不足。"},
    ("cases", "propose"): lambda obj: {**PROPOSAL, "measure_ids": [Measure.objects.get(code="M01").pk]},
    ("cases", "answer-defence"): {"reply": "经核查，申辩理由不成立。"},
    ("cases", "approve-pre-notice"): {},
    ("cases", "submit-defence"): {"statement": "款项已付清。"},
    ("cases", "determine"): {"determination_date": TODAY},
    ("cases", "return-proposal"): {"reason": "事实不清。"},
    ("cases", "amend-proposal"): {**PROPOSAL, "reason": "补充事实。"},
    ("cases", "serve"): SERVICE,
    ("cases", "amend"): {"facts": "该单位拖欠中小企业账款 150 万元。", "reason": "更正笔误。"},
    ("cases", "revoke"): {"reason": "认定错误。", "document": "撤销决定书"},
    ("cases", "archive"): {},
    ("cases", "objection"): {"ground": "CONDITIONS", "statement": "款项已付清。"},
    ("cases", "repair"): lambda record: {
        "commitment": "信用承诺书",
        "commitment_signed_by": UserFactory(
            organisation=record.subject_organisation, roles=[Role.UNIT_HEAD]
        ).pk,
    },
    ("cases", "rectification"): {"items": rectification_steps.items(1, period_days=30)},
    ("cases", "accountability"): {"track": "SUPERVISORY", "reason": "负有直接责任。"},
    ("cases", "obligations-fulfilled"): {"on": TODAY, "evidence": "付款回单"},
    ("cases", "notice"): {"type_code": "N8", "data": {}},
    ("rectifications", "issue"): {},
    ("rectifications", "serve"): {"served_on": TODAY},
    ("rectifications", "sign-off"): {"declaration": True},
    ("rectifications", "submit"): {"truth_declared": True},
    ("rectifications", "start-review"): {},
    ("rectifications", "explanation"): {"explanation": "情况说明。"},
    ("rectifications", "review"): lambda order: {
        "decisions": [{"item": item.pk, "decision": "ACCEPT"} for item in order.items.all()]
    },
    ("accountability", "investigate"): lambda case: {
        "investigators": [UserFactory(roles=[Role.OFFICER]).pk for _ in range(2)]
    },
    ("accountability", "hear"): {"notified_on": TODAY},
    ("accountability", "deliberate"): {"opinion": "事实清楚。"},
    ("accountability", "decide"): {"decisions": [], "decided_on": TODAY, "reason": "情节轻微。"},
    ("accountability", "serve"): {"served_on": TODAY},
    ("accountability", "execute"): {},
    ("accountability", "start-period"): {},
    ("accountability", "release"): {},
    ("accountability", "close"): {"reason": "结案。"},
    ("notices", "approve"): {},
    ("notices", "issue"): {},
    ("notices", "void"): {"reason": "内容有误。"},
    ("notices", "serve"): lambda notice: {**SERVICE, "notices": [notice.pk]},
    ("sanctions", "appeal"): {"kind": "REVIEW", "grounds": "处分过重。"},
}


#: Withheld steps with no endpoint to attempt: the 事前告知书's service is recorded by
#: serving the notice (notices.service_steps), which the notice's own page offers.
NO_ENDPOINT = {("cases", "serve-pre-notice")}


def attempt(user, obj, spec):
    """POST the step to the endpoint the page's form posts to, as the API client would."""
    ctx = Context(user, obj, KINDS[spec.kind].record(obj), choices_for(spec.kind))
    target = endpoint(spec, ctx)
    given = INPUT[(spec.kind, spec.slug)]
    data = {**(given(obj) if callable(given) else given), **target.fixed}
    request = APIRequestFactory().post("/", data, format="json")
    force_authenticate(request, user=user)
    return call(target, request, obj.pk)


def sees(user, obj) -> bool:
    try:
        KINDS[kind_of(obj).name].get(user, obj.pk)
    except NotFoundError:
        return False
    return True


def withheld(user, obj) -> list:
    kind = kind_of(obj).name
    specs = [spec for spec in specs_for(kind) if (spec.kind, spec.slug) not in NO_ENDPOINT]
    return [(spec, reason) for spec in specs if (reason := refusal(user, obj, spec))]


def check(users, *objects) -> set[tuple[str, str]]:
    """Every withheld step's reason against the endpoint's answer; the steps checked."""
    checked = set()
    for obj in objects:
        obj.refresh_from_db()
        for user in [u for u in users if sees(u, obj)]:
            for spec, reason in withheld(user, obj):
                answer = attempt(user, obj, spec).data
                assert (spec.kind, spec.slug, answer["detail"]) == (spec.kind, spec.slug, reason), user
                checked.add((spec.kind, spec.slug))
    return checked


@pytest.fixture
def both(db):
    """An approver who is also an officer: the one who may not approve their own work."""
    return UserFactory(username="both", roles=[Role.OFFICER, Role.APPROVER])


def test_the_record_steps_withheld_from_the_proposer_say_the_services_reason(both, officer, approver, unit):
    proposed = lifecycle.proposed(officer=both, organisation=unit)
    checked = check([both, officer, approver], proposed)
    assert ("cases", "approve-pre-notice") in checked  # 拟认定人不能审批自己提出的认定
    assert "拟认定人不能审批自己提出的认定。" == refusal(
        both, proposed, specs_by_slug("cases")["approve-pre-notice"]
    )


def test_the_record_steps_withheld_around_the_prior_notice(both, officer, approver, unit, liaison):
    waiting = lifecycle.approved(officer=officer, approver=approver, organisation=unit, content="另一线索。")
    own = lifecycle.pre_notice(officer=both, approver=approver, organisation=unit)
    checked = check([both, officer, approver, liaison], waiting, own)
    assert {("cases", "determine"), ("cases", "submit-defence")} <= checked


def test_the_steps_withheld_on_a_record_in_force(officer, approver, unit, liaison, other_liaison):
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    checked = check([officer, approver, liaison], record)
    assert ("cases", "revoke") in checked  # 您没有权限执行“撤销”操作
    assert not sees(other_liaison, record)  # another unit's liaison sees no button at all


def test_the_drafter_of_an_order_or_a_notice_may_not_issue_or_approve_it(both, officer, approver, unit):
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    order = rectification_steps.drafted(officer=both, approver=approver, unit=unit, record=record)
    notice = draft(officer=both, record=record)
    voidable = issue(officer=officer, approver=approver, notice=draft(officer=officer, record=record))
    checked = check([both, officer, approver], order, notice, voidable)
    assert {("rectifications", "issue"), ("notices", "approve"), ("notices", "void")} <= checked
    assert Notice.objects.get(pk=voidable.pk).state == "ISSUED"


def test_who_opened_a_case_may_not_decide_it_and_only_the_sanctioned_may_appeal(
    settings, both, officer, approver, unit, liaison, civil_servant
):
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    case = deliberated(officer=both, record=record, persons=[civil_servant.person], unit=unit)
    checked = check([both, officer, approver], case)
    assert ("accountability", "decide") in checked  # 立案人不能审批本案的处理决定
    decided = served(
        officer=officer,
        approver=approver,
        record=record,
        persons=[civil_servant.person],
        decisions=[{"person_id": civil_servant.person.pk, "decision_type": "WARNING", "basis": "第三十九条"}],
        decided_on=dt.date(2026, 1, 25),
        served_on=dt.date(2026, 1, 26),
    )
    sanction = decided.sanctions.get()
    assert ("sanctions", "appeal") in check([liaison, approver], sanction)


def specs_by_slug(kind: str) -> dict:
    return {spec.slug: spec for spec in specs_for(kind)}


def test_the_case_page_offers_an_upload_where_the_attachment_policy_takes_one():
    from casework.lifecycle import RecordState
    from casework.models import Record
    from casework.services.attachments import POLICIES
    from portal.cases.specs import ATTACHABLE

    takes = {state for state in RecordState if POLICIES[Record].guard(Record(state=state)) is None}
    assert set(ATTACHABLE) == takes
    assert specs_by_slug("cases")["attachment"].step.roles == frozenset(POLICIES[Record].roles)


# ── the greyed-out steps, read from the rendered page ───────────────────────────────


@dataclass
class Greyed:
    """A disabled step button of a page and what surrounds it."""

    attrs: dict
    in_form: bool  # inside a <form>, which a button could submit
    label: str = ""
    reason: str = ""  # the text of the element its aria-describedby names

    @property
    def step(self) -> tuple[str, int, str]:
        """(kind, pk, slug), from the reason's id (portal.cases.actions.Action.reason_id)."""
        _prefix, kind, pk, slug = self.attrs["aria-describedby"].split("-", 3)
        return kind, int(pk), slug


class _Page(HTMLParser):
    """The disabled buttons of a page, the reasons by id, the links, and whether a form is open."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.greyed: list[Greyed] = []
        self.reasons: dict[str, str] = {}
        self.links: set[str] = set()
        self.forms = 0
        self.reading: tuple | None = None  # ("button", Greyed) or ("reason", id) while its text comes

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms += 1
        elif tag == "a" and attrs.get("href"):
            self.links.add(attrs["href"])
        elif tag == "button" and "disabled" in attrs:
            self.greyed.append(Greyed(attrs, in_form=self.forms > 0))
            self.reading = ("button", self.greyed[-1])
        elif (attrs.get("id") or "").startswith("refused-"):
            self.reading = ("reason", attrs["id"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.forms -= 1
        elif tag in ("button", "small"):
            self.reading = None

    def handle_data(self, data):
        if self.reading and self.reading[0] == "button":
            self.reading[1].label += data.strip()
        elif self.reading:
            self.reasons[self.reading[1]] = self.reasons.get(self.reading[1], "") + data.strip()


def read_page(user, url: str) -> tuple[int, str, _Page]:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    html = response.content.decode()
    page = _Page()
    page.feed(html)
    for button in page.greyed:
        button.reason = page.reasons.get(button.attrs.get("aria-describedby", ""), "")
    return response.status_code, html, page


def greyed_steps(user, url: str) -> set[tuple[str, str]]:
    """Every greyed-out step of the page at `url`, as `user` sees it, checked: a disabled
    button outside any form, posting nowhere, its reason beside it (and in its title) the
    sentence the endpoint answers when the step is attempted, and no link to its form."""
    status, _html, page = read_page(user, url)
    assert status == 200
    steps = set()
    for button in page.greyed:
        kind, pk, slug = button.step
        obj, spec = visible_object(user, kind, pk), spec_for(kind, slug)
        assert button.label == spec.title
        assert button.attrs.get("type") == "button" and not button.in_form
        assert not {"formaction", "formmethod", "form", "href"} & button.attrs.keys()
        assert action_url(kind, pk, slug) not in page.links
        assert button.reason and button.reason == button.attrs["title"] == refusal(user, obj, spec)
        answer = attempt(user, obj, spec).data
        assert (kind, slug, answer["detail"]) == (kind, slug, button.reason), user
        steps.add((kind, slug))
    assert len(steps) == len(page.greyed)  # one button a step
    return steps


def case_page(record) -> str:
    return reverse("case-detail", args=[record.pk])


def test_the_case_page_greys_out_what_a_guard_refuses_with_the_services_reason(
    both, officer, approver, unit, civil_servant
):
    proposal = lifecycle.proposed(officer=both, organisation=unit)
    assert {("cases", "approve-pre-notice"), ("cases", "answer-defence")} <= greyed_steps(
        both, case_page(proposal)
    )
    # Not an approver: the officer has no 核准 to grey out, only what a guard refuses.
    assert ("cases", "approve-pre-notice") not in greyed_steps(officer, case_page(proposal))
    assert ("cases", "approve-pre-notice") not in greyed_steps(approver, case_page(proposal))

    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit, content="另一线索。")
    rectification_steps.drafted(officer=both, approver=approver, unit=unit, record=record)
    deliberated(officer=both, record=record, persons=[civil_servant.person], unit=unit)
    notice = draft(officer=both, record=record)
    greyed = greyed_steps(both, case_page(record))
    assert {("rectifications", "issue"), ("accountability", "decide")} <= greyed
    assert ("notices", "approve") in greyed_steps(both, reverse("notice-page", args=[notice.pk]))


def test_who_has_no_role_for_a_step_sees_neither_its_button_nor_its_reason(
    both, officer, approver, unit, liaison, other_liaison, civil_servant
):
    record = lifecycle.effective(officer=officer, approver=approver, organisation=unit)
    order = rectification_steps.drafted(officer=both, approver=approver, unit=unit, record=record)
    case = deliberated(officer=both, record=record, persons=[civil_servant.person], unit=unit)
    reasons = [
        refusal(both, order, spec_for("rectifications", "issue")),
        refusal(both, case, spec_for("accountability", "decide")),
    ]
    assert all(reasons)

    status, html, page = read_page(liaison, case_page(record))
    assert status == 200 and not page.greyed  # the unit's own steps are offered or not its to take
    assert not any(reason in html for reason in reasons)
    status, html, page = read_page(other_liaison, case_page(record))
    assert status == 404 and not page.greyed
    assert not any(reason in html for reason in reasons)


def test_a_conflict_of_interest_greys_out_the_steps_the_state_admits(officer, approver, unit):
    """回避 is shown, not hidden: the approver holds the role and the proposal awaits them.
    (A declared conflict also hides the subject's records, so no page shows it today.)"""
    proposal = lifecycle.proposed(officer=officer, organisation=unit)
    theirs = {a.step for a in step_actions(approver, proposal)}
    ConflictDeclaration.objects.create(user=approver, organisation=unit)
    approver = get_user_model().objects.get(pk=approver.pk)  # the declarations are read once a user

    greyed = step_actions(approver, proposal)
    assert {a.step for a in greyed} == theirs and ("approve-pre-notice" in theirs)
    conflict = role_refusal(approver, proposal, "approve_pre_notice")
    assert conflict is not None and {a.refused for a in greyed} == {str(conflict.message)}
    assert all(a.url == "" for a in greyed)
