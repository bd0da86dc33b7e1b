"""`manage.py seed_demo` (issue #2 §7): the demo data set, made through the record services,
with its notices issued, rendered and served (a demo that works end to end), then swept once
as beat would sweep it.

The command runs once per module, inside a transaction rolled back at the end (what
TestCase.setUpTestData does), so the tests share one seeded database and stay fast.
"""

import datetime as dt
import hashlib
import importlib.util
import io
import logging
import re
import sys
import warnings
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command, get_commands
from django.test import Client, TestCase, override_settings
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from PIL import Image

from casework import audit
from casework.demo import codes
from casework.demo.cases import ALL_CASES
from casework.demo.organisations import UNITS
from casework.demo.people import NAMED
from casework.lifecycle import (
    RECORD_SUBJECT_VISIBLE,
    AccountabilityState,
    RecordState,
    RectificationState,
    RepairState,
)
from casework.models import (
    Accountability,
    Attachment,
    AuditEntry,
    Category,
    ConflictDeclaration,
    Deadline,
    Organisation,
    OrganisationName,
    OrganisationType,
    Person,
    Record,
    Rectification,
    RepairApplication,
    Sanction,
    User,
)
from casework.models.people import validate_id_number
from casework.permissions import roles_of, visible_records
from casework.roles import Role
from notices.admin import checked_seal
from notices.demo import ISSUERS
from notices.lifecycle import NoticeState
from notices.models import Issuer, Notice, ServiceEvent

TODAY = dt.date(2026, 11, 28)

pytestmark = pytest.mark.django_db


def run_seed() -> str:
    out = io.StringIO()
    with override_settings(CHENGXIN_TODAY=TODAY.isoformat()):
        call_command("seed_demo", stdout=out)
    return out.getvalue()


