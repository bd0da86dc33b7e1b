"""The API's JSON parser, bounded: nested no deeper than CHENGXIN_JSON_MAX_DEPTH.

Python's decoder recurses once per level: a body of ten thousand brackets was a
RecursionError, a 500. The nesting is counted before decoding, by a scan that skips string
contents. The body's size is Django's DATA_UPLOAD_MAX_MEMORY_SIZE: DRF hands a JSON parser
`request.body`, which checks it (a larger body answers 413: casework.api.errors).
"""

from __future__ import annotations

import codecs
import json
import re

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, parsers

# A whole JSON string (escapes included), or one bracket outside any string.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


def too_deep(text: str, limit: int) -> bool:
    depth = 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                return True
        elif token in "]}":
            depth -= 1
    return False


class BoundedJSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read() if stream is not None else b""
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.decode(raw, encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise exceptions.ParseError(_("请求内容不是有效的 JSON：编码错误。"), code="parse_error") from exc
        depth = settings.CHENGXIN_JSON_MAX_DEPTH
        if too_deep(text, depth):
            raise exceptions.ParseError(
                _("请求内容的 JSON 嵌套过深（最多 %(depth)s 层）。") % {"depth": depth}, code="too_deep"
            )
        try:
            return json.loads(text, parse_constant=_refuse_constant)
        except (ValueError, RecursionError) as exc:
            raise exceptions.ParseError(_("请求内容不是有效的 JSON。"), code="parse_error") from exc


def _refuse_constant(name: str):
    # NaN and Infinity are not JSON (DRF's own parser refuses them too).
    raise ValueError(f"{name} is not JSON")
