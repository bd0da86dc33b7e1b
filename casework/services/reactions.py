"""What a step causes beyond casework, as an outbox: noted in the step's transaction,
done after it commits, by the handler the top layer names.

Casework knows nothing of notices or workflows. Every step (`steps.apply_step`), creation
and set-based sweep notes a `Reaction` row in its own transaction and asks for it to be
processed once that transaction commits (`transaction.on_commit(..., robust=True)`): the
handler named in settings `CHENGXIN["REACTIONS"]` (config wires it:
`workflows.reactions.react`) then runs in a transaction of its own per row. A failing
reaction rolls back alone: the step stays done, the row stays pending with its attempts
counted and its error noted, Django logs it, and beat's `workflows.tasks.process_reactions`
retries it (`retry`). Nothing here catches the failure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from ..models import Reaction

#: A pending row younger than this with no attempt yet is its own transaction's to process
#: (on commit): the retry leaves it alone, so the two do not count an attempt each.
ON_COMMIT_GRACE = dt.timedelta(minutes=1)


def note(obj: models.Model, step: str, *, acting_user, role: str) -> None:
    """`obj` took `step` (or was "created"): react once the caller's transaction commits."""
    note_many([obj], step, acting_user=acting_user, role=role)


def note_many(objs: Iterable[models.Model], step: str, *, acting_user, role: str) -> None:
    """One row per object in one INSERT: the set-based sweeps' `note`."""
    rows = [_row(obj, step, acting_user, role) for obj in objs]
    for reaction in Reaction.objects.bulk_create(rows):
        transaction.on_commit(take_on_commit(reaction.pk), robust=True)


def _row(obj: models.Model, step: str, acting_user, role: str) -> Reaction:
    return Reaction(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        step=step,
        state=getattr(obj, "state", "") or "",
        acting_user=acting_user,
        role=str(role),
    )


def take_on_commit(pk: int) -> Callable[[], None]:
    """The on-commit hook that takes reaction `pk`: a plain function (Django's robust
    on_commit names a failing hook by its `__qualname__`, which a partial lacks)."""

    def take_reaction() -> None:
        take(pk)

    take_reaction.reaction_pk = pk  # type: ignore[attr-defined]
    return take_reaction


def take(pk: int) -> bool:
    """Do the pending reaction `pk` in its own transaction; False if it was done already
    or another worker holds it. The attempt is counted first, on its own, so a reaction
    that fails (or a worker that dies in it) leaves a visible pending row; the failure
    propagates (robust on_commit logs it, the retry task fails)."""
    if not Reaction.objects.filter(pk=pk, done_at__isnull=True).update(attempts=F("attempts") + 1):
        return False
    with _FailureNoted(pk), transaction.atomic():
        pending = Reaction.objects.select_for_update(skip_locked=True, of=("self",)).filter(
            pk=pk, done_at__isnull=True
        )
        reaction = pending.select_related("content_type", "acting_user").first()
        if reaction is None:
            return False
        handler()(reaction)
        Reaction.objects.filter(pk=pk).update(done_at=timezone.now(), last_error="")
    return True


def handler() -> Callable[[Reaction], None]:
    return import_string(settings.CHENGXIN["REACTIONS"])


class _FailureNoted:
    """Writes a failed attempt's error on its row, after the attempt's transaction rolled
    back, and lets the exception go on (it swallows nothing: `__exit__` returns False)."""

    def __init__(self, pk: int):
        self.pk = pk

    def __enter__(self) -> _FailureNoted:
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc is not None:
            error = f"{exc_type.__name__}: {exc}"[:2000]
            Reaction.objects.filter(pk=self.pk).update(last_error=error)
        return False


def retry() -> int:
    """Take every pending reaction but those whose own commit is taking them now; the
    least tried first, so one that keeps failing does not hold up the others. Stops at the
    first failure (the next run goes on). Returns how many were done."""
    return sum(take(pk) for pk in retryable().values_list("pk", flat=True))


def pending() -> models.QuerySet:
    return Reaction.objects.filter(done_at__isnull=True)


def retryable() -> models.QuerySet:
    young = timezone.now() - ON_COMMIT_GRACE
    return pending().filter(Q(attempts__gt=0) | Q(created_at__lt=young)).order_by("attempts", "pk")


def failed() -> models.QuerySet:
    """Pending reactions tried at least once: what the system page shows."""
    return pending().filter(attempts__gt=0)


def purge_done() -> int:
    """Delete the reactions done more than `CHENGXIN["REACTIONS_KEEP_DAYS"]` days ago (wall
    time, as `done_at`): a done row has served its purpose (the audit trail, not the outbox,
    records what happened) and is kept a while only to show what ran. A pending row stays."""
    cutoff = timezone.now() - dt.timedelta(days=settings.CHENGXIN["REACTIONS_KEEP_DAYS"])
    deleted, _by_model = Reaction.objects.filter(done_at__lt=cutoff).delete()
    return deleted
