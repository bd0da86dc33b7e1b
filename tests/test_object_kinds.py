"""One declaration per object kind (casework.kinds): every registry the rest of the project
keeps about a kind is derived from it, so the copies cannot disagree, and a new kind —
here the test-only `Caution` of tests/testapp, declared in one module — is picked up by
the portal, the flows' lookups, the timeline, the audit labels and the attachment policy
with no edit anywhere else."""

import datetime as dt

import pytest
from django.http import Http404
from django.urls import reverse

from casework import action_labels, kinds
from casework.action_labels import label_of
from casework.models import Attachment, Record
from casework.roles import Role
from casework.services import accountability as accountability_svc
from casework.services.attachments import POLICIES, attachment_upload, policy_for
from casework.services.steps import perform
from portal.cases import kinds as page_kinds
from portal.cases.specs import SPECS
from portal.cases.timeline import timeline
from tests.testapp.kinds import CAUTION
from tests.testapp.models import Caution
from workflows.flows import FLOW_BY_MODEL, FLOWS, CaseFlow
from workflows.inbox import queue

from . import accountability_steps, lifecycle
from .factories import OrganisationFactory, PersonFactory, UserFactory
from .rectification_steps import upload

KINDS_WITH_STEPS = [kind for kind in kinds.all_kinds() if kind.steps]


def _queued_steps() -> list:
    return [node.step for flow in FLOWS for node in flow.human_tasks()]


def _offered(step) -> bool:
    """A form offers the step, on its own kind's page or another's (an appeal on its
    decision; a creation on its parent's), perhaps from fewer states, under its own title."""
    return any(_same(spec.step, step) for spec in SPECS.values())


def _same(offered, step) -> bool:
    fewer_states = set(offered.sources) <= set(step.sources) or not step.sources
    facts = ("name", "target", "roles", "domain_ref")
    return fewer_states and all(getattr(offered, f) == getattr(step, f) for f in facts)


@pytest.mark.parametrize("kind", KINDS_WITH_STEPS, ids=lambda kind: kind.name)
def test_every_lifecycle_step_has_a_label_a_form_and_a_queue_or_says_why_not(kind):
    queued = _queued_steps()
    for name, step in kind.steps.items():
        action = f"{kind.audit_prefix}.{name}" if kind.audit_prefix else name
        assert str(step.label) and label_of(action), f"{action}: no label"
        assert _offered(step) or kind.not_offered.get(name), f"{action}: no form, no reason"
        assert any(s is step for s in queued) or kind.not_queued.get(name), f"{action}: no queue, no reason"


def test_a_reason_given_is_for_a_step_that_exists_and_is_not_also_served():
    queued = _queued_steps()
    for kind in KINDS_WITH_STEPS:
        assert set(kind.not_queued) <= set(kind.steps) and set(kind.not_offered) <= set(kind.steps)
        assert not [n for n in kind.not_queued if any(s is kind.steps[n] for s in queued)], kind.name
        assert not [n for n in kind.not_offered if _offered(kind.steps[n])], kind.name


def test_every_flow_task_is_for_the_roles_of_its_step():
    for flow in FLOWS:
        for node in flow.human_tasks():
            assert node.step is not None, node
            assert node.roles <= node.step.roles, node


#: Tasks that take several steps, named after their use case (workflows.flows says why).
NAMED_FOR_THEIR_USE_CASE = {("RectificationFlow", "review"), ("RepairFlow", "decide")}


def test_every_flow_task_is_named_after_its_kinds_step():
    for flow in FLOWS:
        for node in flow.human_tasks():
            if (flow.__name__, node.name) not in NAMED_FOR_THEIR_USE_CASE:
                assert node.step is flow.object_kind.steps.get(node.name), (flow.__name__, node.name)


def test_the_registries_are_derived_from_the_declarations():
    for kind in kinds.all_kinds():
        if kind.attach_roles:
            assert POLICIES[kind.model].record_path == kind.record_path
            assert POLICIES[kind.model].roles == kind.attach_roles
        if kind.slug:
            assert page_kinds.KINDS[kind.slug].model is kind.model
        if kind.steps:
            assert action_labels.step_tables()[kind.audit_prefix] is kind.steps
    for flow in FLOWS:
        assert flow.object_kind is kinds.kind_of_model(flow.model)


@pytest.mark.django_db
def test_each_kind_finds_what_a_user_may_see_by_its_own_rule(officer, liaison):
    for kind in kinds.all_kinds():
        assert kind.visible(officer).model is kind.model
        assert kind.visible(liaison).count() == 0, kind.name


