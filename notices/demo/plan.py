"""The demo cases with their notices: casework.demo's `Plan`, extended so that after each
step that calls for a notice (notices.drafting drafts it as the system) the people of the
case do what they would do in life, each on a later day of the case:

- the officer completes the draft where the case does not hold the data (the 事前告知书's
  evidence summary);
- the approver approves and issues it (签发), and its PDF is rendered then and there;
- the officer records its service, with the case's method and proof. Serving the 政务失信
  记录告知书 with the 信用修复告知书 (两书同达) is the record's own service (T8), which
  calls for the 书面说明原因通知书 to a body.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from casework.demo.cases import Plan, proof_of
from casework.lifecycle import RecordState as S
from casework.models.records import ServiceMethod

from .. import services
from ..lifecycle import NoticeState
from ..models import Notice

#: Days from issue to service, by method: handed over the next working day, delivered by
#: post in three, sent at once to a recipient who agreed to electronic service.
SERVICE_DAYS = {ServiceMethod.IN_PERSON: 1, ServiceMethod.MAIL: 3, ServiceMethod.ELECTRONIC: 0}


#: A notice's states in the order of its life (a voided one is not the case's notice).
ORDER = [NoticeState.DRAFT, NoticeState.APPROVED, NoticeState.ISSUED, NoticeState.SERVED]


def _latest(record_id: int, code: str, state: str) -> Notice | None:
    """The case's notice `code` when it is in `state`; None when it is already past it (a
    re-run after an interruption between two notices of one step)."""
    notice = (
        Notice.objects.filter(record_id=record_id, type_code=code)
        .exclude(state=NoticeState.VOIDED)
        .order_by("-pk")
        .first()
    )
    if notice is None or ORDER.index(notice.state) < ORDER.index(state):
        raise LookupError(f"record {record_id}: no {code} in state {state}")
    return notice if notice.state == state else None


def complete(*, record_id: int, code: str, acting_user, fields: dict) -> None:
    notice = _latest(record_id, code, NoticeState.DRAFT)
    if notice:
        services.notice_revise_draft(acting_user=acting_user, notice_id=notice.pk, fields=fields)


def approve(*, record_id: int, codes: Iterable[str], acting_user) -> None:
    for code in codes:
        if notice := _latest(record_id, code, NoticeState.DRAFT):
            services.notice_approve(acting_user=acting_user, notice_id=notice.pk)


def issue(*, record_id: int, codes: Iterable[str], acting_user) -> None:
    """Issue, then render the PDF here rather than wait for a worker (the task queued on
    commit finds it stored and does nothing)."""
    for code in codes:
        if notice := _latest(record_id, code, NoticeState.APPROVED):
            services.notice_issue(acting_user=acting_user, notice_id=notice.pk)
            services.notice_store_pdf(notice_id=notice.pk)


def serve(
    *, record_id: int, codes: Iterable[str], acting_user, method: str, served_on: dt.date, proof: str
) -> None:
    notices = [notice.pk for code in codes if (notice := _latest(record_id, code, NoticeState.ISSUED))]
    if not notices:
        return
    services.notice_serve(
        acting_user=acting_user,
        notice_ids=notices,
        method=method,
        served_on=served_on,
        proof=proof,
        consent=method == ServiceMethod.ELECTRONIC,
    )


class NoticePlan(Plan):
    def notices(self, codes: list[str], *, issue_after: int = 1, serve: bool = True) -> None:
        """Approve and issue `codes` `issue_after` working days after the last step, and
        (`serve`) record their service in one event."""
        day = self.after(issue_after)
        self.add("notice.approve", day, approve, codes=codes, acting_user=self.approver)
        self.add("notice.issue", day, issue, codes=codes, acting_user=self.approver)
        if serve:
            self.serve_notices(codes)

    def serve_notices(self, codes: list[str]) -> None:
        day = self.after(SERVICE_DAYS[self.method])
        self.add(
            "notice.serve",
            day,
            serve,
            codes=codes,
            acting_user=self.officer,
            method=self.method,
            served_on=day,
            proof=proof_of(self.method, self.case),
        )

    # ── the record's phases, with their notices ─────────────────────────────────────

    def serve_pre_notice(self) -> None:
        """T5 drafted the 事前告知书: the officer adds the evidence summary the case file does
        not hold as data, the approver issues it, and its service opens the defence window."""
        fields = {"evidence": self.case.evidence_summary()}
        self.add("notice.revise", self.day, complete, code="N1", acting_user=self.officer, fields=fields)
        if self.case.notice_pending and self.case.end_state == S.PRE_NOTICE:
            return  # left in the approver's 待核准 queue
        self.notices(["N1"])

    def determine(self) -> None:
        """T7 drafts the 政务失信记录告知书 and the 信用修复告知书, issued together."""
        super().determine()
        self.notices(["N2", "N3"], serve=False)

    def serve(self) -> None:
        """T8 is the service of the two notices together; it calls for N7 to a body."""
        self.serve_notices(["N2", "N3"])
        if not self.case.person:
            self.notices(["N7"])

    def revoke(self) -> None:
        super().revoke()
        self.notices(["N21"])

    def accepted_repair(self) -> None:
        self.notices(["N17"], issue_after=0)

    def granted_repair(self) -> None:
        self.notices(["N18"], issue_after=0)

    def serve_order(self) -> None:
        """Issuing the order drafted the 整改通知书; its service starts the items' periods."""
        self.notices(["N8"], issue_after=0)

    def serve_decision(self) -> None:
        """The decision drafted the 政务处分决定书; the officer states the person's own conduct
        (the record's facts are the unit's) and the evidence, and its service opens the
        appeal window."""
        d = self.case.discipline
        fields = {"facts": d.facts, "evidence": list(d.evidence)}
        self.add("notice.revise", self.day, complete, code="N14", acting_user=self.officer, fields=fields)
        self.notices(["N14"])
