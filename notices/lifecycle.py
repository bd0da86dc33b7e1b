"""A notice's life on one screen: its states, and for each step the states it leaves from,
the state it reaches and the roles that may take it. The FSM methods on Notice and the
services read this table (the same `Step` as casework's lifecycles)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from casework import action_labels
from casework.lifecycle import Step
from casework.roles import Role


class NoticeState(models.TextChoices):
    DRAFT = "DRAFT", _("草稿")
    APPROVED = "APPROVED", _("已核准")
    ISSUED = "ISSUED", _("已签发")
    SERVED = "SERVED", _("已送达")
    VOIDED = "VOIDED", _("已作废")


NS = NoticeState
#: Issued notices are the subject's to read; drafts are the commission's.
NOTICE_SUBJECT_VISIBLE = (NS.ISSUED, NS.SERVED)
#: Not served yet and not voided: on its way to its addressee.
NOTICE_ON_ITS_WAY = (NS.DRAFT, NS.APPROVED, NS.ISSUED)
STAFF = frozenset({Role.OFFICER, Role.APPROVER})


def _step(name, label, sources, target, roles) -> Step:
    return Step(name, label, tuple(sources), target, frozenset(roles), "§8")


NOTICE_STEPS: dict[str, Step] = {
    step.name: step
    for step in [
        _step("draft", _("拟稿"), [], NS.DRAFT, [Role.OFFICER]),
        _step("approve", _("核准文书"), [NS.DRAFT], NS.APPROVED, [Role.APPROVER]),
        _step("issue", _("签发文书"), [NS.APPROVED], NS.ISSUED, STAFF),
        _step("serve", _("送达文书"), [NS.ISSUED], NS.SERVED, [Role.OFFICER]),
        # Approvers only, for an issued notice: checked by notices.services.notice_void.
        _step("void", _("作废文书"), [NS.DRAFT, NS.APPROVED, NS.ISSUED], NS.VOIDED, STAFF),
    ]
}


class NoticeAction(models.TextChoices):
    """A notice's audited actions that are not steps of its table (stored values: never change)."""

    DRAFT = "notice.draft", _("拟稿文书")
    REVISE = "notice.revise", _("完善文书草稿")
    RENDER = "notice.render", _("生成文书 PDF")
    RENDER_FAILED = "notice.render_failed", _("文书 PDF 生成失败")
    RENDER_RETRY = "notice.render_retry", _("重新生成文书 PDF")


# The timeline and the admin name a notice's steps from its kind (notices.kinds) and its
# other audited actions from these.
action_labels.register(dict(NoticeAction.choices))
