"""Input errors that name the field: "请选择失信类别", "请填写失信事实".

DRF's own messages ("该字段是必填项。", "“” 不是合法选项。") say neither which field nor
what to do. Every API input is parsed through casework.api.steps.parse, whose InputError
passes the serializer here once: each error of a kind listed below is reworded with the
label of the field it belongs to (nested serializers and list items included), every other
message is kept as DRF wrote it. The portal's forms post to the same views, so their
messages are these too.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail

#: Fields the user picks a value for, rather than types one.
CHOSEN = (
    serializers.ChoiceField,
    serializers.RelatedField,
    serializers.ManyRelatedField,
    serializers.BooleanField,
)
MISSING = frozenset({"required", "null", "blank", "empty"})
FILL = _("请填写%(label)s")
CHOOSE = _("请选择%(label)s")
UPLOAD = _("请上传%(label)s")
NOT_LISTED = _("%(label)s“%(value)s”不在可选范围内，请从所列选项中选择")
GONE = _("所选%(label)s不存在，请重新选择")
DATE = _("%(label)s格式不正确，请按“年-月-日”填写，例如 2026-01-31")
#: The longest value a message repeats back.
ECHO = 40


def _picked(field) -> bool:
    return isinstance(field, CHOSEN) or getattr(field, "picks_an_object", False)


def _chosen(field) -> bool:
    return _picked(field) or _picked(_child(field))


def _empty(value) -> bool:
    return value in (None, "", [], {})


def _reworded(detail: ErrorDetail, field, label: str, sent) -> ErrorDetail:
    code = detail.code
    if code in MISSING:
        if isinstance(field, serializers.FileField):
            text = UPLOAD
        else:
            text = CHOOSE if _chosen(field) else FILL
    elif code == "invalid_choice":
        text = CHOOSE if _empty(sent) else NOT_LISTED
    elif code == "does_not_exist":
        text = GONE
    elif code == "incorrect_type" and _chosen(field):
        text = CHOOSE
    elif code == "invalid" and isinstance(field, serializers.DateField | serializers.DateTimeField):
        text = DATE
    else:
        return detail
    value = sent if isinstance(sent, str | int) else ""
    return ErrorDetail(str(text % {"label": label, "value": str(value)[:ECHO]}), code=code)


def _child(field):
    return getattr(field, "child", None) or getattr(field, "child_relation", None)


def _item(data, key):
    if isinstance(data, dict):
        return data.get(key)
    if isinstance(data, list | tuple) and isinstance(key, int) and key < len(data):
        return data[key]
    return None


def reword(detail, field, label: str = "", sent=None):
    """`detail` (a serializer's errors, or a part of them) with the errors of `field` reworded."""
    label = str(getattr(field, "label", None) or label)
    if isinstance(detail, dict):
        if isinstance(field, serializers.Serializer):
            fields = field.fields
            return {
                name: reword(value, fields.get(name), label, _item(sent, name))
                for name, value in detail.items()
            }
        child = _child(field)  # a list's errors by item index
        return {key: reword(value, child, label, _item(sent, key)) for key, value in detail.items()}
    if isinstance(detail, list):
        if isinstance(field, serializers.ListSerializer) and any(isinstance(d, dict) for d in detail):
            return [reword(value, field.child, label, _item(sent, i)) for i, value in enumerate(detail)]
        return [reword(value, field, label, sent) for value in detail]
    if isinstance(detail, ErrorDetail):
        return _reworded(detail, field, label, sent)
    return detail


def serializer_errors(serializer: serializers.Serializer) -> dict:
    """The serializer's errors, reworded; call after is_valid() returned False."""
    return reword(serializer.errors, serializer, "", getattr(serializer, "initial_data", None))
