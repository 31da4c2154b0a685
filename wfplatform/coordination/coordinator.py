"""Group membership and leader election over tooz.

Every service process is one tooz member. It joins the group of each service it
runs (``wfplatform.engine``, ``wfplatform.executor``, …) with its capabilities,
heartbeats from a thread of its own, and leaves on a graceful shutdown. A
member that stops heartbeating (``kill -9``, a hung host, a partition) drops
out of its groups ``[coordination] member_timeout`` seconds later; that is what
lets the engine notice a lost executor (:mod:`wfplatform.engine.executor_loss`).

With ``[coordination] backend_url`` empty there is no coordination: a single
node, no ``GET /v2/services``, no executor-loss detection, and
:func:`from_config` returns None.

Leadership (:meth:`Coordinator.run_as_leader`) is a tooz lock held for as long
as the process heartbeats; every driver has locks (the file driver has no
elections), and a lock also tells its holder when it lost it.
"""

import os
import threading
from typing import Any, Callable
import urllib.parse
import uuid

from oslo_config import cfg
from oslo_log import log as logging
import tooz
from tooz import coordination as tooz_coordination

from wfplatform import exceptions

LOG = logging.getLogger(__name__)

GROUP_PREFIX = 'wfplatform.'

SERVICE_TYPES = ('api', 'engine', 'executor', 'notifier', 'event-engine')
"""Services with a group, in the order ``GET /v2/services`` lists them."""

_TIMEOUT_OPTIONS: dict[str, tuple[str, ...]] = {
    'redis': ('membership_timeout', 'lock_timeout'),
    'file': ('timeout',),
    'zookeeper': ('timeout',),
    'kazoo': ('timeout',),
    'etcd3+http': ('membership_timeout', 'lock_timeout'),
    'etcd3+https': ('membership_timeout', 'lock_timeout'),
    'memcached': ('membership_timeout', 'lock_timeout', 'leader_timeout'),
}
"""The driver options that ``member_timeout`` sets, unless the URL sets them."""


class CoordinationError(exceptions.WfplatformError):
    """The coordination backend is not configured or cannot be reached."""

    http_code = 500


def group_of(service: str) -> str:
    """The tooz group of a service type (``engine`` → ``wfplatform.engine``)."""
    return GROUP_PREFIX + service


def service_type(group: str) -> str:
    """Mistral's name for a group in ``GET /v2/services`` (``engine_group``)."""
    return f'{group.removeprefix(GROUP_PREFIX)}_group'


def make_member_id(host: str) -> str:
    """``<host>_<pid>_<random>``: unique per process start.

    Mistral names members ``<host>_<pid>``; the random part keeps a restarted
    process (a container is always pid 1) from taking the identity of the one
    that died, whose actions must still be found lost.
    """
    return f'{host}_{os.getpid()}_{uuid.uuid4().hex[:6]}'


def driver_options(backend_url: str, member_timeout: float) -> dict[str, Any]:
    """Timeout options for the driver of ``backend_url``; the URL's own win."""
    parsed = urllib.parse.urlsplit(backend_url)
    given = urllib.parse.parse_qs(parsed.query)
    seconds = max(1, round(member_timeout))
    options: dict[str, Any] = {}
    for name in _TIMEOUT_OPTIONS.get(parsed.scheme, ()):
        if name not in given:
            options[name] = member_timeout if name == 'membership_timeout' \
                else seconds
    return options


