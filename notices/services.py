"""Use cases of a notice's life (DOMAIN §8): draft → approve → issue → (PDF) → serve, or void.

Drafting and completing a draft live in notices.drafts; their services are importable from
here too, as they always were (`services.notice_draft`, `services.finish_snapshot`).

Each one is a durable transaction that checks the role, locks the notice, moves its state,
writes the audit entry (with the record) and schedules side effects on commit; the step
machinery is casework's (`Machine`/`perform`/`apply_step`), with the notice's own table.

Issuing allocates the number and freezes the data in the same transaction; the PDF is then
rendered by the Celery task `notices.tasks.render_notice` (time-limited, on commit), which
stores its bytes and SHA-256 exactly once (`notice_store_pdf`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import audit, clock
from casework.errors import DomainError, NotFoundError
from casework.guards import refuse
from casework.language import official_language
from casework.permissions import acting_role
from casework.services.steps import apply_step, perform
from casework.services.validation import require_choice, require_past_date, require_text

from . import numbering, render, service_steps, types
from .drafts import (  # noqa: F401 (notice_draft, finish_snapshot…: imported from here by callers)
    check_complete,
    check_size,
    finish_snapshot,
    notice_draft,
    notice_revise_draft,
    template_version_of,
)
from .guards import own_draft, servable_refusal, void_issued
from .kinds import NOTICE
from .lifecycle import NOTICE_STEPS, NoticeAction, NoticeState
from .models import Notice, ServiceEvent, ServiceMethod, VoidedNumber

NS = NoticeState
NOTICES = NOTICE
#: 两书同达 (S6): these two are served in one event or not at all.
SERVED_TOGETHER = service_steps.RECORDING_CODES
VERIFY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud, typed by hand
VERIFY_LENGTH = 10  # 50 bits
logger = logging.getLogger(__name__)


def capture(notice: Notice) -> dict:
    """The audited fields (the data snapshot is audited when drafted and when revised)."""
    fields = ("number", "issued_on", "verify_code", "template_version", "sha256", "void_reason")
    return {"state": notice.state, **{name: getattr(notice, name) for name in fields}}


# ── approve, issue, void ──────────────────────────────────────────────────────────


def notice_approve(*, acting_user, notice_id: int, ip_address: str | None = None) -> Notice:
    """The approver checks the draft; whoever drafted it cannot approve it."""

    return perform(
        NOTICES,
        acting_user=acting_user,
        pk=notice_id,
        step="approve",
        change=approving(acting_user),
        ip_address=ip_address,
        capture=capture,
    )


def notice_issue(*, acting_user, notice_id: int, ip_address: str | None = None) -> Notice:
    """Number, date and freeze the notice in one transaction; the PDF follows on commit."""
    return perform(
        NOTICES,
        acting_user=acting_user,
        pk=notice_id,
        step="issue",
        change=issuing(acting_user),
        after=render_on_commit,
        ip_address=ip_address,
        capture=capture,
    )


def approving(acting_user):
    """The approve step's change: whoever drafted a notice does not approve it."""

    def change(notice: Notice) -> None:
        refuse(own_draft(acting_user, notice))
        check_size(types.get(notice.type_code), notice.data)  # a system draft too
        check_complete(types.get(notice.type_code), notice.data)
        notice.approved_by, notice.approved_at = acting_user, timezone.now()

    return change


def issuing(acting_user):
    """The issue step's change: complete, sealed, then numbered, dated and given its code."""

    def change(notice: Notice) -> None:
        notice_type = types.get(notice.type_code)
        check_size(notice_type, notice.data)
        check_complete(notice_type, notice.data)
        if not notice.issuer.has_seal:
            raise DomainError(
                _("发文机关“%(issuer)s”尚未设置印章，不能签发。") % {"issuer": notice.issuer.name},
                field="issuer",
                code="no_seal",
            )
        today = clock.today()
        notice.sequence, notice.number = numbering.allocate(notice.issuer, notice.type_code, today.year)
        notice.year, notice.issued_on = today.year, today
        notice.issued_by, notice.issued_at = acting_user, timezone.now()
        notice.template_version = template_version_of(notice_type)
        notice.verify_code = _new_verify_code()

    return change


def render_on_commit(notice: Notice) -> None:
    from .tasks import render_notice

    render_notice.delay_on_commit(notice.pk)


def _new_verify_code() -> str:
    while True:
        code = "".join(secrets.choice(VERIFY_ALPHABET) for _ in range(VERIFY_LENGTH))
        if not Notice.objects.filter(verify_code=code).exists():
            return code


