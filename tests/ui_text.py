"""What a reader of a Chinese page sees, and what in it is a raw code or an English word
(tests/test_ui_language.py).

`visible_text` keeps the text nodes and the attributes a person reads or hears (title,
placeholder, aria-label, alt, and the value of buttons), leaving out scripts, styles, hidden
inputs and elements, and what the page itself marks as another language (lang="en": the
language switch's "English").
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

SKIPPED = frozenset({"script", "style", "template", "noscript"})
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)
READ_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
BUTTON_INPUTS = frozenset({"submit", "button", "reset"})


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[bool] = []  # per open element: is its content left out?

    def _skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        skip = (
            self._skipping()
            or tag in SKIPPED
            or "hidden" in attrs
            or attrs.get("aria-hidden") == "true"
            or (attrs.get("lang") or "").lower().startswith("en")
        )
        if not skip and not (tag == "input" and attrs.get("type") == "hidden"):
            self.parts += [attrs[a] for a in READ_ATTRIBUTES if attrs.get(a)]
            if tag == "input" and attrs.get("type") in BUTTON_INPUTS and attrs.get("value"):
                self.parts.append(attrs["value"])
        if tag not in VOID:
            self.stack.append(skip)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not self._skipping() and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> list[str]:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.parts


#: What is legitimately written in Latin letters on a Chinese page: addresses, reference
#: numbers, file names and formats, and a few proper names. Usernames and the notices'
#: verification codes are data: the caller passes those in use as `allowed`.
ALLOWED = [
    r"[\w.+-]+@[\w-]+(\.[\w-]+)+",  # e-mail addresses
    r"https?://\S+|/verify/\S*",  # an address printed for people to type
    r"otpauth://\S+|(?<![\w])[A-Z2-7]{32}(?![\w])",  # an authenticator's address and secret (base32)
    r"(?<![A-Za-z])[A-Z]{2,6}-\d{4}-\d{3,}(?![\w])",  # reference numbers: ZWSX-2026-000001
    r"(?<![\w])[0-9A-HJ-NP-RTUW-Y]{2}\d{6}[0-9A-HJ-NP-RTUW-Y]{9}[0-9A-HJ-NP-RTUW-Y](?![\w])",  # 统一社会信用代码
    r"(?<![\w])[0-9a-f]{12,}(?![\w])",  # a fingerprint (SHA-256), or its first digits
    r"(?<![A-Za-z])[A-Z]{2,5}\d+/\d{4}(?![\w])",  # a rule's version: the source document's number
    r"[^\s/\\:*?\"<>|，。；、]+\.(?:pdf|PDF|jpe?g|JPE?G|png|PNG|docx?|xlsx?|csv|json|ofd|OFD|zip|txt)(?![\w])",  # file names
    # Names: the product, formats, the software the system health page names, keyboard keys.
    r"(?<![A-Za-z])(?:Chengxin|chinesecalendar|PDF|API|ID|IP|URL|QR|OFD|PNG|JPEG|DOCX|XLSX|CSV|JSON|Word|Excel|MB|KB|SHA-256"
    r"|SQLite|PostgreSQL|Redis|RabbitMQ|Control|Command|Mac)"
    r"(?![A-Za-z])",
]


def _allowed(extra: tuple[str, ...]) -> re.Pattern:
    words = [re.escape(w) for w in sorted(extra, key=len, reverse=True)]
    return re.compile("|".join([*ALLOWED, *(rf"(?<![\w.]){w}(?![\w])" for w in words)]))


_B, _E = r"(?<![A-Za-z0-9_])", r"(?![A-Za-z0-9_])"  # ASCII word edges: Chinese may touch a code
#: Kinds of finding, most specific first.
FINDINGS = [
    ("state code", re.compile(rf"{_B}[A-Z][A-Z0-9]*_[A-Z0-9_]+{_E}|{_B}[A-Z]{{3,}}{_E}")),
    ("action name", re.compile(rf"{_B}[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*{_E}")),
    ("identifier", re.compile(rf"{_B}[a-z][a-z0-9]*_[a-z0-9_]+{_E}")),
    ("English", re.compile(r"[A-Za-z]{2,}")),
]


def findings(html: str, *, allowed: tuple[str, ...] = ()) -> list[tuple[str, str, str]]:
    """(kind, the offending word, the text it stands in) for every raw code or English word."""
    allow = _allowed(allowed)
    found = []
    for text in visible_text(html):
        rest = allow.sub(" ", text)
        for kind, pattern in FINDINGS:
            for match in pattern.finditer(rest):
                found.append((kind, match.group(), text[:120]))
            rest = pattern.sub(" ", rest)
    return found
