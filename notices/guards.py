"""The guards of a notice's steps beyond its role and state (casework.guards): the refusal
or None, raised by notices.services and asked by the portal."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casework.errors import DomainError
from casework.guards import Reason, Refusal, declare, separated
from casework.permissions import has_role
from casework.roles import Role

from .lifecycle import NOTICE_STEPS, NoticeState

OWN_DRAFT = Reason(gettext_lazy("拟稿人不能核准自己起草的文书。"), "separation_of_duties")
VOID_ISSUED = Reason(gettext_lazy("已签发的文书只能由审批人员作废。"), "permission_denied")
declare(NOTICE_STEPS["approve"], OWN_DRAFT)
declare(NOTICE_STEPS["void"], VOID_ISSUED)


def own_draft(acting_user, notice) -> Refusal | None:
    """Whoever drafted a notice does not approve it."""
    return separated(OWN_DRAFT, notice.drafted_by_id, acting_user)


def servable_refusal(notice) -> Refusal | None:
    """A notice is served once it is issued and its PDF is stored."""
    if notice.state != NoticeState.ISSUED:
        return DomainError(
            _("文书“%(title)s”当前状态为“%(state)s”，不能送达。")
            % {"title": notice.title, "state": notice.get_state_display()},
            field="notices",
            code="not_issued",
        )
    if not notice.pdf_ready:
        return DomainError(
            _("文书“%(title)s”正在生成，请稍后再送达。") % {"title": notice.title},
            field="notices",
            code="pdf_pending",
        )
    return None


def void_issued(acting_user, notice) -> Refusal | None:
    """An issued notice carries a number: only an approver withdraws it."""
    if notice.was_issued and not has_role(acting_user, Role.APPROVER):
        return VOID_ISSUED.refusal()
    return None
