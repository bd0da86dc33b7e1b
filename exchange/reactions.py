"""The reaction handler this deployment names in settings CHENGXIN["REACTIONS"]: what a
casework step causes in the layers above, in order, in the reaction's one transaction.

1. the workflows' reaction (notices drafted, the work process follows: workflows.reactions);
2. exchange's follow-up: a lead that came from complaints and closes sends them its result
   (exchange.complaints.feedback.follow_up).

Explicit calls, no registry of listeners: exchange sits above workflows (ARCHITECTURE §2)."""

from __future__ import annotations

from casework.models import Reaction
from workflows import reactions as workflow_reactions

from .complaints import feedback


def react(reaction: Reaction) -> None:
    workflow_reactions.react(reaction)
    obj = reaction.subject()
    if obj is not None:
        feedback.follow_up(obj, reaction.step)
