"""The notice as an object kind (casework.kinds): declared here, in its own app."""

from django.utils.translation import gettext_lazy as _

from casework.kinds import ObjectKind, register

from .lifecycle import NOTICE_STEPS, NoticeState

_WITH_ITS_CASE = "Prepared, issued and served inside the task of the case step it carries."

NOTICE = ObjectKind(
    "notice",
    "notices.Notice",
    NoticeState,
    NOTICE_STEPS,
    audit_prefix="notice",
    slug="notices",
    timeline_about="name",
    not_found=_("文书不存在或您无权查看。"),
    fetch=("notices.queries.notice_get", "notice_id"),
    not_queued=dict.fromkeys(NOTICE_STEPS, _WITH_ITS_CASE),
)
register(NOTICE)
