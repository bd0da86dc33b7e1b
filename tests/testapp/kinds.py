"""The test kind's one declaration: nothing else in the project names it."""

from casework.kinds import ObjectKind, register
from casework.roles import Role

from .lifecycle import CAUTION_STEPS, CautionState

CAUTION = ObjectKind(
    "caution",
    "testapp.Caution",
    CautionState,
    CAUTION_STEPS,
    audit_prefix="caution",
    slug="cautions",
    attach_roles=(Role.OFFICER,),
    not_queued={"lift": "A test kind: it has no flow."},
    not_offered={"lift": "A test kind: it has no API endpoint."},
)
register(CAUTION)
