"""What an action form offers to choose from, what it starts with and what it fixes.

The serializers take ids (a unit, measures, persons, notices…); the form shows the user the
names instead, drawn from what this user may see: the same scoped queries as everywhere.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from rest_framework import serializers

from casework import clock, queries
from casework.lifecycle import ItemState
from casework.models import Measure
from casework.permissions import has_role, role_groups, visible_people
from casework.roles import Role
from casework.services import attachments as attachment_svc
from casework.services.validation import may_record_paper_filings
from notices import queries as notice_queries
from notices import types as notice_types
from notices.lifecycle import NoticeState
from notices.models import Issuer
from notices.services import SERVED_TOGETHER

from .fields import Context
from .lookups import ORGANISATIONS


def _measures(ctx: Context):
    measures = Measure.objects.filter(is_active=True)
    if ctx.record is not None:
        person = ctx.record.subject_person_id is not None
        measures = measures.filter(**{"applies_to_persons" if person else "applies_to_organisations": True})
    return [(m.pk, f"{m.code} {m.name}") for m in measures]


def _record_people(ctx: Context):
    record = ctx.record
    people = visible_people(ctx.user)
    if record.subject_person_id:
        people = people.filter(pk=record.subject_person_id)
    else:
        people = people.filter(unit_id=record.subject_organisation_id)
    return [(p.pk, p.name) for p in people.order_by("name")]


def _case_people(ctx: Context):
    return [(p.pk, p.name) for p in getattr(ctx.obj, "visible_persons", [])]


def _rectifications(ctx: Context):
    found = queries.rectification_list(user=ctx.user, record_id=ctx.record.pk)
    return [(r.pk, f"#{r.pk} {r.get_state_display()}") for r in found]


def _officers(ctx: Context):
    users = get_user_model().objects.filter(groups__in=role_groups(Role.OFFICER), is_active=True).distinct()
    return [(u.pk, u.get_full_name() or u.username) for u in users.order_by("username")]


def _unit_heads(ctx: Context):
    users = (
        get_user_model()
        .objects.filter(
            groups__in=role_groups(Role.UNIT_HEAD),
            organisation_id=ctx.record.subject_organisation_id,
            is_active=True,
        )
        .distinct()
    )
    return [(u.pk, u.get_full_name() or u.username) for u in users]


def _own_attachments(ctx: Context):
    mine = queries.attachment_list(user=ctx.user, record_id=ctx.record.pk).filter(
        uploaded_by=ctx.user, owner_type__model="record"
    )
    return [(a.pk, a.original_name) for a in mine]


def servable_notices(user, record):
    """Issued notices of the record whose PDF is ready: what can be served now."""
    return notice_queries.visible_notices(user).filter(record=record, state=NoticeState.ISSUED, sha256__gt="")


def _notices(ctx: Context):
    return [(n.pk, f"{n.title}（{n.number}）") for n in servable_notices(ctx.user, ctx.record).order_by("pk")]


def _submitted_items(ctx: Context):
    items = ctx.obj.items.filter(state=ItemState.SUBMITTED).order_by("number")
    return [(i.pk, f"{i.number}. {i.requirement[:40]}") for i in items]


def _notice_types(ctx: Context):
    return [(t.code, f"{t.code} {t.title}") for t in notice_types.all_types()]


def _issuers(ctx: Context):
    return Issuer.objects.filter(is_active=True).values_list("pk", "name")


#: Field name → its choices, for the id fields of the input serializers; an organisation is
#: found with a search box (portal.cases.lookups), never picked from a select of all of them.
CHOICES = {
    "determining_unit": ORGANISATIONS,
    "unit": ORGANISATIONS,
    "measure_ids": _measures,
    "persons": _record_people,
    "rectification": _rectifications,
    "investigators": _officers,
    "commitment_signed_by": _unit_heads,
    "attachment_ids": _own_attachments,
    "notices": _notices,
    "item": _submitted_items,
    "type_code": _notice_types,
    "issuer": _issuers,
}
#: For the decisions in an accountability case, the persons are the case's own.
CHOICES_BY_KIND = {"accountability": {"person": _case_people}}


def choices_for(kind: str) -> dict:
    return {**CHOICES, **CHOICES_BY_KIND.get(kind, {})}


# ── fixed and initial values ─────────────────────────────────────────────────────


def fixed(kind: str, step: str, ctx: Context) -> dict:
    """Values the form sends without asking: what the page already knows."""
    if (kind, step) == ("cases", "notice"):
        return {"record": ctx.record.pk}
    if (kind, step) == ("cases", "attachment"):
        return {"owner_type": "record", "owner_id": ctx.record.pk}
    return {}


def _partners(ctx: Context) -> list[int]:
    """The notice, and the one it must be served with (两书同达)."""
    notice = ctx.obj
    if notice.type_code not in SERVED_TOGETHER:
        return [notice.pk]
    partners = servable_notices(ctx.user, ctx.record).filter(type_code__in=SERVED_TOGETHER)
    return [notice.pk, *partners.exclude(pk=notice.pk).values_list("pk", flat=True)]


#: Fields a form leaves out, so the service's own default applies.
OMITTED: dict[tuple[str, str], set[str]] = {}

#: The forms of a filing whose lateness matters: the day the commission received it, and why an
#: officer records a paper filing with an earlier day (casework.services.validation.filing_date).
#: A subject files on the day the system receives it and is asked for neither.
FILING_FIELDS = {
    ("cases", "objection"): {"received_on", "paper_filing_reason"},
    ("cases", "repair"): {"received_on", "paper_filing_reason"},
    ("cases", "submit-defence"): {"received_on", "paper_filing_reason"},
    ("items", "extension"): {"received_on", "paper_filing_reason"},
    ("sanctions", "appeal"): {"filed_on", "paper_filing_reason"},
}


#: The forms where the commission's staff class a file; the service refuses the field to others.
CLASSING_FIELDS = {("cases", "attachment"): {"visibility"}}


def omitted(kind: str, step: str, user=None) -> set[str]:
    fields = set(OMITTED.get((kind, step), set()))
    if user is None or not may_record_paper_filings(user):
        fields |= FILING_FIELDS.get((kind, step), set())
    if user is None or not has_role(user, *attachment_svc.VISIBILITY_ROLES):
        fields |= CLASSING_FIELDS.get((kind, step), set())
    return fields


def initial(kind: str, step: str, ctx: Context, serializer_class) -> dict:
    """What the form starts with: today for a date (the services' default when one is
    optional, shown so the user sees it), and the rows the case has."""
    values = {
        name: clock.today().isoformat()
        for name, f in serializer_class().fields.items()
        if isinstance(f, serializers.DateField)
    }
    if (kind, step) == ("rectifications", "review"):
        values["decisions"] = [{"item": pk, "decision": "", "reason": ""} for pk, _l in _submitted_items(ctx)]
    elif (kind, step) == ("accountability", "decide"):
        values["decisions"] = [{"person": pk} for pk, _name in _case_people(ctx)]
    elif (kind, step) == ("cases", "rectification"):
        values["items"] = [{}]
    elif (kind, step) == ("notices", "serve"):
        values["notices"] = [str(pk) for pk in _partners(ctx)]
    elif (kind, step) == ("cases", "accountability"):
        values["unit"] = str(ctx.record.subject_organisation_id or "")
        values["persons"] = [str(ctx.record.subject_person_id)] if ctx.record.subject_person_id else []
    elif (kind, step) == ("cases", "repair") and ctx.user.person_id is None:
        values["commitment_signed_by"] = str(ctx.user.pk)
    elif (kind, step) in PROPOSAL_FORMS:
        values.update(_proposal(ctx.record))
    return values


#: The forms that start from the record's proposal: its amendment, and a new proposal after
#: the approver returned the old one (the officer reworks it, not retypes it).
PROPOSAL_FORMS = {("cases", "amend-proposal"), ("cases", "propose")}
PROPOSAL_FIELDS = ("category", "domain", "tier", "facts", "legal_basis", "tier_rationale")


def _proposal(record) -> dict:
    if not record.category:  # never proposed
        return {}
    values = {name: getattr(record, name) for name in PROPOSAL_FIELDS}
    values["measure_ids"] = [str(pk) for pk in record.measures.values_list("pk", flat=True)]
    values["must_disclose"] = record.must_disclose
    return values
