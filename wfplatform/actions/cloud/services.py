"""``glance.*``, ``cinder.*``, ``neutron.*``, ``heat.*`` and ``aodh.*`` actions.

Each returns what the service's own API returns, in the shape Mistral's
client-generated action returned: an image or volume as a dict, Neutron's
wrapped ``{"networks": [...]}`` / ``{"port": {...}}``, Heat's
``{"stack": {"id": ..., "links": ...}}`` on create, Aodh's alarms as they are.
"""

import itertools
from typing import Any, Iterable

from keystoneauth1 import adapter
from openstack import connection as sdk_connection

from wfplatform.actions.cloud import base
from wfplatform import exceptions

Connection = sdk_connection.Connection


class ImagesList(base.CloudAction):
    """Images, filtered by Glance's query parameters in ``filters``."""

    name = 'glance.images_list'

    def __init__(self, filters: Any = None, limit: int | None = None,
                 action_region: str | None = None) -> None:
        self.filters = dict(filters or {})
        self.limit = limit
        self.action_region = action_region

    def call(self, connection: Connection) -> Any:
        images: Iterable[Any] = connection.image.images(**self.filters)
        if self.limit is not None:
            images = itertools.islice(images, int(self.limit))
        return [base.plain(image) for image in images]


class ImagesGet(base.CloudAction):
    """The image with id ``image_id``."""

    name = 'glance.images_get'

    def __init__(self, image_id: str, action_region: str | None = None) -> None:
        self.image_id = image_id
        self.action_region = action_region

    def call(self, connection: Connection) -> Any:
        return base.plain(connection.image.get_image(self.image_id))


class VolumesCreate(base.CloudAction):
    """Creates a volume of ``size`` GiB; with ``wait_for_available``, until usable."""

    name = 'cinder.volumes_create'

    def __init__(self, size: int, name: str | None = None,
                 description: str | None = None, volume_type: str | None = None,
                 snapshot_id: str | None = None, source_volid: str | None = None,
                 imageRef: str | None = None,
                 availability_zone: str | None = None, metadata: Any = None,
                 wait_for_available: bool = False, timeout: float | None = None,
                 poll_interval: float | None = None,
                 action_region: str | None = None) -> None:
        attributes = {'size': size, 'name': name, 'description': description,
                      'volume_type': volume_type, 'snapshot_id': snapshot_id,
                      'source_volume_id': source_volid, 'image_id': imageRef,
                      'availability_zone': availability_zone,
                      'metadata': metadata}
        self.attributes = {key: value for key, value in attributes.items()
                           if value is not None}
        self.wait = bool(wait_for_available)
        self.waiter = base.Waiter(self.name, timeout, poll_interval)
        self.action_region = action_region

    def call(self, connection: Connection) -> Any:
        volume = connection.block_storage.create_volume(**self.attributes)
        if not self.wait:
            return base.plain(volume)

        def done(current: Any) -> bool:
            if current.status == 'error':
                raise exceptions.ActionError(
                    f'{self.name}: volume {volume.id} went to error')
            return bool(current.status == 'available')
        return base.plain(self.waiter.until(
            lambda: connection.block_storage.get_volume(volume.id), done,
            f'volume {volume.id} to be available'))


class VolumesGet(base.CloudAction):
    """The volume with id ``volume_id``."""

    name = 'cinder.volumes_get'

    def __init__(self, volume_id: str, action_region: str | None = None) -> None:
        self.volume_id = volume_id
        self.action_region = action_region

    def call(self, connection: Connection) -> Any:
        return base.plain(connection.block_storage.get_volume(self.volume_id))


class VolumesDelete(base.CloudAction):
    """Deletes ``volume`` (an id); ``cascade`` deletes its snapshots too."""

    name = 'cinder.volumes_delete'

    def __init__(self, volume: str, cascade: bool = False,
                 action_region: str | None = None) -> None:
        self.volume = volume
        self.cascade = bool(cascade)
        self.action_region = action_region

    def call(self, connection: Connection) -> Any:
        connection.block_storage.delete_volume(
            self.volume, ignore_missing=False, cascade=self.cascade)
        return None


class ListNetworks(base.CloudAction):
    """``{"networks": [...]}``, filtered by Neutron's query parameters.

    Filters are given as inputs of their own (``name``, ``shared``, …), as
    Mistral's ``neutron.list_networks`` takes them.
    """

    name = 'neutron.list_networks'

    def __init__(self, action_region: str | None = None,
                 **filters: Any) -> None:
        self.filters = filters
        self.action_region = action_region

    def call(self, connection: Connection) -> Any:
        return {'networks': [base.plain(network) for network in
                             connection.network.networks(**self.filters)]}


