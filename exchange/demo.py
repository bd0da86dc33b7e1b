"""The data exchange's demo (`manage.py seed_exchange_demo`, after `seed_demo`): complaints in
every triage outcome, the 12345 hotline's integration account, a 失信被执行人 list imported, a
court document revoking the judgment a demo record rests on, a judgment naming a town only by
name, and two organisation imports (one done, one dry run with errors), so /work/complaints/,
/work/court/ and /work/imports/ are not empty when a person first tries the product.

Everything goes through the services and importers a user's request would call, each step on
its own day of late November 2026 (after the base demo's last case day, before its tests'
"today"), with the legal date and the wall clock set as casework.demo sets them.

Idempotent: each item is found again by its natural key (work-order number, walk-in title,
batch file name, document number) and only what is missing is done. Layering: exchange sits
above workflows, so the base demo (workflows' `seed_demo`) never calls this; the Makefile runs
both.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.utils import timezone

from casework import audit, clock
from casework.demo import codes
from casework.demo.cases import clock_at
from casework.lifecycle import RecordState
from casework.models import ApiToken, Organisation, OrganisationType, Record, User
from casework.roles import Role
from casework.services.tokens import issue_token
from notices.demo import rendering_here

from . import batches
from .complaints import services as complaints
from .complaints.lifecycle import Channel, ComplaintState
from .court.common import number_key
from .court.defaulters import COLUMNS as DEFAULTER_COLUMNS
from .court.documents import court_document_register
from .directory import ORG_ACTIVE, ORG_CODE, ORG_NAME, ORG_PARENT, ORG_SHORT, ORG_TYPE
from .models import Complaint, CourtDocument, ImportBatch, ImportKind
from .spreadsheets import write_csv, write_xlsx

#: The 12345 hotline system's account (group of exchange/migrations/0002_complaints.py):
#: it posts work orders with its token and can do nothing else.
HOTLINE_USERNAME = "hotline"
INTEGRATION_GROUP = "12345 接口"
#: Demo accounts and units this demo acts as or refers to: without them (no `seed_demo`), it
#: does nothing.
NEEDED_USERS = ("intake", "officer", "officer2", "credit_admin")
#: The afternoon of each demo day (the base demo's steps are stamped from 09:00).
AFTERNOON = dt.time(14, 0)


class MissingBaseDemo(Exception):
    pass


class DemoDateError(Exception):
    pass


@dataclass
class Summary:
    users: int = 0
    complaints: int = 0
    triaged: int = 0
    batches: int = 0
    documents: int = 0
    token: str = ""
    skipped: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any([self.users, self.complaints, self.triaged, self.batches, self.documents])


# ── the data ───────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class DemoComplaint:
    day: str  # received
    channel: str
    work_order: str
    title: str
    content: str
    complainant: tuple[str, str]
    unit: str = ""  # short name of the unit complained about
    classification: str = ""
    request_type: str = ""
    # the triage: (day, step, argument) — the merge's argument is the target's work order
    triage: tuple[str, str, str] | None = None


HOTLINE_ORDER = "GD12345-20261118-0357"

COMPLAINTS = [
    DemoComplaint(
        "2026-11-18",
        Channel.HOTLINE,
        HOTLINE_ORDER,
        "石龙镇拖欠河堤加固工程款",
        "来电人反映：其公司承建石龙镇某河堤加固工程，2026年6月已通过竣工验收，石龙镇人民政府按合同应于"
        "验收后60日内支付尾款186万元，至今未付，多次催告未获答复。",
        ("刘先生", "13800135791"),
        unit="石龙镇",
        classification="0701",
        request_type="投诉",
        triage=("2026-11-19", "accept", ""),
    ),
    DemoComplaint(
        "2026-11-20",
        Channel.HOTLINE,
        "GD12345-20261120-1142",
        "石龙镇河堤工程款至今未付（再次来电）",
        "来电人称为石龙镇某河堤加固工程的分包单位，反映总包单位因镇政府未支付尾款而拖欠其材料款，"
        "请求督促石龙镇人民政府履行合同付款义务。",
        ("陈女士", "13922468013"),
        unit="石龙镇",
        classification="0701",
        request_type="投诉",
        triage=("2026-11-20", "merge", HOTLINE_ORDER),
    ),
    DemoComplaint(
        "2026-11-23",
        Channel.HOTLINE,
        "GD12345-20261123-0819",
        "某电子厂拖欠员工工资",
        "来电人反映：其所在的某电子厂（民营企业）已拖欠员工两个月工资，请求相关部门处理。",
        ("王先生", "13590246871"),
        classification="0902",
        request_type="求助",
        triage=(
            "2026-11-24",
            "return",
            "所反映事项为民营企业拖欠工资，属劳动保障监察事项，不属于政务失信投诉受理范围，"
            "请转市人力资源和社会保障局（劳动保障监察）办理。",
        ),
    ),
    DemoComplaint(
        "2026-11-24",
        Channel.PETITION,
        "莞信〔2026〕1187号",
        "对小区物业服务企业收费的投诉",
        "来信人反映所住小区物业服务企业擅自上调物业管理费，要求有关部门查处。",
        ("赵女士", "0769-22881234"),
        triage=(
            "2026-11-25",
            "close",
            "来信反映的是物业服务企业的收费行为，不涉及政府机构、事业单位的政务失信行为，不属于本委受理范围；"
            "可向市住房和城乡建设局或市市场监督管理局反映。",
        ),
    ),
    DemoComplaint(
        "2026-11-27",
        Channel.WALK_IN,
        "",
        "茶山镇未兑现企业技改补贴承诺",
        "来访人称其企业于2025年按茶山镇招商引资优惠政策完成技术改造并通过验收，镇政府书面承诺的技改补贴"
        "50万元至今未兑现，也未说明理由。来访人提供了承诺函复印件。",
        ("周先生", "13711357902"),
        unit="茶山镇",
        request_type="投诉",
    ),
]

#: The 失信被执行人 list as the credit platform sends it (one monthly file).
DEFAULTER_FILE = "失信被执行人名单-东莞-2026年11月.csv"
_COURT_2 = "东莞市第二人民法院"
_COURT_3 = "东莞市第三人民法院"


def _company(name: str) -> str:
    """A well-formed USCC for a company (registration authority 9, type 1: 企业)."""
    return codes.credit_code(name, "91")


def defaulter_rows(orgs: dict[str, Organisation]) -> list[dict[str, str]]:
    fenggang, tangxia = orgs["凤岗镇"].credit_code, orgs["塘厦镇"].credit_code
    rows = [
        # Found by its USCC: a DEF lead registered by the system.
        ("东莞市凤岗镇人民政府", fenggang, "", "张某某", _COURT_3, "(2026)粤1973执2318号",
         "(2025)粤1973民初4417号", _COURT_3, "支付工程款人民币238万元及逾期付款利息", "全部未履行",
         "有履行能力而拒不履行生效法律文书确定义务", "2026-05-11", "2026-10-30"),
        # Found by the organisation code inside its USCC only (the list gives the old code).
        ("东莞市塘厦镇人民政府", "", f"{tangxia[8:16]}-{tangxia[16]}", "李某某", _COURT_3,
         "(2026)粤1973执3056号", "(2025)粤1973民初5120号", _COURT_3, "返还履约保证金人民币64万元",
         "全部未履行", "有履行能力而拒不履行生效法律文书确定义务", "2026-06-22", "2026-11-06"),
        # The name only resembles a body's: an officer decides.
        ("广东省东莞市大岭山镇人民政府", "", "", "", _COURT_2, "(2026)粤1972执1875号",
         "(2026)粤1972民初733号", _COURT_2, "支付土地租金人民币41万元", "部分履行",
         "违反财产报告制度", "2026-07-03", "2026-11-13"),
    ]  # fmt: skip
    companies = [
        ("东莞市鸿顺建材贸易有限公司", "陈某", "支付货款人民币57万元", "全部未履行"),
        ("东莞市永盛物流有限公司", "黄某某", "支付运输费人民币12.6万元", "全部未履行"),
        ("东莞市精达五金制品有限公司", "吴某", "支付加工费人民币33万元", "部分履行"),
        ("东莞市锦华装饰工程有限公司", "郑某某", "支付工程款人民币89万元", "全部未履行"),
        ("东莞市新辉电子科技有限公司", "何某", "支付劳动报酬人民币18万元", "全部未履行"),
    ]
    for n, (name, rep, obligation, performance) in enumerate(companies):
        court = _COURT_2 if n % 2 else _COURT_3
        district = "1972" if n % 2 else "1973"
        rows.append(
            (name, _company(name), "", rep, court, f"(2026)粤{district}执{4100 + 37 * n}号",
             f"(2025)粤{district}民初{6200 + 53 * n}号", court, obligation, performance,
             "有履行能力而拒不履行生效法律文书确定义务", f"2026-0{5 + n % 4}-1{n}", "2026-11-20")
        )  # fmt: skip
    headers = list(DEFAULTER_COLUMNS)
    return [dict(zip(headers, _with_province(row), strict=True)) for row in rows]


def _with_province(row: tuple) -> tuple:
    """The list's own column order: 省份 comes after 执行法院."""
    return (*row[:5], "广东省", *row[5:])


