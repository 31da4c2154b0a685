"""The ``nova.*`` actions through the real openstacksdk against the cloud double."""

import testtools

from wfplatform.actions import base
from wfplatform.actions.cloud import compute
from wfplatform.actions.cloud import services
from wfplatform import egress
from wfplatform import exceptions
from wfplatform.tests.doubles import cloud as cloud_double

FAST = {'poll_interval': 0.01, 'timeout': 10}


class CloudTestCase(testtools.TestCase):
    """A running cloud double and the context of a caller who has a token."""

    def setUp(self):
        super().setUp()
        self.cloud = self.useFixture(cloud_double.CloudDouble(step_seconds=0.03))
        self.token, body = self.cloud.issue_token()
        self.context = base.ActionContext(
            action_execution_id='action-1', auth_token=self.token,
            service_catalog=body['token']['catalog'],
            project_id=self.cloud.project_id,
            egress=egress.EgressPolicy.permissive())
        self.image = next(iter(self.cloud.services.images))

    def run_action(self, action):
        return action.run(self.context)

    def assert_fails(self, action, *fragments):
        error = self.assertRaises(exceptions.ActionError, action.run, self.context)
        for fragment in fragments:
            self.assertIn(fragment, str(error))
        return error

    def boot(self, name='vm', **inputs):
        return self.run_action(compute.ServersCreate(
            name, self.image, '1', wait_for_active=True, **FAST, **inputs))


class ServersCreateTest(CloudTestCase):
    def test_waits_until_active_on_a_host(self):
        server = self.boot(meta={'role': 'web'})
        self.assertEqual('ACTIVE', server['status'])
        self.assertIn(server['OS-EXT-SRV-ATTR:host'], self.cloud.compute.hosts)
        self.assertEqual({'role': 'web'}, server['metadata'])
        self.assertTrue(server['adminPass'])

    def test_without_waiting_returns_the_building_server(self):
        self.cloud.step_seconds = 60
        server = self.run_action(compute.ServersCreate('vm', self.image, '1'))
        self.assertEqual('BUILD', server['status'])
        self.assertIsNone(server['OS-EXT-SRV-ATTR:host'])

    def test_a_build_fault_fails_the_task_with_novas_message(self):
        self.cloud.compute.build_failures['doomed'] = 'No valid host was found.'
        self.assert_fails(compute.ServersCreate(
            'doomed', self.image, '1', wait_for_active=True, **FAST),
            'nova.servers_create', 'went to ERROR', 'No valid host was found.')

    def test_networks_are_sent_in_novas_form(self):
        network = next(iter(self.cloud.services.networks))
        self.run_action(compute.ServersCreate('a', self.image, '1',
                                              nics=[{'net-id': network}]))
        self.run_action(compute.ServersCreate('b', self.image, '1',
                                              networks=[network]))
        self.run_action(compute.ServersCreate('c', self.image, '1'))
        sent = [request.body['server']['networks'] for request in
                self.cloud.service_requests('/compute/v2.1/servers')
                if request.method == 'POST']
        self.assertEqual([[{'uuid': network}], [{'uuid': network}], 'auto'], sent)

    def test_unknown_flavor_is_novas_bad_request(self):
        self.assert_fails(compute.ServersCreate('vm', self.image, '99'),
                          'HTTP 400', 'Flavor 99 could not be found.')

    def test_networks_and_nics_together_are_refused(self):
        self.assertRaises(exceptions.InvalidInput, compute.ServersCreate,
                          'vm', self.image, '1', networks=[], nics=[])

    def test_waiting_too_long_fails_with_a_timeout(self):
        self.cloud.step_seconds = 60
        self.assert_fails(compute.ServersCreate(
            'slow', self.image, '1', wait_for_active=True, poll_interval=0.01,
            timeout=0.1), 'timed out after 0.1 s', 'to be ACTIVE')


class ServersReadTest(CloudTestCase):
    def test_get_returns_the_server_as_nova_shows_it(self):
        created = self.boot()
        server = self.run_action(compute.ServersGet(created['id']))
        self.assertEqual(created['id'], server['id'])
        self.assertEqual('active', server['OS-EXT-STS:vm_state'])

    def test_get_unknown_server_is_a_clear_task_error(self):
        self.assert_fails(compute.ServersGet('missing'),
                          'nova.servers_get failed: HTTP 404: Instance missing '
                          'could not be found.')

    def test_list_filters_by_nova_search_options(self):
        self.boot('web-1')
        self.boot('db-1')
        names = [server['name'] for server in self.run_action(
            compute.ServersList(search_opts={'name': 'web'}))]
        self.assertEqual(['web-1'], names)
        self.assertEqual(1, len(self.run_action(compute.ServersList(limit=1))))
        brief = self.run_action(compute.ServersList(detailed=False))
        self.assertEqual({'web-1', 'db-1'}, {server['name'] for server in brief})


