"""Drafting a notice, and completing a draft, before approval.

A draft holds a data snapshot: the type's builder reads the case, the drafter adds what the
case does not hold. The system drafts at the steps that call for a notice (notices.drafting)
and may leave fields blank; an officer completes them with `notice_revise_draft`, and
approval and issue check the snapshot again (scenario 24). Nothing is rendered or stored
here: a draft's watermarked preview is rendered from its current data on each download.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils.translation import gettext as _

from casework import audit, identifiers
from casework.errors import DomainError, NotFoundError
from casework.language import official_language
from casework.models import Record
from casework.permissions import acting_role, visible_records

from . import queries, types
from .lifecycle import NOTICE_STEPS, NoticeAction, NoticeState
from .models import Issuer, Notice

#: Set from the notice's issuer, never typed in: the issuer numbers and seals the notice.
FIXED_FIELDS = frozenset({"issuer"})


def notice_draft(
    *,
    acting_user,
    type_code: str,
    record_id: int,
    obj: models.Model | None = None,
    data: dict | None = None,
    issuer_id: int | None = None,
    ip_address: str | None = None,
) -> Notice:
    """A new draft of notice `type_code` about a record (and `obj`, its sub-process object).

    The data comes from the type's builder (when it has one) overlaid with `data`; every
    required field must be there (scenario 24). The preview is rendered on download.
    """
    notice_type = _notice_type(type_code)
    with transaction.atomic(durable=True):
        record = _visible_record(acting_user, record_id)
        role = acting_role(acting_user, record, NOTICE_STEPS["draft"])
        _check_about(record, obj)
        issuer = issuer_for(acting_user, issuer_id)
        snapshot = _snapshot(notice_type, record, obj, data, issuer)
        check_size(notice_type, snapshot)
        check_complete(notice_type, snapshot)
        notice = new_draft(
            notice_type,
            record=record,
            about=obj,
            issuer=issuer,
            data=snapshot,
            by=audit.Acting(acting_user, role, ip_address),
        )
    return notice


def notice_revise_draft(
    *, acting_user, notice_id: int, fields: dict, reason: str = "", ip_address: str | None = None
) -> Notice:
    """Complete or correct a draft's data, typically one the system drafted with blanks.

    `fields` maps data keys to new values: a dotted key (`subject.post`, `remedy.route`, as
    validation names them) sets one entry of a nested mapping, a list (`items`) is replaced
    whole, and None removes an optional entry. The merged data must pass the type's checks;
    otherwise nothing changes and the error names the first field at fault. Officers only,
    drafts only (an approved notice is voided and drafted again, so that what the approver
    approved is what gets issued).
    """
    if not isinstance(fields, dict) or not fields:
        raise DomainError(_("请填写要修改的文书内容。"), field="fields", code="required")
    with transaction.atomic(durable=True):
        notice = _locked_notice(acting_user, notice_id)
        role = acting_role(acting_user, notice.record, NOTICE_STEPS["draft"])
        if notice.state != NoticeState.DRAFT:
            raise DomainError(
                _("文书当前状态为“%(state)s”，只有草稿可以修改。") % {"state": notice.get_state_display()},
                field="state",
                code="not_draft",
            )
        notice_type = types.get(notice.type_code)
        before = notice.data
        after = finish_snapshot(merged(notice_type, before, fields), notice.issuer)
        _check_credit_code(notice.record, before, after)
        check_size(notice_type, after)
        check_complete(notice_type, after, field_of_first=True)
        changed = {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}
        if not changed:
            return notice
        diff = {key: [before.get(key), after.get(key)] for key in sorted(changed)}
        notice.data = after
        notice.template_version = template_version_of(notice_type)
        if notice.drafted_by_id is None:
            # the officer who completes a system draft answers for it: approval's
            # separation of duties then keeps them from approving it too
            notice.drafted_by = acting_user
            diff["drafted_by"] = [None, acting_user.pk]
        notice.save(update_fields=["data", "template_version", "drafted_by"])
        audit.append(
            audit.Acting(acting_user, role, ip_address),
            obj=notice,
            record=notice.record,
            action=NoticeAction.REVISE,
            from_state=notice.state,
            to_state=notice.state,
            reason=reason,
            diff=diff,
        )
    return notice


def merged(notice_type, data: dict, fields: dict) -> dict:
    """`data` with `fields` applied (see notice_revise_draft); refuses keys it cannot place."""
    result = json.loads(json.dumps(data))  # a deep copy: the stored snapshot stays as it was
    for key, value in fields.items():
        parts = str(key).split(".")
        if parts[0] in FIXED_FIELDS:
            raise DomainError(
                _("“%(label)s”由签发文书的发文机关决定，不能修改。") % {"label": notice_type.label(key)},
                field=key,
                code="fixed_field",
            )
        if not all(part and part.isidentifier() for part in parts):
            raise DomainError(
                _("文书内容“%(key)s”不是有效的字段名。") % {"key": key}, field=str(key), code="invalid_key"
            )
        target = result
        for part in parts[:-1]:
            if target.get(part) is None:
                target[part] = {}
            target = target[part]
            if not isinstance(target, dict):
                raise DomainError(
                    _("“%(label)s”不能分项填写。") % {"label": notice_type.label(part)},
                    field=key,
                    code="invalid_key",
                )
        if value is None:
            target.pop(parts[-1], None)
        else:
            target[parts[-1]] = value
    return result


def _check_credit_code(record: Record, before: dict, after: dict) -> None:
    """A credit code typed into a draft is stored normalised and follows casework.identifiers;
    the subject's own stored code passes (an exception verified there included)."""
    subject = after.get("subject")
    typed = subject.get("credit_code") if isinstance(subject, dict) else None
    if not isinstance(typed, str) or typed == (before.get("subject") or {}).get("credit_code"):
        return
    subject["credit_code"] = code = identifiers.normalise_uscc(typed)
    own = record.subject_organisation.credit_code if record.subject_organisation_id else None
    if code and code != own and (refusal := identifiers.uscc_refusal(code)):
        raise DomainError(refusal, field="subject.credit_code", code="invalid")


