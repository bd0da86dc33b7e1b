"""The department portal's pages: the unit's home and the evidence page of
one rectification item. Only a unit's liaison or head has a portal: anyone else gets the
403 page of another role's page, and an item of another unit is missing (404) like any other.

The state-table steps (the head's sign-off, submission, extension requests, objections,
repair applications) are the generic action forms of portal.cases; these pages link to
the ones the user may take now.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from casework import clock, queries
from casework.errors import DomainError, NotFoundError
from casework.http import client_ip
from casework.models import RectificationItem
from casework.permissions import UNIT_ROLES, conflicts_read_once, has_role, role_refusal
from casework.services import attachments
from casework.services.rectification import rectification_item_add_evidence
from portal.cases.actions import page_conflicts
from portal.dashboard.views import unit_board

from . import work
from .links import actions_for

#: Per-file outcomes of the last plain-form upload, shown once on the page it returns to.
RESULTS_KEY = "unit_upload_results"


def _unit_member(request: HttpRequest):
    user = request.user
    if not (has_role(user, *UNIT_ROLES) and user.organisation_id):
        raise PermissionDenied(_("单位工作台供责任单位的联络员和主要负责人使用。"))
    return user


def _item(user, pk: int) -> RectificationItem:
    try:
        item = queries.rectification_item_get(user=user, item_id=pk)
    except NotFoundError as exc:
        raise Http404(str(exc)) from None
    if item.rectification.record.subject_organisation_id != user.organisation_id:
        raise Http404(_("整改事项不存在或您无权查看。"))
    return item


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    user = _unit_member(request)
    with conflicts_read_once(user, page_conflicts(user)):
        return render(request, "portal/unit/home.html", _home(user))


def _home(user) -> dict:
    """The unit's open work, what it filed, its records and notices: the first `work.LATEST`
    of each with a link to the whole list (a unit's history grows for years; the inbox lists
    all its open work)."""
    rectifications = work.running_rectifications(user)
    owes = work.unit_owes(user, work.LATEST)  # the inbox's rows, the first LATEST of each
    records = work.latest(work.unit_records(user))
    return {
        "unit": user.organisation,
        "today": clock.today(),
        "owed": [(i, actions_for(user, i)) for i in owes.items],
        "uploads": has_role(user, *attachments.POLICIES[RectificationItem].roles),
        "rectifications": [(r, actions_for(user, r)) for r in rectifications],
        "answers": [(d, actions_for(user, d.owner, only=work.ANSWER_FORMS[d.kind])) for d in owes.answers],
        "more_owed": owes.more_items,
        "more_answers": owes.more_answers,
        "objections": work.latest(work.objections_filed(user)),
        "repairs": work.latest(work.repairs_filed(user)),
        "records": records.with_rows([(r, actions_for(user, r)) for r in records]),
        "notices": work.latest(work.unit_notices(user)),
        "board": unit_board(user, clock.today()),
    }


#: The whole lists behind the home page's latest rows: (rows, template, title).
LISTS = {
    "records": (work.unit_records, "portal/unit/_records_table.html", gettext_lazy("本单位的失信记录")),
    "notices": (work.unit_notices, "portal/unit/_notices_table.html", gettext_lazy("本单位收到的文书")),
    "objections": (work.objections_filed, "portal/unit/_filed_table.html", gettext_lazy("本单位提出的异议")),
    "repairs": (
        work.repairs_filed,
        "portal/unit/_filed_table.html",
        gettext_lazy("本单位提出的信用修复申请"),
    ),
}


@login_required
@require_safe
def full_list(request: HttpRequest, kind: str) -> HttpResponse:
    """One of the unit's lists in full, a page of `work.PAGE_SIZE` at a time."""
    user = _unit_member(request)
    rows, template, title = LISTS[kind]
    page = Paginator(rows(user), work.PAGE_SIZE).get_page(request.GET.get("page"))
    with conflicts_read_once(user, page_conflicts(user)):
        shown = [(r, actions_for(user, r)) for r in page] if kind == "records" else list(page)
    context = {"unit": user.organisation, "page": page, "rows": shown, "table": template, "title": title}
    context[kind] = shown
    return render(request, "portal/unit/list.html", context)


def upload_refusal(user, item: RectificationItem) -> str:
    """Why this user may not add evidence to the item now ("" when they may)."""
    policy = attachments.policy_for(item)
    if not has_role(user, *policy.roles):
        return _("整改材料由单位联络员上传；您可以查看已上传的材料。")
    refused = role_refusal(user, item.rectification.record, policy.step) or policy.guard(item)
    return "" if refused is None else str(refused.message)


def _store(request: HttpRequest, item: RectificationItem) -> list[dict]:
    """Each file through the evidence service on its own: a refused file stores nothing and
    leaves the others alone."""
    files = request.FILES.getlist("file")
    if not files:
        return [{"name": "", "ok": False, "message": _("请选择要上传的文件。")}]
    results = []
    for uploaded in files:
        try:
            rectification_item_add_evidence(
                acting_user=request.user,
                item_id=item.pk,
                uploaded_file=uploaded,
                ip_address=client_ip(request),
            )
        except NotFoundError as exc:
            raise Http404(str(exc)) from None
        except DomainError as exc:
            results.append({"name": uploaded.name, "ok": False, "message": str(exc.message)})
        else:
            results.append({"name": uploaded.name, "ok": True, "message": _("已上传。")})
    return results


def _summary(results: list[dict]) -> str:
    """The line the page's script writes after its uploads, for a browser that posted the form."""
    sent = [result for result in results if result["name"]]
    if not sent:
        return ""
    ok = sum(1 for result in sent if result["ok"])
    return _("上传结束：成功 {ok} 个，未通过 {bad} 个。").format(ok=ok, bad=len(sent) - ok)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def item_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    user = _unit_member(request)
    item = _item(user, pk)
    if request.method == "POST":
        # Post/redirect/get: reloading the page never uploads the files again.
        request.session[RESULTS_KEY] = {"item": item.pk, "results": _store(request, item)}
        return redirect("unit-item-evidence", pk=item.pk)
    shown = request.session.pop(RESULTS_KEY, None) or {}
    results = shown.get("results", []) if shown.get("item") == item.pk else []
    context = {
        "item": item,
        "rectification": item.rectification,
        "record": item.rectification.record,
        "due": work.item_due(item),
        "files": work.item_evidence(user, item),
        "refusal": upload_refusal(user, item),
        "results": results,
        "summary": _summary(results),
        "max_bytes": settings.CHENGXIN_UPLOAD_MAX_BYTES,
        "item_actions": actions_for(user, item),
        "rectification_actions": actions_for(user, item.rectification),
    }
    return render(request, "portal/unit/item_evidence.html", context)
