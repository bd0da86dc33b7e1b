"""Formatting for notice templates: dates and numbering the way GB/T 9704 writes them."""

from __future__ import annotations

import datetime as dt

from django import template

register = template.Library()

_DIGITS = "零一二三四五六七八九"


@register.filter
def cn_date(value) -> str:
    """`2026-01-05` → `2026年1月5日` (full year, no leading zeros); blank → room to write."""
    if not value:
        return "\u3000\u3000\u3000\u3000年\u3000\u3000月\u3000\u3000日"
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    return f"{value.year}年{value.month}月{value.day}日"


@register.filter
def cn_ordinal(n) -> str:
    """1 → 一, 12 → 十二 (for headings 一、 and （一）, up to 99)."""
    n = int(n)
    if n < 10:
        return _DIGITS[n]
    tens, units = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[units] if units else "")


@register.filter
def as_list(value) -> list:
    """Lists stay lists; a single text becomes a one-element list; nothing becomes []."""
    if value in (None, ""):
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


@register.filter
def cn_join(value, sep: str = "、") -> str:
    return sep.join(str(v) for v in as_list(value))


_CLOSING = tuple("。！？；：.!?;")


@register.filter
def sentence(value) -> str:
    """End a free-text field with 。 unless it already ends a sentence."""
    text = str(value or "").strip()
    return text if not text or text.endswith(_CLOSING) else f"{text}。"


@register.filter
def code_groups(value, size: int = 4) -> str:
    """`K7Q2M9XPAB` → `K7Q2-M9XP-AB`: a code read aloud or typed from paper is read in groups
    (the verification page ignores the dashes)."""
    text = str(value or "")
    size = int(size)
    return "-".join(text[i : i + size] for i in range(0, len(text), size))


@register.filter
def verify_address(url, code) -> str:
    """The address to type, `chengxin.example.gov.cn/verify`: the verification URL without the
    code (typed separately) and without `https://`, which browsers add; `http://` stays."""
    url, suffix = str(url or ""), f"/{code}"
    url = url[: -len(suffix)] if code and url.endswith(suffix) else url
    return url.removeprefix("https://")
