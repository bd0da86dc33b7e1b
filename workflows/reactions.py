"""Everything a casework step causes beyond casework, in order: the one place to read it.

Casework notes each step (and each creation, each change of a rectification's evidence) in
its outbox, in the step's own transaction (casework.services.reactions); once that commits,
`react` is called for the row, by name from settings `CHENGXIN["REACTIONS"]`, in a
transaction of its own. Beat's `process_reactions` retries the rows still pending.
"""

from __future__ import annotations

from casework.models import Reaction
from notices import drafting

from . import follow


def react(reaction: Reaction) -> None:
    """What `reaction.step` on its object causes, with the object locked as a step locks it
    and seen as the step left it (`Reaction.subject`):

    1. the notices the step calls for are drafted, those it makes stale voided
       (notices.drafting: PRODUCED_AT, VOIDED_AT);
    2. the object's work process follows its new legal state (workflows.follow).

    Nothing is caught: a failure rolls both back, the reaction stays pending and is retried;
    both are idempotent, so a retry does what is left and nothing twice."""
    obj = reaction.subject()
    if obj is None:  # deleted since: nothing left to react on
        return
    drafting.draft_for_step(obj, reaction.step, acting_user=reaction.acting_user)
    follow.follow_step(obj, acting_user=reaction.acting_user)