class Collect(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The first run: its output, every log record at WARNING or above and every Python
    warning it raised that Python shows by default."""
    collect, root = Collect(), logging.getLogger()
    with django_db_blocker.unblock():
        atomics = TestCase._enter_atomics()
        root.addHandler(collect)
        try:
            with warnings.catch_warnings(record=True) as raised:
                warnings.simplefilter("always")
                # What `make run` would print: Python hides these by default (and WeasyPrint
                # leaves its colour profile's file to the garbage collector on every PDF).
                for hidden in (DeprecationWarning, PendingDeprecationWarning, ImportWarning, ResourceWarning):
                    warnings.filterwarnings("ignore", category=hidden)
                output = run_seed()
        finally:
            root.removeHandler(collect)
        try:
            yield SimpleNamespace(output=output, warnings=collect.records, raised=raised)
        finally:
            TestCase._rollback_atomics(atomics)


@pytest.fixture
def first_run(seeded) -> str:
    return seeded.output


def counts() -> dict[str, int]:
    models = [
        Organisation,
        OrganisationName,
        Person,
        User,
        ConflictDeclaration,
        Record,
        Deadline,
        AuditEntry,
        Issuer,
        Notice,
        ServiceEvent,
        Rectification,
        Accountability,
        Sanction,
        Attachment,
        RepairApplication,
    ]
    return {model.__name__: model.objects.count() for model in models}


def test_the_case_lists_are_keyed_by_unique_leads_about_known_subjects():
    units, people = {u.short_name for u in UNITS}, {p.name for p in NAMED}
    assert len({case.lead for case in ALL_CASES}) == len(ALL_CASES) >= 55
    assert all((case.person in people) if case.person else (case.subject in units) for case in ALL_CASES)


def test_it_builds_the_dongguan_organisation_tree(first_run):
    towns = Organisation.objects.filter(type=OrganisationType.TOWN)
    assert towns.count() == 32
    assert towns.filter(name__endswith="街道办事处").count() == 4
    root = Organisation.objects.get(name="东莞市人民政府", parent=None)
    assert set(towns.values_list("parent", flat=True)) == {root.pk}
    assert Organisation.objects.filter(type=OrganisationType.PARK).count() >= 2
    assert Organisation.objects.filter(name="东莞市交通运输局", parent=root).exists()


def test_every_organisation_has_a_unique_well_formed_credit_code(first_run):
    credit_codes = list(Organisation.objects.values_list("credit_code", flat=True))
    assert len(set(credit_codes)) == len(credit_codes)
    for code in credit_codes:
        assert code[2:8] == "441900" and code[8:16].isdigit()
        assert code[16] == codes.org_code_check_char(code[8:16])
        assert code[17] == codes.uscc_check_char(code[:17])


def test_renamed_bureaus_show_their_former_name_on_old_dates(first_run):
    hr = Organisation.objects.get(short_name="市人社局")
    assert hr.name_on(dt.date(2018, 10, 8)) == "东莞市人力资源局"
    assert hr.name_on(TODAY) == "东莞市人力资源和社会保障局"


def test_it_creates_about_200_civil_servants_with_valid_id_numbers(first_run):
    assert Person.objects.count() >= 190
    for id_number in (p.id_number for p in Person.objects.all()):
        validate_id_number(id_number)
        assert id_number.startswith("4419")
    assert Person.objects.values("unit").distinct().count() > 40
    assert not Person.objects.filter(rank="").exists()


def test_there_is_a_demo_account_for_every_role(first_run):
    users = User.objects.filter(is_superuser=False)
    held = set().union(*(roles_of(user) for user in users))
    assert held == set(Role) - {Role.SYSTEM}
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="officer").check_password("chengxin-demo")
    liaison = User.objects.get(username="liaison")
    assert liaison.is_staff and liaison.has_perm("casework.view_record")
    assert User.objects.get(username="civil_servant").person.records.exists()


def test_records_reach_every_state_in_every_category(first_run):
    assert Record.objects.count() >= 55
    states = set(Record.objects.values_list("state", flat=True))
    assert states == set(RecordState)
    assert set(Category) <= set(Record.objects.values_list("category", flat=True))
    assert Record.objects.filter(subject_person__isnull=False).exists()


def test_disclosure_windows_agree_with_today(first_run):
    """Expired records are past their longest period; records in force are not."""
    assert not Record.objects.filter(state=RecordState.EXPIRED, max_end__gte=TODAY).exists()
    assert not Record.objects.filter(state=RecordState.EFFECTIVE, max_end__lt=TODAY).exists()


def test_every_record_went_through_the_services_and_the_audit_chain_verifies(first_run):
    for record in Record.objects.all():
        assert record.audit_entries.order_by("seq").first().action == "register_lead"
    result = audit.verify()
    assert result.ok, result.problem


def test_the_liaison_sees_only_the_records_of_their_own_unit(first_run):
    liaison = User.objects.get(username="liaison")
    own = Record.objects.filter(subject_organisation=liaison.organisation)
    visible = visible_records(liaison)
    assert visible.exists()
    assert set(visible) == set(own.filter(state__in=RECORD_SUBJECT_VISIBLE))
    assert own.count() > visible.count()  # leads and cases under verification stay internal


def test_a_declared_conflict_hides_only_its_own_subject(first_run):
    officer2 = User.objects.get(username="officer2")
    hidden = ConflictDeclaration.objects.get(user=officer2).organisation
    assert Record.objects.filter(subject_organisation=hidden).exists()
    assert set(visible_records(officer2)) == set(Record.objects.exclude(subject_organisation=hidden))


def test_a_second_run_changes_nothing_and_says_so(first_run):
    before = counts()
    states = dict(Notice.objects.values_list("pk", "state"))
    output = run_seed()
    assert counts() == before
    assert dict(Notice.objects.values_list("pk", "state")) == states
    assert "未作任何更改" in output
    assert "未作任何更改" not in first_run


def test_it_prints_the_demo_accounts(first_run):
    for username in ["officer", "approver", "liaison", "civil_servant", "admin"]:
        assert username in first_run
    assert "chengxin-demo" in first_run and "东莞市交通运输局" in first_run


# ── the notices: issuer, seal, issued PDFs, service, portals ──────────────────────────

DECIDED = [
    RecordState.DETERMINED,
    RecordState.EFFECTIVE,
    RecordState.REVOKED,
    RecordState.REPAIRED,
    RecordState.EXPIRED,
    RecordState.ARCHIVED,
]


def issued(record: Record, code: str) -> list[Notice]:
    return list(record.notices.filter(type_code=code, number__isnull=False).exclude(state=NoticeState.VOIDED))


def assert_rendered(notice: Notice) -> None:
    pdf = bytes(notice.pdf)
    assert pdf.startswith(b"%PDF-") and len(pdf) > 10_000, notice.number
    assert hashlib.sha256(pdf).hexdigest() == notice.sha256, notice.number


def test_seeding_logs_no_warning(seeded):
    assert [record.getMessage() for record in seeded.warnings] == []
    assert [str(warning.message) for warning in seeded.raised] == []
    assert "no active issuer" not in seeded.output


def test_the_commission_issues_with_a_generated_seal_marked_demo(first_run):
    issuer = Issuer.objects.get(is_default=True)
    assert (issuer.name, issuer.agency_code) == (ISSUERS[0].name, ISSUERS[0].agency_code)
    assert issuer.organisation.short_name == "市监委" and issuer.contact
    seal = bytes(issuer.seal_image)
    # It passes the admin's check of an uploaded seal, like a real one would (re-encoded: the
    # same image, not necessarily the same bytes).
    checked = checked_seal(SimpleUploadedFile("seal.png", seal, content_type="image/png"))
    with Image.open(io.BytesIO(seal)) as before, Image.open(io.BytesIO(checked)) as after:
        assert (after.mode, after.size, after.tobytes()) == (before.mode, before.size, before.tobytes())
    assert Notice.objects.exclude(issuer=issuer).count() == 0


def test_every_decided_record_has_its_issued_notices_with_their_pdfs(first_run):
    decided = Record.objects.filter(determination_date__isnull=False)
    assert set(decided.values_list("state", flat=True)) == set(DECIDED)
    for record in decided:
        for code in ("N1", "N2", "N3"):
            notices = issued(record, code)
            assert notices, f"{record.reference} ({record.state}) has no issued {code}"
            for notice in notices:
                assert_rendered(notice)


def test_served_records_were_served_by_their_two_notices_together(first_run):
    served = Record.objects.filter(served_on__isnull=False)
    assert served.count() >= 30
    for record in served:
        [n2], [n3] = issued(record, "N2"), issued(record, "N3")
        assert n2.state == n3.state == NoticeState.SERVED
        event = ServiceEvent.objects.get(notices=n2)
        assert set(event.notices.all()) == {n2, n3}
        assert event.served_on == record.served_on >= n2.issued_on >= record.determination_date
        if record.subject_organisation_id:  # T8 calls for the 书面说明原因通知书 to a body
            assert [n.state for n in issued(record, "N7")] == [NoticeState.SERVED]
    for record in Record.objects.filter(state=RecordState.DETERMINED):
        assert {n.state for n in issued(record, "N2") + issued(record, "N3")} == {NoticeState.ISSUED}


def test_each_pre_notice_is_issued_and_served_before_the_defence_window(first_run):
    past_notice = Record.objects.filter(audit_entries__action="approve_pre_notice").distinct()
    pending = []
    for record in past_notice:
        notices = issued(record, "N1")
        if not notices:
            pending.append(record)
            continue
        for notice in notices:
            assert_rendered(notice)
            assert notice.state == NoticeState.SERVED
            assert notice.drafted_by is not None and notice.approved_by.username == "approver"
    # One 事前告知书 is left completed, waiting for the approver's 核准.
    assert [r.state for r in pending] == [RecordState.PRE_NOTICE]
    [draft] = pending[0].notices.all()
    assert draft.state == NoticeState.DRAFT and draft.drafted_by is not None


def test_revoked_records_have_their_revocation_notice(first_run):
    revoked = Record.objects.filter(audit_entries__action="revoke").distinct()
    assert revoked.exists()
    for record in revoked:
        [notice] = issued(record, "N21")
        assert notice.state == NoticeState.SERVED
        assert_rendered(notice)


def test_the_liaison_finds_the_units_notices_on_the_unit_portal(first_run):
    liaison = User.objects.get(username="liaison")
    notices = Notice.objects.filter(
        record__subject_organisation=liaison.organisation, state__in=[NoticeState.ISSUED, NoticeState.SERVED]
    )
    assert notices.filter(type_code="N2").count() >= 2
    client = Client()
    assert client.login(username="liaison", password="chengxin-demo")
    page = client.get("/unit/").content.decode()
    assert "本单位尚未收到文书" not in page
    for notice in notices:
        assert notice.number in page
    pdf = client.get(f"/work/notices/{notices.first().pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


def test_the_civil_servant_finds_their_notices_on_the_personal_portal(first_run):
    user = User.objects.get(username="civil_servant")
    notices = Notice.objects.filter(
        record__subject_person=user.person, state__in=[NoticeState.ISSUED, NoticeState.SERVED]
    )
    assert {"N1", "N2", "N3"} <= set(notices.values_list("type_code", flat=True))
    client = Client()
    assert client.login(username="civil_servant", password="chengxin-demo")
    page = client.get("/me/").content.decode()
    assert "还没有送达给您的文书" not in page
    for notice in notices:
        assert notice.number in page


def test_dates_spread_over_each_cases_history(first_run):
    received = list(Record.objects.values_list("received_on", flat=True))
    assert (max(received) - min(received)).days > 60
    entries = AuditEntry.objects.order_by("seq")
    stamped = [timezone.localdate(at) for at in entries.values_list("created_at", flat=True)]
    assert len(set(stamped)) > 100 and stamped == sorted(stamped)  # one chain, in time order
    for record in Record.objects.all():
        first = record.audit_entries.order_by("seq").first()
        assert timezone.localdate(first.created_at) == record.received_on
    for notice in Notice.objects.filter(number__isnull=False):
        assert timezone.localdate(notice.issued_at) == notice.issued_on
        assert notice.issued_on.year == notice.year and notice.rendered_at == notice.issued_at


def test_the_liaisons_unit_works_on_a_rectification_order_it_was_served(first_run):
    liaison = User.objects.get(username="liaison")
    order = Rectification.objects.get(record__subject_organisation=liaison.organisation)
    assert order.state == RectificationState.IN_PROGRESS and order.explanation
    [n8] = Notice.objects.filter(type_code="N8", object_id=order.pk)
    assert n8.state == NoticeState.SERVED and n8.service_events.get().served_on == order.served_on
    assert_rendered(n8)
    due = Deadline.objects.filter(record=order.record, kind="rectification", status="OPEN")
    assert due.count() == order.items.count() >= 2 and all(d.due_on > TODAY for d in due)
    assert Attachment.objects.filter(record=order.record, purpose="evidence").count() == 1
    client = Client()
    assert client.login(username="liaison", password="chengxin-demo")
    page = client.get("/unit/").content.decode()
    assert n8.number in page
    for item in order.items.all():
        assert item.requirement[:20] in page


def test_the_civil_servant_has_a_sanction_served_and_may_still_appeal(first_run):
    user = User.objects.get(username="civil_servant")
    [sanction] = Sanction.objects.filter(person=user.person)
    case = sanction.accountability
    assert case.state == AccountabilityState.SERVED and sanction.decision_type == "DEMERIT"
    [n14] = Notice.objects.filter(type_code="N14", object_id=sanction.pk)
    assert n14.state == NoticeState.SERVED and n14.service_events.get().served_on == case.served_on
    assert n14.data["subject"]["name"] == user.person.name and n14.data["evidence"]
    assert_rendered(n14)
    window = Deadline.objects.get(kind="appeal_review_apply", status="OPEN")
    assert window.record_id == case.record_id and window.due_on > TODAY
    client = Client()
    assert client.login(username="civil_servant", password="chengxin-demo")
    page = client.get("/me/").content.decode()
    assert n14.number in page and "无处分决定" not in page


def test_a_repaired_record_went_through_its_application_and_both_notices(first_run):
    [record] = Record.objects.filter(state=RecordState.REPAIRED)
    [application] = record.repairs.all()
    assert application.state == RepairState.GRANTED and application.submitted_on > record.min_end
    for code in ("N17", "N18"):
        [notice] = Notice.objects.filter(type_code=code, object_id=application.pk)
        assert notice.state == NoticeState.SERVED
        assert_rendered(notice)
    assert not record.public


# ── the demo starts swept: no waiting for beat's first run ──────────────────────────────


def test_the_demo_is_swept_when_seeded_and_the_system_page_says_so(first_run):
    last = PeriodicTask.objects.filter(task__startswith="workflows.tasks.sweep_").values_list(
        "last_run_at", flat=True
    )
    assert last and all(at is not None and timezone.now() - at < dt.timedelta(minutes=10) for at in last)
    # What the sweep did is there already: the missed time limits are flagged (audited once).
    assert Deadline.objects.filter(overdue_since__isnull=False).exists()
    assert AuditEntry.objects.filter(action="deadline_overdue").exists()
    client = Client()
    assert client.login(username="sysadmin", password="chengxin-demo")
    html = client.get("/work/system/").content.decode()
    swept = re.search(r"<th[^>]*>定时清扫</th>\s*<td[^>]*>(.*?)</td>\s*<td>(.*?)</td>", html, re.S)
    assert swept.group(1) == "正常" and swept.group(2).startswith("最近一次："), swept.group()
    assert "尚未运行过" not in html


def test_the_command_is_the_workflows_one():
    assert get_commands()["seed_demo"] == "workflows"


# ── make run: the supervisor's children print no warning they can avoid ─────────────────

CHILD = [
    sys.executable,
    "-c",
    "import os, warnings; from celery.exceptions import SecurityWarning; "
    "from celery.platforms import ROOT_DISCOURAGED; "
    "warnings.warn(SecurityWarning(ROOT_DISCOURAGED.format(uid=0, euid=0, gid=0, egid=0))); "
    "print('hide', os.environ['DJANGO_RUNSERVER_HIDE_WARNING'])",
]


def test_make_runs_children_skip_the_development_banner_and_the_root_warning(monkeypatch, capfd):
    spec = importlib.util.spec_from_file_location(
        "run_dev", Path(settings.BASE_DIR) / "scripts" / "run_dev.py"
    )
    run_dev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run_dev)
    monkeypatch.delenv("DJANGO_RUNSERVER_HIDE_WARNING", raising=False)
    monkeypatch.delenv("PYTHONWARNINGS", raising=False)
    monkeypatch.setattr(run_dev, "commands", lambda addr: {"worker": CHILD})
    supervisor = run_dev.Supervisor("127.0.0.1:8000")
    supervisor.start()
    supervisor.wait()
    out = capfd.readouterr().out
    assert "worker | hide true\n" in out
    assert "Warning" not in out and "superuser" not in out
