"""Deterministic identifiers for demo data, with real check characters.

- 统一社会信用代码 (GB 32100-2015): registration authority and type ("11" 机关, "12" 事业单位),
  the 6-digit region (441900 东莞市), a 9-character organisation code (GB 11714-1997, with its
  own check character) and the check character over the first 17.
- 公民身份号码 (GB 11643-1999): region, birth date, sequence (odd for men), check character.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from ..identifiers import id_check_char, org_code_check_char, uscc_check_char

REGION = "441900"
AUTHORITY_AGENCY = "11"  # 机构编制部门登记的机关
AUTHORITY_INSTITUTION = "12"  # 机构编制部门登记的事业单位


def credit_code(name: str, authority: str = AUTHORITY_AGENCY) -> str:
    """A stable code derived from the organisation's name, so that re-running finds the same row."""
    digits = str(int(hashlib.sha256(name.encode()).hexdigest(), 16))[-7:]
    body = "0" + digits
    first17 = authority + REGION + body + org_code_check_char(body)
    return first17 + uscc_check_char(first17)


def id_number(birth: dt.date, sequence: int) -> str:
    """An 18-digit Dongguan ID number; `sequence` 0–999 (odd for men, even for women)."""
    first17 = f"{REGION}{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_check_char(first17)
