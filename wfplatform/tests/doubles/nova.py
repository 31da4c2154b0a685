"""The compute API of the cloud double: Nova v2.1, as its API reference shows it.

Servers carry Nova's ``vm_state``/``task_state`` pair and show the status Nova
derives from it (``nova/api/openstack/common.py``). The API answers at once and
the change finishes a step later, as Nova's compute service would:

- create: BUILD (``building``/``scheduling``), then ACTIVE on a host — or ERROR
  with a fault, for a name in ``build_failures``;
- ``os-migrateLive``: MIGRATING, then ACTIVE on the new host (another host than
  its own, chosen like a scheduler when none is given) — or, for a server in
  ``failing_live_migrations``, ACTIVE again on its old host, as Nova's rollback
  leaves it;
- ``migrate`` and ``resize``: RESIZE, then VERIFY_RESIZE; ``confirmResize``:
  ACTIVE (or SHUTOFF if it was stopped);
- ``os-stop``/``os-start``/``reboot``: SHUTOFF / ACTIVE / REBOOT then ACTIVE;
- delete: the server answers 404 a step later.

Refusals use Nova's status codes and fault bodies: 404 ``itemNotFound`` for an
unknown server, 409 ``conflictingRequest`` for an action in the wrong state, 400
``badRequest`` for bad input.
"""

import hashlib
from typing import Any
import uuid

from wfplatform.tests.doubles import wire

MAX_VERSION = (2, 60)
"""The highest microversion this double announces."""

PREFIX = '/compute/v2.1'

_STATUS = {
    'building': {None: 'BUILD'},
    'active': {None: 'ACTIVE', 'rebooting': 'REBOOT',
               'rebooting_hard': 'HARD_REBOOT', 'migrating': 'MIGRATING',
               'resize_prep': 'RESIZE'},
    'stopped': {None: 'SHUTOFF', 'resize_prep': 'RESIZE'},
    'resized': {None: 'VERIFY_RESIZE'},
    'error': {None: 'ERROR'},
}
"""Nova's status of each ``vm_state`` and ``task_state``; a task state not
listed shows the ``None`` entry (a server powering off is still ACTIVE)."""

FLAVORS = {
    '1': {'name': 'm1.tiny', 'ram': 512, 'vcpus': 1, 'disk': 1},
    '2': {'name': 'm1.small', 'ram': 2048, 'vcpus': 1, 'disk': 20},
    '3': {'name': 'm1.medium', 'ram': 4096, 'vcpus': 2, 'disk': 40},
}


def status(server: dict[str, Any]) -> str:
    by_task = _STATUS[server['vm_state']]
    return by_task.get(server['task_state'], by_task[None])


