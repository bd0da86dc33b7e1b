"""Casework data and its invariants, split by sub-domain."""

from .accounts import ConflictDeclaration, User
from .audit import AuditEntry, AuditHead
from .calendar import CalendarDay, CalendarYear
from .organisations import Organisation, OrganisationName, OrganisationType
from .people import Person
from .records import (
    Category,
    Deadline,
    DeadlineRule,
    DisclosureRule,
    Domain,
    LeadSource,
    Measure,
    Record,
    RecordState,
    Tier,
)

__all__ = [
    "AuditEntry",
    "AuditHead",
    "CalendarDay",
    "CalendarYear",
    "Category",
    "ConflictDeclaration",
    "Deadline",
    "DeadlineRule",
    "DisclosureRule",
    "Domain",
    "LeadSource",
    "Measure",
    "Organisation",
    "OrganisationName",
    "OrganisationType",
    "Person",
    "Record",
    "RecordState",
    "Tier",
    "User",
]
