"""Where a webhook may point: http(s) URLs whose host resolves only to public addresses.

Refusing every address that is not `is_global` is on purpose stricter than a list of private ranges:
it also refuses CGNAT, 0.0.0.0, multicast and documentation ranges, none of which a merchant's
receiver lives in. An IPv6 address that carries an IPv4 one to its host (IPv4-mapped, 6to4, the
well-known NAT64 prefix) is judged by that IPv4 address, which Python's `is_global` does not do for
6to4 and NAT64 (`64:ff9b::7f00:1` reaches 127.0.0.1 through a NAT64 gateway); the local-use NAT64
prefix, whose translators are the network's own, is refused whole. The check runs
at creation and again at each delivery, which then connects to the very address it checked
(DNS could answer differently a second time).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass, field
from urllib.parse import SplitResult, urlsplit

SCHEMES = {"http": 80, "https": 443}
MAX_URL_LENGTH = 2048
WELL_KNOWN_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
LOCAL_NAT64 = ipaddress.IPv6Network("64:ff9b:1::/48")


class RefusedUrl(ValueError):
    """The URL may not be called; the message says why, for the admin to read."""


@dataclass(frozen=True)
class Target:
    """What to request: the URL (its host replaced by the checked address when pinned) and the
    headers and extensions that keep the original name for the Host header and TLS."""

    url: str
    headers: dict[str, str] = field(default_factory=dict)
    extensions: dict[str, str] = field(default_factory=dict)


def parse(url: str) -> SplitResult:
    """The URL split, when it is an absolute http(s) URL with a host; else RefusedUrl."""
    if len(url) > MAX_URL_LENGTH:
        raise RefusedUrl(f"longer than {MAX_URL_LENGTH} characters")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises ValueError on a port out of range
    except ValueError as exc:
        raise RefusedUrl(f"not a valid URL ({exc})") from None
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise RefusedUrl("only http:// and https:// URLs with a host are allowed")
    if parts.username is not None:
        raise RefusedUrl("credentials in the URL are not accepted: the signature authenticates deliveries")
    return parts


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in LOCAL_NAT64:
            return False
        ip = _carried_ipv4(ip) or ip
    return ip.is_global and not ip.is_multicast


def _carried_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip in WELL_KNOWN_NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)  # RFC 6052: the last 32 bits of a /96
    return ip.ipv4_mapped or ip.sixtofour


async def resolve_public(parts: SplitResult) -> str:
    """The first address the host resolves to, when every one is public; else RefusedUrl."""
    host, port = parts.hostname or "", parts.port or SCHEMES[parts.scheme]
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise RefusedUrl(f"host {host!r} does not resolve ({exc})") from None
    addresses = [str(info[4][0]) for info in infos]
    private = [a for a in addresses if not is_public(a)]
    if private or not addresses:
        raise RefusedUrl(f"host {host!r} resolves to a private, loopback or reserved address ({', '.join(private)})")
    return addresses[0]


async def check(url: str, allow_private: bool) -> SplitResult:
    """For creation: the URL's form, and (unless private targets are allowed) where it leads."""
    parts = parse(url)
    if not allow_private:
        await resolve_public(parts)
    return parts


async def target(url: str, allow_private: bool) -> Target:
    """For delivery: the checked address pinned, the name kept for Host and TLS (SNI and certificate)."""
    parts = parse(url)
    if allow_private:
        return Target(url)
    address = await resolve_public(parts)
    host = f"[{address}]" if ":" in address else address
    netloc = f"{host}:{parts.port}" if parts.port else host
    extensions = {"sni_hostname": parts.hostname or ""} if parts.scheme == "https" else {}
    return Target(parts._replace(netloc=netloc).geturl(), {"Host": parts.netloc}, extensions)
