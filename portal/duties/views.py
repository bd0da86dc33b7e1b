"""Thin views over casework.services.duties: each page checks its one role (access.py); the
use cases refuse the same, and audit each action with the client address."""

from __future__ import annotations

import csv
import json

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from casework import second_factor
from casework.action_labels import action_label
from casework.admin.audit import role_label
from casework.errors import DomainError
from casework.http import client_ip
from casework.models import User
from casework.roles import Role
from casework.services import duties, tokens
from portal import paging

from . import queries
from .access import audit_admin, security_admin, system_admin
from .forms import AuditFilterForm, LockoutForm, ReasonForm, RoleForm, UserCreateForm, UserFilterForm

PAGE_SIZE = 50
#: The most entries one export carries (the filters narrow a larger trail).
EXPORT_LIMIT = 100_000


def _page(request: HttpRequest, found, salt: str):
    page = paging.paginate(request, found, per_page=PAGE_SIZE, salt=f"duties:{salt}")
    return page, paging.page_query(request.GET)


def _error(request: HttpRequest, error: DomainError) -> None:
    if error.code == "not_found":
        raise Http404 from None
    messages.error(request, str(error.message))


# ── the system administrator: accounts ───────────────────────────────────────────────


@system_admin
@require_safe
def user_list(request: HttpRequest) -> HttpResponse:
    form = UserFilterForm(request.GET or None)
    q = form.cleaned_data.get("q", "") if form.is_valid() else ""
    page, query = _page(request, queries.users(q), "users")
    rows = [(user, ", ".join(g.name for g in user.groups.all()) or "—") for user in page]
    return render(
        request, "portal/duties/users.html", {"form": form, "page": page, "rows": rows, "query": query}
    )


@system_admin
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = duties.create_user(
                request.user,
                username=data["username"],
                full_name=data["full_name"],
                password=data["password1"],
                organisation=data["organisation"],
                person=data["person"],
                ip_address=client_ip(request),
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            messages.success(
                request, _("已新建账号 %(name)s；角色由安全管理员授予。") % {"name": user.username}
            )
            return redirect("system-users")
    return render(request, "portal/duties/user_create.html", {"form": form})


def _set_active(request: HttpRequest, pk: int, active: bool) -> HttpResponse:
    try:
        user = duties.set_active(
            request.user,
            user_id=pk,
            active=active,
            reason=request.POST.get("reason", "")[:500],
            ip_address=client_ip(request),
        )
    except DomainError as error:
        _error(request, error)
    else:
        done = _("已启用账号 %(name)s。") if active else _("已停用账号 %(name)s。")
        messages.success(request, done % {"name": user.username})
    return redirect("system-users")


@system_admin
@require_POST
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_active(request, pk, False)


@system_admin
@require_POST
def user_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_active(request, pk, True)


# ── the security administrator: roles, lockouts, policies ─────────────────────────────


@security_admin
@require_safe
def role_list(request: HttpRequest) -> HttpResponse:
    form = UserFilterForm(request.GET or None)
    q = form.cleaned_data.get("q", "") if form.is_valid() else ""
    page, query = _page(request, queries.users(q), "users")
    rows = [(user, queries.role_labels(user)) for user in page]
    return render(
        request, "portal/duties/roles.html", {"form": form, "page": page, "rows": rows, "query": query}
    )


@security_admin
@require_safe
def user_roles(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    held = sorted(duties.roles_held(user))
    context = {
        "subject": user,
        "held": [(r, Role(r).label) for r in held],
        "form": RoleForm(),
        "changeable": not user.is_superuser and user.pk != request.user.pk,
        "second_factor": second_factor.is_enrolled(user),
        "live_tokens": queries.live_tokens(user).count(),
        "reset_form": ReasonForm(auto_id="reset_%s"),
        "revoke_form": ReasonForm(auto_id="revoke_%s"),
    }
    return render(request, "portal/duties/user_roles.html", context)


def _change_role(request: HttpRequest, pk: int, grant: bool) -> HttpResponse:
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("角色：请选择一个角色。"))
        return redirect("security-user", pk=pk)
    change = duties.grant_role if grant else duties.remove_role
    try:
        change(request.user, user_id=pk, role=form.cleaned_data["role"], ip_address=client_ip(request))
    except DomainError as error:
        _error(request, error)
    else:
        label = Role(form.cleaned_data["role"]).label
        done = _("已授予角色“%(role)s”。") if grant else _("已撤销角色“%(role)s”。")
        messages.success(request, done % {"role": label})
    return redirect("security-user", pk=pk)


@security_admin
@require_POST
def role_grant(request: HttpRequest, pk: int) -> HttpResponse:
    return _change_role(request, pk, True)


@security_admin
@require_POST
def role_remove(request: HttpRequest, pk: int) -> HttpResponse:
    return _change_role(request, pk, False)


def _reason(request: HttpRequest) -> str | None:
    form = ReasonForm(request.POST)
    if form.is_valid():
        return form.cleaned_data["reason"]
    messages.error(request, " ".join(str(e) for e in form.errors["reason"]))
    return None


@security_admin
@require_POST
def second_factor_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """A user lost the phone and the recovery codes: every device of theirs is deleted, and
    they enrol a new authenticator at their next sign-in."""
    user = get_object_or_404(User, pk=pk, is_active=True)
    reason = _reason(request)
    if reason is not None:
        try:
            deleted = second_factor.reset(acting_user=request.user, user=user, reason=reason, request=request)
        except PermissionError as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("已重置两步验证（删除 %(n)d 个验证设备）。") % {"n": deleted})
    return redirect("security-user", pk=pk)


