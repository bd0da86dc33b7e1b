"""What the complainant and the channel are told, and when (DOMAIN §9.3, scenario 33):

- at triage, the channel gets the status (受理 / 并单 / 退单 / 不予受理, with the reason)
  through the outbox, in the step's transaction. A returned or closed complaint has no
  record for a notice to belong to: that message, sent back through the channel that
  brought it, is the written answer (docs/decisions.md).
- an accepted complaint's written answer is the notice N25 投诉受理告知书 on its lead,
  drafted at acceptance and issued (numbered, sealed, a PDF) by the officers within
  15 days of receipt (`feedback_due`).
- when the lead closes — dismissed as unfounded (T3) or determined (T7) — N26
  投诉办理结果告知书 is drafted on the lead (unfounded: the explanation the complainant is
  owed) and the result goes to the channel. Casework cannot call this layer: the step's
  reaction does (exchange.reactions.react → `follow_up`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from casework import action_labels, audit, clock
from casework.language import official_language
from casework.models import Record
from notices import drafting

from .. import outbox
from ..models import Complaint
from .lifecycle import COMPLAINT_STEPS, OUTBOUND_KIND, RESULT_KIND, Channel, ComplaintState

CS = ComplaintState


class ComplaintAction(models.TextChoices):
    """Audited actions on a complaint that are not triage steps (those are "complaint.<step>")."""

    RECEIVE = "complaint.receive", _("登记投诉")
    RESULT = "complaint.result", _("反馈办理结果")


RECEIVE = ComplaintAction.RECEIVE
action_labels.register(dict(ComplaintAction.choices))
action_labels.register({f"complaint.{step.name}": step.label for step in COMPLAINT_STEPS.values()})

#: The lead's closing steps that end a complaint, with the result the complainant is told
#: (written in the official language: it goes into the notice and to the channel).
RESULTS = {
    "dismiss": ("unfounded", _("经核查，投诉反映的问题不属实或者不构成政务失信，不予认定。")),
    "determine": ("founded", _("经核查，投诉反映的问题属实，已认定为政务失信并依法处理。")),
}
#: What the channel's 受理 field says at each triage step: the hotline's own words (its
#: protocol's values), never translated.
TRIAGE_WORDS = {"accept": "受理", "merge": "并单", "return": "退单", "close": "不予受理"}


def after_triage(complaint: Complaint, step: str, by: audit.Acting) -> None:
    """In the step's transaction: the channel's status message, and the answer's draft."""
    payload = {
        "工单编号": complaint.work_order,
        "受理": TRIAGE_WORDS[step],
        "理由": complaint.reason,
        "处理日期": clock.today().isoformat(),
    }
    if complaint.lead_id:
        payload["线索编号"] = complaint.lead.reference
    if complaint.merged_into_id:
        payload["并入工单编号"] = complaint.merged_into.number
    push(complaint, OUTBOUND_KIND[step], payload)
    if step == "accept":
        drafting.produce("N25", complaint.lead, data=acceptance_data(complaint))


def push(complaint: Complaint, kind: str, payload: dict) -> None:
    """One status message to the channel the complaint came from; a walk-in complaint has
    no channel to answer through (the officer answers in person or by letter)."""
    if complaint.channel == Channel.WALK_IN:
        return
    outbox.enqueue(
        channel=complaint.channel,
        stream=f"complaint-{complaint.pk}",
        kind=kind,
        key=f"complaint-{complaint.pk}-{kind}",
        payload=payload,
        due_on=complaint.feedback_due if kind != RESULT_KIND else None,
    )


def _addressee(complaint: Complaint) -> dict:
    return {
        "addressee": complaint.complainant_name or str(_("投诉人")),
        # A letter to a private person about their own complaint names them: it is not
        # disclosed on request like the commission's other notices (政府信息公开条例 第十五条).
        "publicity": str(_("不予公开")),
        "complaint_number": complaint.number,
        "complaint_channel": str(complaint.get_channel_display()),
        "complaint_received_on": complaint.received_on.isoformat(),
        "complaint_title": complaint.title,
    }


def acceptance_data(complaint: Complaint) -> dict:
    with official_language():
        return _acceptance_data(complaint)


def _acceptance_data(complaint: Complaint) -> dict:
    return {
        **_addressee(complaint),
        "accepted_on": clock.today().isoformat(),
        "handling": _("已登记为政务失信线索（编号：%(ref)s），转办案部门核查。")
        % {"ref": complaint.lead.reference},
        "reply_due": complaint.feedback_due.isoformat(),
    }


# ── the result, when the lead closes ─────────────────────────────────────────────────


def follow_up(obj, step: str) -> list[Complaint]:
    """Called by exchange.reactions after the workflows' reaction, in the same transaction:
    when a lead that came from complaints closes, each of them (and those merged into
    them) gets its result: N26 on the lead, the 'result' message to the channel. Idempotent:
    a complaint with a result is left alone."""
    if not isinstance(obj, Record) or step not in RESULTS:
        return []
    outcome, label = RESULTS[step]
    waiting = Complaint.objects.select_for_update().filter(
        lead_id=obj.pk, state__in=(CS.ACCEPTED, CS.MERGED), result_on__isnull=True
    )
    done = []
    with official_language():  # what the notice, the channel and the audit trail say
        for complaint in waiting.order_by("pk"):
            _result(complaint, obj, outcome, str(label))
            done.append(complaint)
    return done


def _result(complaint: Complaint, lead: Record, outcome: str, text: str) -> None:
    today = clock.today()
    reasons = lead.closing_reason if outcome == "unfounded" else lead.facts
    complaint.result_on = today
    complaint.save(update_fields=["result_on"])
    audit.append(
        audit.SYSTEM,
        obj=complaint,
        action=ComplaintAction.RESULT,
        from_state=complaint.state,
        to_state=complaint.state,
        reason=text,
        diff={"result_on": [None, today.isoformat()], "outcome": [None, outcome]},
        record=lead,
    )
    data = {
        **_addressee(complaint),
        "outcome": text,
        "outcome_reasons": reasons or text,
        "closed_on": today.isoformat(),
    }
    drafting.produce("N26", lead, data=data)
    push(
        complaint,
        RESULT_KIND,
        {
            "工单编号": complaint.work_order,
            "办理结果": text,
            "说明": reasons or "",
            "办结日期": today.isoformat(),
        },
    )
