"""Which importer runs which kind of batch: one line per ImportKind."""

from __future__ import annotations

from casework.roles import Role

from .directory import OrganisationImporter, PersonImporter
from .importing import Factory
from .models import ImportKind

IMPORTERS: dict[str, Factory] = {}
IMPORTERS[ImportKind.ORGANISATIONS] = OrganisationImporter
IMPORTERS[ImportKind.PEOPLE] = PersonImporter


from .complaints import hotline  # noqa: E402
from .complaints.lifecycle import TRIAGE_ROLES as complaint_import_roles  # noqa: E402
from .court.common import IMPORT_ROLES as court_import_roles  # noqa: E402
from .court.defaulters import DefaulterImporter  # noqa: E402
from .court.documents import DocumentImporter  # noqa: E402

IMPORTERS[ImportKind.DEFAULTER_LIST] = DefaulterImporter
IMPORTERS[ImportKind.COURT_DOCUMENTS] = DocumentImporter
IMPORTERS[ImportKind.HOTLINE] = hotline.importer

#: Who may import (and read the batches of) each kind; a kind not listed: the system
#: administrator only. The credit administrator keeps the organisation tree and, for the
#: first deployment, loads the roster too; HR keeps the roster afterwards.
IMPORT_ROLES: dict[str, frozenset[str]] = {
    ImportKind.ORGANISATIONS: frozenset({Role.CREDIT_ADMIN, Role.SYSTEM_ADMIN}),
    ImportKind.PEOPLE: frozenset({Role.HR_ADMIN, Role.CREDIT_ADMIN, Role.SYSTEM_ADMIN}),
}
# The court lists are imported on their own page (portal.court), by their own roles; their
# batches are read on the shared batch page by the same roles.
IMPORT_ROLES[ImportKind.DEFAULTER_LIST] = IMPORT_ROLES[ImportKind.COURT_DOCUMENTS] = frozenset(
    court_import_roles
)
# Hotline exports: those who take complaints in (exchange.complaints.lifecycle.TRIAGE_ROLES).
IMPORT_ROLES[ImportKind.HOTLINE] = frozenset(complaint_import_roles)
DEFAULT_IMPORT_ROLES = frozenset({Role.SYSTEM_ADMIN})


def import_roles(kind: str) -> frozenset[str]:
    return IMPORT_ROLES.get(kind, DEFAULT_IMPORT_ROLES)


def importable_kinds(user) -> list[str]:
    """The kinds of list this user may import, in ImportKind's order."""
    from casework.permissions import has_role

    from .models import ImportKind

    return [kind for kind in ImportKind.values if has_role(user, *import_roles(kind))]


def visible_batches(user):
    """The batches a user may read: those of the kinds they may import (a dry run's report
    names rows of a roster; it is for those who keep that roster)."""
    from .models import ImportBatch

    return ImportBatch.objects.filter(kind__in=importable_kinds(user)).select_related("created_by")


def acting_role(user, kind: str) -> str:
    """The role in which the user imports `kind` (recorded on every audit entry)."""
    from casework.permissions import roles_of

    return sorted(roles_of(user) & import_roles(kind))[0]
