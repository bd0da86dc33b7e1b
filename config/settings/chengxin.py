"""Chengxin's own policy switches: choices DOMAIN.md leaves open (see docs/decisions.md)."""

CHENGXIN = {
    # Record states from which the subject (its unit liaison/head, or the civil servant)
    # may see the record: before the prior notice the case is an internal investigation.
    "SUBJECT_VISIBLE_STATES": [
        "PRE_NOTICE",
        "DETERMINED",
        "EFFECTIVE",
        "REVOKED",
        "REPAIRED",
        "EXPIRED",
        "ARCHIVED",
    ],
    # Record categories whose person records may be made public (DOMAIN §4.3, scenario 30).
    "PUBLIC_PERSON_CATEGORIES": ["ACC"],
    # Roles that see personal ID-card numbers unmasked.
    "ID_NUMBER_ROLES": ["officer", "approver", "hr_admin"],
}
