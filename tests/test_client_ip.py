"""The address the audit trail records: the client's, read from X-Forwarded-For only when a
trusted reverse proxy sent the request (casework.http.client_ip)."""

import pytest
from django.test import Client, RequestFactory

from casework import audit
from casework.http import client_ip
from casework.models import AuditEntry
from casework.roles import Role

from . import lifecycle
from .api_fixtures import api
from .factories import UserFactory

PROXY = "10.0.0.2"
CLIENT = "203.0.113.7"


@pytest.fixture
def behind_proxy(settings):
    settings.CHENGXIN = {**settings.CHENGXIN, "TRUSTED_PROXIES": [PROXY, "10.1.0.0/24", "2001:db8:ff::/48"]}


def ip_of(remote_addr, forwarded=None):
    meta = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **meta))


# through a real step ──────────────────────────────────────────────────────────────


def start_verification_from(officer, unit, **meta):
    """Take the record's start-verification step through the API; the entry it audited."""
    record = lifecycle.lead(officer=officer, organisation=unit)
    response = api(officer).post(f"/api/records/{record.pk}/start-verification/", {}, format="json", **meta)
    assert response.status_code == 200, response.data
    return AuditEntry.objects.filter(record_id=record.pk).latest("seq")


@pytest.mark.django_db
@pytest.mark.usefixtures("fixed_today", "behind_proxy")
class TestTheAuditTrailBehindAProxy:
    def test_records_the_client_the_trusted_proxy_names(self, officer, unit):
        entry = start_verification_from(officer, unit, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT)
        assert entry.action == "start_verification" and entry.ip_address == CLIENT
        assert audit.verify().ok

    def test_ignores_the_header_from_anyone_else(self, officer, unit):
        entry = start_verification_from(
            officer, unit, REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR=CLIENT
        )
        assert entry.ip_address == "198.51.100.9"

    def test_a_spoofed_chain_yields_the_right_most_untrusted_address(self, officer, unit):
        # The client wrote "1.2.3.4" itself; the proxy appended the address it was reached from.
        entry = start_verification_from(
            officer, unit, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"1.2.3.4, {CLIENT}"
        )
        assert entry.ip_address == CLIENT

    def test_without_a_header_the_proxy_itself_is_recorded(self, officer, unit):
        assert start_verification_from(officer, unit, REMOTE_ADDR=PROXY).ip_address == PROXY


@pytest.mark.django_db
@pytest.mark.usefixtures("fixed_today", "behind_proxy")
def test_a_portal_form_records_the_client_too(civil_servant):
    """The portal's own forms (here the honours query, logged) read the same function."""
    client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"1.2.3.4, {CLIENT}")
    client.force_login(UserFactory(username="hr", roles=[Role.HR_ADMIN]))
    data = {"person": civil_servant.person.pk, "purpose": "2026 年度优秀公务员评选"}
    assert client.post("/me/honours/", data, follow=True).status_code == 200
    assert AuditEntry.objects.get(action="honours.check").ip_address == CLIENT


@pytest.mark.django_db
@pytest.mark.usefixtures("fixed_today")
def test_no_proxy_is_trusted_by_default(officer, unit):
    entry = start_verification_from(officer, unit, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT)
    assert entry.ip_address == PROXY


# the function ─────────────────────────────────────────────────────────────────────


@pytest.mark.usefixtures("behind_proxy")
@pytest.mark.parametrize(
    ("remote_addr", "forwarded", "expected"),
    [
        (PROXY, f"{CLIENT}, 10.1.0.5", CLIENT),  # two trusted hops, a network among them
        (PROXY, "10.1.0.5, 10.1.0.6", PROXY),  # nothing but proxies: the nearest one
        (PROXY, "", PROXY),
        (PROXY, "unknown", PROXY),  # garbage where the client should be
        (PROXY, f"{CLIENT}, not-an-ip", PROXY),
        (PROXY, f"{CLIENT}:51234", CLIENT),  # some proxies append the client's port
        (PROXY, "[2001:db8::7]:443", "2001:db8::7"),
        (PROXY, "2001:DB8::7", "2001:db8::7"),
        ("2001:db8:ff::1", CLIENT, CLIENT),  # a proxy on IPv6
        ("::ffff:10.0.0.2", CLIENT, CLIENT),  # the proxy's IPv4 address, mapped
        ("10.1.1.5", CLIENT, "10.1.1.5"),  # outside the trusted network
        ("", CLIENT, None),
        ("garbage", CLIENT, None),
    ],
)
def test_client_ip(remote_addr, forwarded, expected):
    assert ip_of(remote_addr, forwarded) == expected


def test_the_header_is_ignored_when_no_proxy_is_configured():
    assert ip_of(PROXY, CLIENT) == PROXY