#: The court document that revokes the judgment the demo's 市水务局 record (EFFECTIVE) rests on.
REVOKED_JUDGMENT = "（2025）粤19民终9321号"
REVOKING_DOCUMENT = {
    "number": "（2026）粤民再188号",
    "court": "广东省高级人民法院",
    "kind": "",  # "撤销" in the summary, a revoked number: a revocation
    "revokes": REVOKED_JUDGMENT,
    "party": "东莞市水务局",
    "decided_on": "2026-11-20",
    "summary": "再审判决：撤销东莞市中级人民法院（2025）粤19民终9321号民事判决，发回重审。",
}

#: A judgment whose party is named without a code, as a court typed it: it waits on
#: /work/court/ beside the list entry for an officer to confirm.
JUDGMENT_BY_NAME = {
    "number": "（2026）粤1972民初1290号",
    "court": _COURT_2,
    "kind": "judgment",
    "party": "东莞茶山镇人民政府",
    "decided_on": "2026-11-18",
    "summary": "判令被告东莞茶山镇人民政府于判决生效之日起十日内支付拖欠的厂房租金人民币36万元及逾期付款违约金。",
}

ORG_HEADERS = [ORG_NAME, ORG_SHORT, ORG_CODE, ORG_TYPE, ORG_PARENT, ORG_ACTIVE]
ORG_IMPORT = "单位名录-补充-2026年11月.xlsx"
ORG_DRY_RUN = "单位名录-待核对.xlsx"


