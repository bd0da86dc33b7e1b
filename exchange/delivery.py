"""The delivery engine of the outbox (exchange.models.Outbound): generic, channel → transport.

One run (`deliver`), for each configured channel, repeats rounds until nothing is left to send:
- claim the head of every stream — the oldest message of the stream still PENDING, due for an
  attempt, with no older PENDING or DEAD message in its stream — with SELECT … FOR UPDATE SKIP
  LOCKED, and lease it (next_attempt_at moved LEASE_SECONDS ahead) in a short transaction, so
  two workers never send the same message at once and a stream another worker is sending is
  skipped by this one (its next message is not a head while the first is pending);
- send them through the channel's transport outside any transaction (a slow receiver holds
  no lock); a worker that dies mid-send leaves the lease to run out, and the message is sent
  again with the same idempotency key, which the receiver counts once;
- store each answer: DELIVERED with the acknowledgement, or a failed attempt with its error
  and the next attempt after an exponential backoff (BACKOFF_SECONDS · 2^(attempts-1), capped
  at BACKOFF_MAX_SECONDS); after MAX_ATTEMPTS the message is DEAD (audited), on the credit
  administrator's dead-letter list. A DEAD message blocks its stream until it is re-sent
  (`resend`): the province must not receive an UPDATE or REVOKE of a record whose CREATE it
  never got.

`flag_overdue` raises the overdue alert once per message whose due date has passed
undelivered: an audit entry, and the count on the system page and the outbox list.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import audit, clock
from casework.action_labels import AuditAction
from casework.errors import DomainError, PermissionDeniedError
from casework.permissions import has_role
from casework.roles import Role

from . import transports
from .models import Outbound, OutboundState
from .province import columns
from .province import outbox as province_outbox

log = logging.getLogger(__name__)

DEFAULTS = {
    "LEASE_SECONDS": 900,
    "MAX_ATTEMPTS": 8,
    "BACKOFF_SECONDS": 60,
    "BACKOFF_MAX_SECONDS": 6 * 3600,
    "BATCH_SIZE": 200,
    "MAX_ROUNDS": 50,
}

#: What a channel's delivery changes beyond the outbox (the province's SyncEvents).
DELIVERED_HOOKS = {province_outbox.CHANNEL: province_outbox.acknowledged}
ATTEMPTED_HOOKS = {province_outbox.CHANNEL: province_outbox.attempted}


def option(name: str):
    return columns.exchange_settings().get(name, DEFAULTS[name])


def channels() -> dict[str, dict]:
    return columns.exchange_settings().get("CHANNELS", {})


def run(now: dt.datetime | None = None) -> dict[str, int]:
    """The beat task's work: copy new SyncEvents, deliver every channel, raise overdue alerts."""
    counts = {"province_copied": province_outbox.copy_sync_events()}
    counts |= deliver(now=now)
    counts["outbound_overdue"] = flag_overdue(clock.today())
    return counts


def deliver(*, now: dt.datetime | None = None, only: Iterable[str] | None = None) -> dict[str, int]:
    """Deliver what is due in every configured channel (or those in `only`). Returns per
    channel how many were delivered, failed and went dead."""
    counts: dict[str, int] = {}
    for channel, config in channels().items():
        if only is not None and channel not in only:
            continue
        transport = transports.for_channel(config)
        delivered = failed = dead = 0
        for _round in range(option("MAX_ROUNDS")):
            d, f, x, claimed = _round_of(channel, transport, now or timezone.now())
            delivered, failed, dead = delivered + d, failed + f, dead + x
            if not claimed:
                break
        counts |= {f"{channel}_delivered": delivered, f"{channel}_failed": failed, f"{channel}_dead": dead}
    return counts


