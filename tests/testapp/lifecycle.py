"""The test kind's state table, in the same shape as casework.lifecycle's."""

from django.db import models

from casework.lifecycle import Step
from casework.roles import Role


class CautionState(models.TextChoices):
    ISSUED = "ISSUED", "警示中"
    LIFTED = "LIFTED", "已解除"


CAUTION_STEPS = {
    "lift": Step(
        "lift", "解除警示", (CautionState.ISSUED,), CautionState.LIFTED, frozenset({Role.APPROVER}), "test"
    ),
}
