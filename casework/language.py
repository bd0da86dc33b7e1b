"""The language of the record.

Whatever language a user reads the site in, what the system writes into the case file (audit
reasons it composes, texts of records and notices it drafts) is in the official language,
`settings.LANGUAGE_CODE`: the file is a legal record, read later by people who never saw the
screen it was written from. Messages *to* the user (errors, confirmations) stay in theirs.

    with official_language():
        reason = _("异议已受理")
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation


def official_language():
    """A context manager: translations inside it are in the official language."""
    return translation.override(settings.LANGUAGE_CODE)


__all__ = ["official_language"]