def _notice_type(type_code: str):
    try:
        notice_type = types.get(type_code)
    except KeyError:
        raise DomainError(
            _("文书类型“%(code)s”不存在。") % {"code": type_code}, field="type_code", code="invalid_choice"
        ) from None
    if not notice_type.about_record:
        raise DomainError(
            _("“%(title)s”不针对失信记录，由系统在相应环节签发，不能在案件中拟稿。")
            % {"title": notice_type.title},
            field="type_code",
            code="invalid_choice",
        )
    return notice_type


def _visible_record(acting_user, record_id: int) -> Record:
    try:
        return visible_records(acting_user).get(pk=record_id)
    except (Record.DoesNotExist, ValueError, TypeError):
        raise NotFoundError(_("失信记录不存在或您无权查看。"), code="not_found") from None


def _locked_notice(acting_user, notice_id: int) -> Notice:
    """The notice, locked, if `acting_user` may see it (a draft is staff-only): else 404."""
    try:
        return queries.visible_notices(acting_user).select_for_update(of=("self",)).get(pk=notice_id)
    except (Notice.DoesNotExist, ValueError, TypeError):
        raise NotFoundError(_("文书不存在或您无权查看。"), code="not_found") from None


def _check_about(record: Record, obj) -> None:
    owner = getattr(obj, "record_id", None)
    if obj is not None and owner is not None and owner != record.pk:
        raise DomainError(_("文书所涉事项不属于该失信记录。"), field="object", code="record_mismatch")


def _snapshot(notice_type, record: Record, obj, data: dict | None, issuer: Issuer) -> dict:
    builder = getattr(notice_type, "build_data", None)
    snapshot = {**(builder(record, obj) if builder else {}), **(data or {})}
    return finish_snapshot(snapshot, issuer)


def finish_snapshot(snapshot: dict, issuer: Issuer) -> dict:
    # The notice speaks for the issuer that numbers and seals it, whatever the defaults said.
    snapshot["issuer"] = {**(snapshot.get("issuer") or {}), "name": issuer.name, "code": issuer.agency_code}
    if not snapshot.get("contact") and issuer.contact:
        snapshot["contact"] = issuer.contact
    # JSON in and out: the snapshot is exactly what the database and the PDF attachment hold
    # (a lazy label in it is written out in the official language).
    with official_language():
        return json.loads(json.dumps(snapshot, cls=DjangoJSONEncoder))