def org_import_rows() -> list[list[str]]:
    """Two new public institutions and two units as the system has them (left unchanged)."""
    institution = str(OrganisationType.INSTITUTION.label)
    rows = [
        ["东莞市不动产登记中心", "市不动产登记中心", institution, "东莞市自然资源局"],
        ["东莞市住房公积金管理中心", "市公积金中心", institution, "东莞市人民政府"],
    ]
    new = [[name, short, codes.credit_code(name, codes.AUTHORITY_INSTITUTION), kind, parent, "是"]
           for name, short, kind, parent in rows]  # fmt: skip
    same = [
        [org.name, org.short_name, org.credit_code, str(org.get_type_display()), org.parent.name, "是"]
        for org in Organisation.objects.filter(short_name__in=["市交通运输局", "市公共资源交易中心"])
        .select_related("parent")
        .order_by("name")
    ]
    return new + same


def org_dry_run_rows() -> list[list[str]]:
    """A file with the mistakes a first import has: every row but one is refused."""
    good = "东莞市城市更新发展中心"
    wrong_check = codes.credit_code("东莞市档案馆", codes.AUTHORITY_INSTITUTION)
    wrong_check = wrong_check[:17] + ("0" if wrong_check[17] != "0" else "1")
    return [
        [good, "市城市更新中心", codes.credit_code(good, codes.AUTHORITY_INSTITUTION), "事业单位",
         "东莞市自然资源局", "是"],
        ["东莞市档案馆", "市档案馆", wrong_check, "事业单位", "东莞市人民政府", "是"],
        ["", "市应急局", codes.credit_code("东莞市应急管理局"), "市直部门", "东莞市人民政府", "是"],
        ["东莞市交通投资集团有限公司", "市交投集团", codes.credit_code("东莞市交通投资集团有限公司", "91"),
         "国有企业", "东莞市人民政府国有资产监督管理委员会", "是"],
        ["东莞市城乡规划设计院", "市规划院", codes.credit_code("东莞市城乡规划设计院", codes.AUTHORITY_INSTITUTION),
         "事业单位", "东莞市规划局", "是"],
    ]  # fmt: skip


