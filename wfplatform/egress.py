"""Where wfplatform may open outgoing HTTP connections on a user's behalf.

``std.http`` and the notifier's webhooks connect to URLs that users write. Left
alone, a user could make the service reach what only the service's host can
reach: itself on loopback, or the cloud's metadata service on link-local
``169.254.169.254`` (which hands out instance credentials). One
:class:`EgressPolicy`, built from the ``[egress]`` options, decides for both.

Every address a host name resolves to is checked, and the connection is then
opened to one of exactly those checked addresses (the name is resolved once, at
connect time, for every connection including redirects), so a DNS answer that
changes between the check and the connection (DNS rebinding) gains nothing.
TLS still verifies the certificate against the host name of the URL.

Defaults: loopback and link-local are denied, private ranges are allowed —
operators' clouds (Keystone, Nova, internal web hooks) live on private
addresses, and denying them would break the common case.
"""

import dataclasses
import ipaddress
import socket
from typing import Any, Callable, Iterable, Sequence
from urllib import parse

import requests
from requests import adapters
from urllib3 import connection as urllib3_connection
from urllib3 import connectionpool
from urllib3 import exceptions as urllib3_exceptions
from urllib3 import poolmanager

from wfplatform import exceptions

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

Resolver = Callable[[str, int], list[str]]
"""``resolve(host, port)``: the addresses a host name stands for."""

LOOPBACK = 'loopback'
LINK_LOCAL = 'link-local'
PRIVATE = 'private'

_OPTION = {LOOPBACK: 'allow_loopback', LINK_LOCAL: 'allow_link_local',
           PRIVATE: 'allow_private'}


class EgressDenied(exceptions.WfplatformError):
    """A connection the egress policy refuses; the message names the option."""


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to, in the resolver's order, without repeats."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def category(address: Address) -> str | None:
    """``loopback``, ``link-local``, ``private`` or None (public) for an address.

    The unspecified address (``0.0.0.0``, ``::``) reaches the local host on
    Linux, so it counts as loopback; IPv4-mapped IPv6 addresses count as the IPv4
    address they carry.
    """
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if address.is_loopback or address.is_unspecified:
        return LOOPBACK
    if address.is_link_local:
        return LINK_LOCAL
    if address.is_private:
        return PRIVATE
    return None


@dataclasses.dataclass(frozen=True)
class EgressPolicy:
    """Which addresses outgoing connections may reach.

    ``allowed_hosts`` and ``denied_hosts`` hold host names (matched exactly,
    case-insensitively, against the URL's host) and networks (``10.0.0.0/8``;
    a bare address is a network of one); ``denied_hosts`` wins over
    ``allowed_hosts``, which wins over the ``allow_*`` switches.
    """

    allow_loopback: bool = False
    allow_link_local: bool = False
    allow_private: bool = True
    allowed_hosts: tuple[str, ...] = ()
    denied_hosts: tuple[str, ...] = ()
    resolver: Resolver = dataclasses.field(default=resolve, compare=False)

    @classmethod
    def from_config(cls, conf: Any) -> 'EgressPolicy':
        """The policy of the ``[egress]`` options."""
        group = conf.egress
        return cls(allow_loopback=group.allow_loopback,
                   allow_link_local=group.allow_link_local,
                   allow_private=group.allow_private,
                   allowed_hosts=tuple(group.allowed_hosts),
                   denied_hosts=tuple(group.denied_hosts))

    @classmethod
    def permissive(cls) -> 'EgressPolicy':
        """Everything allowed: for tests and tools that talk to local servers."""
        return cls(allow_loopback=True, allow_link_local=True, allow_private=True)

    def check_address(self, host: str, address: str) -> None:
        """Raise :class:`EgressDenied` unless ``host`` may be reached at ``address``."""
        ip = ipaddress.ip_address(address.split('%', 1)[0])
        if _listed(self.denied_hosts, host, ip):
            raise EgressDenied(
                f'refusing to connect to {_shown(host, address)} (listed in '
                '[egress] denied_hosts)')
        if _listed(self.allowed_hosts, host, ip):
            return
        kind = category(ip)
        if kind is not None and not getattr(self, _OPTION[kind]):
            raise EgressDenied(
                f'refusing to connect to {_shown(host, address)} ({kind}); see '
                f'[egress] {_OPTION[kind]}')

    def addresses(self, host: str, port: int) -> list[str]:
        """The addresses of ``host``, after checking every one of them.

        One denied address refuses the whole host: an attacker's name that
        resolves to both a public and a private address must not get through.
        """
        host = host.strip('[]')
        found = self.resolver(host, port)
        for address in found:
            self.check_address(host, address)
        return found

    def check_url(self, url: str) -> None:
        """Check the host of ``url``.

        For requests through a proxy, which the connect-time check sees only as
        the proxy's address.
        """
        parts = parse.urlsplit(url)
        if parts.hostname:
            self.addresses(parts.hostname,
                           parts.port or (443 if parts.scheme == 'https' else 80))

    def session(self) -> requests.Session:
        """A ``requests`` session whose every connection obeys this policy."""
        session = requests.Session()
        adapter = _GuardedAdapter(self)
        session.mount('http://', adapter)
        session.mount('https://', adapter)
        return session


