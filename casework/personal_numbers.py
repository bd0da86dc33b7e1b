"""Personal numbers in free text (个人信息保护法; 等保 level 3): resident ID numbers, mobile
and landline telephone numbers, bank card numbers and street addresses down to the house or
room, in the spellings people type or paste — groups separated by spaces, hyphens, dots or
slashes, full-width digits and letters, zero-width and other invisible characters inside,
letters or Chinese characters right against them.

One detector for the two lines of defence: the record services refuse such text where it can
become public (`casework.services.validation.require_public_text`), and the public pages mask
what older data still holds (`portal.public.scrub`). A hit keeps its span in the text as it
was typed, so a refusal can quote it.

Deliberately not detected (docs/decisions.md, "Personal numbers in public text"): landlines
without an area code (indistinguishable from dates and amounts), numbers written in Chinese
numerals, addresses without a road, street or village before the house number; an
organisation's unified social credit code is public and never a hit.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

ID_NUMBER = "id_number"
MOBILE = "mobile"
LANDLINE = "landline"
BANK_CARD = "bank_card"
ADDRESS = "address"

LABELS = {
    ID_NUMBER: _("身份证号码"),
    MOBILE: _("手机号码"),
    LANDLINE: _("固定电话号码"),
    BANK_CARD: _("银行卡号"),
    ADDRESS: _("详细住址"),
}


@dataclass(frozen=True)
class Hit:
    """One personal number: its kind, and its span [start, end) in the text as typed."""

    kind: str
    start: int
    end: int
    text: str

    @property
    def label(self) -> str:
        return str(LABELS[self.kind])


# ── normalisation with a map back to the typed text ────────────────────────────────

#: Invisible characters outside the Unicode "format" category that still hide inside numbers:
#: the combining grapheme joiner, the Hangul fillers and the variation selectors.
_INVISIBLE = frozenset("\u034f\u115f\u1160\u3164\uffa0") | frozenset(map(chr, range(0xFE00, 0xFE10)))


def _invisible(char: str) -> bool:
    return unicodedata.category(char) == "Cf" or char in _INVISIBLE


def normalise(text: str) -> tuple[str, list[int]]:
    """`text` in NFKC (full-width digits and letters, NBSP and the ideographic space made
    ASCII) without invisible characters, and for each character kept the index in `text`
    of the character it came from."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if _invisible(char):
            continue
        for out in unicodedata.normalize("NFKC", char):
            if not _invisible(out):
                chars.append(out)
                origin.append(index)
    return "".join(chars), origin


# ── the numbers ─────────────────────────────────────────────────────────────────────

#: What may stand between the groups of one number as people write it (after NFKC):
#: whitespace, hyphens and dashes, dots, slashes, brackets round an area code.
_SEPARATOR = r"[\s\-\u2010-\u2015\u2212.\u00b7\u30fb/\\_()]"
_GROUP = re.compile(r"\d+")
_GAP = re.compile(rf"{_SEPARATOR}{{1,3}}")
#: The longest digit string tried: a country prefix and a 19-digit card do not meet.
_LONGEST = 19

_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)
_DATE = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
_ID18 = re.compile(rf"\d{{6}}(?:18|19|20)\d{{2}}{_DATE}\d{{3}}[\dX]")
_ID15 = re.compile(rf"\d{{8}}{_DATE}\d{{3}}")
_MOBILE = re.compile(r"(?:0086|86)?1[3-9]\d{9}")
# Area codes: 010 and 02x take 8-digit numbers, the 0[3-9]xx ones 7 or 8; from abroad the
# trunk 0 is dropped after 86/0086.
_LANDLINE = re.compile(r"(?:(?:0086|86)|0)(?:(?:10|2\d)\d{8}|[3-9]\d{2}\d{7,8})")

_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def is_credit_code(code: str) -> bool:
    """A unified social credit code (GB 32100-2015) with a valid check character."""
    code = code.upper()
    if len(code) != 18 or any(c not in _USCC_CHARS for c in code):
        return False
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(code[:17], _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31] == code[17]


