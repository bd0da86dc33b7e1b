from django.db import models
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from .lifecycle import CAUTION_STEPS, CautionState


class Caution(ConcurrentTransitionMixin, models.Model):
    """A warning on a record (警示): the next issue's kind of object, in miniature."""

    record = models.ForeignKey("casework.Record", on_delete=models.CASCADE, related_name="+")
    state = FSMField(default=CautionState.ISSUED, choices=CautionState.choices, protected=True)
    text = models.TextField(default="")

    class Meta:
        verbose_name = "警示"

    def __str__(self) -> str:
        return f"警示 {self.pk}"

    @transition(state, source=CAUTION_STEPS["lift"].sources, target=CAUTION_STEPS["lift"].target)
    def lift(self) -> None: ...