class Coordinator:
    """One process's tooz member: its groups, its heartbeat, its leaderships."""

    def __init__(self, backend_url: str, member_id: str, *,
                 heartbeat_interval: float = 1.0,
                 member_timeout: float = 10.0) -> None:
        self.backend_url = backend_url
        self.member_id = member_id
        self.heartbeat_interval = heartbeat_interval
        self.member_timeout = member_timeout
        self._driver = tooz_coordination.get_coordinator(
            backend_url, member_id.encode(),
            **driver_options(backend_url, member_timeout))
        self._groups: dict[str, dict[str, Any]] = {}
        self._leaderships: dict[str, '_Leadership'] = {}
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        """Connect and start heartbeating; joins happen with :meth:`join`."""
        self._driver.start(start_heart=False)
        self._driver.heartbeat()
        self._spawn(self._heartbeat_loop, 'coordination-heartbeat')
        LOG.info('Coordination member %s started on %s', self.member_id,
                 _safe_url(self.backend_url))

    def stop(self) -> None:
        """Leave every group, give up leaderships, stop heartbeating."""
        self._stopping.set()
        for thread in self._threads:
            thread.join()
        with self._lock:
            for group in list(self._groups):
                self.leave(group)
            for leadership in self._leaderships.values():
                leadership.resign()
            try:
                self._driver.stop()
            except tooz.ToozError as error:
                LOG.warning('Stopping the coordination member failed: %s', error)
        LOG.info('Coordination member %s stopped', self.member_id)

    def join(self, group: str, capabilities: dict[str, Any]) -> None:
        """Join ``group`` (creating it if needed); kept joined by the heartbeat."""
        with self._lock:
            self._groups[group] = capabilities
            self._join(group, capabilities)
        LOG.info('Joined group %s as %s', group, self.member_id)

    def leave(self, group: str) -> None:
        with self._lock:
            self._groups.pop(group, None)
            try:
                self._driver.leave_group(group.encode()).get()
            except (tooz_coordination.GroupNotCreated,
                    tooz_coordination.MemberNotJoined):
                pass
            except tooz.ToozError as error:
                LOG.warning('Could not leave group %s: %s', group, error)
                return
        LOG.info('Left group %s', group)

    def members(self, group: str) -> dict[str, dict[str, Any]]:
        """Live members of ``group`` and their capabilities; raises ToozError."""
        try:
            found = self._driver.get_members_with_capabilities(group.encode()).get()
        except tooz_coordination.GroupNotCreated:
            return {}
        return {_text(member): capabilities or {}
                for member, capabilities in found.items()}

    def run_as_leader(self, name: str, callback: Callable[[], object],
                      interval: float | None = None) -> None:
        """Call ``callback()`` every ``interval`` seconds while this process leads.

        Exactly one live member leads ``name`` at a time. A leader that dies
        is replaced ``member_timeout`` seconds later; one that loses its
        backend resigns at once. The callback runs in a thread of its own,
        so a slow callback never delays the heartbeat.
        """
        with self._lock:
            self._leaderships[name] = _Leadership(self._driver, name)
        self._spawn(lambda: self._leader_loop(name, callback,
                                              interval or self.heartbeat_interval),
                    f'leader-{name}')

    def is_leader(self, name: str) -> bool:
        leadership = self._leaderships.get(name)
        return leadership is not None and leadership.held

    def tick(self) -> None:
        """One heartbeat: stay alive, rejoin groups we fell out of, lead."""
        with self._lock:
            self._driver.heartbeat()
            for group, capabilities in self._groups.items():
                if not self._is_member(group):
                    LOG.warning('Member %s was dropped from group %s (missed '
                                'heartbeats or a backend restart); joining again',
                                self.member_id, group)
                    self._join(group, capabilities)
            for leadership in self._leaderships.values():
                leadership.refresh()

    def _is_member(self, group: str) -> bool:
        try:
            present = self._driver.get_members(group.encode()).get()
        except tooz_coordination.GroupNotCreated:
            return False
        return self.member_id.encode() in {
            member if isinstance(member, bytes) else member.encode()
            for member in present}

    def _join(self, group: str, capabilities: dict[str, Any]) -> None:
        encoded = group.encode()
        for _ in range(3):
            try:
                self._driver.join_group(encoded, capabilities).get()
                return
            except tooz_coordination.MemberAlreadyExist:
                self._driver.update_capabilities(encoded, capabilities).get()
                return
            except tooz_coordination.GroupNotCreated:
                try:
                    self._driver.create_group(encoded).get()
                except tooz_coordination.GroupAlreadyExist:
                    pass
        raise CoordinationError(f'Could not join group {group}')

    def _spawn(self, target: Callable[[], None], name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)
        self._threads.append(thread)
        thread.start()

    def _heartbeat_loop(self) -> None:
        while not self._stopping.wait(self.heartbeat_interval):
            try:
                self.tick()
            except Exception as error:
                LOG.warning('Coordination heartbeat failed (%s); resigning any '
                            'leadership and trying again in %s s', error,
                            self.heartbeat_interval)
                for leadership in self._leaderships.values():
                    leadership.held = False

    def _leader_loop(self, name: str, callback: Callable[[], object],
                     interval: float) -> None:
        while not self._stopping.wait(interval):
            if not self.is_leader(name):
                continue
            try:
                callback()
            except Exception:
                LOG.exception('Leader task %s failed; trying again in %s s',
                              name, interval)


