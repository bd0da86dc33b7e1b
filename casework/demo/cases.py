"""Drive each demo case through casework.services, step by step, on the dates the case
happened: for each step the clock (casework.clock) is set to the step's date and the wall
clock (`timezone.now`, which stamps audit entries and timestamps) to a moment of that
morning, so deadlines, rule versions and the publish decision are those of that day, and
the case file reads as it would have been written.

The steps of all cases run in date order, so the audit chain is in time order too.

`Plan` knows the record's own steps; a higher layer (notices.demo) extends it with the
notices each step calls for, without casework knowing about notices.

A case is found again by its lead text. Each step names the audit action it writes on the
record; a re-run matches the steps, in order, against the record's audit trail and resumes
after the last one found: a complete case runs nothing.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from unittest import mock

from django.test.utils import override_settings
from django.utils import timezone

from .. import clock, rules
from ..calendar import WorkCalendar, current
from ..lifecycle import RecordState as S
from ..models import AuditEntry, Measure, Organisation, Person, Record, Track, User
from ..services import accountability as accountability_svc
from ..services import records as svc
from ..services import rectification as rectification_svc
from ..services import repair as repair_svc
from ..services.records import decided
from . import cases_decided, cases_open, cases_people
from . import subprocesses as sub
from .accounts import ACCOUNTS
from .spec import LADDER, Case

ALL_CASES: list[Case] = cases_open.CASES + cases_decided.CASES + cases_people.CASES
INTAKE_SOURCES = {"HOTLINE", "PETITION"}  # registered by the 线索登记员; the rest by the officer
SERVICE_METHODS = ["IN_PERSON", "MAIL", "ELECTRONIC"]
DAY = dt.timedelta(days=1)
#: Steps of one day are stamped from 09:00, a few minutes apart.
OFFICE_OPENS = dt.time(9, 0)
STEP_MINUTES = 4


class DemoError(Exception):
    pass


@dataclass(frozen=True)
class Step:
    action: str  # the audit action the step writes on the record: how a re-run finds it done
    day: dt.date
    run: Callable[..., object]  # called with record_id= (None for registering the lead)


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


class Plan:
    """The steps that take one case to its demo state, each on its own (working) day.

    The phases (`verify`, `propose`, `notice`, …) add the record's steps; a subclass adds
    what each step calls for after it (its notices) by extending the phases."""

    def __init__(self, case: Case, ctx: Context):
        self.case, self.ctx, self.day, self.steps = case, ctx, case.received, []
        self.officer, self.approver = ctx.users[case.by], ctx.users["approver"]
        self.determined_on: dt.date | None = None
        self.method = SERVICE_METHODS[_crc(case) % len(SERVICE_METHODS)]

    def after(self, days: int) -> dt.date:
        """The first working day on or after `days` days from the last step."""
        return self.ctx.calendar.roll_forward(self.day + days * DAY).date

    def add(self, action: str, day: dt.date, run: Callable[..., object], **kwargs) -> None:
        self.day = max(day, self.day)
        self.steps.append(Step(action, self.day, partial(run, **kwargs)))

    def build(self) -> list[Step]:
        """The steps after registering the lead, in order."""
        case, end = self.case, self.case.end_state
        if end == S.DISMISSED:
            phases = [self.verify, self.dismiss] if case.verified else [self.dismiss]
        else:
            reached = S.EFFECTIVE if end in (S.REVOKED, S.EXPIRED, S.REPAIRED) else end
            rungs = LADDER.index(reached) + 1 if reached in LADDER else 0
            phases = [self.verify, self.propose, self.notice, self.determine, self.serve][:rungs]
            if reached == S.EFFECTIVE:
                phases += [self.rectify] if case.order else []
                phases += [self.hold_to_account] if case.discipline else []
            phases += {S.REVOKED: [self.revoke], S.EXPIRED: [self.expire], S.REPAIRED: [self.repair]}.get(
                end, []
            )
        if case.state == S.ARCHIVED:
            phases.append(self.archive)
        for phase in phases:
            phase()
        return self.steps

    # ── the record's phases ──────────────────────────────────────────────────────

    def verify(self) -> None:
        self.add("start_verification", self.after(1), svc.record_start_verification, acting_user=self.officer)

    def dismiss(self) -> None:
        self.add(
            "dismiss", self.after(9), svc.record_dismiss, acting_user=self.approver, reason=self.case.closing
        )

    def propose(self) -> None:
        c = self.case
        self.add(
            "propose",
            self.after(11),
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
        """The approver approves the proposal (T5), then the 事前告知书 is served."""
        day = self.after(2 if self.steps[-1].action == "answer_defence" else 4)
        self.add("approve_pre_notice", day, svc.record_approve_pre_notice, acting_user=self.approver)
        self.serve_pre_notice()

    def serve_pre_notice(self) -> None:
        """Its service opens the defence window. Recorded on its own here, as where no issuer
        drafts the notice; NoticePlan serves the issued notice instead."""
        day = self.after(1)
        self.add(
            "serve_pre_notice",
            day,
            svc.record_pre_notice_served,
            acting_user=self.officer,
            served_on=day,
        )

    def defend(self) -> None:
        defender = self.ctx.defender(self.case)
        self.add(
            "submit_defence",
            self.after(2),
            svc.record_submit_defence,
            acting_user=defender,
            statement=self.case.defence,
        )
        if self.case.reply:
            self.add(
                "answer_defence",
                self.after(3),
                svc.record_answer_defence,
                acting_user=self.officer,
                reply=self.case.reply,
            )

    def determine(self) -> None:
        day = self.after(1) if self.case.waived else self.after_defence_window(2)
        self.add(
            "determine",
            day,
            svc.record_determine,
            acting_user=self.approver,
            determination_date=day,
            defence_waived=self.case.waived,
        )
        self.determined_on = day

    def after_defence_window(self, days: int) -> dt.date:
        """`days` after the defence window that starts on the last step's day."""
        rule = rules.deadline_rule("defence_window")
        due = self.ctx.calendar.add(self.day, rule.amount, rule.unit, roll=rule.roll_forward).date
        return self.ctx.calendar.roll_forward(due + days * DAY).date

    def serve(self) -> None:
        """T8, recorded on its own as where no issuer drafts the notices; NoticePlan serves
        the 政务失信记录告知书 with the 信用修复告知书 instead."""
        day = self.after(3)
        self.add(
            "serve",
            day,
            decided.record_serve,
            acting_user=self.officer,
            served_on=day,
            method=self.method,
            proof=proof_of(self.method, self.case),
            recipient_consent=self.method == "ELECTRONIC",
        )

    # ── what follows a record in force ─────────────────────────────────────────────

    def rectify(self) -> None:
        """A rectification order: drafted by the officer, issued by the approver, served; the
        unit explains the causes and uploads evidence for some items."""
        order, unit = self.case.order, self.ctx.defender(self.case)
        items = [
            {
                "requirement": item.requirement,
                "acceptance_criteria": item.criteria,
                "required_evidence": item.evidence,
                "period_days": item.days,
            }
            for item in order.items
        ]
        self.add("rectification.draft", order.drafted, sub.draft_order, acting_user=self.officer, items=items)
        issue = rectification_svc.rectification_issue
        self.add("rectification.issue", self.after(1), sub.on_order, service=issue, acting_user=self.approver)
        self.serve_order()
        if order.explanation:
            explain = rectification_svc.rectification_explain
            self.add(
                "rectification.explain",
                self.after(6),
                sub.on_order,
                service=explain,
                acting_user=unit,
                explanation=order.explanation,
            )
        for number, name in order.uploads:
            self.add(
                "attachment.upload",
                self.after(3),
                sub.upload_evidence,
                acting_user=unit,
                number=number,
                name=name,
            )

    def serve_order(self) -> None:
        """Recorded on its own here, as where no issuer drafts the 整改通知书; NoticePlan
        serves the notice instead. The items' periods run from it."""
        day = self.after(2)
        serve = rectification_svc.rectification_serve
        self.add(
            "rectification.serve", day, sub.on_order, service=serve, acting_user=self.officer, served_on=day
        )

    def hold_to_account(self) -> None:
        """An accountability case about a person responsible: investigated by two officers,
        the person heard, deliberated, decided by the approver, the decision served."""
        d, acc = self.case.discipline, accountability_svc
        person = self.ctx.people[d.person].pk
        day = max(d.initiated, self.day)
        self.add(
            "accountability.initiate",
            day,
            sub.open_case,
            acting_user=self.officer,
            track=Track.SUPERVISORY,
            reason=d.reason,
            person_ids=[person],
            initiated_on=day,
        )
        second = self.ctx.users["officer2" if self.officer.username == "officer" else "officer"]
        self.add(
            "accountability.investigate",
            day,
            sub.on_case,
            service=acc.accountability_investigate,
            acting_user=self.officer,
            investigators=[self.officer.pk, second.pk],
        )
        heard = self.after(10)
        self.add(
            "accountability.hear",
            heard,
            sub.on_case,
            service=acc.accountability_hear,
            acting_user=self.officer,
            notified_on=heard,
            statement=d.statement,
        )
        self.add(
            "accountability.deliberate",
            self.after(3),
            sub.on_case,
            service=acc.accountability_deliberate,
            acting_user=self.officer,
            opinion=d.opinion,
        )
        decided_on = self.after(4)
        decisions = [{"person_id": person, "decision_type": d.decision_type, "basis": d.basis}]
        self.add(
            "accountability.decide",
            decided_on,
            sub.on_case,
            service=acc.accountability_decide,
            acting_user=self.approver,
            decisions=decisions,
            decided_on=decided_on,
        )
        self.serve_decision()

    def serve_decision(self) -> None:
        """Recorded on its own here, as for a decision this system issues no notice of;
        NoticePlan serves the decision notices instead. The appeal window runs from it."""
        day = self.after(2)
        serve = accountability_svc.accountability_serve
        self.add(
            "accountability.serve", day, sub.on_case, service=serve, acting_user=self.officer, served_on=day
        )

    def repair(self) -> None:
        """The officer records a repair application received on paper, with the subject's
        credit commitment; it is accepted on filing (every condition met) and the approver
        grants it: the record is REPAIRED."""
        r = self.case.repair
        self.add(
            "repairapplication.apply",
            max(r.applied, self.day),
            sub.apply_for_repair,
            acting_user=self.officer,
            commitment=r.commitment,
        )
        self.accepted_repair()
        grant = repair_svc.repair_grant
        self.add(
            "repairapplication.grant", self.after(2), sub.on_repair, service=grant, acting_user=self.approver
        )
        self.granted_repair()

    def accepted_repair(self) -> None:
        """What follows the acceptance (NoticePlan: its 受理通知书)."""

    def granted_repair(self) -> None:
        """What follows the grant (NoticePlan: the 信用修复决定书)."""

    def revoke(self) -> None:
        c = self.case
        self.add(
            "revoke",
            self.after(40),
            decided.record_revoke,
            acting_user=self.approver,
            reason=c.closing,
            document=c.document,
        )

    def expire(self) -> None:
        """The scheduler's run on the day after the longest disclosure period."""
        c = self.case
        window = rules.disclosure_window(c.tier, self.determined_on, must_disclose=c.must_disclose)
        self.add("expire", max(window.max_end, self.day) + DAY, decided.record_expire, acting_user=None)

    def archive(self) -> None:
        by_system = self.case.closed_as == S.EXPIRED
        self.add(
            "archive", self.after(7), decided.record_archive, acting_user=None if by_system else self.officer
        )