def notice_void(*, acting_user, notice_id: int, reason: str, ip_address: str | None = None) -> Notice:
    """Withdraw a draft, or (approvers only) an issued notice not yet served: it keeps its
    number, bytes and hash, and the number is logged as voided, never given out again."""
    reason = require_text(reason, "reason", _("作废文书须说明理由。"))

    def change(notice: Notice) -> None:
        refuse(void_issued(acting_user, notice))
        notice.voided_by, notice.voided_at, notice.void_reason = acting_user, timezone.now(), reason

    def after(notice: Notice) -> None:
        if notice.was_issued:
            VoidedNumber.objects.create(
                notice=notice,
                number=notice.number,
                reason=reason,
                voided_by=acting_user,
                voided_at=notice.voided_at,
            )

    return perform(
        NOTICES,
        acting_user=acting_user,
        pk=notice_id,
        step="void",
        change=change,
        after=after,
        reason=reason,
        ip_address=ip_address,
        capture=capture,
    )


# ── the PDF ───────────────────────────────────────────────────────────────────────


def notice_store_pdf(*, notice_id: int, worker: str = "") -> bool:
    """Render an issued notice and store its PDF and SHA-256, unless already stored.

    Rendering runs outside any transaction (no lock held for ~0.3 s); the write is a
    conditional UPDATE, so a duplicate task delivery renders in vain but never overwrites.
    The hash goes into the audit chain in the same transaction as the bytes.

    Each rendering started counts as an attempt, before it starts: a worker killed mid-render
    (its task delivered again) uses attempts up too. A rendering that raises (a soft time
    limit included) records its reason; after CHENGXIN_NOTICE_RENDER_ATTEMPTS the notice is
    marked failed and nothing renders it again until an officer asks (`notice_retry_render`).
    A voided notice is not rendered. The attempt takes the rendering's lease: its start and the
    worker (`worker`, the Celery node name) are stored, so that the lost attempt of a killed
    worker is seen and queued again (notices.tasks.render_pending, recover_renders).
    """
    notice = Notice.objects.select_related("issuer", "record").get(pk=notice_id)
    if not notice.was_issued or notice.pdf_ready or notice.state == NS.VOIDED or notice.render_failed_at:
        return False
    if notice.render_attempts >= settings.CHENGXIN_NOTICE_RENDER_ATTEMPTS:
        _give_up(notice, notice.render_error or _reason_unfinished())
        return False
    Notice.objects.filter(pk=notice.pk).update(
        render_attempts=F("render_attempts") + 1, render_started_at=timezone.now(), render_worker=worker[:200]
    )
    try:
        pdf = render.notice_pdf(notice, draft=False)
    except Exception as exc:  # any failure of the document is recorded; the sweep tries again
        logger.exception("rendering notice %s failed", notice.pk)
        _render_failed(notice, exc)
        return False
    digest = hashlib.sha256(pdf).hexdigest()
    with transaction.atomic(durable=True):
        if not Notice.objects.store_pdf(notice.pk, pdf=pdf, sha256=digest, rendered_at=timezone.now()):
            return False
        audit.append(
            audit.SYSTEM,
            obj=notice,
            record=notice.record,
            action=NoticeAction.RENDER,
            diff={"sha256": ["", digest], "size": [None, len(pdf)]},
        )
    return True


def _reason_unfinished() -> str:
    with official_language():
        return _("多次生成均未完成（工作进程中止）。")


def _reason(exc: Exception) -> str:
    from celery.exceptions import SoftTimeLimitExceeded

    from .tasks import SOFT_TIME_LIMIT

    with official_language():
        if isinstance(exc, SoftTimeLimitExceeded):
            return _("生成超时（超过 %(seconds)s 秒）。") % {"seconds": SOFT_TIME_LIMIT}
        return _("生成出错：%(error)s") % {"error": f"{type(exc).__name__}: {exc}"[:500]}


def _render_failed(notice: Notice, exc: Exception) -> None:
    reason = _reason(exc)
    attempts = Notice.objects.filter(pk=notice.pk).values_list("render_attempts", flat=True).get()
    if attempts >= settings.CHENGXIN_NOTICE_RENDER_ATTEMPTS:
        _give_up(notice, reason)
    else:
        # The attempt is over: its lease is released, and the sweep's next run tries again.
        Notice.objects.filter(pk=notice.pk, sha256="").update(
            render_error=reason, render_started_at=None, render_worker=""
        )


def _give_up(notice: Notice, reason: str) -> None:
    with transaction.atomic(durable=True):
        if not Notice.objects.filter(pk=notice.pk, sha256="", render_failed_at__isnull=True).update(
            render_error=reason, render_failed_at=timezone.now()
        ):
            return
        audit.append(
            audit.SYSTEM, obj=notice, record=notice.record, action=NoticeAction.RENDER_FAILED, reason=reason
        )


def notice_retry_render(*, acting_user, notice_id: int, ip_address: str | None = None) -> Notice:
    """An officer or approver of the case asks for another rendering of a notice whose
    rendering failed: its attempts start again, and the task is queued on commit.
    (A notice about no record is retried by its caller: notices.addressed.retry_addressed_render.)"""
    with transaction.atomic(durable=True):
        qs = NOTICES.visible(acting_user).select_for_update(of=("self",)).filter(record__isnull=False)
        notice = qs.select_related("record").filter(pk=notice_id).first()
        if notice is None:
            raise NotFoundError(_("文书不存在或您无权查看。"), code="not_found")
        role = acting_role(acting_user, notice.record, NOTICE_STEPS["issue"])
        restart_render(audit.Acting(acting_user, role, ip_address), notice)
    notice.refresh_from_db()
    return notice


