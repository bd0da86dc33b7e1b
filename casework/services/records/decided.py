"""Use cases on a determined record (DOMAIN §5.1): service (T8, which puts it in force),
amendment (T14), revocation (T10), expiry (T12) and archiving (T13), and the disclosure rule
they apply. Same shape as `records`: permission, lock, guards, FSM transition, audit entry,
in one transaction (`record_steps.perform_step`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ... import clock, rules, sync
from ...errors import DomainError
from ...language import official_language
from ...lifecycle import RecordState
from ...models import Category, Domain, Record, SyncKind, Tier
from ...models.records import ServiceMethod
from ...rule_table import RuleCode
from ..steps import check_direct_service
from ..validation import require_choice, require_past_date, require_public_text, require_text
from . import revocation as revocation_effects
from .steps import perform_step

S = RecordState


# T8 (+T9) ──────────────────────────────────────────────────────────────────────────
def service_change(served_on: dt.date, method: str, proof: str, consent: bool = False):
    """The (change, after) pair of T8, for record_serve and for the service of the recording
    notice with the repair notice in one event (notices.services.notice_serve)."""
    require_past_date(served_on, "served_on", _("送达日期"))
    require_choice(method, ServiceMethod, "method", _("送达方式"))
    proof = require_text(proof, "proof", _("请填写送达回证信息。"))
    if method == ServiceMethod.ELECTRONIC and not consent:
        raise DomainError(_("电子送达须经受送达人同意。"), field="method", code="consent_required")

    def change(record: Record) -> None:
        if served_on < record.determination_date:
            raise DomainError(_("送达日期不能早于认定日期。"), field="served_on", code="date_order")
        record.served_on, record.service_method, record.service_proof = (
            served_on,
            method,
            proof,
        )
        record.public = rules.is_public(record, clock.today())

    def after(record: Record) -> None:
        rules.close_deadline(record, RuleCode.SERVICE)
        if record.public:
            sync.emit(record, SyncKind.CREATE, on=served_on)

    return change, after


def record_serve(
    *,
    acting_user,
    record_id: int,
    served_on: dt.date,
    method: str,
    proof: str,
    recipient_consent: bool = False,
    ip_address: str | None = None,
) -> Record:
    """T8 typed in: refused while the record's 告知书 are on their way (then serving them
    records it, with the date its periods run from)."""
    change, after = service_change(served_on, method, proof, recipient_consent)

    def guarded(record: Record) -> None:
        check_direct_service(record, "serve")
        change(record)

    return perform_step(
        acting_user=acting_user,
        record_id=record_id,
        step="serve",
        change=guarded,
        after=after,
        ip_address=ip_address,
    )


_AMENDABLE = {
    "category",
    "domain",
    "tier",
    "tier_rationale",
    "facts",
    "legal_basis",
    "must_disclose",
}


# T14 ──────────────────────────────────────────────────────────────────────────────
def amendment(changes: dict) -> Amendment:
    """Check `changes` to a decided record and return the amendment that applies them to
    the locked record (T14; also used by an objection decided as 更正/补充)."""
    unknown = set(changes) - _AMENDABLE
    if unknown:
        raise DomainError(
            _("不能更正以下字段：%(fields)s。") % {"fields": "、".join(sorted(unknown))},
            field=sorted(unknown)[0],
        )
    if not changes:
        raise DomainError(_("没有需要更正的内容。"), field="changes")
    for name, choices, label in (
        ("category", Category, _("失信类别")),
        ("domain", Domain, _("重点领域")),
        ("tier", Tier, _("失信等级")),
    ):
        if name in changes:
            require_choice(changes[name], choices, name, label)
    # A corrected text is held to the same plausibility as the proposal's.
    for name, message in (("facts", _("请填写失信事实。")), ("legal_basis", _("请填写认定依据。"))):
        if name in changes:
            changes = {**changes, name: require_public_text(changes[name], name, message)}
    return Amendment(changes)


@dataclass
class Amendment:
    """The (change, after) pair of T14: `change` applies the checked changes to the locked
    record and notes whether the platform must hear of it (a record displayed before or
    after); `after` tells it, once the record is saved."""

    changes: dict
    sync_kind: SyncKind | None = None

    def change(self, record: Record) -> None:
        for name, value in self.changes.items():
            setattr(record, name, value)
        if {"tier", "must_disclose"} & set(self.changes) and record.determination_date:
            window = rules.disclosure_window(
                record.tier, record.determination_date, must_disclose=record.must_disclose
            )
            record.disclosure_rule, record.rule_version = window.rule, window.rule.rule_version
            record.min_end, record.max_end = window.min_end, window.max_end
        if record.state == S.EFFECTIVE:
            was_public, record.public = record.public, rules.is_public(record, clock.today())
            if was_public or record.public:
                self.sync_kind = SyncKind.UPDATE

    def after(self, record: Record) -> None:
        if self.sync_kind:
            sync.emit(record, self.sync_kind)


def record_amend(
    *,
    acting_user,
    record_id: int,
    changes: dict,
    reason: str,
    ip_address: str | None = None,
) -> Record:
    reason = require_text(reason, "reason", _("更正须说明理由。"))
    amended = amendment(changes)
    return perform_step(
        acting_user=acting_user,
        record_id=record_id,
        step="amend",
        change=amended.change,
        after=amended.after,
        reason=reason,
        ip_address=ip_address,
    )


def revocation(reason: str, document: str, *, grounds_registered_on: dt.date | None = None):
    """The (change, after) pair of T10, for record_revoke and for an objection decided as
    撤销: display stops at once, the platform must know within 3 WD (scenario 6) — of the
    day the revoking court document was registered, when one was (scenario 7)."""
    reason = require_text(reason, "reason", _("撤销须说明理由。"))
    document = require_text(document, "document", _("请填写撤销依据文书。"))

    def change(record: Record) -> None:
        record.closing_reason, record.closing_document = reason, document
        record.public, record.objection_pending = False, False

    def after(record: Record) -> None:
        sync.emit(record, SyncKind.REVOKE, on=grounds_registered_on)

    return change, after


# T10 ──────────────────────────────────────────────────────────────────────────────
def record_revoke(
    *,
    acting_user,
    record_id: int,
    reason: str,
    document: str,
    grounds_registered_on: dt.date | None = None,
    ip_address: str | None = None,
) -> Record:
    change, after = revocation(reason, document, grounds_registered_on=grounds_registered_on)

    def after_and_cascade(record: Record) -> None:
        # The same linked effects as an objection decided as 撤销 (scenario 6): nothing
        # keeps running, nor escalates, on a revoked record.
        after(record)
        with official_language():
            cascade_reason = _("失信记录已撤销：%(reason)s") % {"reason": reason}
        revocation_effects.revocation_cascade(record, reason=cascade_reason)

    return perform_step(
        acting_user=acting_user,
        record_id=record_id,
        step="revoke",
        change=change,
        after=after_and_cascade,
        reason=reason,
        ip_address=ip_address,
    )


# T12 ──────────────────────────────────────────────────────────────────────────────
def record_expire(*, acting_user=None, record_id: int) -> Record:
    def change(record: Record) -> None:
        if record.max_end is None or clock.today() <= record.max_end:
            raise DomainError(_("最长公示期尚未届满。"), field="max_end", code="not_expired")
        record._was_public, record.public = record.public, False

    def after(record: Record) -> None:
        if record._was_public:
            sync.emit(record, SyncKind.EXPIRE)

    return perform_step(
        acting_user=acting_user, record_id=record_id, step="expire", change=change, after=after
    )


# T13 ──────────────────────────────────────────────────────────────────────────────
def record_archive(*, acting_user, record_id: int, ip_address: str | None = None) -> Record:
    return perform_step(
        acting_user=acting_user,
        record_id=record_id,
        step="archive",
        ip_address=ip_address,
    )
