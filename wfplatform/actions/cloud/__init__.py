"""The cloud pack: OpenStack operations as actions, through openstacksdk.

Names follow the actions Mistral generated from the python clients
(``nova.servers_create``, ``nova.servers_live_migrate``, ``cinder.volumes_get``,
``neutron.list_networks``, …) so existing workflows keep working. Every action
acts as the caller (:mod:`wfplatform.actions.cloud.session`), takes an
``action_region`` input, returns plain JSON in the service's own field names,
and fails its task with the cloud's HTTP status and message.
"""