class CreatePort(base.CloudAction):
    """Creates a port from Neutron's body ``{"port": {"network_id": ...}}``."""

    name = 'neutron.create_port'

    def __init__(self, body: Any, action_region: str | None = None) -> None:
        if not isinstance(body, dict) or not isinstance(body.get('port'), dict):
            raise exceptions.InvalidInput(
                f'{self.name}: body must be {{"port": {{...}}}}, got {body!r}')
        self.port = body['port']
        self.action_region = action_region

    def call(self, connection: Connection) -> Any:
        port = connection.network.create_port(**_sdk_port(self.port))
        return {'port': base.plain(port)}


def _sdk_port(port: dict[str, Any]) -> dict[str, Any]:
    """Neutron's field names as openstacksdk's ``Port`` names them."""
    renamed = {'admin_state_up': 'is_admin_state_up',
               'port_security_enabled': 'is_port_security_enabled',
               'tenant_id': 'project_id'}
    return {renamed.get(key, key): value for key, value in port.items()}


class StacksCreate(base.CloudAction):
    """Creates a Heat stack; ``{"stack": {"id": ..., "links": [...]}}``."""

    name = 'heat.stacks_create'

    def __init__(self, stack_name: str, template: Any = None,
                 template_url: str | None = None, parameters: Any = None,
                 environment: Any = None, files: Any = None,
                 timeout_mins: int | None = None, disable_rollback: bool = True,
                 tags: Any = None, action_region: str | None = None) -> None:
        if template is None and template_url is None:
            raise exceptions.InvalidInput(
                f'{self.name}: give template or template_url')
        attributes = {'name': stack_name, 'template': template,
                      'template_url': template_url, 'parameters': parameters,
                      'environment': environment, 'files': files,
                      'timeout_mins': timeout_mins,
                      'is_rollback_disabled': disable_rollback, 'tags': tags}
        self.attributes = {key: value for key, value in attributes.items()
                           if value is not None}
        self.action_region = action_region

    def call(self, connection: Connection) -> Any:
        stack = connection.orchestration.create_stack(**self.attributes)
        return {'stack': {'id': stack.id, 'links': stack.links}}


class StacksGet(base.CloudAction):
    """The stack ``stack_id`` (an id or a name), with its outputs."""

    name = 'heat.stacks_get'

    def __init__(self, stack_id: str, resolve_outputs: bool = True,
                 action_region: str | None = None) -> None:
        self.stack_id = stack_id
        self.resolve_outputs = bool(resolve_outputs)
        self.action_region = action_region

    def call(self, connection: Connection) -> Any:
        return base.plain(connection.orchestration.get_stack(
            self.stack_id, resolve_outputs=self.resolve_outputs))


class StacksDelete(base.CloudAction):
    """Deletes the stack ``stack_id``."""

    name = 'heat.stacks_delete'

    def __init__(self, stack_id: str, action_region: str | None = None) -> None:
        self.stack_id = stack_id
        self.action_region = action_region

    def call(self, connection: Connection) -> Any:
        connection.orchestration.delete_stack(self.stack_id, ignore_missing=False)
        return None


class _AodhAction(base.CloudAction):
    """openstacksdk has no Aodh proxy: these call its REST API directly."""

    def aodh_get(self, connection: Connection, path: str,
                 params: dict[str, Any] | None = None) -> Any:
        client = adapter.Adapter(
            session=connection.session, service_type='alarming',
            interface=connection.config.get_interface('alarming'),
            region_name=connection.config.get_region_name('alarming'))
        return client.get(path, params=params).json()


class AlarmList(_AodhAction):
    """Alarms; ``query`` is Aodh's list of ``{"field", "op", "value"}`` filters."""

    name = 'aodh.alarm_list'

    def __init__(self, query: Any = None, limit: int | None = None,
                 action_region: str | None = None) -> None:
        self.params: dict[str, Any] = {}
        for index, item in enumerate(query or ()):
            for key in ('field', 'op', 'value'):
                if key in item:
                    self.params.setdefault(f'q.{key}', []).append(
                        str(item[key]))
            if 'field' not in item:
                raise exceptions.InvalidInput(
                    f'{self.name}: query item {index} has no "field"')
        if limit is not None:
            self.params['limit'] = int(limit)
        self.action_region = action_region

    def call(self, connection: Connection) -> Any:
        return self.aodh_get(connection, '/v2/alarms', self.params)


class AlarmGet(_AodhAction):
    """The alarm with id ``alarm_id``."""

    name = 'aodh.alarm_get'

    def __init__(self, alarm_id: str, action_region: str | None = None) -> None:
        self.alarm_id = alarm_id
        self.action_region = action_region

    def call(self, connection: Connection) -> Any:
        return self.aodh_get(connection, f'/v2/alarms/{self.alarm_id}')