def _crc(case: Case) -> int:
    return zlib.crc32(case.lead.encode())


def proof_of(method: str, case: Case) -> str:
    if method == "MAIL":
        return f"EMS 邮件号 1{_crc(case) % 10**12:012d} 妥投回执"
    if method == "ELECTRONIC":
        return "粤政易电子送达回执（受送达人已书面同意电子送达）"
    return "送达回证（受送达人当场签收）"


def plan(case: Case, ctx: Context, plan_class: type[Plan] = Plan) -> list[Step]:
    """Every step of the case, registering the lead first."""
    register = Step("register_lead", case.received, partial(_register, case, ctx))
    return [register, *plan_class(case, ctx).build()]


@contextmanager
def clock_at(moment: dt.datetime) -> Iterator[None]:
    """Legal date and wall clock at `moment` (a demo seeds a past, so timestamps say when)."""
    with override_settings(CHENGXIN_TODAY=timezone.localdate(moment).isoformat()):
        with mock.patch("django.utils.timezone.now", return_value=moment):
            yield


def _register(case: Case, ctx: Context, record_id: None = None) -> Record:
    actor = ctx.users["intake" if case.source in INTAKE_SOURCES else case.by]
    return svc.record_register_lead(
        acting_user=actor,
        source=case.source,
        lead_content=case.lead,
        received_on=case.received,
        **ctx.subject_ids(case),
    )


