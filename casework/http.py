"""The address of whoever sent a request, as the audit trail records it.

Behind the reverse proxy the deployment requires, REMOTE_ADDR is the proxy's own address;
the client's is in X-Forwarded-For. Anyone can write that header, so it is read only from
a proxy listed in CHENGXIN["TRUSTED_PROXIES"] (addresses or networks, docs/decisions.md).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def client_ip(request) -> str | None:
    """The client's address: the right-most X-Forwarded-For entry a trusted proxy did not
    add itself when REMOTE_ADDR is a trusted proxy, else REMOTE_ADDR (None if unusable)."""
    remote = _parse(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return None
    networks = _trusted_networks()
    if not _trusted(remote, networks):
        return str(remote)
    return str(_forwarded_client(request.META.get("HTTP_X_FORWARDED_FOR", ""), networks) or remote)


def from_trusted_proxy(request) -> bool:
    """Whether the request came straight from a trusted proxy, whose headers may be believed."""
    remote = _parse(request.META.get("REMOTE_ADDR", ""))
    return remote is not None and _trusted(remote, _trusted_networks())


def _forwarded_client(header: str, networks) -> Address | None:
    """Walk the chain from the nearest hop back: each proxy appends the address it was
    reached from, so everything left of the first untrusted hop may be forged by it."""
    for entry in reversed(header.split(",")):
        address = _parse(entry)
        if address is None or not _trusted(address, networks):
            return address  # garbage where the client should be: trust none of it
    return None


def _parse(text: str) -> Address | None:
    text = text.strip()
    if text.startswith("["):  # "[2001:db8::1]:443"
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:  # "203.0.113.7:51234"
        text = text.partition(":")[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted_networks() -> list:
    return [
        ipaddress.ip_network(entry, strict=False) for entry in settings.CHENGXIN.get("TRUSTED_PROXIES", ())
    ]


def _trusted(address: Address, networks) -> bool:
    address = getattr(address, "ipv4_mapped", None) or address  # "::ffff:10.0.0.2" is 10.0.0.2
    return any(address.version == network.version and address in network for network in networks)
