from django.db import models
from django_fsm import FSMField

from casework.models.steps import StepMachine

from .lifecycle import CAUTION_STEPS, CautionState


class Caution(StepMachine, models.Model):
    """A warning on a record (警示): the next issue's kind of object, in miniature."""

    record = models.ForeignKey("casework.Record", on_delete=models.CASCADE, related_name="+")
    state = FSMField(default=CautionState.ISSUED, choices=CautionState.choices, protected=True)
    steps = CAUTION_STEPS  # one transition method per row (StepMachine)
    text = models.TextField(default="")

    class Meta:
        verbose_name = "警示"

    def __str__(self) -> str:
        return f"警示 {self.pk}"
