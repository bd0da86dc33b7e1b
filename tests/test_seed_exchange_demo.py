"""`manage.py seed_exchange_demo` (issue 11's demo): run after `seed_demo` as `make run` runs
them, it fills the complaint, court and import pages through the real services.

Both commands run once per module inside a transaction rolled back at the end (as
tests/test_seed_demo.py does), so the tests share one seeded database.
"""

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.test import Client, TestCase, override_settings

from casework.lifecycle import RecordState
from casework.models import ApiToken, AuditEntry, Category, Deadline, LeadSource, Organisation, Record, User
from casework.services.tokens import digest
from exchange import delivery
from exchange import demo as exchange_demo
from exchange.complaints.lifecycle import Channel, ComplaintState
from exchange.models import (
    Complaint,
    CourtDocument,
    CourtRevocation,
    DefaulterEntry,
    ImportBatch,
    ImportKind,
    ImportRow,
    ImportState,
    MatchState,
    Outbound,
    OutboundState,
    RevocationState,
)
from notices.models import Notice

TODAY = dt.date(2026, 11, 28)  # tests/test_seed_demo.py's

pytestmark = pytest.mark.django_db


def run(command: str) -> str:
    out = io.StringIO()
    with override_settings(CHENGXIN_TODAY=TODAY.isoformat()):
        call_command(command, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomics = TestCase._enter_atomics()
        try:
            run("seed_demo")
            yield run("seed_exchange_demo")
        finally:
            TestCase._rollback_atomics(atomics)


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password="chengxin-demo")
    return client


def page(username: str, url: str) -> str:
    response = client_for(username).get(url)
    assert response.status_code == 200, (username, url, response.status_code)
    return response.content.decode()


def counts() -> dict[str, int]:
    models = [
        Complaint, ImportBatch, ImportRow, DefaulterEntry, CourtDocument, CourtRevocation, Record,
        Deadline, AuditEntry, Outbound, Notice, Organisation, User, ApiToken,
    ]  # fmt: skip
    return {model.__name__: model.objects.count() for model in models}


# ── complaints ───────────────────────────────────────────────────────────────────────


def test_complaints_reach_every_triage_outcome_through_the_intake(seeded):
    by_state = {c.state: c for c in Complaint.objects.all()}
    assert set(by_state) == set(ComplaintState) and Complaint.objects.count() == 5
    assert {c.channel for c in Complaint.objects.all()} == {
        Channel.HOTLINE,
        Channel.PETITION,
        Channel.WALK_IN,
    }
    waiting = by_state[ComplaintState.RECEIVED]
    assert waiting.channel == Channel.WALK_IN and waiting.routing_due > waiting.received_on
    accepted = by_state[ComplaintState.ACCEPTED]
    assert accepted.lead.state == RecordState.LEAD and accepted.lead.source == LeadSource.HOTLINE
    assert accepted.lead.notices.filter(type_code="N25").exists()
    assert by_state[ComplaintState.MERGED].merged_into == accepted
    assert by_state[ComplaintState.MERGED].lead == accepted.lead
    assert "劳动保障监察" in by_state[ComplaintState.RETURNED].reason
    assert by_state[ComplaintState.CLOSED].channel == Channel.PETITION
    # The hotline's orders came in through its integration account, the rest by the operator.
    hotline = Complaint.objects.filter(channel=Channel.HOTLINE)
    assert set(hotline.values_list("created_by__username", flat=True)) == {"hotline"}
    # Each triaged hotline order has its status message for the channel in the outbox.
    kinds = set(Outbound.objects.filter(channel=Channel.HOTLINE).values_list("kind", flat=True))
    assert kinds == {"accepted", "merged", "returned"}


def test_the_complaint_pages_show_them_to_those_who_triage_and_to_no_unit(seeded):
    for username in ("intake", "officer", "approver"):
        html = page(username, "/work/complaints/")
        for complaint in Complaint.objects.all():
            assert complaint.title in html, (username, complaint.title)
    assert client_for("liaison").get("/work/complaints/").status_code == 403
    waiting = Complaint.objects.get(state=ComplaintState.RECEIVED)
    assert "转为线索" in page("intake", f"/work/complaints/{waiting.pk}/")


def test_the_hotline_account_posts_with_the_printed_token(seeded):
    # Only the key's SHA-256 is stored: the printed key is the one that hashes to it.
    token = re.search(r"Authorization: Token ([0-9a-f]{40})", seeded).group(1)
    assert ApiToken.objects.get(user__username="hotline").key_hash == digest(token)
    api = Client(HTTP_AUTHORIZATION=f"Token {token}")
    answer = api.post(
        "/api/complaints/hotline/",
        {"work_order": exchange_demo.HOTLINE_ORDER, "title": "重复推送", "content": "同一工单"},
    )
    accepted = Complaint.objects.get(work_order=exchange_demo.HOTLINE_ORDER)
    assert answer.status_code == 200, answer.content
    assert answer.json()["id"] == accepted.pk and answer.json()["created"] is False
    # It posts orders; it reads none (the complainants are not the hotline system's to list).
    listed = api.get("/api/complaints/").json()
    assert listed["results"] == [] and listed["next"] is None


