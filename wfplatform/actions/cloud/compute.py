"""``nova.*``: servers — create, look up, power, migrate, resize, attach volumes.

Results are the server as Nova shows it (``status``, ``OS-EXT-SRV-ATTR:host``,
``fault``, …). Actions that change a server's state can wait for the state the
change ends in (``wait_for_active``, ``wait_for_shutoff``,
``wait_for_verify_resize``, ``wait_for_deleted``), polling every
``poll_interval`` seconds for at most ``timeout``; a server that goes to ERROR
meanwhile fails the task with Nova's fault message.
"""

import base64
import itertools
from typing import Any, Iterable

from openstack.compute.v2 import server as sdk_server
from openstack import connection as sdk_connection
from openstack import exceptions as sdk_exceptions

from wfplatform.actions.cloud import base
from wfplatform import exceptions

Connection = sdk_connection.Connection


class _ServerAction(base.CloudAction):
    """A server action that may wait for the state its change ends in."""

    server: str
    wait = False
    waiter: base.Waiter

    def _setup(self, server: str, wait: bool, timeout: float | None,
               poll_interval: float | None, action_region: str | None) -> None:
        if not isinstance(server, str) or not server:
            raise exceptions.InvalidInput(f'{self.name}: server must be a server '
                                          f'id, got {server!r}')
        self.server = server
        self.wait = bool(wait)
        self.waiter = base.Waiter(self.name, timeout, poll_interval)
        self.action_region = action_region

    def wait_for(self, connection: Connection, server_id: str,
                 statuses: tuple[str, ...]) -> sdk_server.Server:
        """The server once its status is one of ``statuses`` with no task running."""
        def done(server: sdk_server.Server) -> bool:
            if server.status == 'ERROR':
                raise exceptions.ActionError(
                    f'{self.name}: server {server_id} went to ERROR: '
                    f'{fault_message(server)}')
            return server.status in statuses and not server.task_state
        return self.waiter.until(
            lambda: connection.compute.get_server(server_id), done,
            f'server {server_id} to be {" or ".join(statuses)}')

    def finish(self, connection: Connection,
               statuses: tuple[str, ...]) -> dict[str, Any] | None:
        """The server after the change: waited for if asked, else as it is now."""
        if self.wait:
            return base.plain(self.wait_for(connection, self.server, statuses))
        return base.plain(connection.compute.get_server(self.server))


def fault_message(server: sdk_server.Server) -> str:
    fault = server.fault or {}
    return str(fault.get('message') or 'Nova gave no fault message')


class ServersCreate(_ServerAction):
    """Boots a server; with ``wait_for_active``, waits until it is ACTIVE.

    ``image`` and ``flavor`` are ids. ``networks`` is Nova's list
    (``[{"uuid": ...}, {"port": ...}]``), a list of network ids, or ``"auto"``
    / ``"none"``; ``nics`` takes novaclient's form (``[{"net-id": ...}]``).
    Without either the server gets ``"auto"``, as before microversion 2.37.
    """

    name = 'nova.servers_create'

    def __init__(self, name: str, image: str | None, flavor: str,
                 networks: Any = None, nics: Any = None,
                 key_name: str | None = None, security_groups: Any = None,
                 userdata: str | None = None,
                 availability_zone: str | None = None, meta: Any = None,
                 block_device_mapping_v2: Any = None,
                 scheduler_hints: Any = None, config_drive: bool | None = None,
                 admin_pass: str | None = None, description: str | None = None,
                 wait_for_active: bool = False, timeout: float | None = None,
                 poll_interval: float | None = None,
                 action_region: str | None = None) -> None:
        self.waiter = base.Waiter(self.name, timeout, poll_interval)
        self.wait = bool(wait_for_active)
        self.action_region = action_region
        attributes = {
            'name': name, 'image_id': image, 'flavor_id': flavor,
            'networks': _networks(networks, nics), 'key_name': key_name,
            'security_groups': _security_groups(security_groups),
            'user_data': _user_data(userdata),
            'availability_zone': availability_zone, 'metadata': meta,
            'block_device_mapping': block_device_mapping_v2,
            'scheduler_hints': scheduler_hints, 'config_drive': config_drive,
            'admin_password': admin_pass, 'description': description}
        self.attributes = {key: value for key, value in attributes.items()
                           if value is not None}

    def call(self, connection: Connection) -> Any:
        created = connection.compute.create_server(**self.attributes)
        self.server = created.id
        result = self.finish(connection, ('ACTIVE',))
        if result is not None and created.admin_password:
            result['adminPass'] = created.admin_password
        return result


def _networks(networks: Any, nics: Any) -> Any:
    if networks is not None and nics is not None:
        raise exceptions.InvalidInput('nova.servers_create: give networks or '
                                      'nics, not both')
    if nics is not None:
        renamed = {'net-id': 'uuid', 'port-id': 'port', 'v4-fixed-ip': 'fixed_ip',
                   'v6-fixed-ip': 'fixed_ip', 'tag': 'tag'}
        return [{renamed.get(key, key): value for key, value in nic.items()}
                for nic in nics] if isinstance(nics, list) else nics
    if networks is None:
        return 'auto'
    if isinstance(networks, list):
        return [{'uuid': item} if isinstance(item, str) else item
                for item in networks]
    return networks


