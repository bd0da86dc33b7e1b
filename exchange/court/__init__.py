"""Court lists and court documents in: the 失信被执行人 list and judgment /
revocation notices, matched against the government bodies the commission watches.

- `defaulters`: the list's importer (ImportKind.DEFAULTER_LIST) and what an entry performed
  or gone from a full list does to its record;
- `documents`: court documents (ImportKind.COURT_DOCUMENTS, or an officer's form) and the
  revocations they cause (DOMAIN §5.1 T10, scenario 7);
- `matching`: USCC, organisation code, then normalised names;
- `confirmation`: the officer's decision on a name match, for list entries and judgments.
"""

from django.utils.translation import gettext_lazy as _

from casework import action_labels


class CourtAction:
    """Audited actions of this package (stored values: never change)."""

    WEAK_CONFIRM = "court.weak_confirm"
    WEAK_REJECT = "court.weak_reject"
    LIST_NOTE = "court.list_note"
    REVOCATION_REGISTERED = "court.revocation_registered"
    REVOCATION_NOTED = "court.revocation_noted"
    DOCUMENT_REGISTER = "court.document_register"


action_labels.register(
    {
        CourtAction.WEAK_CONFIRM: _("确认法院名单或判决的当事人为本单位"),
        CourtAction.WEAK_REJECT: _("排除法院名单或判决的疑似匹配"),
        CourtAction.LIST_NOTE: _("失信被执行人名单变化"),
        CourtAction.REVOCATION_REGISTERED: _("登记撤销依据的法院文书"),
        CourtAction.REVOCATION_NOTED: _("办案人员处理法院撤销文书"),
        CourtAction.DOCUMENT_REGISTER: _("登记法院文书"),
    }
)