def retry_refusal(notice: Notice) -> DomainError | None:
    """Why a notice's rendering may not be asked for again (None when it may): a voided
    notice is never rendered, and one whose rendering has not failed needs no retry."""
    if notice.state == NS.VOIDED:
        return DomainError(_("文书已作废，不再生成。"), field="state", code="voided")
    if not notice.render_failed:
        return DomainError(_("文书未处于生成失败状态，无需重新生成。"), field="state", code="not_failed")
    return None


def restart_render(by: audit.Acting, notice: Notice) -> None:
    """Start a failed notice's rendering again, in the caller's transaction with the notice
    locked and `by` already allowed: its attempts are reset, the retry is audited with the
    reason it failed, and the task is queued on commit."""
    from .tasks import render_notice

    refuse(retry_refusal(notice))
    reason = notice.render_error
    Notice.objects.filter(pk=notice.pk).update(
        render_attempts=0,
        render_error="",
        render_failed_at=None,
        render_started_at=None,
        render_worker="",
    )
    audit.append(
        by,
        obj=notice,
        record=notice.record,
        action=NoticeAction.RENDER_RETRY,
        from_state=notice.state,
        to_state=notice.state,
        reason=reason,
    )
    render_notice.delay_on_commit(notice.pk)


def notice_preview(notice: Notice) -> bytes:
    """A draft's watermarked preview, rendered on request and never stored."""
    return render.notice_pdf(notice, draft=True)


# ── serve ─────────────────────────────────────────────────────────────────────────


def notice_serve(
    *,
    acting_user,
    notice_ids: Iterable[int],
    method: str,
    served_on: dt.date,
    proof: str,
    consent: bool = False,
    ip_address: str | None = None,
) -> ServiceEvent:
    """Record one act of service of issued notices of one record (两书同达 enforced); each
    notice is served once.

    Serving the 政务失信记录告知书 with the 信用修复告知书 is the record's own service (T8):
    a DETERMINED record becomes EFFECTIVE in the same transaction, or nothing is recorded.
    Likewise a notice whose service starts a period takes its case's service step with
    this date (notices.service_steps: the 事前告知书 opens the defence window…).
    """
    ids = sorted(set(notice_ids or []))
    if not ids:
        raise DomainError(_("请选择要送达的文书。"), field="notices", code="required")
    require_choice(method, ServiceMethod, "method", _("送达方式"))
    require_past_date(served_on, "served_on", _("送达日期"))
    proof = require_text(proof, "proof", _("请填写送达回证信息。"))
    if method == ServiceMethod.ELECTRONIC and not consent:
        raise DomainError(_("电子送达须经受送达人同意。"), field="method", code="consent_required")
    with transaction.atomic(durable=True):
        notices = _locked_for_service(acting_user, ids)
        record = notices[0].record
        role = acting_role(acting_user, record, NOTICE_STEPS["serve"])
        _check_service(notices, served_on)
        event = ServiceEvent.objects.create(
            record=record,
            method=method,
            served_on=served_on,
            proof=proof,
            recipient_consent=bool(consent),
            recorded_by=acting_user,
        )
        event.notices.set(notices)
        with official_language():
            reason = f"{event.get_method_display()} {served_on.isoformat()} {proof}"
        for notice in notices:
            apply_step(
                NOTICES,
                notice,
                audit.Acting(acting_user, role, ip_address),
                step="serve",
                reason=reason,
                capture=capture,
            )
        service_steps.take_service_steps(acting_user, notices, event, ip_address)
    return event


def _locked_for_service(acting_user, ids: list[int]) -> list[Notice]:
    qs = NOTICES.visible(acting_user).select_for_update(of=("self",)).select_related("record")
    notices = list(qs.filter(pk__in=ids).order_by("pk"))
    if len(notices) != len(ids):
        raise NotFoundError(_("文书不存在或您无权查看。"), code="not_found")
    return notices


def _check_service(notices: list[Notice], served_on: dt.date) -> None:
    if len({n.record_id for n in notices}) > 1:
        raise DomainError(_("一次送达只能包含同一失信记录的文书。"), field="notices", code="mixed_records")
    for notice in notices:
        refuse(servable_refusal(notice))
        if served_on < notice.issued_on:
            raise DomainError(_("送达日期不能早于成文日期。"), field="served_on", code="date_order")
    codes = {n.type_code for n in notices}
    present = [code for code in SERVED_TOGETHER if code in codes]
    if present and len(present) < len(SERVED_TOGETHER):
        missing = next(code for code in SERVED_TOGETHER if code not in codes)
        raise DomainError(
            _("%(present)s与%(missing)s须同时送达（两书同达）。")
            % {"present": types.get(present[0]).title, "missing": types.get(missing).title},
            field="notices",
            code="serve_together",
        )
