"""Where a webhook may go: https in production, and never the app's own network unless developing.

The host is resolved and every address checked when an endpoint is added and again before each
delivery, and the connection goes to the address that was checked (no DNS rebinding in between).
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from dispute_engine import FormInvalid
from dispute_engine.words import N_, Words

LOCAL_ENVS = ("development", "testing")


@dataclass(frozen=True)
class Target:
    """A checked webhook URL: its parts and the address to connect to."""

    scheme: str
    host: str
    port: int
    path: str
    address: str


def _refusal(message: str) -> FormInvalid:
    return FormInvalid({"url": message})


def is_public(address: str) -> bool:
    """Whether an IP address is on the public internet (not private, loopback, link-local, ...)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_url(url: str, app_env: str) -> Target:
    """The URL's target if a webhook may be sent there now; FormInvalid (field `url`) otherwise."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise _refusal(Words(N_("That is not a URL."))) from None
    local = app_env in LOCAL_ENVS
    allowed = ("https", "http") if local else ("https",)
    if parts.scheme not in allowed or not parts.hostname:
        raise _refusal(
            Words(N_("Give an https:// URL.")) if not local else Words(N_("Give an http:// or https:// URL."))
        )
    if parts.username or parts.password:
        raise _refusal(
            Words(N_("A webhook URL carries no user name or password; the signature authenticates."))
        )
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise _refusal(Words(N_("%(host)s cannot be resolved."), host=parts.hostname)) from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
    if not local and not all(is_public(address) for address in addresses):
        raise _refusal(
            Words(
                N_("%(host)s points at a private or local address; webhooks go to the internet."),
                host=parts.hostname,
            )
        )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, parts.hostname, port, path, addresses[0])
