"""Drive each demo case through casework.services.records, step by step, on the dates the
case happened: the clock (casework.clock) is set to each step's date, so deadlines, rule
versions and the publish decision are those of that day, and every step has its audit entry.

A case is found again by its lead text. Each step writes exactly one audit entry, so the
number of step entries tells how far an earlier, interrupted run got: a re-run resumes there.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from django.test.utils import override_settings

from .. import clock, rules
from ..calendar import WorkCalendar, current
from ..lifecycle import RECORD_STEPS
from ..lifecycle import RecordState as S
from ..models import Measure, Organisation, Person, Record, User
from ..services import decided_records as decided
from ..services import records as svc
from . import cases_decided, cases_open, cases_people
from .accounts import ACCOUNTS
from .spec import LADDER, Case

ALL_CASES: list[Case] = cases_open.CASES + cases_decided.CASES + cases_people.CASES
INTAKE_SOURCES = {"HOTLINE", "PETITION"}  # registered by the 线索登记员; the rest by the officer
SERVICE_METHODS = ["IN_PERSON", "MAIL", "ELECTRONIC"]
DAY = dt.timedelta(days=1)


class DemoError(Exception):
    pass


@dataclass(frozen=True)
class Step:
    action: str
    day: dt.date
    run: Callable[..., Record]  # called with record_id=


@dataclass
class Context:
    users: dict[str, User]
    orgs: dict[str, Organisation]
    people: dict[str, Person]
    calendar: WorkCalendar = field(default_factory=current)
    measures: dict[str, int] = field(default_factory=lambda: dict(Measure.objects.values_list("code", "pk")))

    def subject_ids(self, case: Case) -> dict[str, int]:
        if case.person:
            return {"subject_person_id": self.people[case.person].pk}
        return {"subject_organisation_id": self.orgs[case.subject].pk}

    def defender(self, case: Case) -> User:
        """Who files the 陈述申辩: the unit's liaison or the person's own account when the demo
        has one, otherwise the officer, recording a statement received on paper."""
        for account in ACCOUNTS:
            liaison = account.role == "unit_liaison" and account.unit == case.subject
            if liaison or (case.person and account.person == case.person):
                return self.users[account.username]
        return self.users[case.by]


class _Plan:
    """The steps that take one case to its demo state, each on its own (working) day."""

    def __init__(self, case: Case, ctx: Context):
        self.case, self.ctx, self.day, self.steps = case, ctx, case.received, []
        self.officer, self.approver = ctx.users[case.by], ctx.users["approver"]
        self.determined_on: dt.date | None = None

    def _after(self, days: int) -> dt.date:
        return self.ctx.calendar.roll_forward(self.day + days * DAY).date

    def _add(self, action: str, day: dt.date, service: Callable[..., Record], **kwargs) -> None:
        self.day = day
        self.steps.append(Step(action, day, partial(service, **kwargs)))

    def verify(self) -> None:
        self._add(
            "start_verification", self._after(1), svc.record_start_verification, acting_user=self.officer
        )

    def dismiss(self) -> None:
        self._add(
            "dismiss", self._after(9), svc.record_dismiss, acting_user=self.approver, reason=self.case.closing
        )

    def propose(self) -> None:
        c = self.case
        self._add(
            "propose",
            self._after(11),
            svc.record_propose,
            acting_user=self.officer,
            category=c.category,
            domain=c.domain,
            tier=c.tier,
            facts=c.facts,
            legal_basis=c.legal_basis(),
            measure_ids=[self.ctx.measures[code] for code in c.measure_codes()],
            tier_rationale=c.tier_rationale(),
            must_disclose=c.must_disclose,
        )
        if c.defence:
            self.notice()
            self.defend()

    def notice(self) -> None:
        day = self._after(2 if self.steps[-1].action == "answer_defence" else 4)
        self._add(
            "approve_pre_notice", day, svc.record_approve_pre_notice, acting_user=self.approver, served_on=day
        )

    def defend(self) -> None:
        defender = self.ctx.defender(self.case)
        self._add(
            "submit_defence",
            self._after(2),
            svc.record_submit_defence,
            acting_user=defender,
            statement=self.case.defence,
        )
        if self.case.reply:
            self._add(
                "answer_defence",
                self._after(3),
                svc.record_answer_defence,
                acting_user=self.officer,
                reply=self.case.reply,
            )

    def determine(self) -> None:
        day = self._after(1) if self.case.waived else self._after_defence_window(2)
        self._add(
            "determine",
            day,
            svc.record_determine,
            acting_user=self.approver,
            determination_date=day,
            defence_waived=self.case.waived,
        )
        self.determined_on = day

    def _after_defence_window(self, days: int) -> dt.date:
        rule = rules.deadline_rule("defence_window")
        due = self.ctx.calendar.add(self.day, rule.amount, rule.unit, roll=rule.roll_forward).date
        return self.ctx.calendar.roll_forward(due + days * DAY).date

    def serve(self) -> None:
        day, method = self._after(3), SERVICE_METHODS[_crc(self.case) % len(SERVICE_METHODS)]
        self._add(
            "serve",
            day,
            decided.record_serve,
            acting_user=self.officer,
            served_on=day,
            method=method,
            proof=_proof(method, self.case),
            recipient_consent=method == "ELECTRONIC",
        )

    def revoke(self) -> None:
        c = self.case
        self._add(
            "revoke",
            self._after(40),
            decided.record_revoke,
            acting_user=self.approver,
            reason=c.closing,
            document=c.document,
        )

    def expire(self) -> None:
        """The scheduler's run on the day after the longest disclosure period."""
        c = self.case
        window = rules.disclosure_window(c.tier, self.determined_on, must_disclose=c.must_disclose)
        self._add("expire", max(window.max_end, self.day) + DAY, decided.record_expire, acting_user=None)

    def archive(self) -> None:
        by_system = self.case.closed_as == S.EXPIRED
        self._add(
            "archive", self._after(7), decided.record_archive, acting_user=None if by_system else self.officer
        )


