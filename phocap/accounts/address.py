"""The client's address: REMOTE_ADDR, or X-Forwarded-For read as far as proxies are trusted.

Behind a reverse proxy every request comes from the proxy's address, so a
throttle keyed on REMOTE_ADDR counts all users as one. Reading
X-Forwarded-For blindly is worse: any client can write the header and pick a
fresh address for every guess. So the header is read only as far as the
operator says it was written by their own proxies (settings.TRUSTED_PROXIES,
from PHOCAP_TRUSTED_PROXIES):

- empty (the default): REMOTE_ADDR only, the header is ignored;
- a number N: N proxies stand in front of the application, each appending
  the address it received from; the client is the N-th address counted from
  the right of REMOTE_ADDR plus the header (what a client wrote further left
  is not believed);
- addresses or networks (``10.0.0.5, 192.168.0.0/24``): walking from
  REMOTE_ADDR leftwards through the header, every hop that is one of them is
  a proxy; the first that is not is the client.

Every caller that needs the address (the login throttle today) asks
``client_address``; nothing else reads REMOTE_ADDR.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _parsed(value: str) -> int | list[Network]:
    text = value.strip()
    if not text:
        return 0
    if text.isdigit():
        return int(text)
    return [ipaddress.ip_network(part.strip(), strict=False)
            for part in text.split(",") if part.strip()]


def _valid(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str:
    """The address the request came from, as far as the configured proxies can be trusted."""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    trusted = _parsed(str(getattr(settings, "TRUSTED_PROXIES", "") or ""))
    if not trusted:
        return remote
    forwarded = [part.strip() for part in
                 str(request.META.get("HTTP_X_FORWARDED_FOR") or "").split(",") if part.strip()]
    chain = [*forwarded, remote]
    if isinstance(trusted, int):
        hops = chain[-(trusted + 1):]
        # Walk right to left, stopping at the first entry that is not an address:
        # whatever stands left of garbage was not written by a proxy we know.
        client = remote
        for hop in reversed(hops[:-1]):
            valid = _valid(hop)
            if valid is None:
                break
            client = valid
        return client
    client = remote
    for hop in reversed(chain):
        valid = _valid(hop)
        if valid is None:
            return client
        client = valid
        if not any(ipaddress.ip_address(valid) in network for network in trusted):
            return client
    return client