# ── seeding ──────────────────────────────────────────────────────────────────────────


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


#: The days of the imports and of the court document.
ORG_DRY_RUN_DAY, ORG_IMPORT_DAY = _day("2026-11-16"), _day("2026-11-17")
DEFAULTER_DAY, DOCUMENT_DAY = _day("2026-11-25"), _day("2026-11-26")
LATEST_DAY = max(
    [_day(c.day) for c in COMPLAINTS]
    + [_day(c.triage[0]) for c in COMPLAINTS if c.triage]
    + [ORG_DRY_RUN_DAY, ORG_IMPORT_DAY, DEFAULTER_DAY, DOCUMENT_DAY]
)


class Clock:
    """Each action at its own moment of its day: the afternoon, a few minutes apart."""

    def __init__(self) -> None:
        self.per_day: dict[dt.date, int] = {}

    def at(self, day: dt.date):
        n = self.per_day[day] = self.per_day.get(day, 0) + 1
        moment = timezone.make_aware(dt.datetime.combine(day, AFTERNOON)) + dt.timedelta(minutes=5 * n)
        return clock_at(moment)


def seed() -> Summary:
    users = _base_demo()
    if clock.today() < LATEST_DAY:
        raise DemoDateError(f"数据交换演示数据的最晚日期为 {LATEST_DAY}，晚于今天（{clock.today()}）。")
    summary = Summary()
    orgs = {o.short_name: o for o in Organisation.objects.all()}
    at = Clock()
    users[HOTLINE_USERNAME], summary.users = hotline_account()
    # An integration account: a token for the demo's month (manage.py issue_api_token in
    # production). Only its hash is stored: a second run cannot show it again, and makes none.
    if not ApiToken.objects.filter(user=users[HOTLINE_USERNAME], name=HOTLINE_TOKEN_NAME).exists():
        summary.token, _token = issue_token(
            acting_user=users[HOTLINE_USERNAME], name=HOTLINE_TOKEN_NAME, hours=24 * 30
        )
    with rendering_here():  # the real imports run as the worker would, in this process
        summary.batches += organisation_imports(users["credit_admin"], at)
        summary.complaints, summary.triaged = seed_complaints(users, orgs, at)
        summary.batches += defaulter_import(users["credit_admin"], orgs, at)
    summary.documents = revoking_document(users["officer2"], at, summary)
    summary.documents += judgment_by_name(users["officer"], at)
    return summary


def _base_demo() -> dict[str, User]:
    users = {u.username: u for u in User.objects.filter(username__in=NEEDED_USERS)}
    needed_units = {"凤岗镇", "塘厦镇", "大岭山镇", "石龙镇", "茶山镇", "市自然资源局"}
    units = set(Organisation.objects.filter(short_name__in=needed_units).values_list("short_name", flat=True))
    if len(users) < len(NEEDED_USERS) or units != needed_units:
        raise MissingBaseDemo("未找到基础演示数据（请先运行 manage.py seed_demo）。")
    return users


HOTLINE_TOKEN_NAME = "12345 热线演示"


def hotline_account() -> tuple[User, int]:
    user = User.objects.filter(username=HOTLINE_USERNAME).first()
    if user is not None:
        return user, 0
    user = User(username=HOTLINE_USERNAME, first_name="12345 热线系统接口", is_staff=False)
    user.set_unusable_password()  # it signs in with its token only
    user.save()
    user.groups.add(Group.objects.get(name=INTEGRATION_GROUP))
    return user, 1


def seed_complaints(users, orgs, at: Clock) -> tuple[int, int]:
    created = triaged = 0
    numbers: dict[str, int] = {}
    for item in COMPLAINTS:
        complaint = _find(item)
        if complaint is None:
            # The hotline's orders arrive through its account (as POST /api/complaints/hotline/
            # does); letters and visitors are registered by the intake operator.
            actor = users[HOTLINE_USERNAME] if item.channel == Channel.HOTLINE else users["intake"]
            intake = complaints.Intake(
                channel=item.channel,
                work_order=item.work_order,
                title=item.title,
                content=item.content,
                received_on=_day(item.day),
                complainant_name=item.complainant[0],
                complainant_contact=item.complainant[1],
                classification_code=item.classification,
                request_type=item.request_type,
                organisation_id=orgs[item.unit].pk if item.unit else None,
            )
            with at.at(_day(item.day)):
                complaint, new = complaints.complaint_receive(acting_user=actor, intake=intake)
            created += new
        numbers[item.work_order or item.title] = complaint.pk
        if item.triage and complaint.state == ComplaintState.RECEIVED:
            with at.at(_day(item.triage[0])):
                _triage(item.triage, complaint.pk, users["intake"], numbers)
            triaged += 1
    return created, triaged


