"""Glance, Cinder, Neutron, Heat and Aodh in the cloud double: the little tests use.

Each answers in its service's documented shapes — Glance's flat image, Cinder's
``{"volume": ...}`` going ``creating`` → ``available``, Neutron's
``{"networks": [...]}`` and ``NeutronError`` body, Heat's
``CREATE_IN_PROGRESS`` → ``CREATE_COMPLETE`` stack, Aodh's alarms and
``error_message`` body. The double starts with one image (``cirros``), one
network (``private``) and one alarm (``cpu-high``).
"""

from typing import Any
import uuid

from wfplatform.tests.doubles import wire

IMAGE = '/image/v2'
NETWORK = '/network/v2.0'
ALARMING = '/alarming/v2'


class Services:
    def __init__(self, cloud: wire.Cloud) -> None:
        self.cloud = cloud
        project = cloud.project_id
        self.volume_prefix = f'/volume/v3/{project}'
        self.heat_prefix = f'/heat/v1/{project}'
        image_id = str(uuid.uuid4())
        self.images: dict[str, dict[str, Any]] = {image_id: self._image(
            image_id, 'cirros')}
        self.volumes: dict[str, dict[str, Any]] = {}
        network_id = str(uuid.uuid4())
        self.networks: dict[str, dict[str, Any]] = {network_id: {
            'id': network_id, 'name': 'private', 'status': 'ACTIVE',
            'admin_state_up': True, 'shared': False, 'subnets': [],
            'tenant_id': project, 'project_id': project, 'mtu': 1450,
            'router:external': False, 'tags': []}}
        self.ports: dict[str, dict[str, Any]] = {}
        self.stacks: dict[str, dict[str, Any]] = {}
        alarm_id = str(uuid.uuid4())
        self.alarms: dict[str, dict[str, Any]] = {alarm_id: {
            'alarm_id': alarm_id, 'name': 'cpu-high', 'type': 'event',
            'state': 'alarm', 'enabled': True, 'severity': 'low',
            'project_id': project, 'user_id': cloud.user_id,
            'description': 'CPU above 90%', 'timestamp': wire.now_text(),
            'state_timestamp': wire.now_text(), 'alarm_actions': [],
            'event_rule': {'event_type': 'compute.instance.update', 'query': []}}}

    def routes(self) -> list[wire.Route]:
        volume, heat = self.volume_prefix, self.heat_prefix
        return [
            ('GET', r'/image', self._versions('image', 'v2.9', None)),
            ('GET', IMAGE + r'/images', self._images),
            ('GET', IMAGE + r'/images/(?P<image_id>[^/]+)', self._get_image),
            ('GET', r'/volume', self._versions('volume', 'v3.0', '3.60')),
            ('GET', r'/volume/v3', self._versions('volume', 'v3.0', '3.60')),
            ('POST', volume + r'/volumes', self._create_volume),
            ('GET', volume + r'/volumes/(?P<volume_id>[^/]+)', self._get_volume),
            ('DELETE', volume + r'/volumes/(?P<volume_id>[^/]+)',
             self._delete_volume),
            ('GET', r'/network', self._versions('network', 'v2.0', None)),
            ('GET', NETWORK + r'/networks', self._list_networks),
            ('POST', NETWORK + r'/ports', self._create_port),
            ('GET', r'/heat', self._versions('heat', 'v1.0', None)),
            ('POST', heat + r'/stacks', self._create_stack),
            ('GET', heat + r'/stacks/(?P<name_or_id>[^/]+)(/(?P<stack_id>[^/]+))?',
             self._get_stack),
            ('DELETE',
             heat + r'/stacks/(?P<name_or_id>[^/]+)(/(?P<stack_id>[^/]+))?',
             self._delete_stack),
            ('GET', ALARMING + r'/alarms', self._list_alarms),
            ('GET', ALARMING + r'/alarms/(?P<alarm_id>[^/]+)', self._get_alarm),
        ]

    def _versions(self, service: str, version_id: str,
                  microversion: str | None) -> wire.Handler:
        major = version_id.split('.')[0] if service != 'network' else version_id

        def versions(request: wire.Request) -> wire.Reply:
            document: dict[str, Any] = {
                'id': version_id, 'status': 'CURRENT',
                'updated': '2020-01-01T00:00:00Z',
                'links': [{'rel': 'self',
                           'href': f'{self.cloud.url}/{service}/{major}/'}]}
            if microversion is not None:
                document.update(version=microversion,
                                min_version=version_id[1:])
            return wire.Reply(200, {'versions': [document]})
        return versions

    # -- Glance --------------------------------------------------------------
    def _image(self, image_id: str, name: str) -> dict[str, Any]:
        return {'id': image_id, 'name': name, 'status': 'active',
                'visibility': 'public', 'container_format': 'bare',
                'disk_format': 'qcow2', 'min_disk': 0, 'min_ram': 0,
                'size': 16338944, 'protected': False, 'tags': [],
                'owner': self.cloud.project_id, 'created_at': wire.now_text(),
                'updated_at': wire.now_text(), 'self': f'/v2/images/{image_id}',
                'file': f'/v2/images/{image_id}/file',
                'schema': '/v2/schemas/image'}

    def _images(self, request: wire.Request) -> wire.Reply:
        images = [image for image in self.images.values()
                  if all(str(image.get(key)) == values[0]
                         for key, values in request.query.items()
                         if key in ('name', 'status', 'visibility'))]
        return wire.Reply(200, {'images': images, 'first': '/v2/images',
                                'schema': '/v2/schemas/images'})

    def _get_image(self, request: wire.Request, image_id: str) -> wire.Reply:
        if image_id not in self.images:
            raise wire.Fault(404, {'code': '404 Not Found', 'title': 'Not Found',
                                   'message': f'No image found with ID {image_id}'})
        return wire.Reply(200, self.images[image_id])

    # -- Cinder --------------------------------------------------------------
    def _volume(self, volume_id: str) -> dict[str, Any]:
        volume = self.volumes.get(volume_id)
        if volume is None:
            raise wire.Fault(404, {'itemNotFound': {
                'code': 404, 'message': f'Volume {volume_id} could not be found.'}})
        return volume

    def _create_volume(self, request: wire.Request) -> wire.Reply:
        body = (request.body or {}).get('volume') or {}
        if not isinstance(body.get('size'), int) or body['size'] < 1:
            raise wire.Fault(400, {'badRequest': {
                'code': 400, 'message': "Invalid input for field/attribute size. "
                                        f"Value: {body.get('size')}."}})
        volume_id = str(uuid.uuid4())
        volume = {
            'id': volume_id, 'name': body.get('name'), 'size': body['size'],
            'status': 'creating', 'description': body.get('description'),
            'volume_type': body.get('volume_type') or 'lvmdriver-1',
            'availability_zone': body.get('availability_zone') or 'nova',
            'snapshot_id': body.get('snapshot_id'),
            'source_volid': body.get('source_volid'),
            'metadata': body.get('metadata') or {}, 'bootable': 'false',
            'encrypted': False, 'multiattach': False, 'attachments': [],
            'user_id': self.cloud.user_id, 'created_at': wire.now_text(),
            'updated_at': None,
            'links': [{'rel': 'self', 'href':
                       f'{self.cloud.url}{self.volume_prefix}/volumes/{volume_id}'}]}
        self.volumes[volume_id] = volume
        self.cloud.later(lambda: volume.update(status='available'))
        return wire.Reply(202, {'volume': volume})

    def _get_volume(self, request: wire.Request, volume_id: str) -> wire.Reply:
        return wire.Reply(200, {'volume': self._volume(volume_id)})

    def _delete_volume(self, request: wire.Request, volume_id: str) -> wire.Reply:
        volume = self._volume(volume_id)
        if volume['status'] not in ('available', 'error'):
            raise wire.Fault(400, {'badRequest': {'code': 400, 'message': (
                'Invalid volume: Volume status must be available or error or '
                'error_restoring or error_extending or error_managing and must '
                'not be migrating, attached, belong to a group, have snapshots, '
                'awaiting a transfer, or be disassociated from snapshots after '
                'volume transfer.')}})
        volume['status'] = 'deleting'
        self.cloud.later(lambda: self.volumes.pop(volume_id, None))
        return wire.Reply(202)

    # -- Neutron -------------------------------------------------------------
    def _list_networks(self, request: wire.Request) -> wire.Reply:
        networks = [network for network in self.networks.values()
                    if all(str(network.get(key)) == values[0]
                           for key, values in request.query.items()
                           if key in network)]
        return wire.Reply(200, {'networks': networks})

    def _create_port(self, request: wire.Request) -> wire.Reply:
        body = (request.body or {}).get('port') or {}
        network_id = body.get('network_id')
        if network_id not in self.networks:
            raise wire.Fault(404, {'NeutronError': {
                'type': 'NetworkNotFound', 'detail': '',
                'message': f'Network {network_id} could not be found.'}})
        port_id = str(uuid.uuid4())
        project = self.cloud.project_id
        port = {'id': port_id, 'name': body.get('name', ''),
                'network_id': network_id, 'status': 'DOWN',
                'admin_state_up': body.get('admin_state_up', True),
                'mac_address': 'fa:16:3e:%02x:%02x:%02x' % tuple(
                    uuid.UUID(port_id).bytes[:3]),
                'fixed_ips': body.get('fixed_ips') or [],
                'device_id': body.get('device_id', ''),
                'device_owner': body.get('device_owner', ''),
                'security_groups': [], 'tenant_id': project,
                'project_id': project, 'tags': []}
        self.ports[port_id] = port
        return wire.Reply(201, {'port': port})

    # -- Heat ----------------------------------------------------------------
    def _stack(self, name_or_id: str) -> dict[str, Any]:
        for stack in self.stacks.values():
            if name_or_id in (stack['id'], stack['stack_name']):
                return stack
        raise wire.Fault(404, {
            'explanation': 'The resource could not be found.', 'code': 404,
            'title': 'Not Found',
            'error': {'message': f'The Stack ({name_or_id}) could not be found.',
                      'traceback': None, 'type': 'EntityNotFound'}})

    def _create_stack(self, request: wire.Request) -> wire.Reply:
        body = request.body or {}
        name = body.get('stack_name')
        if not name or not (body.get('template') or body.get('template_url')):
            raise wire.Fault(400, {'code': 400, 'title': 'Bad Request', 'error': {
                'message': 'Need stack_name and template or template_url',
                'type': 'HTTPBadRequest', 'traceback': None}})
        stack_id = str(uuid.uuid4())
        href = f'{self.cloud.url}{self.heat_prefix}/stacks/{name}/{stack_id}'
        stack = {'id': stack_id, 'stack_name': name,
                 'stack_status': 'CREATE_IN_PROGRESS',
                 'stack_status_reason': 'Stack CREATE started',
                 'creation_time': wire.now_text(), 'updated_time': None,
                 'parameters': body.get('parameters') or {}, 'outputs': [],
                 'disable_rollback': body.get('disable_rollback', True),
                 'timeout_mins': body.get('timeout_mins'),
                 'tags': body.get('tags'), 'description': 'No description',
                 'links': [{'href': href, 'rel': 'self'}]}
        self.stacks[stack_id] = stack
        self.cloud.later(lambda: stack.update(
            stack_status='CREATE_COMPLETE',
            stack_status_reason='Stack CREATE completed successfully'))
        return wire.Reply(201, {'stack': {'id': stack_id, 'links': stack['links']}})

    def _get_stack(self, request: wire.Request, name_or_id: str,
                   stack_id: str | None = None) -> wire.Reply:
        return wire.Reply(200, {'stack': self._stack(stack_id or name_or_id)})

    def _delete_stack(self, request: wire.Request, name_or_id: str,
                      stack_id: str | None = None) -> wire.Reply:
        stack = self._stack(stack_id or name_or_id)
        stack['stack_status'] = 'DELETE_IN_PROGRESS'
        self.cloud.later(lambda: self.stacks.pop(stack['id'], None))
        return wire.Reply(204)

    # -- Aodh ----------------------------------------------------------------
    def _list_alarms(self, request: wire.Request) -> wire.Reply:
        alarms = list(self.alarms.values())
        fields = request.query.get('q.field', [])
        values = request.query.get('q.value', [])
        for field, value in zip(fields, values):
            alarms = [alarm for alarm in alarms if str(alarm.get(field)) == value]
        return wire.Reply(200, alarms)

    def _get_alarm(self, request: wire.Request, alarm_id: str) -> wire.Reply:
        if alarm_id not in self.alarms:
            raise wire.Fault(404, {'error_message': {
                'faultcode': 'Client', 'faultstring': f'Alarm {alarm_id} not found',
                'debuginfo': None}})
        return wire.Reply(200, self.alarms[alarm_id])