def check_size(notice_type, data: dict) -> None:
    """Refuse a text value longer than CHENGXIN_NOTICE_MAX_TEXT characters (naming its field)
    or data longer than CHENGXIN_NOTICE_MAX_DATA as JSON: what is drafted is rendered, and
    the rendering must finish well inside its time limit (notices.tasks)."""
    limit = settings.CHENGXIN_NOTICE_MAX_TEXT
    for key, text in _texts(data, ""):
        if len(text) > limit:
            raise DomainError(
                _("“%(label)s”过长：最多 %(limit)s 字，现有 %(size)s 字。")
                % {"label": _label(notice_type, key), "limit": limit, "size": len(text)},
                field=key,
                code="too_long",
            )
    total = len(json.dumps(data, ensure_ascii=False, cls=DjangoJSONEncoder))
    if total > settings.CHENGXIN_NOTICE_MAX_DATA:
        raise DomainError(
            _("文书内容过长：最多 %(limit)s 字，现有 %(size)s 字。")
            % {"limit": settings.CHENGXIN_NOTICE_MAX_DATA, "size": total},
            field="data",
            code="too_long",
        )


def _label(notice_type, key: str) -> str:
    return notice_type.labels.get(key) or notice_type.label(key.removesuffix("[]"))


def _texts(value, key: str):
    """(dotted key, text) for every string in `value`; a list's elements are `key[]` and
    its mappings' entries `key[].sub`, as notices.validation names them (a key too long is
    caught by the total)."""
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from _texts(item, f"{key}.{name}" if key else str(name))
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item, f"{key}[]")


def check_complete(notice_type, data: dict, *, field_of_first: bool = False) -> None:
    """Refuse data missing a required field (scenario 24), naming every one in the message;
    `field_of_first`: the error's field is the first key at fault rather than `data`."""
    problems = notice_type.missing(data)
    if problems:
        raise DomainError(
            _("%(title)s不完整：%(problems)s")
            % {"title": notice_type.title, "problems": "；".join(message for _key, message in problems)},
            field=problems[0][0] if field_of_first else "data",
            code="notice_incomplete",
        )


def new_draft(
    notice_type,
    *,
    record: Record | None,
    about,
    issuer: Issuer,
    data: dict,
    by: audit.Acting,
    addressed_to=None,
) -> Notice:
    """A notice's first version, drafted by a user or by the system, and its entry; a notice
    about no record names the body it goes to (`addressed_to`)."""
    notice = Notice.objects.create(
        type_code=notice_type.code,
        record=record,
        addressed_to=addressed_to,
        about=about,
        issuer=issuer,
        data=data,
        template_version=template_version_of(notice_type),
        drafted_by=by.user,
    )
    audit.append_many([draft_entry(notice, notice_type, by)])
    return notice


def draft_entry(notice: Notice, notice_type, by: audit.Acting) -> dict:
    """The entry of a notice's first version (`audit.append_many`'s arguments). A draft the
    system made names the fields a person must still fill in; a user's draft is complete."""
    missing = notice_type.validate(notice.data)
    return dict(
        actor=by.user,
        role=by.role,
        ip_address=by.ip_address,
        obj=notice,
        record_id=notice.record_id,
        action=NoticeAction.DRAFT,
        to_state=notice.state,
        reason=_("待补充：%(fields)s") % {"fields": "；".join(missing)} if missing else "",
        diff={"type_code": [None, notice.type_code], "data": [None, notice.data]},
    )


def template_version_of(notice_type) -> str:
    return str(getattr(notice_type, "template_version", "") or "1")


def issuer_for(acting_user, issuer_id: int | None = None) -> Issuer:
    """The issuer named, else the one of the user's organisation, else the default one."""
    active = Issuer.objects.filter(is_active=True)
    if issuer_id is not None:
        issuer = active.filter(pk=issuer_id).first()
    else:
        own = active.filter(organisation_id=acting_user.organisation_id, organisation__isnull=False)
        issuer = own.first() or active.filter(is_default=True).first()
    if issuer is None:
        raise DomainError(_("未找到有效的发文机关，请联系管理员配置。"), field="issuer", code="issuer")
    return issuer
