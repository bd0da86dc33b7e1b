"""The oversight demo (`manage.py seed_oversight_demo`, after `seed_demo` and
`seed_exchange_demo`): integrity files opened for the units' civil servants (not all of them),
commitments in every state, units' self-reports and quarterly reports, and the 2026 annual
assessment approved with one unit's objection pending, so /work/assessment/, /work/commitments/,
/work/integrity/ and /unit/reports/ are not empty when a person first tries the product.

Everything goes through the services a user's request would call, each step on its own day of
October–November 2026 (before the base demo's tests' "today"), with the legal date and the wall
clock set as casework.demo sets them (exchange.demo's Clock). The assessment comes last, so its
computed deductions count the commitments and reports seeded before it.

Idempotent: each item is found again by its natural key (a person's file, a commitment's
document title, a report's document number or quarter, the assessment's year and state) and
only what is missing is done. Layering: oversight sits above exchange, so neither lower demo
calls this; the Makefile runs all three.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from casework import clock
from casework.models import Organisation, Person, User
from exchange.demo import Clock

from .assessment import objections as assessment_objections
from .assessment import scoring
from .assessment import services as assessment
from .commitments import services as commitments
from .commitments.alerts import sync_commitment_alerts
from .commitments.lifecycle import CommitmentType, MilestoneState, Reason
from .integrity import services as integrity
from .integrity.alerts import sync_file_alerts
from .models import (
    Assessment,
    AssessmentState,
    ChangeRequest,
    Commitment,
    FileEntry,
    IntegrityFile,
    LineOrigin,
    QuarterlyReport,
    ResultObjection,
    SelfReport,
)
from .models.integrity import EntryKind
from .models.selfreports import SelfReportKind
from .selfreports import services as selfreports
from .selfreports.alerts import sync_report_alerts
from .sweeps import risk_alerts

#: Demo accounts this demo acts as: without them (no `seed_demo`), it does nothing.
NEEDED_USERS = ("officer", "approver", "hr_admin", "liaison", "liaison2", "assessor")
NEEDED_UNITS = ("市交通运输局", "虎门镇", "茶山镇", "石龙镇")
YEAR = 2026


class MissingBaseDemo(Exception):
    pass


class DemoDateError(Exception):
    pass


@dataclass
class Summary:
    files: int = 0
    entries: int = 0
    commitments: int = 0
    milestones: int = 0
    changes: int = 0
    reports: int = 0
    assessment_steps: int = 0
    objections: int = 0
    alerts: int = 0
    skipped: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(
            [
                self.files,
                self.entries,
                self.commitments,
                self.milestones,
                self.changes,
                self.reports,
                self.assessment_steps,
                self.objections,
                self.alerts,
            ]
        )


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


# ── the data ───────────────────────────────────────────────────────────────────────

FILES_DAY = _day("2026-10-09")
ENTRY_DAY = _day("2026-10-12")

#: Hand entries in three people's files: (kind, date, description, result, year).
ENTRIES = [
    (EntryKind.COMMENDATION, "2026-09-28", "在2026年度政务诚信建设工作中表现突出，予以嘉奖。", "", None),
    (EntryKind.TRAINING, "2026-09-15", "参加市政务诚信建设专题培训（8学时）。", "考试合格", None),
    (EntryKind.ANNUAL_ASSESSMENT, "2026-01-20", "2025年度公务员年度考核。", "优秀", 2025),
]


@dataclass(frozen=True)
class DemoMilestone:
    description: str
    due_on: str
    # ("perform", day) | ("miss", day, reason, explanation) | None: still pending
    outcome: tuple = ()


@dataclass(frozen=True)
class DemoCommitment:
    day: str
    unit: str
    type: str
    counterparty: str
    title: str
    number: str
    obligations: str
    milestones: tuple[DemoMilestone, ...]
    # (day, reason, procedure, compensation): a change request left for the approver
    change: tuple[str, str, str, str] | None = None


COMMITMENTS = [
    DemoCommitment(
        "2026-10-13",
        "市交通运输局",
        CommitmentType.POLICY,
        "东莞市公交运营企业",
        "关于2026年度新能源公交车运营补贴的承诺函",
        "东交函〔2026〕88号",
        "按季度向公交运营企业拨付新能源公交车运营补贴，第三季度补贴于2026年10月31日前拨付到位。",
        (DemoMilestone("拨付第三季度运营补贴", "2026-10-31", ("perform", "2026-10-29")),),
    ),
    DemoCommitment(
        "2026-10-13",
        "茶山镇",
        CommitmentType.INVESTMENT,
        "东莞市茶山精密制造有限公司",
        "茶山镇招商引资项目投资协议",
        "茶府协〔2026〕12号",
        "企业完成技术改造并通过验收后，镇政府按协议兑现技改补贴50万元。",
        (DemoMilestone("兑现技改补贴50万元", "2026-12-18"),),
    ),
    DemoCommitment(
        "2026-10-14",
        "石龙镇",
        CommitmentType.CONTRACT,
        "东莞市粤水建设工程有限公司",
        "石龙镇河堤加固工程施工合同",
        "石府合〔2025〕31号",
        "工程竣工验收后60日内支付工程尾款186万元。",
        (
            DemoMilestone(
                "支付工程尾款186万元",
                "2026-10-20",
                ("miss", "2026-10-22", Reason.RESTRUCTURING, "镇属工程管理机构调整，付款审批人员未到位。"),
            ),
        ),
    ),
    DemoCommitment(
        "2026-10-14",
        "虎门镇",
        CommitmentType.PUBLIC,
        "虎门镇辖区群众",
        "虎门镇2026年度为民办实事公开承诺",
        "虎府〔2026〕5号",
        "2026年底前完成镇中心农贸市场升级改造并投入使用。",
        (DemoMilestone("农贸市场升级改造完工并投入使用", "2026-12-31"),),
        change=(
            "2026-11-04",
            Reason.PUBLIC_INTEREST,
            "因市重点交通工程用地调整，经虎门镇党委会议研究、镇人民政府第18次常务会议决定（虎府会〔2026〕18号），"
            "农贸市场改造地块调整至新址。",
            "新址改造费用由镇财政全额承担，改造期间临时市场免收摊位费。",
        ),
    ),
]


@dataclass(frozen=True)
class DemoSelfReport:
    unit_user: str
    kind: str
    number: str
    body: str
    received: str
    submitted: str
    summary: str


SELF_REPORTS = [
    DemoSelfReport(
        "liaison",
        SelfReportKind.JUDGMENT,
        "（2026）粤1971民初8812号",
        "东莞市第一人民法院",
        "2026-10-19",
        "2026-10-21",
        "判决本单位支付某客运公司线路经营权补偿款人民币42万元，本单位未上诉，判决已生效。",
    ),
    DemoSelfReport(
        "liaison2",
        SelfReportKind.PENALTY,
        "东税罚〔2026〕1093号",
        "国家税务总局东莞市税务局",
        "2026-10-12",
        "2026-10-26",  # after the 5 working days: a late report
        "因未按期申报代扣代缴个人所得税，对本单位处以罚款人民币2000元。",
    ),
]

#: (user, year, quarter, submitted): 虎门镇 reports 无 for the third quarter and never its
#: second; 市交通运输局 never reports its third.
QUARTERLY = [("liaison2", 2026, 3, "2026-10-13")]

ASSESSMENT_DAYS = {
    "create": _day("2026-11-02"),
    "start_scoring": _day("2026-11-03"),
    "adjust": _day("2026-11-04"),
    "submit": _day("2026-11-05"),
    "approve": _day("2026-11-06"),
    "object": _day("2026-11-10"),
}
ADDITION = ("虎门镇", "5", "虎门镇“信用+政务服务”经验获省发展改革委通报推广。")
DEDUCTION = ("茶山镇", "-2", "茶山镇对企业技改补贴投诉的答复逾期，经核查属实。")
OBJECTION = (
    "本单位2026年10月收到的（2026）粤1971民初8812号判决已按时主动报告并全额履行，"
    "不应按政务失信事项扣分，请予复核。"
)

LATEST_DAY = max(
    [FILES_DAY, ENTRY_DAY, *ASSESSMENT_DAYS.values()]
    + [_day(c.day) for c in COMMITMENTS]
    + [_day(c.change[0]) for c in COMMITMENTS if c.change]
    + [_day(m.outcome[1]) for c in COMMITMENTS for m in c.milestones if m.outcome]
    + [_day(r.submitted) for r in SELF_REPORTS]
    + [_day(q[3]) for q in QUARTERLY]
)


# ── seeding ──────────────────────────────────────────────────────────────────────────


def seed() -> Summary:
    users = _base_demo()
    today = clock.today()
    if today < LATEST_DAY:
        raise DemoDateError(f"监督模块演示数据的最晚日期为 {LATEST_DAY}，晚于今天（{today}）。")
    summary = Summary()
    orgs = {o.short_name: o for o in Organisation.objects.filter(short_name__in=NEEDED_UNITS)}
    at = Clock()
    summary.files, summary.entries = seed_files(users["hr_admin"], at, summary)
    seed_commitments(users, orgs, at, summary)
    summary.reports = seed_reports(users, at)
    seed_assessment(users, orgs, at, summary)
    summary.alerts = sync_alerts(today)
    return summary


def _base_demo() -> dict[str, User]:
    users = {u.username: u for u in User.objects.filter(username__in=NEEDED_USERS)}
    units = set(Organisation.objects.filter(short_name__in=NEEDED_UNITS).values_list("short_name", flat=True))
    if len(users) < len(NEEDED_USERS) or units != set(NEEDED_UNITS):
        raise MissingBaseDemo("未找到基础演示数据（请先运行 manage.py seed_demo）。")
    return users


# ── integrity files ──────────────────────────────────────────────────────────────────


def left_without_file() -> Person | None:
    """The one civil servant HR has not got to yet (coverage below 100%): the newest of the
    unit with the most people, so a second run leaves out the same person."""
    people = Person.objects.filter(is_active=True, unit__isnull=False)
    counts: dict[int, int] = {}
    for unit_id in people.values_list("unit_id", flat=True):
        counts[unit_id] = counts.get(unit_id, 0) + 1
    if not counts:
        return None
    unit_id = max(sorted(counts), key=lambda pk: counts[pk])
    return people.filter(unit_id=unit_id).order_by("-pk").first()


def seed_files(hr: User, at: Clock, summary: Summary) -> tuple[int, int]:
    skipped = left_without_file()
    opened = 0
    unit_ids = sorted(
        set(
            Person.objects.filter(
                is_active=True, unit__isnull=False, integrity_file__isnull=True
            ).values_list("unit_id", flat=True)
        )
    )
    for unit_id in unit_ids:
        if skipped is not None and unit_id == skipped.unit_id:
            waiting = Person.objects.filter(unit_id=unit_id, is_active=True, integrity_file__isnull=True)
            for person in waiting.exclude(pk=skipped.pk).order_by("pk"):
                with at.at(FILES_DAY):
                    integrity.file_open(acting_user=hr, person_id=person.pk)
                opened += 1
        else:
            with at.at(FILES_DAY):
                opened += integrity.files_open_for_unit(acting_user=hr, unit_id=unit_id)
    files = list(IntegrityFile.objects.select_related("person").order_by("pk")[: len(ENTRIES)])
    if len(files) < len(ENTRIES):
        summary.skipped.append("诚信档案：公务员不足，未写入手工记载。")
        return opened, 0
    added = 0
    for file, (kind, day, description, result, year) in zip(files, ENTRIES, strict=True):
        if FileEntry.objects.filter(file=file, kind=kind, description=description).exists():
            continue
        with at.at(ENTRY_DAY):
            integrity.file_entry_add(
                acting_user=hr,
                person_id=file.person_id,
                kind=kind,
                entry_date=_day(day),
                description=description,
                result=result,
                year=year,
            )
        added += 1
    return opened, added


# ── commitments ──────────────────────────────────────────────────────────────────────


def seed_commitments(users, orgs, at: Clock, summary: Summary) -> None:
    officer = users["officer"]
    keepers = {"市交通运输局": users["liaison"], "虎门镇": users["liaison2"]}
    for item in COMMITMENTS:
        promisor = orgs[item.unit]
        commitment = Commitment.objects.filter(promisor=promisor, document_title=item.title).first()
        if commitment is None:
            data = commitments.CommitmentInput(
                promisor_id=promisor.pk,
                counterparty_name=item.counterparty,
                type=item.type,
                document_title=item.title,
                document_number=item.number,
                obligations=item.obligations,
            )
            with at.at(_day(item.day)):
                commitment = commitments.commitment_register(acting_user=officer, data=data)
            summary.commitments += 1
        keeper = keepers.get(item.unit, officer)
        for spec in item.milestones:
            milestone = commitment.milestones.filter(description=spec.description).first()
            if milestone is None:
                with at.at(_day(item.day)):
                    milestone = commitments.milestone_add(
                        acting_user=keeper,
                        commitment_id=commitment.pk,
                        description=spec.description,
                        due_on=_day(spec.due_on),
                    )
                summary.milestones += 1
            if spec.outcome and milestone.state == MilestoneState.PENDING:
                step, day, *rest = spec.outcome
                with at.at(_day(day)):
                    if step == "perform":
                        commitments.milestone_perform(
                            acting_user=keeper, milestone_id=milestone.pk, performed_on=_day(day)
                        )
                    else:
                        reason, explanation = rest
                        commitments.milestone_miss(
                            acting_user=keeper,
                            milestone_id=milestone.pk,
                            reason=reason,
                            explanation=explanation,
                        )
                summary.milestones += 1
        if item.change and not ChangeRequest.objects.filter(commitment=commitment).exists():
            day, reason, procedure, compensation = item.change
            with at.at(_day(day)):
                commitments.change_request_submit(
                    acting_user=keeper,
                    commitment_id=commitment.pk,
                    reason=reason,
                    procedure=procedure,
                    compensation=compensation,
                )
            summary.changes += 1


# ── self-reports ─────────────────────────────────────────────────────────────────────


def seed_reports(users, at: Clock) -> int:
    done = 0
    for item in SELF_REPORTS:
        user = users[item.unit_user]
        held = SelfReport.objects.filter(organisation_id=user.organisation_id, document_number=item.number)
        if held.exists():
            continue
        with at.at(_day(item.submitted)):
            selfreports.self_report_submit(
                acting_user=user,
                kind=item.kind,
                document_number=item.number,
                issuing_body=item.body,
                received_on=_day(item.received),
                summary=item.summary,
            )
        done += 1
    for username, year, quarter, day in QUARTERLY:
        user = users[username]
        if QuarterlyReport.objects.filter(
            organisation_id=user.organisation_id, year=year, quarter=quarter
        ).exists():
            continue
        with at.at(_day(day)):
            selfreports.quarterly_report_submit(acting_user=user, year=year, quarter=quarter, nil=True)
        done += 1
    return done


# ── the annual assessment ────────────────────────────────────────────────────────────


def seed_assessment(users, orgs, at: Clock, summary: Summary) -> None:
    assessor, approver, liaison = users["assessor"], users["approver"], users["liaison"]
    days = ASSESSMENT_DAYS
    year = Assessment.objects.filter(year=YEAR).first()
    if year is None:
        with at.at(days["create"]):
            year = assessment.assessment_create(acting_user=assessor, year=YEAR)
        summary.assessment_steps += 1
    if year.state == AssessmentState.DRAFT:
        with at.at(days["start_scoring"]):
            year = assessment.assessment_start_scoring(acting_user=assessor, assessment_id=year.pk)
        summary.assessment_steps += 1
    if year.state == AssessmentState.SCORING:
        summary.assessment_steps += _adjustments(assessor, year, orgs, at)
        with at.at(days["submit"]):
            year = assessment.assessment_submit(acting_user=assessor, assessment_id=year.pk)
        summary.assessment_steps += 1
    if year.state == AssessmentState.SUBMITTED:
        with at.at(days["approve"]):
            year = assessment.assessment_approve(acting_user=approver, assessment_id=year.pk)
        summary.assessment_steps += 1
    if year.state != AssessmentState.APPROVED:
        summary.skipped.append(f"{YEAR} 年度考核：当前状态为“{year.get_state_display()}”，未提出异议。")
        return
    if not ResultObjection.objects.filter(assessment=year, organisation_id=liaison.organisation_id).exists():
        with at.at(days["object"]):
            assessment_objections.objection_file(acting_user=liaison, assessment_id=year.pk, reason=OBJECTION)
        summary.objections += 1


def _adjustments(assessor: User, year: Assessment, orgs, at: Clock) -> int:
    done = 0
    indicators = list(year.indicators.all())
    bonus = next(i for i in indicators if i.bonus)
    # A deduction by hand goes on an indicator no source computes, when the tree has one.
    deductions = sorted((i for i in indicators if not i.bonus), key=lambda i: bool(i.source))
    deduction = deductions[0]
    assessed = scoring.assessed_units()
    for (unit, points, reason), indicator in ((ADDITION, bonus), (DEDUCTION, deduction)):
        organisation = orgs[unit]
        manual = year.lines.filter(origin=LineOrigin.MANUAL, organisation=organisation, reason=reason)
        if manual.exists() or not assessed.filter(pk=organisation.pk).exists():
            continue
        with at.at(ASSESSMENT_DAYS["adjust"]):
            assessment.adjustment_add(
                acting_user=assessor,
                assessment_id=year.pk,
                organisation_id=organisation.pk,
                indicator_id=indicator.pk,
                points=points,
                reason=reason,
            )
        done += 1
    return done


# ── risk alerts ──────────────────────────────────────────────────────────────────────


def sync_alerts(today: dt.date) -> int:
    """The alert rules over the demo's today: each part's own sync, then the daily sweep over
    every rule (the deadline and court rules too); the number raised."""
    raised = sync_file_alerts(today).get("raised", 0)
    for result in [*sync_commitment_alerts(today).values(), *sync_report_alerts(today).values()]:
        raised += result.get("raised", 0)
    return raised + risk_alerts(today)["raised"]