@security_admin
@require_POST
def tokens_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Every live API token of the user stops working (a leaked key, a departing account)."""
    user = get_object_or_404(User, pk=pk)
    reason = _reason(request)
    if reason is not None:
        try:
            revoked = tokens.revoke_tokens(
                acting_user=request.user, user=user, reason=reason, request=request
            )
        except DomainError as error:
            _error(request, error)
        else:
            messages.success(request, _("已撤销 %(n)d 个 API 令牌。") % {"n": revoked})
    return redirect("security-user", pk=pk)


@security_admin
@require_safe
def lockout_list(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/duties/lockouts.html", {"locks": duties.lockouts()})


@security_admin
@require_POST
def lockout_clear(request: HttpRequest) -> HttpResponse:
    form = LockoutForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("IP 地址：格式不正确。"))
        return redirect("security-lockouts")
    try:
        removed = duties.clear_lockout(
            request.user,
            username=form.cleaned_data["username"],
            address=form.cleaned_data["address"] or "",
            ip_address=client_ip(request),
        )
    except DomainError as error:
        _error(request, error)
    else:
        messages.success(request, _("已解除锁定（清除 %(n)d 条失败记录）。") % {"n": removed})
    return redirect("security-lockouts")


@security_admin
@require_safe
def policy_page(request: HttpRequest) -> HttpResponse:
    titles = {
        "lockout": _("登录失败锁定"),
        "passwords": _("密码策略"),
        "api_tokens": _("API 令牌"),
        "session": _("会话"),
        "second_factor": _("双因素认证"),
        "superusers": _("超级用户"),
    }
    sections = [
        (titles[key], [(queries.POLICY_LABELS.get(name, ""), name, value) for name, value in items])
        for key, items in queries.policies()
    ]
    return render(request, "portal/duties/policies.html", {"sections": sections})


# ── the audit administrator: the audit trail ─────────────────────────────────────────


def _filters(request) -> tuple[AuditFilterForm, dict]:
    form = AuditFilterForm(request.GET if request.method == "GET" else request.POST)
    data = form.cleaned_data if form.is_valid() else {}
    filters = {key: data.get(key) or None for key in ("action", "actor", "since", "until")}
    return form, {k: v for k, v in filters.items() if v}


def _rows(entries) -> list[dict]:
    return [
        {
            "entry": entry,
            "action": action_label(entry.action),
            "role": role_label(entry.actor_role),
            "diff": json.dumps(entry.diff, ensure_ascii=False, default=str) if entry.diff else "",
        }
        for entry in entries
    ]


@audit_admin
@require_safe
def trail(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    page, query = _page(request, queries.entries(**filters), "entries")
    context = {"form": form, "page": page, "rows": _rows(page), "query": query}
    return render(request, "portal/duties/trail.html", context)


@audit_admin
@require_safe
def logins(request: HttpRequest) -> HttpResponse:
    page, query = _page(request, queries.login_events(), "sign-ins")
    return render(request, "portal/duties/logins.html", {"page": page, "rows": _rows(page), "query": query})


@audit_admin
def verify(request: HttpRequest) -> HttpResponse:
    result = None
    if request.method == "POST":
        result = duties.run_verification(request.user, ip_address=client_ip(request))
    page, query = _page(request, queries.verification_runs(), "verifications")
    return render(request, "portal/duties/verify.html", {"result": result, "page": page, "query": query})


@audit_admin
@require_POST
def export(request: HttpRequest) -> HttpResponse:
    """The filtered trail as CSV (UTF-8 with a byte-order mark, for Excel); the export itself
    is audited with its filters and row count."""
    _form, filters = _filters(request)
    found = list(queries.entries(**filters).select_related(None)[:EXPORT_LIMIT])
    duties.record_export(
        request.user,
        filters={k: str(v) for k, v in filters.items()},
        rows=len(found),
        file_format="csv",
        ip_address=client_ip(request),
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [_("序号"), _("时间"), _("操作人"), _("角色"), _("操作"), _("操作代码"), _("对象"),
         _("原状态"), _("新状态"), _("理由"), _("IP 地址"), _("字段变更"), _("哈希")]
    )  # fmt: skip
    for entry in found:
        writer.writerow(
            [
                entry.seq,
                timezone.localtime(entry.created_at).isoformat(),
                _safe(entry.actor_name),
                role_label(entry.actor_role),
                action_label(entry.action),
                entry.action,
                _safe(entry.object_repr),
                entry.from_state,
                entry.to_state,
                _safe(entry.reason),
                entry.ip_address or "",
                _safe(json.dumps(entry.diff, ensure_ascii=False, default=str)),
                entry.hash,
            ]
        )
    return response


def _safe(text: str) -> str:
    """A cell a spreadsheet would read as a formula is quoted (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