# ── court lists and the revocation ───────────────────────────────────────────────────


def test_the_defaulter_list_gives_leads_for_code_matches_and_queues_the_name_match(seeded):
    [batch] = ImportBatch.objects.filter(kind=ImportKind.DEFAULTER_LIST)
    assert batch.state == ImportState.DONE and batch.processed_rows == 8
    entries = DefaulterEntry.objects.all()
    assert entries.count() == 8
    strong = entries.filter(match=MatchState.STRONG)
    assert {e.organisation.short_name for e in strong} == {"凤岗镇", "塘厦镇"}
    for entry in strong:
        assert entry.record.category == Category.DEF and entry.record.source == LeadSource.DEFAULTER_LIST
    [weak] = entries.filter(match=MatchState.WEAK)
    assert weak.organisation.short_name == "大岭山镇" and weak.record is None
    assert entries.filter(match=MatchState.NONE).count() == 5
    judgment = CourtDocument.objects.get(match=MatchState.WEAK)
    assert judgment.organisation.short_name == "茶山镇" and judgment.record is None
    html = page("officer", "/work/court/")
    assert weak.name in html and judgment.party in html and exchange_demo.DEFAULTER_FILE in html


def test_the_revoked_judgment_waits_for_the_approver(seeded):
    [revocation] = CourtRevocation.objects.all()
    record = revocation.record
    assert revocation.state == RevocationState.PENDING and record.state == RecordState.EFFECTIVE
    assert record.subject_organisation.short_name == "市水务局"
    assert revocation.due_on > TODAY  # 3 WD from the document's registration, 2026-11-26
    html = page("approver", "/work/court/revocations/")
    assert record.reference in html


# ── imports ──────────────────────────────────────────────────────────────────────────


def test_the_imports_page_shows_a_done_import_and_a_dry_run_with_errors(seeded):
    done = ImportBatch.objects.get(file_name=exchange_demo.ORG_IMPORT)
    assert done.state == ImportState.DONE and not done.dry_run
    assert done.counts.get("created") == 2 and done.counts.get("unchanged") == 2, done.counts
    assert Organisation.objects.filter(
        short_name="市不动产登记中心", parent__short_name="市自然资源局"
    ).exists()
    checked = ImportBatch.objects.get(file_name=exchange_demo.ORG_DRY_RUN)
    assert checked.state == ImportState.CHECKED and checked.dry_run
    assert checked.counts.get("invalid") == 4 and checked.counts.get("valid") == 1, checked.counts
    assert not Organisation.objects.filter(short_name="市城市更新中心").exists()
    html = page("credit_admin", "/work/imports/")
    for name in (exchange_demo.ORG_IMPORT, exchange_demo.ORG_DRY_RUN, exchange_demo.DEFAULTER_FILE):
        assert name in html
    assert exchange_demo.ORG_IMPORT not in page("hr_admin", "/work/imports/")  # the roster's, not the tree's
    report = page("credit_admin", f"/work/imports/{checked.pk}/")
    assert "东莞市规划局" in report  # the unknown parent, named in its row's error


# ── the outbox, a second run, no base demo ───────────────────────────────────────────


def test_beats_delivery_takes_the_demos_province_events_through_the_default_transport(seeded, tmp_path):
    channels = {"province": {"transport": "file", "folder": str(tmp_path), "formats": ["csv"]}}
    with override_settings(CHENGXIN={**_chengxin(), "EXCHANGE": {**_exchange(), "CHANNELS": channels}}):
        result = delivery.run()
    assert result["province_delivered"] > 0, result
    assert not Outbound.objects.filter(channel="province", state=OutboundState.PENDING).exists()
    assert list(tmp_path.glob("*.csv"))


def _chengxin() -> dict:
    from django.conf import settings

    return settings.CHENGXIN


def _exchange() -> dict:
    return _chengxin()["EXCHANGE"]


def test_a_second_run_changes_nothing_and_says_so(seeded):
    before = counts()
    states = dict(Complaint.objects.values_list("pk", "state"))
    output = run("seed_exchange_demo")
    assert counts() == before
    assert dict(Complaint.objects.values_list("pk", "state")) == states
    assert "未作任何更改" in output and "未作任何更改" not in seeded


def test_without_the_base_demo_it_does_nothing(seeded, monkeypatch):
    monkeypatch.setattr(exchange_demo, "NEEDED_USERS", (*exchange_demo.NEEDED_USERS, "nobody"))
    before = counts()
    assert "seed_demo" in run("seed_exchange_demo")
    assert counts() == before