def _find(item: DemoComplaint) -> Complaint | None:
    found = Complaint.objects.filter(channel=item.channel)
    if item.work_order:
        return found.filter(work_order=item.work_order).first()
    return found.filter(title=item.title, received_on=_day(item.day)).first()


def _triage(triage: tuple[str, str, str], pk: int, by: User, numbers: dict[str, int]) -> None:
    _day_text, step, argument = triage
    if step == "accept":
        complaints.accept(acting_user=by, complaint_id=pk)
    elif step == "merge":
        complaints.merge(acting_user=by, complaint_id=pk, into_id=numbers[argument])
    elif step == "return":
        complaints.return_to_channel(acting_user=by, complaint_id=pk, reason=argument)
    else:
        complaints.close(acting_user=by, complaint_id=pk, reason=argument)


def _import(by: User, role: str, kind: str, file_name: str, data: bytes, *, dry_run: bool, day, at, **opts):
    if ImportBatch.objects.filter(kind=kind, file_name=file_name, dry_run=dry_run).exists():
        return 0
    acting = audit.Acting(by, role)
    with at.at(day):
        batch = batches.start(by=acting, kind=kind, file_name=file_name, data=data, dry_run=dry_run, **opts)
        if not dry_run:
            # The worker's task, run here (eagerly, on commit); inside a caller's transaction
            # (a test's) the commit never comes, so run it now: a run finds a done batch done.
            batches.run_queued(batch.pk, acting)
    return 1


def organisation_imports(by: User, at: Clock) -> int:
    text = [ORG_CODE, ORG_PARENT]
    done = _import(
        by,
        Role.CREDIT_ADMIN,
        ImportKind.ORGANISATIONS,
        ORG_DRY_RUN,
        write_xlsx(ORG_HEADERS, org_dry_run_rows(), title="单位名录", text_columns=text),
        dry_run=True,
        day=ORG_DRY_RUN_DAY,
        at=at,
    )
    return done + _import(
        by,
        Role.CREDIT_ADMIN,
        ImportKind.ORGANISATIONS,
        ORG_IMPORT,
        write_xlsx(ORG_HEADERS, org_import_rows(), title="单位名录", text_columns=text),
        dry_run=False,
        day=ORG_IMPORT_DAY,
        at=at,
    )


def defaulter_import(by: User, orgs, at: Clock) -> int:
    rows = defaulter_rows(orgs)
    headers = list(rows[0])
    data = write_csv(headers, [[row[h] for h in headers] for row in rows])
    return _import(
        by,
        Role.CREDIT_ADMIN,
        ImportKind.DEFAULTER_LIST,
        DEFAULTER_FILE,
        data,
        dry_run=False,
        day=DEFAULTER_DAY,
        at=at,
        options={"full_list": False},
    )


def judgment_by_name(by: User, at: Clock) -> int:
    if CourtDocument.objects.filter(number=number_key(JUDGMENT_BY_NAME["number"])).exists():
        return 0
    with at.at(DOCUMENT_DAY):
        court_document_register(acting_user=by, **JUDGMENT_BY_NAME)
    return 1


def revoking_document(by: User, at: Clock, summary: Summary) -> int:
    """The judgment behind the demo's 市水务局 record is revoked on retrial: registering the
    document puts a revocation in the approver's queue (3 WD, scenario 7). Only while that
    record is in force: a person who already revoked it by hand is left alone."""
    if CourtDocument.objects.filter(number=number_key(REVOKING_DOCUMENT["number"])).exists():
        return 0
    record = Record.objects.filter(lead_content__contains=REVOKED_JUDGMENT).first()
    if record is None or record.state != RecordState.EFFECTIVE:
        summary.skipped.append(f"法院撤销文书：未找到依据 {REVOKED_JUDGMENT} 且已生效的演示记录。")
        return 0
    with at.at(DOCUMENT_DAY):
        court_document_register(acting_user=by, **REVOKING_DOCUMENT)
    return 1