def _crc(case: Case) -> int:
    return zlib.crc32(case.lead.encode())


def _proof(method: str, case: Case) -> str:
    if method == "MAIL":
        return f"EMS 邮件号 1{_crc(case) % 10**12:012d} 妥投回执"
    if method == "ELECTRONIC":
        return "粤政易电子送达回执（受送达人已书面同意电子送达）"
    return "送达回证（受送达人当场签收）"


def plan(case: Case, ctx: Context) -> list[Step]:
    """The steps after registering the lead, in order."""
    p, end = _Plan(case, ctx), case.end_state
    if end == S.DISMISSED:
        phases = [p.verify, p.dismiss] if case.verified else [p.dismiss]
    else:
        reached = S.EFFECTIVE if end in (S.REVOKED, S.EXPIRED) else end
        rungs = LADDER.index(reached) + 1 if reached in LADDER else 0
        phases = [p.verify, p.propose, p.notice, p.determine, p.serve][:rungs]
        phases += {S.REVOKED: [p.revoke], S.EXPIRED: [p.expire]}.get(end, [])
    if case.state == S.ARCHIVED:
        phases.append(p.archive)
    for phase in phases:
        phase()
    return p.steps


def clock_at(day: dt.date):
    return override_settings(CHENGXIN_TODAY=day.isoformat())


def _register(case: Case, ctx: Context) -> Record:
    actor = ctx.users["intake" if case.source in INTAKE_SOURCES else case.by]
    with clock_at(case.received):
        return svc.record_register_lead(
            acting_user=actor,
            source=case.source,
            lead_content=case.lead,
            received_on=case.received,
            **ctx.subject_ids(case),
        )


def _steps_done(record: Record) -> int:
    return record.audit_entries.filter(action__in=list(RECORD_STEPS)).count()


def build_case(case: Case, steps: list[Step], ctx: Context) -> tuple[bool, int]:
    """(whether the record was created, how many steps ran)."""
    record = Record.objects.filter(lead_content=case.lead).first()
    created = record is None
    if created:
        record = _register(case, ctx)
    todo = steps[_steps_done(record) :]
    for step in todo:
        with clock_at(step.day):
            step.run(record_id=record.pk)
    return created, len(todo)


def check_dates(plans: list[tuple[Case, list[Step]]], today: dt.date) -> None:
    latest = max(max([c.received] + [s.day for s in steps]) for c, steps in plans)
    if latest > today:
        raise DemoError(f"演示数据的最晚日期为 {latest}，晚于今天（{today}），不能在此日期之前写入。")


def build_records(ctx: Context) -> tuple[int, int]:
    """(records created, steps run) over all demo cases."""
    plans = [(case, plan(case, ctx)) for case in ALL_CASES]
    check_dates(plans, clock.today())
    created = steps = 0
    for case, case_steps in plans:
        new, ran = build_case(case, case_steps, ctx)
        created, steps = created + new, steps + ran
    return created, steps
