"""Sending an action form to its API endpoint, and reading the answer back for the page.

The page calls the DRF view itself (`as_view()` with the page's own request: session, CSRF
token and form data), so it runs exactly the parsing and the one service the API runs. The
answer's JSON error body (casework.api.errors) is split into messages per form field and
messages for the top of the form.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from rest_framework.settings import api_settings

from casework.lifecycle import RecordState
from notices import api as notice_api
from notices import service_steps
from notices.services import SERVED_TOGETHER

from .choices import fixed, servable_notices
from .fields import Context
from .specs import ActionSpec

#: Endpoints that take no pk in their URL (the object is named in the body).
NO_PK = frozenset({notice_api.NoticeListApi, notice_api.NoticeServeApi})
NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY
#: A service names what is wrong in the record's terms; the form field that says it.
ERROR_FIELD_ON_FORM = {"measures": "measure_ids"}


@dataclass(frozen=True)
class Endpoint:
    view: type
    serializer: type
    fixed: dict
    note: str = ""


def endpoint(spec: ActionSpec, ctx: Context) -> Endpoint:
    """The endpoint this form posts to. A determined record whose recording notice and
    repair notice are both issued is served by serving the two together (两书同达, T8); a
    service that its issued notice's service records (the 事前告知书, 整改通知书, 异议处理
    结果告知书, decision notices) is served on that notice, with the date periods run from."""
    if (spec.kind, spec.slug) == ("cases", "serve"):
        letters = latest_letters(ctx.user, ctx.record)
        if len(letters) == len(SERVED_TOGETHER):
            return Endpoint(
                notice_api.NoticeServeApi,
                notice_api.ServeNoticesInput,
                {"notices": [n.pk for n in letters]},
                note=_("将同时送达：%(titles)s。送达后记录生效。")
                % {"titles": "、".join(n.title for n in letters)},
            )
    notices = service_steps.servable(ctx.obj, spec.step.name)
    if notices:  # a service whose notice's service records it (notices.service_steps)
        return Endpoint(
            notice_api.NoticeServeApi,
            notice_api.ServeNoticesInput,
            {"notices": [n.pk for n in notices]},
            note=_("将送达：%(titles)s。期限自送达之日起计算。")
            % {"titles": "、".join(f"{n.title}（{n.number}）" for n in notices)},
        )
    return Endpoint(spec.view, spec.input, fixed(spec.kind, spec.slug, ctx), note=way_out_note(spec, ctx))


def way_out_note(spec: ActionSpec, ctx: Context) -> str:
    """What taking a proposal back does to its prior notice, said before the user confirms."""
    if spec.kind != "cases" or spec.slug not in WAY_OUT_NOTES or ctx.record.state != RecordState.PRE_NOTICE:
        return ""
    return str(WAY_OUT_NOTES[spec.slug])


WAY_OUT_NOTES = {
    "amend-proposal": _(
        "修改后记录回到“拟认定”：陈述申辩期终止，未签发的事前告知书作废，须重新批准并送达新的事前告知书。"
    ),
    "return-proposal": _("退回后记录回到“核查中”：陈述申辩期终止，未签发的事前告知书作废。"),
    "dismiss": _("不予认定后案件终结：陈述申辩期终止，未签发的事前告知书作废。"),
}


def latest_letters(user, record) -> list:
    """The issued, rendered 记录告知书 and 修复告知书 of the record (the latest of each)."""
    found = {}
    for notice in servable_notices(user, record).filter(type_code__in=SERVED_TOGETHER).order_by("pk"):
        found[notice.type_code] = notice
    return [found[code] for code in SERVED_TOGETHER if code in found]


def call(target: Endpoint, request, pk: int | None):
    kwargs = {} if pk is None or target.view in NO_PK else {"pk": pk}
    return target.view.as_view()(request, **kwargs)


@dataclass
class Answer:
    status: int
    by_field: dict[str, list[str]] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def read(response, form_fields: set[str], labels: dict[str, str]) -> Answer:
    """The endpoint's answer: its messages next to the fields they are about when the form
    shows that field, at the top of the form otherwise (named by the field's label)."""
    answer = Answer(status=response.status_code)
    if answer.ok:
        return answer
    body = response.data if isinstance(response.data, dict) else {}
    errors = body.get("errors")
    if not errors:
        errors = {body.get("field") or NON_FIELD: [str(body.get("detail") or _("操作未能完成。"))]}
    for name, messages in errors.items():
        if ERROR_FIELD_ON_FORM.get(name) in form_fields:
            name = ERROR_FIELD_ON_FORM[name]
        if name in form_fields:
            answer.by_field.setdefault(name, []).extend(messages)
        elif name in labels:
            answer.general.extend(f"{labels[name]}：{m}" for m in messages)
        else:
            answer.general.extend(messages)
    return answer
