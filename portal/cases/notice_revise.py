"""完善草稿: the page of POST /api/notices/<pk>/revise/ (notices.drafts.notice_revise_draft),
where an officer fills in what the system left blank when it drafted a notice.

The form has one field per text entry of the notice type's required data (a line of text, a
date, or a list of lines such as N1's 证据摘要), read off the type (notices.catalogue) and
shaped like its reference data (notices.samples) when the draft holds nothing yet. The API
takes a nested `data` mapping that an HTML form cannot post, so the page sends the JSON body
an API client would send to the same API view, with the page's own session and CSRF check.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from casework.errors import NotFoundError, PermissionDeniedError
from casework.permissions import acting_role
from notices import api as notice_api
from notices import queries, samples, types
from notices.drafts import FIXED_FIELDS
from notices.lifecycle import NOTICE_STEPS, NoticeState
from notices.validation import lookup

from .dispatch import read
from .fields import FormField

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
#: Longer than this, a line of text gets a text area.
SHORT = 40


@dataclass(frozen=True)
class Entry:
    """One data key the form edits."""

    key: str
    label: str
    many: bool  # a list of lines, one per line of a text area
    date: bool
    long: bool
    missing: bool
    current: object

    @property
    def name(self) -> str:
        return f"data.{self.key}"


def drafts_for(user, notice) -> bool:
    """Whether `user` drafts notices on this case (the role that may revise a draft)."""
    try:
        acting_role(user, notice.record, NOTICE_STEPS["draft"])
    except PermissionDeniedError:
        return False
    return True


def may_revise(user, notice) -> bool:
    return notice.state == NoticeState.DRAFT and drafts_for(user, notice)


def missing(notice) -> list[str]:
    """What a draft still lacks (待补充), as approval would say it."""
    if notice.state != NoticeState.DRAFT:
        return []
    return [message for _key, message in types.get(notice.type_code).missing(notice.data)]


def not_a_draft(notice) -> str:
    return _("文书当前状态为“%(state)s”，只有草稿可以修改。") % {"state": notice.get_state_display()}


def _reference(code: str, data: dict) -> dict:
    variant = data.get("variant")
    return samples.sample_data(code, variant if variant in samples.variants_of(code) else None)


def entries(notice) -> list[Entry]:
    """The text entries of the type's required data; lists of records (措施, 整改事项), flags
    and the issuer's own entries are not text and are left to the case's steps."""
    notice_type = types.get(notice.type_code)
    data = notice.data
    reference = _reference(notice_type.code, data)
    lacking = {key for key, _message in notice_type.missing(data)}
    found = []
    for key in notice_type.required_for(data):
        if "[]" in key or key == "variant" or key.split(".")[0] in FIXED_FIELDS:
            continue
        current = lookup(data, key)
        shape = current if current not in (None, "", []) else lookup(reference, key)
        if isinstance(shape, list) and all(isinstance(v, str) for v in shape):
            many = True
        elif isinstance(shape, str) or shape is None:
            many = False
        else:
            continue
        text = shape if isinstance(shape, str) else ""
        sample = lookup(reference, key)
        wide = max(len(text), len(sample) if isinstance(sample, str) else 0)
        found.append(
            Entry(
                key=key,
                label=notice_type.label(key),
                many=many,
                date=bool(ISO_DATE.fullmatch(text)),
                long=many or wide > SHORT,
                missing=key in lacking,
                current=current,
            )
        )
    return found


def _shown(entry: Entry) -> str:
    if entry.many:
        return "\n".join(str(v) for v in entry.current or [])
    return "" if entry.current is None else str(entry.current)


def _sent(entry: Entry, post) -> object:
    raw = post.get(entry.name, "").replace("\r\n", "\n")
    if entry.many:
        return [line.strip() for line in raw.split("\n") if line.strip()]
    return raw.strip()


def form_fields(items: list[Entry], values: dict, errors: dict) -> list[FormField]:
    fields = []
    for entry in items:
        widget = "date" if entry.date else "textarea" if entry.long else "text"
        help_text = _("每行填写一项。") if entry.many else ""
        if entry.missing:
            help_text = f"{_('待补充。')}{help_text}"
        fields.append(
            FormField(
                name=entry.name,
                label=entry.label,
                widget=widget,
                value=values.get(entry.key, ""),
                required=entry.missing,
                help_text=help_text,
                errors=errors.get(entry.key, []),
                key=entry.key,
            )
        )
    return fields


def _as_json(request: HttpRequest, body: dict) -> HttpRequest:
    """The page's request (its user, session and CSRF token, already read from the form)
    carrying `body` as JSON, as an API client sends it."""
    request.POST  # noqa: B018 - read the form first: the CSRF check reads its token from it
    payload = json.dumps(body).encode()
    forwarded = copy.copy(request)
    forwarded.META = {
        **request.META,
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(payload)),
    }
    forwarded._body = payload
    return forwarded


class NoticeReviseView(LoginRequiredMixin, View):
    """/work/notices/<pk>/revise/: a draft's form, for officers only (anyone else: 404, like a
    hidden notice)."""

    template_name = "portal/cases/notice_revise.html"

    def prepare(self, request: HttpRequest, pk: int):
        try:
            notice = queries.notice_get(user=request.user, notice_id=pk)
        except NotFoundError as exc:
            raise Http404(str(exc.message)) from None
        # A draft is for its officers alone; once approved, anyone who sees the notice is
        # told why it has no form any more, as on every other action form.
        if notice.state == NoticeState.DRAFT and not drafts_for(request.user, notice):
            raise Http404
        return notice

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        notice = self.prepare(request, pk)
        if notice.state != NoticeState.DRAFT:
            return self.show(request, notice, [], {}, "", refused=not_a_draft(notice))
        items = entries(notice)
        return self.show(request, notice, items, {e.key: _shown(e) for e in items}, "")

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        notice = self.prepare(request, pk)
        if notice.state != NoticeState.DRAFT:  # approved meanwhile: its form is gone
            messages.error(request, not_a_draft(notice))
            return redirect("notice-page", pk=pk)
        items = entries(notice)
        # What is still missing is always sent, so that leaving it blank is refused next to
        # it; anything else only when the form sent it changed.
        sent = {e.key: _sent(e, request.POST) for e in items if e.missing or e.name in request.POST}
        changed = {
            e.key: value for e in items if (value := sent.get(e.key, e.current)) != e.current or e.missing
        }
        reason = request.POST.get("reason", "").strip()
        body = {"data": changed, "reason": reason}
        response = notice_api.NoticeReviseApi.as_view()(_as_json(request, body), pk=pk)
        labels = {"reason": _("修改说明"), "data": _("文书内容"), "fields": _("文书内容")}
        answer = read(response, {e.key for e in items} | {"reason"}, labels)
        if answer.ok:
            messages.success(request, _("已完善文书草稿。"))
            return redirect("notice-page", pk=pk)
        if answer.status == 404 and not answer.by_field:
            raise Http404
        values = {e.key: request.POST.get(e.name, "") for e in items}
        return self.show(request, notice, items, values, reason, answer.by_field, answer.general, status=400)

    def show(self, request, notice, items, values, reason, errors=None, general=(), status=200, refused=""):
        errors = errors or {}
        fields = form_fields(items, values, errors)
        context = {
            "notice": notice,
            "fields": fields,
            "reason": reason,
            "reason_errors": errors.get("reason", []),
            "missing": missing(notice),
            "general": list(general),
            "summary": [(f.id, f.label, m) for f in fields for m in f.errors],
            "back": reverse("notice-page", args=[notice.pk]),
            "refused": refused,
        }
        return render(request, self.template_name, context, status=status)