@pytest.mark.django_db
def test_the_accountability_case_has_one_record_for_every_registry(settings, officer, approver, unit):
    accountability_steps.set_today(settings, "2026-02-02")
    person = PersonFactory(unit=unit)
    record = lifecycle.effective(officer=officer, approver=approver, person=person)
    case = accountability_steps.opened(officer=officer, record=record, persons=[person])
    assert FLOW_BY_MODEL[type(case)].record_of(case) == record
    assert page_kinds.kind_of(case).record(case) == record
    assert policy_for(case).record_of(case) == record
    assert kinds.ACCOUNTABILITY.record_of(case) == record


@pytest.mark.django_db
def test_an_officer_who_may_execute_a_decision_finds_it_in_their_queue(settings, officer, approver, unit):
    """The lifecycle lets the officer execute as well as HR: the task is in both queues."""
    accountability_steps.set_today(settings, "2026-02-02")
    hr = UserFactory(username="hr", roles=[Role.HR_ADMIN])
    person = PersonFactory(unit=unit)
    record = lifecycle.effective(officer=officer, approver=approver, person=person)
    case = accountability_steps.deliberated(officer=officer, record=record, persons=[person])
    accountability_svc.accountability_decide(
        acting_user=approver,
        accountability_id=case.pk,
        decisions=[accountability_steps.decision(person)],
        decided_on=dt.date(2026, 1, 26),
    )
    accountability_svc.accountability_serve(
        acting_user=officer, accountability_id=case.pk, served_on=dt.date(2026, 1, 27)
    )
    assert "execute" in [t.flow_task.name for t in queue(officer)]
    assert [t.flow_task.name for t in queue(hr)] == ["execute"]
    assert "execute" not in [t.flow_task.name for t in queue(approver)]


# ── must-show: a kind declared once (tests/testapp/kinds.py) ─────────────────────────


@pytest.fixture
def caution(officer):
    record = lifecycle.lead(officer=officer, organisation=OrganisationFactory(name="东莞市丙局"))
    return Caution.objects.create(record=record, text="逾期未整改")


@pytest.fixture
def stranger(db):
    return UserFactory(username="stranger", organisation=OrganisationFactory(), roles=[Role.UNIT_LIAISON])


def test_a_new_kind_is_found_by_its_declaration():
    assert kinds.kind_named("caution") is CAUTION
    assert kinds.kind_of_model(Caution) is CAUTION


def test_the_audit_trail_names_the_new_kinds_steps():
    assert label_of("caution.lift") == "解除警示"
    assert ("caution.lift", "解除警示") in action_labels.choices()


@pytest.mark.django_db
def test_the_portal_finds_the_new_kind_among_what_the_user_may_see(caution, officer, stranger):
    assert page_kinds.visible_object(officer, "cautions", caution.pk) == caution
    assert page_kinds.kind_of(caution).record(caution) == caution.record
    assert page_kinds.kind_of(caution).state_label(caution) == "警示中"
    with pytest.raises(Http404):
        page_kinds.visible_object(stranger, "cautions", caution.pk)
    url = reverse("case-action", kwargs={"kind": "cautions", "pk": caution.pk, "step": "lift"})
    assert url == f"/work/cautions/{caution.pk}/act/lift/"


@pytest.mark.django_db
def test_a_flow_over_the_new_kind_gets_its_record_and_visibility(caution, officer, stranger):
    lookups = type("CautionLookups", (), {"object_kind": CAUTION})
    lookups.record_of, lookups.visible = CaseFlow.record_of.__func__, CaseFlow.visible.__func__
    assert CaseFlow.record_of.__func__(lookups, caution) == caution.record
    assert list(CaseFlow.visible.__func__(lookups, officer)) == [caution]
    assert list(CaseFlow.visible.__func__(lookups, stranger)) == []


@pytest.mark.django_db
def test_the_new_kinds_step_runs_on_the_shared_machine_and_reads_well_in_the_timeline(
    caution, officer, approver
):
    perform(CAUTION, acting_user=approver, pk=caution.pk, step="lift", reason="已整改到位")
    entry = timeline(officer, caution.record, internal=True)[-1]
    assert (entry.action, entry.about, entry.change, entry.reason) == (
        "解除警示",
        "警示",
        "警示中 → 已解除",
        "已整改到位",
    )
    assert caution.record.audit_entries.filter(action="caution.lift").count() == 1


@pytest.mark.django_db
def test_the_attachment_policy_takes_files_for_the_new_kind(caution, officer, approver):
    assert policy_for(caution).roles == (Role.OFFICER,)
    attachment = attachment_upload(
        acting_user=officer,
        record_id=caution.record_id,
        owner=caution,
        purpose="警示函",
        uploaded_file=upload(),
    )
    assert attachment.owner == caution and attachment.record == caution.record
    with pytest.raises(Exception, match=r"无权|不能|权限"):
        attachment_upload(
            acting_user=approver,
            record_id=caution.record_id,
            owner=caution,
            purpose="警示函",
            uploaded_file=upload(),
        )
    assert Attachment.objects.filter(record=caution.record).count() == 1
    assert Record.objects.count() == 1