class Compute:
    """Servers, flavors and volume attachments of one project."""

    def __init__(self, cloud: wire.Cloud, hosts: tuple[str, ...],
                 images: dict[str, Any], volumes: dict[str, Any]) -> None:
        self.cloud = cloud
        self.hosts = list(hosts)
        self.images = images
        self.volumes = volumes
        self.servers: dict[str, dict[str, Any]] = {}
        self.build_failures: dict[str, str] = {}
        """Server name → the fault message its build fails with."""
        self.failing_live_migrations: set[str] = set()
        """Server ids whose live migrations Nova rolls back."""

    def routes(self) -> list[wire.Route]:
        server = PREFIX + r'/servers/(?P<server_id>[^/]+)'
        return [
            ('GET', r'/compute', self._versions),
            ('GET', PREFIX, self._version),
            ('GET', PREFIX + r'/servers/detail', self._list_detail),
            ('GET', PREFIX + r'/servers', self._list),
            ('POST', PREFIX + r'/servers', self._create),
            ('GET', server, self._show),
            ('DELETE', server, self._delete),
            ('POST', server + r'/action', self._action),
            ('GET', server + r'/os-volume_attachments', self._attachments),
            ('POST', server + r'/os-volume_attachments', self._attach),
            ('DELETE', server + r'/os-volume_attachments/(?P<volume_id>[^/]+)',
             self._detach),
            ('GET', PREFIX + r'/flavors/detail', self._flavors_detail),
            ('GET', PREFIX + r'/flavors', self._flavors),
            ('GET', PREFIX + r'/flavors/(?P<flavor_id>[^/]+)', self._flavor),
        ]

    # -- versions ------------------------------------------------------------
    def _version_doc(self) -> dict[str, Any]:
        return {'id': 'v2.1', 'status': 'CURRENT',
                'version': '%d.%d' % MAX_VERSION, 'min_version': '2.1',
                'updated': '2013-07-23T11:33:21Z',
                'links': [{'rel': 'self',
                           'href': f'{self.cloud.url}{PREFIX}/'}],
                'media-types': [{'base': 'application/json', 'type':
                                 'application/vnd.openstack.compute+json;'
                                 'version=2.1'}]}

    def _versions(self, request: wire.Request) -> wire.Reply:
        return wire.Reply(200, {'versions': [self._version_doc()]})

    def _version(self, request: wire.Request) -> wire.Reply:
        return wire.Reply(200, {'version': self._version_doc()})

    # -- servers -------------------------------------------------------------
    def _get(self, server_id: str) -> dict[str, Any]:
        server = self.servers.get(server_id)
        if server is None:
            raise wire.nova_fault(404, f'Instance {server_id} could not be found.')
        return server

    def _reply(self, request: wire.Request, status_code: int,
               body: Any = None) -> wire.Reply:
        version = microversion(request)
        return wire.Reply(status_code, body, {
            'OpenStack-API-Version': 'compute %d.%d' % version,
            'X-OpenStack-Nova-API-Version': '%d.%d' % version,
            'Vary': 'OpenStack-API-Version, X-OpenStack-Nova-API-Version'})

    def _show(self, request: wire.Request, server_id: str) -> wire.Reply:
        return self._reply(request, 200, {'server': self.view(
            self._get(server_id), microversion(request))})

    def _matching(self, request: wire.Request) -> list[dict[str, Any]]:
        found = list(self.servers.values())
        for key, field in (('name', 'name'), ('host', 'host')):
            if key in request.query:
                found = [s for s in found if request.query[key][0] in (s[field] or '')]
        if 'status' in request.query:
            found = [s for s in found if status(s) == request.query['status'][0]]
        return found

    def _list(self, request: wire.Request) -> wire.Reply:
        return self._reply(request, 200, {'servers': [
            {'id': s['id'], 'name': s['name'], 'links': self._links(s['id'])}
            for s in self._matching(request)]})

    def _list_detail(self, request: wire.Request) -> wire.Reply:
        version = microversion(request)
        return self._reply(request, 200, {'servers': [
            self.view(s, version) for s in self._matching(request)]})

    def _create(self, request: wire.Request) -> wire.Reply:
        body = (request.body or {}).get('server')
        if not isinstance(body, dict) or not body.get('name'):
            raise wire.nova_fault(400, "Invalid input for field/attribute server. "
                                       "Value: None. 'name' is a required property")
        flavor_id = str(body.get('flavorRef', '')).rsplit('/', 1)[-1]
        if flavor_id not in FLAVORS:
            raise wire.nova_fault(400, f'Flavor {flavor_id} could not be found.')
        image_id = body.get('imageRef') or None
        if image_id is not None and image_id not in self.images:
            raise wire.nova_fault(400, 'Can not find requested image')
        if microversion(request) >= (2, 37) and 'networks' not in body:
            raise wire.nova_fault(400, "Invalid input for field/attribute server. "
                                       "'networks' is a required property")
        server = self._new_server(body, flavor_id, image_id)
        self.servers[server['id']] = server
        self.cloud.later(lambda: self._finish_build(server))
        return self._reply(request, 202, {'server': {
            'id': server['id'], 'links': self._links(server['id']),
            'OS-DCF:diskConfig': 'MANUAL', 'adminPass': server['admin_pass'],
            'security_groups': server['security_groups']}})

    def _new_server(self, body: dict[str, Any], flavor_id: str,
                    image_id: str | None) -> dict[str, Any]:
        now = wire.now_text()
        return {'id': str(uuid.uuid4()), 'name': body['name'],
                'flavor_id': flavor_id, 'image_id': image_id, 'host': None,
                'vm_state': 'building', 'task_state': 'scheduling',
                'power_state': 0, 'metadata': dict(body.get('metadata') or {}),
                'key_name': body.get('key_name'), 'created': now, 'updated': now,
                'launched_at': None, 'fault': None,
                'networks': body.get('networks'),
                'security_groups': body.get('security_groups')
                or [{'name': 'default'}],
                'availability_zone': body.get('availability_zone') or 'nova',
                'description': body.get('description'), 'volumes': [],
                'admin_pass': body.get('adminPass') or uuid.uuid4().hex[:12],
                'stopped_before_resize': False}

    def _finish_build(self, server: dict[str, Any]) -> None:
        fault = self.build_failures.get(server['name'])
        if fault is not None:
            self._update(server, vm_state='error', task_state=None, fault={
                'code': 500, 'message': fault, 'created': wire.now_text()})
            return
        self._update(server, vm_state='active', task_state=None, power_state=1,
                     host=self._pick_host(avoid=None),
                     launched_at=wire.now_text())

    def _pick_host(self, avoid: str | None) -> str | None:
        """The host with the fewest servers, other than ``avoid``."""
        candidates = [host for host in self.hosts if host != avoid]
        if not candidates:
            return None
        load = {host: 0 for host in candidates}
        for server in self.servers.values():
            if server['host'] in load:
                load[server['host']] += 1
        return min(candidates, key=lambda host: (load[host],
                                                 candidates.index(host)))

    def _update(self, server: dict[str, Any], **changes: Any) -> None:
        server.update(changes, updated=wire.now_text())

    def _delete(self, request: wire.Request, server_id: str) -> wire.Reply:
        server = self._get(server_id)
        self._update(server, task_state='deleting')
        self.cloud.later(lambda: self.servers.pop(server_id, None))
        return self._reply(request, 204)

    # -- server actions ------------------------------------------------------
    def _action(self, request: wire.Request, server_id: str) -> wire.Reply:
        server = self._get(server_id)
        if not isinstance(request.body, dict) or len(request.body) != 1:
            raise wire.nova_fault(400, 'Malformed request body')
        [(name, argument)] = request.body.items()
        handler = {'os-migrateLive': self._live_migrate, 'migrate': self._migrate,
                   'resize': self._resize, 'confirmResize': self._confirm_resize,
                   'os-start': self._start, 'os-stop': self._stop,
                   'reboot': self._reboot}.get(name)
        if handler is None:
            raise wire.nova_fault(400, f'There is no such action: {name}')
        return self._reply(request, handler(server, argument))

    def _require(self, server: dict[str, Any], action: str,
                 vm_states: tuple[str, ...]) -> None:
        """Nova's check_instance_state: 409 in another state or during a task."""
        if server['vm_state'] not in vm_states:
            raise wire.nova_fault(
                409, f"Cannot '{action}' instance {server['id']} while it is in "
                     f"vm_state {server['vm_state']}")
        if server['task_state'] is not None:
            raise wire.nova_fault(
                409, f"Cannot '{action}' instance {server['id']} while it is in "
                     f"task_state {server['task_state']}")

    def _live_migrate(self, server: dict[str, Any], argument: Any) -> int:
        if not isinstance(argument, dict) or 'host' not in argument \
                or 'block_migration' not in argument:
            raise wire.nova_fault(400, "Invalid input for field/attribute "
                                       "os-migrateLive. 'host' and "
                                       "'block_migration' are required properties")
        self._require(server, 'os-migrateLive', ('active', 'paused'))
        target = argument['host']
        if target is not None and target not in self.hosts:
            raise wire.nova_fault(400, f'Compute host {target} could not be found.')
        if target is not None and target == server['host']:
            raise wire.nova_fault(400, f"Unable to migrate instance "
                                       f"({server['id']}) to current host "
                                       f"({target}).")
        target = target or self._pick_host(avoid=server['host'])
        if server['id'] in self.failing_live_migrations:
            target = None
        self._update(server, task_state='migrating')
        self.cloud.later(lambda: self._update(
            server, task_state=None, host=target or server['host']))
        return 202

    def _migrate(self, server: dict[str, Any], argument: Any) -> int:
        self._require(server, 'migrate', ('active', 'stopped'))
        target = (argument or {}).get('host') if isinstance(argument, dict) \
            else None
        if target is not None and target not in self.hosts:
            raise wire.nova_fault(400, f'Compute host {target} could not be found.')
        target = target or self._pick_host(avoid=server['host'])
        if target is None:
            raise wire.nova_fault(400, 'No valid host was found. ')
        self._start_resize(server, host=target, flavor_id=server['flavor_id'])
        return 202

    def _resize(self, server: dict[str, Any], argument: Any) -> int:
        flavor_id = str((argument or {}).get('flavorRef', '')).rsplit('/', 1)[-1]
        if flavor_id not in FLAVORS:
            raise wire.nova_fault(400, f'Flavor {flavor_id} could not be found.')
        self._require(server, 'resize', ('active', 'stopped'))
        if flavor_id == server['flavor_id']:
            raise wire.nova_fault(400, 'When resizing, instances must change '
                                       'flavor!')
        self._start_resize(server, host=server['host'], flavor_id=flavor_id)
        return 202

    def _start_resize(self, server: dict[str, Any], host: str | None,
                      flavor_id: str) -> None:
        self._update(server, task_state='resize_prep',
                     stopped_before_resize=server['vm_state'] == 'stopped')
        self.cloud.later(lambda: self._update(
            server, vm_state='resized', task_state=None, host=host,
            flavor_id=flavor_id, power_state=1))

    def _confirm_resize(self, server: dict[str, Any], argument: Any) -> int:
        self._require(server, 'confirmResize', ('resized',))
        stopped = server['stopped_before_resize']
        self.cloud.later(lambda: self._update(
            server, vm_state='stopped' if stopped else 'active',
            power_state=4 if stopped else 1))
        return 204

    def _start(self, server: dict[str, Any], argument: Any) -> int:
        self._require(server, 'start', ('stopped',))
        self._update(server, task_state='powering-on')
        self.cloud.later(lambda: self._update(
            server, vm_state='active', task_state=None, power_state=1))
        return 202

    def _stop(self, server: dict[str, Any], argument: Any) -> int:
        self._require(server, 'stop', ('active', 'error'))
        self._update(server, task_state='powering-off')
        self.cloud.later(lambda: self._update(
            server, vm_state='stopped', task_state=None, power_state=4))
        return 202

    def _reboot(self, server: dict[str, Any], argument: Any) -> int:
        kind = (argument or {}).get('type') if isinstance(argument, dict) else None
        if kind not in ('SOFT', 'HARD'):
            raise wire.nova_fault(400, "Invalid input for field/attribute type. "
                                       f"Value: {kind}. 'SOFT' or 'HARD'")
        self._require(server, 'reboot', ('active', 'stopped', 'error'))
        self._update(server, task_state='rebooting' if kind == 'SOFT'
                     else 'rebooting_hard')
        self.cloud.later(lambda: self._update(
            server, vm_state='active', task_state=None, power_state=1))
        return 202

    # -- volume attachments --------------------------------------------------
    def _attachment(self, server_id: str, volume_id: str) -> dict[str, Any]:
        index = self.servers[server_id]['volumes'].index(volume_id)
        return {'id': volume_id, 'serverId': server_id, 'volumeId': volume_id,
                'device': '/dev/vd' + 'bcdefghijklmnop'[index]}

    def _attachments(self, request: wire.Request, server_id: str) -> wire.Reply:
        server = self._get(server_id)
        return self._reply(request, 200, {'volumeAttachments': [
            self._attachment(server_id, volume) for volume in server['volumes']]})

    def _attach(self, request: wire.Request, server_id: str) -> wire.Reply:
        server = self._get(server_id)
        volume_id = ((request.body or {}).get('volumeAttachment') or {}).get(
            'volumeId')
        volume = self.volumes.get(volume_id)
        if volume is None:
            raise wire.nova_fault(404, f'Volume {volume_id} could not be found.')
        if volume['status'] != 'available':
            raise wire.nova_fault(400, f"Invalid volume: volume {volume_id} status "
                                       f"must be available, but current status "
                                       f"is: {volume['status']}")
        server['volumes'].append(volume_id)
        volume.update(status='in-use', attachments=[{
            'server_id': server_id, 'attachment_id': volume_id,
            'volume_id': volume_id, 'id': volume_id}])
        return self._reply(request, 200, {
            'volumeAttachment': self._attachment(server_id, volume_id)})

    def _detach(self, request: wire.Request, server_id: str,
                volume_id: str) -> wire.Reply:
        server = self._get(server_id)
        if volume_id not in server['volumes']:
            raise wire.nova_fault(404, f'volume_id not found: {volume_id}')
        server['volumes'].remove(volume_id)
        self.cloud.later(lambda: self.volumes[volume_id].update(
            status='available', attachments=[]))
        return self._reply(request, 202)

    # -- flavors -------------------------------------------------------------
    def _flavor_view(self, flavor_id: str, detail: bool) -> dict[str, Any]:
        flavor = FLAVORS[flavor_id]
        view = {'id': flavor_id, 'name': flavor['name'],
                'links': [{'rel': 'self', 'href':
                           f'{self.cloud.url}{PREFIX}/flavors/{flavor_id}'}]}
        if detail:
            view.update(ram=flavor['ram'], vcpus=flavor['vcpus'],
                        disk=flavor['disk'], swap=0, rxtx_factor=1.0,
                        **{'OS-FLV-EXT-DATA:ephemeral': 0,
                           'OS-FLV-DISABLED:disabled': False,
                           'os-flavor-access:is_public': True})
        return view

    def _flavors(self, request: wire.Request) -> wire.Reply:
        return self._reply(request, 200, {'flavors': [
            self._flavor_view(flavor_id, False) for flavor_id in FLAVORS]})

    def _flavors_detail(self, request: wire.Request) -> wire.Reply:
        return self._reply(request, 200, {'flavors': [
            self._flavor_view(flavor_id, True) for flavor_id in FLAVORS]})

    def _flavor(self, request: wire.Request, flavor_id: str) -> wire.Reply:
        if flavor_id not in FLAVORS:
            raise wire.nova_fault(404, f'Flavor {flavor_id} could not be found.')
        return self._reply(request, 200, {'flavor': self._flavor_view(flavor_id,
                                                                      True)})

    # -- views ---------------------------------------------------------------
    def _links(self, server_id: str) -> list[dict[str, str]]:
        return [{'rel': 'self',
                 'href': f'{self.cloud.url}{PREFIX}/servers/{server_id}'},
                {'rel': 'bookmark',
                 'href': f'{self.cloud.url}/compute/servers/{server_id}'}]

    def view(self, server: dict[str, Any],
             version: tuple[int, int]) -> dict[str, Any]:
        """The server as ``GET /servers/{id}`` shows it at ``version``."""
        flavor: dict[str, Any] = {'id': server['flavor_id'], 'links': []}
        if version >= (2, 47):
            details = FLAVORS[server['flavor_id']]
            flavor = {'original_name': details['name'], 'ram': details['ram'],
                      'vcpus': details['vcpus'], 'disk': details['disk'],
                      'ephemeral': 0, 'swap': 0, 'extra_specs': {}}
        host = server['host']
        view = {
            'id': server['id'], 'name': server['name'], 'status': status(server),
            'tenant_id': self.cloud.project_id, 'user_id': self.cloud.user_id,
            'metadata': server['metadata'],
            'hostId': hashlib.sha224((self.cloud.project_id + host).encode())
            .hexdigest() if host else '',
            'image': {'id': server['image_id'], 'links': []}
            if server['image_id'] else '',
            'flavor': flavor, 'created': server['created'],
            'updated': server['updated'], 'addresses': self._addresses(server),
            'accessIPv4': '', 'accessIPv6': '', 'links': self._links(server['id']),
            'OS-DCF:diskConfig': 'MANUAL', 'progress': 0,
            'OS-EXT-AZ:availability_zone': server['availability_zone'],
            'config_drive': '', 'key_name': server['key_name'],
            'OS-SRV-USG:launched_at': server['launched_at'],
            'OS-SRV-USG:terminated_at': None,
            'OS-EXT-SRV-ATTR:host': host,
            'OS-EXT-SRV-ATTR:hypervisor_hostname': host and f'{host}.local',
            'OS-EXT-SRV-ATTR:instance_name': f'instance-{server["id"][:8]}',
            'OS-EXT-STS:task_state': server['task_state'],
            'OS-EXT-STS:vm_state': server['vm_state'],
            'OS-EXT-STS:power_state': server['power_state'],
            'os-extended-volumes:volumes_attached': [
                {'id': volume, 'delete_on_termination': False}
                for volume in server['volumes']],
            'security_groups': server['security_groups'], 'locked': False,
            'description': server['description'], 'tags': [],
            'host_status': 'UP' if host else ''}
        if server['fault'] is not None:
            view['fault'] = server['fault']
        return view

    def _addresses(self, server: dict[str, Any]) -> dict[str, Any]:
        if server['host'] is None or server['networks'] == 'none':
            return {}
        number = int(server['id'][:2], 16)
        return {'private': [{'version': 4, 'addr': f'10.0.0.{number + 2}',
                             'OS-EXT-IPS:type': 'fixed',
                             'OS-EXT-IPS-MAC:mac_addr':
                             f'fa:16:3e:00:00:{number:02x}'}]}


def microversion(request: wire.Request) -> tuple[int, int]:
    """The compute microversion a request asks for (2.1 when it names none)."""
    text = request.header('OpenStack-API-Version') or ''
    if text.startswith('compute '):
        text = text[len('compute '):]
    else:
        text = request.header('X-OpenStack-Nova-API-Version') or '2.1'
    text = text.strip()
    if text == 'latest':
        return MAX_VERSION
    major, minor = text.split('.')
    version = (int(major), int(minor))
    if version > MAX_VERSION:
        raise wire.nova_fault(406, f'Version {text} is not supported by the API. '
                                   'Minimum is 2.1 and maximum is %d.%d.'
                                   % MAX_VERSION)
    return version