def steps_done(record: Record | None, steps: list[Step]) -> int:
    """How many of `steps` the record's audit trail shows, matched in order."""
    if record is None:
        return 0
    actions = AuditEntry.objects.filter(record=record).order_by("seq").values_list("action", flat=True)
    done, it = 0, iter(actions)
    for step in steps:
        if not any(action == step.action for action in it):
            break
        done += 1
    return done


def check_dates(plans: list[tuple[Case, list[Step]]], today: dt.date) -> None:
    latest = max(s.day for _case, steps in plans for s in steps)
    if latest > today:
        raise DemoError(f"演示数据的最晚日期为 {latest}，晚于今天（{today}），不能在此日期之前写入。")


def build_records(ctx: Context, plan_class: type[Plan] = Plan) -> tuple[int, int]:
    """(records created, steps run after registering) over all demo cases, in date order."""
    plans = [(case, plan(case, ctx, plan_class)) for case in ALL_CASES]
    check_dates(plans, clock.today())
    ids: dict[int, int] = {}
    pending: list[tuple[dt.date, int, int, Step]] = []
    for index, (case, steps) in enumerate(plans):
        record = Record.objects.filter(lead_content=case.lead).first()
        if record is not None:
            ids[index] = record.pk
        done = steps_done(record, steps)
        pending += [(step.day, index, n, step) for n, step in enumerate(steps) if n >= done]
    pending.sort(key=lambda item: item[:3])
    created = ran = 0
    per_day: dict[dt.date, int] = defaultdict(int)
    for day, index, _n, step in pending:
        minutes, per_day[day] = per_day[day] * STEP_MINUTES, per_day[day] + 1
        moment = timezone.make_aware(dt.datetime.combine(day, OFFICE_OPENS)) + dt.timedelta(minutes=minutes)
        with clock_at(moment):
            result = step.run(record_id=ids.get(index))
        if step.action == "register_lead":
            ids[index], created = result.pk, created + 1
        else:
            ran += 1
    return created, ran
