"""What a public page must never contain (scenario 30): ID-card numbers, full or masked."""

import re

#: An 18-character ID-card number: region, birth date, sequence, check character.
ID_NUMBER = re.compile(
    r"(?<!\d)\d{6}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?!\d)"
)
#: The masked form staff pages print (`4419**********1234`).
MASKED_ID = re.compile(r"\d{2,}\*{4,}[\dXx]{2,}")


def id_numbers_in(text: str, *people) -> list[str]:
    """Every ID number, full or masked, in `text`, plus those of `people` written in any form."""
    found = ID_NUMBER.findall(text) + MASKED_ID.findall(text)
    for person in people:
        found += [n for n in (person.id_number, person.masked_id_number) if n in text]
    return found
