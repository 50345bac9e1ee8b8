"""The client's address, scheme and host behind the reverse proxies the operator trusts.

nginx passes each request on with ``X-Forwarded-For`` (whatever chain the client sent, with the
address nginx saw appended), ``X-Forwarded-Proto`` and ``X-Forwarded-Host``. Anyone who reaches
an app node directly can send the same headers, so they are believed only when the connection's
peer (``REMOTE_ADDR``) is one of the trusted proxies (``QUIZAPP_TRUSTED_PROXIES``); from any
other peer they are removed before the app sees them, and the peer is the client.

From a trusted peer the client is the right-most address of the chain that is not itself a
trusted proxy: each proxy appends the address it saw, so everything left of that address was
written by the client and proves nothing. A chain whose walk reaches an entry that is not an IP
address is ignored as a whole (the peer stays the address), as is a scheme other than http or
https or a host with characters no host name has.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network
from typing import Any

from quizapp.config import ConfigError

Network = IPv4Network | IPv6Network
Address = IPv4Address | IPv6Address

# Removed from the environ of a request whose peer is not a trusted proxy.
FORWARDED_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST",
                     "HTTP_X_FORWARDED_PORT", "HTTP_X_FORWARDED_PREFIX", "HTTP_FORWARDED")
_HOST = re.compile(r"[A-Za-z0-9.\-]+(:\d{1,5})?|\[[0-9A-Fa-f:.]+\](:\d{1,5})?")


def parse_networks(items: str | Iterable[str]) -> tuple[Network, ...]:
    """Addresses and networks (``127.0.0.1``, ``10.0.0.0/24``, ``::1``) from a comma list or an
    iterable of them. Raises ConfigError naming the entry that is neither."""
    if isinstance(items, str):
        items = items.split(",")
    networks = []
    for item in (each.strip() for each in items):
        if not item:
            continue
        try:
            networks.append(ip_network(item, strict=False))
        except ValueError as exc:
            raise ConfigError(
                f"QUIZAPP_TRUSTED_PROXIES: {item!r} is not an IP address or network "
                "(write e.g. 127.0.0.1 or 10.0.0.0/24, separated by commas)."
            ) from exc
    return tuple(networks)


def _address(text: str) -> Address | None:
    try:
        address = ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped  # a dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d
    return address


def _last(value: str) -> str:
    return value.rsplit(",", 1)[-1].strip()


class TrustedProxies:
    """WSGI middleware: ``REMOTE_ADDR``, the scheme and the host from ``X-Forwarded-*`` when,
    and only when, the peer is a trusted proxy (see the module)."""

    def __init__(self, app: Callable[..., Any], trusted: Iterable[Network]) -> None:
        self.app = app
        self.trusted = tuple(trusted)

    def is_trusted(self, address: Address | None) -> bool:
        return address is not None and any(address in network for network in self.trusted)

    def client_address(self, forwarded_for: str) -> str | None:
        """The right-most address of the chain that is not a trusted proxy (the left-most when
        every one is), or None when the walk meets an entry that is not an IP address."""
        entries = forwarded_for.split(",")
        for entry in reversed(entries):
            address = _address(entry)
            if address is None:
                return None
            if not self.is_trusted(address):
                return str(address)
        first = _address(entries[0])
        return str(first) if first is not None else None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        peer = environ.get("REMOTE_ADDR", "")
        if not self.is_trusted(_address(peer)):
            for key in FORWARDED_HEADERS:
                environ.pop(key, None)
            return self.app(environ, start_response)
        client = self.client_address(environ.get("HTTP_X_FORWARDED_FOR", ""))
        if client is not None:
            environ["REMOTE_ADDR"] = client
        scheme = _last(environ.get("HTTP_X_FORWARDED_PROTO", "")).lower()
        if scheme in {"http", "https"}:
            environ["wsgi.url_scheme"] = scheme
        host = _last(environ.get("HTTP_X_FORWARDED_HOST", ""))
        if host and _HOST.fullmatch(host):
            environ["HTTP_HOST"] = host
        return self.app(environ, start_response)
