"""The registry of notice types N1–N21 and N24–N26 (DOMAIN §8.3) and the one way to turn a type and
its data into a GB/T 9704 HTML document.

Contract used by notices.services / notices.render:

- ``get(code) -> NoticeType`` and ``all_types()``;
- ``NoticeType.validate(data) -> list[str]``: one Chinese message per missing field;
- ``NoticeType.build_data(record, obj=None) -> dict``: the JSON-serialisable snapshot the
  notice is rendered from (ID numbers masked, dates ISO strings). ``data["issuer"]`` is
  filled from settings (``CHENGXIN_NOTICES["issuer"]``); the issuing service may replace it
  with the issuer it numbers and seals for (keys ``name``, ``code`` = 机关代字);
- ``render_html(code, data, *, number, issued_on, draft, seal_data_uri, verify_url,
  verify_code, qr_data_uri) -> str``: a full HTML document; user text is autoescaped.

The seal itself is not part of the data: the issue step checks that the issuer has one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from casework import clock
from casework.language import official_language

__all__ = ["NoticeType", "Variant", "all_types", "get", "render_html"]

ASSETS = Path(__file__).resolve().parent / "assets"
_TEMPLATES = Path(settings.BASE_DIR) / "templates" / "notices"
# Files every notice is rendered with: a change to any of them is a new template version.
_SHARED_FILES = ("base.html", "_signature.html", "_colophon.html", "_subject.html")
_CSS_FILES = ("notice.css", "letter.css")


@dataclass(frozen=True)
class Variant:
    """A notice type that exists in several forms (受理 / 不予受理 / 补正) shares one number
    series; each form has its own title and its own extra required fields."""

    title: str
    required: tuple[str, ...] = ()


@dataclass(frozen=True)
class NoticeType:
    code: str
    title: str
    doc_code: str
    letter_format: bool
    fields: tuple[str, ...]
    labels: Mapping[str, str]
    variants: Mapping[str, Variant] = field(default_factory=dict)
    # Fields required only when a predicate on the data holds (e.g. no period for 开除).
    conditional: Mapping[str, object] = field(default_factory=dict)
    # False: a notice to a body about no record, issued by the step that calls for it
    # (notices.addressed), never drafted by hand about a record.
    about_record: bool = True

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def required(self) -> list[str]:
        """Fields every notice of this type needs, whatever its variant."""
        return list(self.fields) + (["variant"] if self.variants else [])

    def required_for(self, data: Mapping) -> list[str]:
        keys = self.required
        variant = self.variants.get(data.get("variant") or "")
        if variant:
            keys += list(variant.required)
        return [k for k in keys if k not in self.conditional or self.conditional[k](data)]

    def title_for(self, data: Mapping) -> str:
        variant = self.variants.get(data.get("variant") or "")
        return variant.title if variant else self.title

    def label(self, key: str) -> str:
        return self.labels.get(key, key)

    def missing(self, data: Mapping) -> list[tuple[str, str]]:
        """(key, message) for every required field that is absent or blank."""
        from .validation import missing_fields

        return missing_fields(self, data)

    def validate(self, data: Mapping) -> list[str]:
        return [message for _key, message in self.missing(data)]

    def build_data(self, record, obj=None, *, issuer=None) -> dict:
        """`issuer` (a notices.models.Issuer): whose name and 机关代字 the data carries;
        default: the default issuer."""
        from . import context

        # The snapshot is what the notice says: its labels (类别, 等级, 处理结果…) are the
        # record's language whoever's action drafted it.
        with official_language():
            return context.build(self.code, record, obj, issuer=issuer)

    @property
    def template_name(self) -> str:
        return f"notices/{self.code.lower()}.html"

    @cached_property
    def template_version(self) -> str:
        """A digest of the files this type renders with, so that a stored notice names the
        exact layout it was issued in."""
        digest = hashlib.sha256()
        paths = [_TEMPLATES / f"{self.code.lower()}.html"]
        paths += [_TEMPLATES / name for name in _SHARED_FILES]
        paths += [ASSETS / name for name in _CSS_FILES]
        for path in paths:
            digest.update(path.read_bytes())
        return f"{self.code}-{digest.hexdigest()[:12]}"


def get(code: str) -> NoticeType:
    from .catalogue import TYPES

    try:
        return TYPES[code]
    except KeyError:
        raise KeyError(_("未知的文书类型：%(code)s") % {"code": code}) from None


def all_types() -> list[NoticeType]:
    from .catalogue import TYPES

    return list(TYPES.values())


def placeholder_number(notice_type: NoticeType, data: Mapping, year: int) -> str:
    """What a draft shows where the number will go: 东监失告〔2026〕　号."""
    code = (data.get("issuer") or {}).get("code", "")
    return f"{code}{notice_type.doc_code}〔{year}〕\u3000\u3000号"


def render_html(
    code: str,
    data: Mapping,
    *,
    number: str | None,
    issued_on: dt.date | str | None,
    draft: bool,
    seal_data_uri: str | None = None,
    verify_url: str | None = None,
    verify_code: str | None = None,
    qr_data_uri: str | None = None,
) -> str:
    """The notice as one HTML document (lang zh-CN, title and author set for the PDF
    metadata). Drafts never show a seal, whatever is passed."""
    notice_type = get(code)
    if isinstance(issued_on, str):
        issued_on = dt.date.fromisoformat(issued_on) if issued_on else None
    year = (issued_on or clock.today()).year
    context = {
        "type": notice_type,
        "d": data,
        "title": notice_type.title_for(data),
        "number": number or placeholder_number(notice_type, data, year),
        "issued_on": issued_on,
        "draft": draft,
        "seal_data_uri": None if draft else seal_data_uri,
        "verify_url": verify_url,
        "verify_code": verify_code,
        "qr_data_uri": qr_data_uri,
        "letter": notice_type.letter_format,
        # How the body addresses the subject: 你单位 for a body, 你 for a person.
        "you": "你" if (data.get("subject") or {}).get("kind") == "person" else "你单位",
    }
    with official_language():  # a notice is printed in the language of the record
        return render_to_string(notice_type.template_name, context)
