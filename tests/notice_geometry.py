"""Measuring rendered notices with pdfplumber, in millimetres from the page's top-left corner.

Glyph positions use the ideographic em box (the character frame 公文 layout is defined on):
its top is the baseline minus 0.88 em, as in Noto CJK and the GB fonts. pdfplumber's own
`top` uses the font's descent instead and sits about 0.16 em lower.
"""

from __future__ import annotations

import re

PT_PER_MM = 72 / 25.4
BODY_PT = 16  # 3号
PAGE_NUMBER_PT = 14  # 4号
RED = (0.901961, 0.0, 0.070588)
NUMBER_RE = re.compile(r"^.+〔\d{4}〕[1-9]\d*号$")
PAGE_NUMBER_RE = re.compile(r"^— (\d+) —$")


def mm(points: float) -> float:
    return points / PT_PER_MM


def em_top(page, char) -> float:
    baseline = page.height - char["matrix"][5]
    return mm(baseline - 0.88 * char["size"])


def sized(page, size: float) -> list[dict]:
    return [c for c in page.chars if abs(c["size"] - size) < 0.05]


def body_chars(page) -> list[dict]:
    """3号 text inside the 版心 (not the page number, not the 版记)."""
    return [c for c in sized(page, BODY_PT) if em_top(page, c) < 262]


def is_red(char_or_rect) -> bool:
    colour = char_or_rect.get("non_stroking_color")
    return (
        colour is not None
        and len(colour) == 3
        and all(abs(a - b) < 0.01 for a, b in zip(colour, RED, strict=True))
    )


def mark_chars(page) -> list[dict]:
    """The red issuing-authority mark (发文机关标志)."""
    return [c for c in page.chars if is_red(c) and c["size"] > 20]


def lines_of(chars: list[dict], page) -> list[list[dict]]:
    rows: dict[float, list[dict]] = {}
    for char in chars:
        rows.setdefault(round(em_top(page, char), 1), []).append(char)
    return [sorted(rows[key], key=lambda c: c["x0"]) for key in sorted(rows)]


def text_of(chars: list[dict]) -> str:
    return "".join(c["text"] for c in chars).replace(" ", "")


def page_number(page) -> tuple[int, float, float, float] | None:
    """(n, left, right, em top) of the `— n —` under the 版心, or None."""
    chars = sorted((c for c in sized(page, PAGE_NUMBER_PT) if em_top(page, c) > 262), key=lambda c: c["x0"])
    found = PAGE_NUMBER_RE.match("".join(c["text"] for c in chars).replace("  ", " ").strip())
    if not chars or not found:
        return None
    return int(found.group(1)), mm(chars[0]["x0"]), mm(chars[-1]["x1"]), em_top(page, chars[0])


def red_rects(page) -> list[tuple[float, float, float, float]]:
    """(left, top, width, height) in mm of the red filled rectangles."""
    return [(mm(r["x0"]), mm(r["top"]), mm(r["width"]), mm(r["height"])) for r in page.rects if is_red(r)]


def black_rules(page) -> list[tuple[float, float, float, float]]:
    return [
        (mm(r["x0"]), mm(r["top"]), mm(r["width"]), mm(r["height"]))
        for r in page.rects
        if not is_red(r) and r["height"] < 1.5
    ]