class ServersLifecycleTest(CloudTestCase):
    def test_stop_start_reboot_wait_for_their_states(self):
        server_id = self.boot()['id']
        self.assertEqual('SHUTOFF', self.run_action(compute.ServersStop(
            server_id, wait_for_shutoff=True, **FAST))['status'])
        self.assertEqual('ACTIVE', self.run_action(compute.ServersStart(
            server_id, wait_for_active=True, **FAST))['status'])
        self.cloud.step_seconds = 60
        rebooting = self.run_action(compute.ServersReboot(server_id, 'hard'))
        self.assertEqual('HARD_REBOOT', rebooting['status'])
        [body] = [request.body for request in self.cloud.requests
                  if request.path.endswith('/action')][-1:]
        self.assertEqual({'reboot': {'type': 'HARD'}}, body)

    def test_reboot_waits_until_active(self):
        server_id = self.boot()['id']
        self.assertEqual('ACTIVE', self.run_action(compute.ServersReboot(
            server_id, wait_for_active=True, **FAST))['status'])

    def test_start_of_an_active_server_is_a_conflict(self):
        server_id = self.boot()['id']
        self.assert_fails(compute.ServersStart(server_id), 'HTTP 409',
                          f"Cannot 'start' instance {server_id} while it is in "
                          "vm_state active")

    def test_delete_waits_until_nova_forgets_the_server(self):
        server_id = self.boot()['id']
        self.assertIsNone(self.run_action(compute.ServersDelete(
            server_id, wait_for_deleted=True, **FAST)))
        self.assertNotIn(server_id, self.cloud.compute.servers)
        self.assert_fails(compute.ServersDelete(server_id), 'HTTP 404')

    def test_bad_reboot_type_is_refused(self):
        self.assertRaises(exceptions.InvalidInput, compute.ServersReboot, 's',
                          'WARM')


class MigrationTest(CloudTestCase):
    def test_live_migration_by_the_scheduler_moves_the_server(self):
        server = self.boot()
        migrated = self.run_action(compute.ServersLiveMigrate(
            server['id'], wait_for_active=True, **FAST))
        self.assertEqual('ACTIVE', migrated['status'])
        self.assertNotEqual(server['OS-EXT-SRV-ATTR:host'],
                            migrated['OS-EXT-SRV-ATTR:host'])
        [request] = [request for request in self.cloud.requests
                     if request.path.endswith('/action')]
        self.assertEqual({'os-migrateLive': {'host': None,
                                             'block_migration': 'auto'}},
                         request.body)

    def test_live_migration_to_a_named_host(self):
        server = self.boot()
        target = next(host for host in self.cloud.compute.hosts
                      if host != server['OS-EXT-SRV-ATTR:host'])
        migrated = self.run_action(compute.ServersLiveMigrate(
            server['id'], host=target, block_migration=True,
            wait_for_active=True, **FAST))
        self.assertEqual(target, migrated['OS-EXT-SRV-ATTR:host'])

    def test_without_waiting_the_server_is_migrating(self):
        server = self.boot()
        self.cloud.step_seconds = 60
        self.assertEqual('MIGRATING', self.run_action(
            compute.ServersLiveMigrate(server['id']))['status'])

    def test_a_rolled_back_live_migration_fails_the_task(self):
        server = self.boot()
        self.cloud.compute.failing_live_migrations.add(server['id'])
        self.assert_fails(compute.ServersLiveMigrate(
            server['id'], wait_for_active=True, **FAST),
            'is ACTIVE again but still on host '
            f'{server["OS-EXT-SRV-ATTR:host"]}')

    def test_unknown_target_host_is_novas_bad_request(self):
        server = self.boot()
        self.assert_fails(compute.ServersLiveMigrate(server['id'], host='nowhere'),
                          'HTTP 400', 'Compute host nowhere could not be found.')

    def test_live_migration_of_a_missing_server(self):
        self.assert_fails(compute.ServersLiveMigrate('missing'), 'HTTP 404',
                          'Instance missing could not be found.')

    def test_cold_migration_then_confirm(self):
        server = self.boot()
        moved = self.run_action(compute.ServersMigrate(
            server['id'], wait_for_verify_resize=True, **FAST))
        self.assertEqual('VERIFY_RESIZE', moved['status'])
        self.assertNotEqual(server['OS-EXT-SRV-ATTR:host'],
                            moved['OS-EXT-SRV-ATTR:host'])
        self.assertEqual('ACTIVE', self.run_action(compute.ServersConfirmResize(
            server['id'], wait_for_active=True, **FAST))['status'])

    def test_resize_then_confirm(self):
        server = self.boot()
        resized = self.run_action(compute.ServersResize(
            server['id'], '2', wait_for_verify_resize=True, **FAST))
        self.assertEqual(('VERIFY_RESIZE', 'm1.small'),
                         (resized['status'], resized['flavor']['original_name']))
        self.assertEqual('ACTIVE', self.run_action(compute.ServersConfirmResize(
            server['id'], wait_for_active=True, **FAST))['status'])

    def test_confirm_without_a_resize_is_a_conflict(self):
        server = self.boot()
        self.assert_fails(compute.ServersConfirmResize(server['id']), 'HTTP 409',
                          "Cannot 'confirmResize'")


class VolumeAttachmentTest(CloudTestCase):
    def test_attach_and_detach(self):
        server = self.boot()
        volume = self.run_action(services.VolumesCreate(
            1, name='data', wait_for_available=True, **FAST))
        attachment = self.run_action(compute.VolumesCreateServerVolume(
            server['id'], volume['id']))
        self.assertEqual(('/dev/vdb', volume['id']),
                         (attachment['device'], attachment['volumeId']))
        self.assertEqual('in-use', self.run_action(
            services.VolumesGet(volume['id']))['status'])
        self.assertIsNone(self.run_action(compute.VolumesDeleteServerVolume(
            server['id'], volume['id'])))
        self.assert_fails(compute.VolumesDeleteServerVolume(
            server['id'], volume['id']), 'HTTP 404')