def sendable(channel: str, now: dt.datetime):
    """The heads of the channel's streams that are due for an attempt."""
    blocking = Outbound.objects.filter(
        channel=OuterRef("channel"),
        stream=OuterRef("stream"),
        id__lt=OuterRef("id"),
        state__in=[OutboundState.PENDING, OutboundState.DEAD],
    )
    return (
        Outbound.objects.filter(channel=channel, state=OutboundState.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .exclude(Exists(blocking))
        .order_by("id")
    )


def _round_of(channel: str, transport, now: dt.datetime) -> tuple[int, int, int, int]:
    messages, lease = _claim(channel, now)
    if not messages:
        return 0, 0, 0, 0
    try:
        results = transport.send(messages)
    except Exception as exc:  # a transport's own failure fails the batch, to be retried
        log.warning("outbox %s: transport failed: %s", channel, exc)
        results = [transports.Result(False, error=f"{type(exc).__name__}: {exc}")] * len(messages)
    done, failed, dead = _record(channel, messages, results, lease=lease, now=now)
    return done, failed, dead, len(messages)


def _claim(channel: str, now: dt.datetime) -> tuple[list[Outbound], dt.datetime]:
    """Take the due heads (SKIP LOCKED) and lease them: their next attempt moves past the
    time a send can take, so no other worker picks them while this one sends, and a worker
    that dies leaves them to be retried when the lease ends. No transaction stays open while
    sending (a slow province must not hold row locks, nor SQLite's write lock)."""
    lease = now + dt.timedelta(seconds=option("LEASE_SECONDS"))
    with transaction.atomic():
        messages = list(sendable(channel, now).select_for_update(skip_locked=True)[: option("BATCH_SIZE")])
        if messages:
            Outbound.objects.filter(pk__in=[m.pk for m in messages]).update(next_attempt_at=lease)
    return messages, lease


def _record(channel: str, sent: list[Outbound], results, *, lease: dt.datetime, now: dt.datetime):
    """Store the answers of the messages this worker still holds (a lease that ran out and
    was taken by another worker is that worker's to record)."""
    by_id = {m.pk: r for m, r in zip(sent, results, strict=True)}
    done, failed, dead = [], [], []
    with transaction.atomic():
        held = list(
            Outbound.objects.filter(pk__in=list(by_id), state=OutboundState.PENDING, next_attempt_at=lease)
            .select_for_update()
            .order_by("id")
        )
        for message in held:
            result = by_id[message.pk]
            message.attempts += 1
            if result.ok:
                message.state, message.delivered_at = OutboundState.DELIVERED, timezone.now()
                message.acknowledgement, message.last_error, message.next_attempt_at = (
                    result.acknowledgement,
                    "",
                    None,
                )
                done.append(message)
                continue
            message.last_error = result.error[:2000]
            if message.attempts >= option("MAX_ATTEMPTS"):
                message.state, message.next_attempt_at = OutboundState.DEAD, None
                dead.append(message)
            else:
                message.next_attempt_at = now + backoff(message.attempts)
                failed.append(message)
        Outbound.objects.bulk_update(
            held, ["state", "attempts", "delivered_at", "acknowledgement", "last_error", "next_attempt_at"]
        )
        if done and channel in DELIVERED_HOOKS:
            DELIVERED_HOOKS[channel](done)
        if (failed or dead) and channel in ATTEMPTED_HOOKS:
            ATTEMPTED_HOOKS[channel](failed + dead)
        if dead:
            audit.append_many(
                dict(
                    actor=None,
                    role=audit.SYSTEM.role,
                    obj=m,
                    action=AuditAction.OUTBOUND_DEAD,
                    to_state=OutboundState.DEAD,
                    reason=m.last_error[:500],
                )
                for m in dead
            )
    return len(done), len(failed), len(dead)


def backoff(attempts: int) -> dt.timedelta:
    seconds = option("BACKOFF_SECONDS") * 2 ** max(attempts - 1, 0)
    return dt.timedelta(seconds=min(seconds, option("BACKOFF_MAX_SECONDS")))


def overdue(queryset, today: dt.date):
    return queryset.filter(due_on__lt=today).exclude(state=OutboundState.DELIVERED)


def flag_overdue(today: dt.date) -> int:
    """Raise the alert once for each message past its due date and not delivered."""
    with transaction.atomic():
        late = list(
            overdue(Outbound.objects.filter(overdue_alerted_at__isnull=True), today).select_for_update(
                skip_locked=True
            )
        )
        if not late:
            return 0
        audit.append_many(
            dict(
                actor=None,
                role=audit.SYSTEM.role,
                obj=m,
                action=AuditAction.OUTBOUND_OVERDUE,
                from_state=m.state,
                to_state=m.state,
                reason=f"due_on={m.due_on.isoformat()} attempts={m.attempts}",
            )
            for m in late
        )
        Outbound.objects.filter(pk__in=[m.pk for m in late]).update(overdue_alerted_at=timezone.now())
    return len(late)


@transaction.atomic(durable=True)
def resend(*, by: audit.Acting, message_ids: Iterable[int]) -> int:
    """The credit administrator sends dead messages again: PENDING, attempts from zero; the
    stream they blocked moves on once they are delivered. Each re-send is audited."""
    if not has_role(by.user, Role.CREDIT_ADMIN):
        raise PermissionDeniedError(_("只有信用管理员可以重新发送外发消息。"), code="permission_denied")
    ids = list(message_ids)
    messages = list(Outbound.objects.filter(pk__in=ids).select_for_update().order_by("id"))
    if not messages:
        raise DomainError(_("未找到要重新发送的外发消息。"), field="ids", code="not_found")
    not_dead = [m for m in messages if m.state != OutboundState.DEAD]
    if not_dead:
        raise DomainError(
            _("只能重新发送“发送失败”的消息：%(keys)s") % {"keys": "、".join(m.key for m in not_dead)},
            field="ids",
            code="not_dead",
        )
    Outbound.objects.filter(pk__in=[m.pk for m in messages]).update(
        state=OutboundState.PENDING, attempts=0, next_attempt_at=None
    )
    for m in messages:
        audit.append(
            by,
            obj=m,
            action=AuditAction.OUTBOUND_RESEND,
            from_state=OutboundState.DEAD,
            to_state=OutboundState.PENDING,
            reason=m.last_error[:500],
        )
    return len(messages)