def _security_groups(groups: Any) -> Any:
    if isinstance(groups, list):
        return [{'name': group} if isinstance(group, str) else group
                for group in groups]
    return groups


def _user_data(userdata: str | None) -> str | None:
    """Nova wants base64; novaclient encoded plain text, so this does too."""
    if userdata is None:
        return None
    try:
        base64.b64decode(userdata, validate=True)
        return userdata
    except ValueError:
        return base64.b64encode(userdata.encode()).decode()


class ServersGet(base.CloudAction):
    """The server with id ``server``."""

    name = 'nova.servers_get'

    def __init__(self, server: str, action_region: str | None = None) -> None:
        self.server = server
        self.action_region = action_region

    def call(self, connection: Connection) -> Any:
        return base.plain(connection.compute.get_server(self.server))


class ServersList(base.CloudAction):
    """Servers, with details unless ``detailed`` is false.

    ``search_opts`` are Nova's filters (``name``, ``status``, ``host``,
    ``all_tenants``, …); ``limit`` caps how many are returned.
    """

    name = 'nova.servers_list'

    def __init__(self, detailed: bool = True, search_opts: Any = None,
                 limit: int | None = None,
                 action_region: str | None = None) -> None:
        self.detailed = bool(detailed)
        query = dict(search_opts or {})
        if 'all_tenants' in query:
            query['all_projects'] = query.pop('all_tenants')
        self.query = query
        self.limit = limit
        self.action_region = action_region

    def call(self, connection: Connection) -> Any:
        servers: Iterable[sdk_server.Server] = connection.compute.servers(
            details=self.detailed, **self.query)
        if self.limit is not None:
            servers = itertools.islice(servers, int(self.limit))
        return [base.plain(server) for server in servers]


class ServersDelete(_ServerAction):
    """Deletes a server; with ``wait_for_deleted``, until Nova no longer has it."""

    name = 'nova.servers_delete'

    def __init__(self, server: str, force: bool = False,
                 wait_for_deleted: bool = False, timeout: float | None = None,
                 poll_interval: float | None = None,
                 action_region: str | None = None) -> None:
        self._setup(server, wait_for_deleted, timeout, poll_interval,
                    action_region)
        self.force = bool(force)

    def call(self, connection: Connection) -> Any:
        connection.compute.delete_server(self.server, ignore_missing=False,
                                         force=self.force)
        if self.wait:
            def look() -> bool:
                try:
                    connection.compute.get_server(self.server)
                except sdk_exceptions.NotFoundException:
                    return True
                return False
            self.waiter.until(look, bool, f'server {self.server} to be deleted')
        return None


class ServersStart(_ServerAction):
    """Starts a stopped server (``os-start``)."""

    name = 'nova.servers_start'

    def __init__(self, server: str, wait_for_active: bool = False,
                 timeout: float | None = None, poll_interval: float | None = None,
                 action_region: str | None = None) -> None:
        self._setup(server, wait_for_active, timeout, poll_interval,
                    action_region)

    def call(self, connection: Connection) -> Any:
        connection.compute.start_server(self.server)
        return self.finish(connection, ('ACTIVE',))


class ServersStop(_ServerAction):
    """Stops a server (``os-stop``)."""

    name = 'nova.servers_stop'

    def __init__(self, server: str, wait_for_shutoff: bool = False,
                 timeout: float | None = None, poll_interval: float | None = None,
                 action_region: str | None = None) -> None:
        self._setup(server, wait_for_shutoff, timeout, poll_interval,
                    action_region)

    def call(self, connection: Connection) -> Any:
        connection.compute.stop_server(self.server)
        return self.finish(connection, ('SHUTOFF',))


class ServersReboot(_ServerAction):
    """Reboots a server; ``reboot_type`` is ``SOFT`` or ``HARD``."""

    name = 'nova.servers_reboot'

    def __init__(self, server: str, reboot_type: str = 'SOFT',
                 wait_for_active: bool = False, timeout: float | None = None,
                 poll_interval: float | None = None,
                 action_region: str | None = None) -> None:
        self._setup(server, wait_for_active, timeout, poll_interval,
                    action_region)
        if str(reboot_type).upper() not in ('SOFT', 'HARD'):
            raise exceptions.InvalidInput(
                f'{self.name}: reboot_type must be SOFT or HARD, got '
                f'{reboot_type!r}')
        self.reboot_type = str(reboot_type).upper()

    def call(self, connection: Connection) -> Any:
        connection.compute.reboot_server(self.server, self.reboot_type)
        return self.finish(connection, ('ACTIVE',))