class _Leadership:
    """A leadership as a tooz lock: taken when free, kept by the heartbeat."""

    def __init__(self, driver: Any, name: str) -> None:
        self.name = name
        self._lock = driver.get_lock(f'wfplatform-leader-{name}'.encode())
        self.held = False

    def refresh(self) -> None:
        """Check the lock is still ours, or try to take it.

        After a backend error ``held`` is cleared without releasing: the lock
        may still be ours, and is taken back here rather than left to expire.
        """
        owner = self._lock.is_still_owner()
        if self.held and not owner:
            LOG.warning('Lost the leadership of %s', self.name)
            self.held = False
            self._release()
        if not self.held and (owner or self._lock.acquire(blocking=False)):
            LOG.info('Now the leader of %s', self.name)
            self.held = True

    def resign(self) -> None:
        if self.held:
            self.held = False
            self._release()

    def _release(self) -> None:
        try:
            self._lock.release()
        except tooz.ToozError:
            pass


class ServiceDirectory:
    """Reads the service groups for ``GET /v2/services``.

    It connects for each read instead of holding a connection: the API may run
    under a WSGI server that has no service lifecycle, and the read is rare.
    """

    def __init__(self, backend_url: str, member_timeout: float) -> None:
        self.backend_url = backend_url
        self.member_timeout = member_timeout

    def services(self) -> list[dict[str, str]]:
        """``[{'name': member id, 'type': '<service>_group'}]``."""
        reader = tooz_coordination.get_coordinator(
            self.backend_url, f'reader_{uuid.uuid4().hex}'.encode(),
            **driver_options(self.backend_url, self.member_timeout))
        try:
            reader.start(start_heart=False)
        except tooz.ToozError as error:
            raise CoordinationError(
                f'Failed to connect to coordination backend. {error}') from None
        try:
            listed = []
            for service in SERVICE_TYPES:
                group = group_of(service)
                try:
                    members = reader.get_members(group.encode()).get()
                except tooz_coordination.GroupNotCreated:
                    continue
                listed += [{'name': _text(member), 'type': service_type(group)}
                           for member in sorted(members)]
            return listed
        except tooz.ToozError as error:
            raise CoordinationError(
                'Failed to get service members from coordination backend. '
                f'{error}') from None
        finally:
            try:
                reader.stop()
            except tooz.ToozError:
                pass


def from_config(conf: cfg.ConfigOpts, host: str) -> Coordinator | None:
    """The process's coordinator, named after ``host``; None without a backend."""
    section = conf.coordination
    if not section.backend_url:
        return None
    return Coordinator(section.backend_url, make_member_id(host),
                       heartbeat_interval=section.heartbeat_interval,
                       member_timeout=section.member_timeout)


def directory_from_config(conf: cfg.ConfigOpts) -> ServiceDirectory | None:
    section = conf.coordination
    if not section.backend_url:
        return None
    return ServiceDirectory(section.backend_url, section.member_timeout)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _safe_url(url: str) -> str:
    """The URL without a password, for logs."""
    parsed = urllib.parse.urlsplit(url)
    if parsed.password is None:
        return url
    netloc = parsed.netloc.replace(f':{parsed.password}@', ':***@')
    return urllib.parse.urlunsplit(parsed._replace(netloc=netloc))
