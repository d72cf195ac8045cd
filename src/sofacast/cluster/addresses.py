"""A --cluster address, checked before anything connects: `local` / `local:N`, or a scheduler's scheme://host:port
(a malformed one used to reach Dask, which failed with an internal error or tried the name for 10 s)."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import NoReturn

from sofacast.cluster.problems import ClusterError

LOCAL = re.compile(r"local(?::(\d{1,3}))?")
DEFAULT_PORT = 8786  # dask scheduler's
MAX_ADDRESS = 300
SCHEMES = {"tcp": False, "ws": False, "ucx": False, "tls": True, "wss": True}  # Dask's schemes -> encrypted
_HOST_PORT = re.compile(r"(?P<host>\[[^\]]*\]|[^/:\[\]@]*)(?::(?P<port>[^/:]*))?")
_LABEL = r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?"  # a DNS label (with the "_" some LANs use)
_HOST_NAME = re.compile(rf"(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})*\.?")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
ADDRESS_HINT = "Give the scheduler's address, e.g. tls://10.0.0.5:8786, or local (local:4 for 4 workers)"


@dataclass(frozen=True)
class Address:
    scheme: str
    host: str
    port: int

    @property
    def encrypted(self) -> bool:
        return SCHEMES[self.scheme]

    @property
    def on_this_machine(self) -> bool:
        if self.host.lower().rstrip(".") == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"


def local_workers(address: str) -> int | None:
    """N for local:N (2 for local), None for a scheduler's address."""
    match = LOCAL.fullmatch(address.strip())
    if match is None:
        return None
    return max(1, int(match.group(1) or 2))


def parse_address(text: str) -> Address:
    """A scheduler's address as Dask takes it (scheme://host:port; the port 8786 when left out), or one ClusterError."""
    address = text.strip()
    if len(address) > MAX_ADDRESS:
        _not_an_address(address, f"too long: {len(address):,} characters, the most is {MAX_ADDRESS}")
    control = _CONTROL.search(address)
    if control:
        _not_an_address(address, f"it holds a control character, U+{ord(control.group()):04X}")
    scheme, separator, rest = address.partition("://")
    if not separator:
        _not_an_address(address, "local takes 1 to 999 workers, e.g. local:4" if scheme.lower().startswith("local")
                        else "no scheme such as tls://")
    if scheme.lower() not in SCHEMES:
        _not_an_address(address, f"{scheme[:20]}:// is not one of Dask's: {', '.join(f'{s}://' for s in SCHEMES)}")
    match = _HOST_PORT.fullmatch(rest)
    if match is None:
        _not_an_address(address, _what_is_wrong(rest))
    return Address(scheme.lower(), _host(address, match["host"]), _port(address, match["port"]))


def _what_is_wrong(rest: str) -> str:
    if rest.startswith("[") and "]" not in rest:
        return "the IPv6 address's ']' is missing"
    for candidate in (rest, rest.rpartition(":")[0]):
        try:
            ipaddress.IPv6Address(candidate)
            return "an IPv6 address goes in brackets, e.g. tls://[::1]:8786"
        except ValueError:
            pass
    return "only scheme://host:port, with no user, path or query"


def _host(address: str, host: str) -> str:
    if host.startswith("["):
        try:
            return str(ipaddress.IPv6Address(host[1:-1]))
        except ValueError:
            _not_an_address(address, f"{host} is not an IPv6 address")
    if not host:
        _not_an_address(address, "it names no host")
    if not _HOST_NAME.fullmatch(host):
        _not_an_address(address, f"{host[:60]!r} is not a host name or IP address")
    return host


def _port(address: str, port: str | None) -> int:
    if port is None:
        return DEFAULT_PORT
    if not port.isascii() or not port.isdigit() or not 1 <= int(port[:6]) <= 65535:
        _not_an_address(address, f"the port {port[:20]!r} is not a number from 1 to 65535")
    return int(port)


def _not_an_address(address: str, why: str) -> NoReturn:
    shown = address if len(address) <= 80 else address[:79] + "…"
    raise ClusterError(f"--cluster {shown!r} is not a cluster's address ({why})", ADDRESS_HINT + ".")