class ServersLiveMigrate(_ServerAction):
    """Live-migrates a server to ``host``, or where the scheduler chooses.

    ``block_migration`` is true, false or ``"auto"``. With
    ``wait_for_active`` the action waits until the server is ACTIVE again and
    fails if it is still on its old host (Nova rolls a failed live migration
    back and leaves the server ACTIVE where it was) or not on ``host``.
    """

    name = 'nova.servers_live_migrate'

    def __init__(self, server: str, host: str | None = None,
                 block_migration: Any = 'auto',
                 disk_over_commit: bool | None = None, force: bool | None = None,
                 wait_for_active: bool = False, timeout: float | None = None,
                 poll_interval: float | None = None,
                 action_region: str | None = None) -> None:
        self._setup(server, wait_for_active, timeout, poll_interval,
                    action_region)
        if block_migration not in (True, False, 'auto', None):
            raise exceptions.InvalidInput(
                f'{self.name}: block_migration must be true, false or "auto", '
                f'got {block_migration!r}')
        self.host = host or None
        self.block_migration = block_migration
        self.disk_over_commit = disk_over_commit
        self.force = force

    def call(self, connection: Connection) -> Any:
        source = connection.compute.get_server(self.server).compute_host
        connection.compute.live_migrate_server(
            self.server, host=self.host, force=bool(self.force),
            block_migration=self.block_migration,
            disk_over_commit=self.disk_over_commit)
        if not self.wait:
            return base.plain(connection.compute.get_server(self.server))
        server = self.wait_for(connection, self.server, ('ACTIVE',))
        self._check_moved(source, server.compute_host)
        return base.plain(server)

    def _check_moved(self, source: str | None, target: str | None) -> None:
        """Nova hides hosts from non-admins: with no host shown, trust ACTIVE."""
        if source is not None and target == source:
            raise exceptions.ActionError(
                f'{self.name}: server {self.server} is ACTIVE again but still on '
                f'host {source}: the live migration failed (see its migration '
                f'record: openstack server migration list --server '
                f'{self.server})')
        if self.host is not None and target is not None and target != self.host:
            raise exceptions.ActionError(
                f'{self.name}: server {self.server} went to host {target}, '
                f'not {self.host}')


class ServersMigrate(_ServerAction):
    """Cold-migrates a server (to ``host`` from microversion 2.56).

    It ends in VERIFY_RESIZE: confirm with ``nova.servers_confirm_resize``.
    """

    name = 'nova.servers_migrate'

    def __init__(self, server: str, host: str | None = None,
                 wait_for_verify_resize: bool = False,
                 timeout: float | None = None, poll_interval: float | None = None,
                 action_region: str | None = None) -> None:
        self._setup(server, wait_for_verify_resize, timeout, poll_interval,
                    action_region)
        self.host = host or None

    def call(self, connection: Connection) -> Any:
        connection.compute.migrate_server(self.server, host=self.host)
        return self.finish(connection, ('VERIFY_RESIZE',))


class ServersResize(_ServerAction):
    """Resizes a server to ``flavor`` (an id); it ends in VERIFY_RESIZE."""

    name = 'nova.servers_resize'

    def __init__(self, server: str, flavor: str,
                 wait_for_verify_resize: bool = False,
                 timeout: float | None = None, poll_interval: float | None = None,
                 action_region: str | None = None) -> None:
        self._setup(server, wait_for_verify_resize, timeout, poll_interval,
                    action_region)
        self.flavor = flavor

    def call(self, connection: Connection) -> Any:
        connection.compute.resize_server(self.server, self.flavor)
        return self.finish(connection, ('VERIFY_RESIZE',))


class ServersConfirmResize(_ServerAction):
    """Confirms a resize or cold migration; the server ends ACTIVE (or SHUTOFF)."""

    name = 'nova.servers_confirm_resize'

    def __init__(self, server: str, wait_for_active: bool = False,
                 timeout: float | None = None, poll_interval: float | None = None,
                 action_region: str | None = None) -> None:
        self._setup(server, wait_for_active, timeout, poll_interval,
                    action_region)

    def call(self, connection: Connection) -> Any:
        connection.compute.confirm_server_resize(self.server)
        return self.finish(connection, ('ACTIVE', 'SHUTOFF'))


class VolumesCreateServerVolume(base.CloudAction):
    """Attaches volume ``volume_id`` to server ``server_id``; the attachment."""

    name = 'nova.volumes_create_server_volume'

    def __init__(self, server_id: str, volume_id: str, device: str | None = None,
                 action_region: str | None = None) -> None:
        self.server_id = server_id
        self.attributes = {'volume_id': volume_id}
        if device is not None:
            self.attributes['device'] = device
        self.action_region = action_region

    def call(self, connection: Connection) -> Any:
        return base.plain(connection.compute.create_volume_attachment(
            self.server_id, **self.attributes))


class VolumesDeleteServerVolume(base.CloudAction):
    """Detaches volume ``volume_id`` from server ``server_id``."""

    name = 'nova.volumes_delete_server_volume'

    def __init__(self, server_id: str, volume_id: str,
                 action_region: str | None = None) -> None:
        self.server_id = server_id
        self.volume_id = volume_id
        self.action_region = action_region

    def call(self, connection: Connection) -> Any:
        connection.compute.delete_volume_attachment(
            self.server_id, self.volume_id, ignore_missing=False)
        return None