def luhn_ok(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _kind(number: str, *, credit_code: bool) -> str | None:
    """What the digit string `number` (its last character may be X) is, or None.
    `credit_code`: typed as one token that is a valid unified social credit code."""
    # The check digit is not asked for: a mistyped number is still someone's. A credit code
    # never has this shape in practice (91…/92…/5…/Y… are no province; a 11…/12… code has
    # its county where a birth year would be), even when its own check happens to pass.
    if len(number) == 18 and _ID18.fullmatch(number) and number[:2] in _PROVINCES:
        return ID_NUMBER
    if credit_code:
        return None
    if number.endswith("X"):
        return None
    if len(number) == 15 and _ID15.fullmatch(number) and number[:2] in _PROVINCES:
        return ID_NUMBER
    if _MOBILE.fullmatch(number):
        return MOBILE
    if _LANDLINE.fullmatch(number):
        return LANDLINE
    # Card numbers start with the issuer: 62 UnionPay, 4 Visa, 5 Mastercard, 3 JCB and
    # American Express, 9 the older domestic debit cards.
    if 16 <= len(number) <= 19 and number[0] in "34569" and luhn_ok(number):
        return BANK_CARD
    return None


def _grouped_as(kind: str, lengths: list[int]) -> bool:
    """Whether groups of these lengths are how a number of `kind` is written, so that
    neighbouring figures (a date, a case number, an amount) are not read as one number:
    a card in fours (or unbroken), anything else in groups of two or more digits, the
    first of three or more unless it is the country code."""
    if len(lengths) == 1:
        return True
    if kind == BANK_CARD:
        return all(n == 4 for n in lengths[:-1])
    body = lengths[1:] if kind in (MOBILE, LANDLINE) and lengths[0] in (2, 4) else lengths
    return bool(body) and body[0] >= 3 and all(n >= 2 for n in lengths[:-1])


def _number_hits(text: str) -> list[tuple[str, int, int]]:
    """(kind, start, end) in the normalised `text`: runs of digit groups joined by separators,
    each sub-run of whole groups tried, longest first; a group is never split."""
    hits = []
    groups = list(_GROUP.finditer(text))
    runs: list[list[re.Match]] = []
    for group in groups:
        if runs and _GAP.fullmatch(text, runs[-1][-1].end(), group.start()):
            runs[-1].append(group)
        else:
            runs.append([group])
    for run in runs:
        i = 0
        while i < len(run):
            found = None
            for j in range(len(run) - 1, i - 1, -1):
                digits = "".join(g.group() for g in run[i : j + 1])
                if len(digits) > _LONGEST:
                    continue
                end = run[j].end()
                if len(digits) == 17 and text[end : end + 1] in ("X", "x"):
                    digits, end = digits + "X", end + 1
                kind = _kind(digits, credit_code=i == j and _credit_code_token(text, run[i].start(), end))
                # A card number is digits alone: glued to a letter it is a code (a credit
                # code typed with a wrong check character, a contract number).
                if kind == BANK_CARD and text[end : end + 1].isascii() and text[end : end + 1].isalpha():
                    kind = None
                if kind and _grouped_as(kind, [len(g.group()) for g in run[i : j + 1]]):
                    start = run[i].start()
                    if start and text[start - 1] in ("+(" if kind == LANDLINE else "+"):
                        start -= 1
                    found = (kind, start, end, j)
                    break
            if found:
                hits.append(found[:3])
                i = found[3] + 1
            else:
                i += 1
    return hits


def _credit_code_token(text: str, start: int, end: int) -> bool:
    """Whether [start, end) lies inside an 18-character alphanumeric token that is a valid
    credit code (letters may stand before the digits: 91441900MA4U…)."""
    left = start
    while left > 0 and text[left - 1].isascii() and text[left - 1].isalnum():
        left -= 1
    right = end
    while right < len(text) and text[right].isascii() and text[right].isalnum():
        right += 1
    return right - left == 18 and is_credit_code(text[left:right])


# ── addresses ───────────────────────────────────────────────────────────────────────

#: A road's name: Chinese characters, up to a word that starts the sentence's own telling
#: ("住在", "位于", "经查…"), so that a refusal quotes the address, not the sentence.
_ROAD_NAME = r"[^\W\d_A-Za-z在住于至到和与及的是为位址居家所经查即等称其该系从向自由往]"
_NUM = r"\d+(?:\s*[-之]\s*\d+)?"
# A house number on a named road, street, lane or village ("鸿福路200号", "石排村3巷12号"),
# or a room in a building ("8栋2单元1203室", "5号楼502房"). A legal citation has neither:
# 东府〔2018〕124号 has a bracket before its number, 第九条 no digits.
_ADDRESS = re.compile(
    rf"{_ROAD_NAME}{{1,6}}?(?:路|街|大道|大街|巷|弄|胡同|村)\s*{_NUM}\s*(?:号|號)"
    rf"(?:\s*(?:{_NUM}\s*(?:栋|幢|座|号楼|楼|单元|层|室|房|号房)\s*)+)?"
    rf"|{_NUM}\s*(?:栋|幢|座|号楼)\s*(?:{_NUM}\s*(?:单元|楼|层)\s*)*{_NUM}\s*(?:室|房|号房)"
)


# ── the detector ────────────────────────────────────────────────────────────────────


def find(text: str) -> list[Hit]:
    """The personal numbers and addresses in `text`, in order, with their typed spans."""
    if not text:
        return []
    normal, origin = normalise(text)
    spans = _number_hits(normal)
    taken = [(s, e) for _k, s, e in spans]
    for match in _ADDRESS.finditer(normal):
        if not any(s < match.end() and match.start() < e for s, e in taken):
            spans.append((ADDRESS, match.start(), match.end()))
    hits = []
    for kind, start, end in sorted(spans, key=lambda span: span[1]):
        first, last = origin[start], origin[end - 1] + 1
        hits.append(Hit(kind, first, last, text[first:last]))
    return hits


def mask(text: str) -> str:
    """`text` with each hit replaced by a placeholder naming what was hidden."""
    text = text or ""
    out, position = [], 0
    for hit in find(text):
        out.append(text[position : hit.start])
        out.append(str(_("［%(label)s已隐去］") % {"label": hit.label}))
        position = hit.end
    out.append(text[position:])
    return "".join(out)
