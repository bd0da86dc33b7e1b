"""Which government body a court-list entry is about.

Strong: the entry's USCC is the body's, or the entry's organisation code (组织机构代码, or
characters 9–17 of the USCC it gives) is characters 9–17 of the body's USCC — the code a body
kept when it received its USCC. Weak: the names agree once normalised (`name_key`); an officer
decides. The bodies are read once per import (a few thousand rows), not once per entry.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from casework.identifiers import normalise
from casework.models import Organisation, OrganisationName

#: Prefixes that the same body's name carries in one list and not in another:
#: "广东省东莞市自然资源局", "东莞市自然资源局", "东莞自然资源局", "自然资源局".
_PREFIXES = ("广东省", "东莞市", "东莞")
_PUNCTUATION = re.compile(r"[\W_]+", re.UNICODE)


def name_key(name: str) -> str:
    """Full-width made half-width, spaces and punctuation (brackets included) removed, the
    city and province prefixes dropped."""
    text = _PUNCTUATION.sub("", unicodedata.normalize("NFKC", name or "")).upper()
    for prefix in _PREFIXES:
        if text.startswith(prefix) and len(text) > len(prefix):
            text = text[len(prefix) :]
    return text


def codes(credit_code: str, org_code: str) -> tuple[str, str]:
    """(USCC, organisation code) as the entry gives them, normalised; a 9-character value in
    the USCC column is an organisation code."""
    uscc, org = normalise(credit_code), normalise(org_code)
    if len(uscc) == 9 and not org:
        uscc, org = "", uscc
    if len(uscc) == 18 and not org:
        org = uscc[8:17]
    return uscc, org


@dataclass
class Match:
    strength: str  # "strong", "weak" or "" (MatchState values)
    organisation: Organisation | None = None


class Matcher:
    def __init__(self) -> None:
        self.by_uscc: dict[str, int] = {}
        self.by_org_code: dict[str, int] = {}
        self.by_name: dict[str, set[int]] = {}
        for pk, code, name, short in Organisation.objects.values_list(
            "pk", "credit_code", "name", "short_name"
        ):
            if code:
                self.by_uscc[code] = pk
                self.by_org_code[code[8:17]] = pk
            for text in (name, short):
                if text:
                    self.by_name.setdefault(name_key(text), set()).add(pk)
        for pk, name in OrganisationName.objects.values_list("organisation_id", "name"):
            self.by_name.setdefault(name_key(name), set()).add(pk)

    def match(self, *, name: str, credit_code: str = "", org_code: str = "") -> Match:
        uscc, org = codes(credit_code, org_code)
        pk = self.by_uscc.get(uscc) if uscc else None
        if pk is None and org:
            pk = self.by_org_code.get(org)
        if pk is not None:
            return Match("strong", Organisation.objects.get(pk=pk))
        # The body's name with another code (or none): a person judges (a mistyped code, a
        # namesake company); never a lead on its own. Two bodies of one name: no guess.
        candidates = self.by_name.get(name_key(name), set())
        if len(candidates) == 1:
            return Match("weak", Organisation.objects.get(pk=next(iter(candidates))))
        return Match("")
