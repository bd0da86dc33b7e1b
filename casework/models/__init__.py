"""Casework data and its invariants, split by sub-domain."""

from .accountability import Accountability, Appeal, AppealKind, AppealOutcome, DecisionType, Sanction, Track
from .accounts import ApiToken, ConflictDeclaration, PasswordHistory, User
from .attachments import Attachment, AttachmentVisibility
from .audit import AuditEntry, AuditHead
from .calendar import CalendarDay, CalendarYear
from .objections import Objection, ObjectionGround, ObjectionOutcome
from .organisations import Organisation, OrganisationName, OrganisationType
from .people import Person
from .reactions import Reaction
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
from .rectification import (
    ExtensionRequest,
    ItemReview,
    Rectification,
    RectificationItem,
    RequestState,
    ReviewDecision,
)
from .repair import HonourQuery, RefusalReason, RepairApplication, SyncEvent, SyncKind

__all__ = [
    "Accountability",
    "ApiToken",
    "Appeal",
    "AppealKind",
    "AppealOutcome",
    "Attachment",
    "AttachmentVisibility",
    "AuditEntry",
    "AuditHead",
    "CalendarDay",
    "CalendarYear",
    "Category",
    "ConflictDeclaration",
    "Deadline",
    "DeadlineRule",
    "DecisionType",
    "DisclosureRule",
    "Domain",
    "ExtensionRequest",
    "HonourQuery",
    "ItemReview",
    "LeadSource",
    "Measure",
    "Objection",
    "ObjectionGround",
    "ObjectionOutcome",
    "Organisation",
    "OrganisationName",
    "OrganisationType",
    "PasswordHistory",
    "Person",
    "Reaction",
    "Record",
    "RecordState",
    "Rectification",
    "RectificationItem",
    "RefusalReason",
    "RepairApplication",
    "RequestState",
    "ReviewDecision",
    "Sanction",
    "SyncEvent",
    "SyncKind",
    "Tier",
    "Track",
    "User",
]