def _listed(entries: Iterable[str], host: str, ip: Address) -> bool:
    for entry in entries:
        entry = entry.strip()
        try:
            network: Network = ipaddress.ip_network(entry, strict=False)
        except ValueError:
            if entry.lower() == host.lower():
                return True
            continue
        if ip.version == network.version and ip in network:
            return True
    return False


def _shown(host: str, address: str) -> str:
    return address if host == address else f'{host} at {address}'


class _GuardedConnectionMixin:
    """Resolves, checks, and connects only to a checked address."""

    egress_policy: EgressPolicy
    _dns_host: str
    port: int

    def _new_conn(self) -> socket.socket:
        host = self._dns_host
        last_error: Exception | None = None
        try:
            addresses = self.egress_policy.addresses(host, self.port)
        except socket.gaierror as error:
            raise urllib3_exceptions.NameResolutionError(
                host, self, error) from error  # type: ignore[arg-type]
        for address in addresses:
            self._dns_host = address
            try:
                sock: socket.socket = super()._new_conn()  # type: ignore[misc]
                return sock
            except urllib3_exceptions.NewConnectionError as error:
                last_error = error
            finally:
                self._dns_host = host
        if last_error is not None:
            raise last_error
        raise urllib3_exceptions.NewConnectionError(
            self, f'{host} has no address')  # type: ignore[arg-type]


def _pool_classes(policy: EgressPolicy) -> dict[str, type]:
    """Connection pool classes whose connections carry ``policy``."""
    http_connection = type('GuardedHTTPConnection', (
        _GuardedConnectionMixin, urllib3_connection.HTTPConnection),
        {'egress_policy': policy})
    https_connection = type('GuardedHTTPSConnection', (
        _GuardedConnectionMixin, urllib3_connection.HTTPSConnection),
        {'egress_policy': policy})
    return {
        'http': type('GuardedHTTPConnectionPool',
                     (connectionpool.HTTPConnectionPool,),
                     {'ConnectionCls': http_connection}),
        'https': type('GuardedHTTPSConnectionPool',
                      (connectionpool.HTTPSConnectionPool,),
                      {'ConnectionCls': https_connection}),
    }


class _GuardedAdapter(adapters.HTTPAdapter):
    def __init__(self, policy: EgressPolicy) -> None:
        self._policy = policy
        super().__init__()

    def init_poolmanager(self, connections: int, maxsize: int, block: bool = False,
                         **pool_kwargs: Any) -> None:
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)
        self.poolmanager.pool_classes_by_scheme = _pool_classes(self._policy)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if isinstance(manager, poolmanager.PoolManager):
            manager.pool_classes_by_scheme = _pool_classes(self._policy)
        return manager

    def send(self, request: requests.PreparedRequest, *args: Any,
             **kwargs: Any) -> requests.Response:
        if kwargs.get('proxies') and request.url:
            self._policy.check_url(request.url)
        return super().send(request, *args, **kwargs)


__all__: Sequence[str] = ('EgressDenied', 'EgressPolicy', 'category', 'resolve')
