"""The workflow library end to end: api, engine and executor processes on
PostgreSQL and RabbitMQ run the installed ``std.*`` workflows against the cloud
double, as ``test_cloud_pack`` runs the cloud actions.

One cluster and one double serve every test (they are the slow part); each test
names its servers apart, so none sees another's.
"""

import json
from typing import Any
import urllib.request

import testtools

from wfplatform.tests.doubles import cloud as cloud_double
from wfplatform.tests.functional.service import cluster as service_cluster

FAST = {'timeout': 60, 'poll_interval': 0.1}
"""Waiting inputs every library workflow takes; the double is quick."""

LIBRARY = ('std.alarm_live_migrate', 'std.cleanup_instances', 'std.create_instance',
           'std.delete_instance', 'std.deploy_environment',
           'std.live_migrate_instance')


class LibraryTest(testtools.TestCase):
    cloud: cloud_double.CloudDouble
    cluster: service_cluster.ServiceCluster

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.cloud = cloud_double.CloudDouble(step_seconds=0.2)
        cls.cloud.setUp()
        try:
            cls.cluster = service_cluster.ServiceCluster(
                'postgresql', 'rabbit', processes=('engine', 'executor', 'api'),
                extra_config=f"""
[egress]
allowed_hosts = 127.0.0.1

[cloud]
auth_url = {cls.cloud.identity_url}
username = {cloud_double.USERNAME}
password = {cloud_double.PASSWORD}
project_name = {cloud_double.PROJECT_NAME}
region_name = {cloud_double.REGION}
""")
            cls.cluster.setUp()
        except BaseException:
            cls.cloud.cleanUp()
            raise
        cls.image = next(iter(cls.cloud.services.images))

    @classmethod
    def tearDownClass(cls) -> None:
        cls.cluster.cleanUp()
        cls.cloud.cleanUp()
        super().tearDownClass()

    def test_the_engine_registers_the_library_as_public_and_populate_keeps_it(self):
        status, body = self.cluster.request('GET', '/v2/workflows?scope=public')
        self.assertEqual(200, status, body)
        names = {workflow['name'] for workflow in body['workflows']}
        self.assertTrue(set(LIBRARY) <= names, names)
        populate = self.cluster.db_manage('populate').stdout
        self.assertIn(f'{len(LIBRARY)} system workflows installed: 0 added, '
                      '0 updated, 0 removed', populate)
        status, body = self.cluster.request('DELETE',
                                            '/v2/workflows/std.create_instance')
        self.assertEqual(400, status, body)

    def test_create_then_delete_an_instance(self):
        created = self.boot('lib-one')
        self.assertEqual('ACTIVE', created['status'])
        self.assertEqual(created['host'], self.host_of(created['id']))
        deleted = self.succeed('std.delete_instance', instance_id=created['id'])
        self.assertEqual({'id': created['id'], 'already_gone': False}, deleted)
        self.assertNotIn(created['id'], self.cloud.compute.servers)
        again = self.succeed('std.delete_instance', instance_id=created['id'])
        self.assertTrue(again['already_gone'])

    def test_an_instance_that_fails_to_build_is_deleted_with_a_clean_error(self):
        self.cloud.compute.build_failures['lib-broken'] = 'No valid host was found.'
        execution = self.start('std.create_instance', name='lib-broken',
                               image_id=self.image, flavor_id='1')
        self.assertEqual('ERROR', execution['state'])
        self.assertIn('Could not create instance lib-broken: ', execution['state_info'])
        self.assertIn('No valid host was found.', execution['state_info'])
        self.assertEqual([], self.servers_named('lib-broken'))

    def test_deploy_an_environment_with_volumes(self):
        output = self.succeed('std.deploy_environment', name='lib-env', count=3,
                              image_id=self.image, flavor_id='1', volume_size=1)
        servers = output['servers']
        self.assertEqual(['lib-env-0', 'lib-env-1', 'lib-env-2'],
                         [server['name'] for server in servers])
        for server in servers:
            stored = self.cloud.compute.servers[server['id']]
            self.assertEqual('active', stored['vm_state'])
            self.assertIn(server['volume_id'], [attachment['volumeId'] for attachment
                                                in self.attachments(server['id'])])

    def test_a_failed_deployment_deletes_the_servers_it_created(self):
        self.cloud.compute.build_failures['lib-bad-1'] = 'No valid host was found.'
        execution = self.start('std.deploy_environment', name='lib-bad', count=3,
                               image_id=self.image, flavor_id='1')
        self.assertEqual('ERROR', execution['state'])
        self.assertIn('Could not deploy environment lib-bad, deleted the 3 server(s)',
                      execution['state_info'])
        self.assertIn('No valid host was found.', execution['state_info'])
        self.assertEqual([], self.servers_named('lib-bad'))

    def test_live_migrate_an_instance(self):
        server = self.boot('lib-move')
        moved = self.succeed('std.live_migrate_instance', instance_id=server['id'])
        self.assertEqual(server['host'], moved['source_host'])
        self.assertNotEqual(server['host'], moved['host'])
        self.assertEqual('ACTIVE', moved['status'])
        missing = self.start('std.live_migrate_instance', instance_id='gone')
        self.assertEqual('ERROR', missing['state'])
        self.assertIn('Could not live-migrate instance gone: ', missing['state_info'])
        self.assertIn('HTTP 404', missing['state_info'])

    def test_an_alarm_trigger_live_migrates_the_server_of_the_alarm(self):
        server = self.boot('lib-hot')
        _, workflow = self.cluster.request('GET',
                                           '/v2/workflows/std.alarm_live_migrate')
        status, trigger = self.cluster.request('POST', '/v2/alarm_triggers', {
            'name': 'lib-cpu-high', 'workflow_id': workflow['id'],
            'workflow_input': FAST, 'states': ['alarm']})
        self.assertEqual(201, status, trigger)
        started = self.post_alarm(trigger['url'], {
            'alarm_id': 'a1', 'alarm_name': 'cpu_high', 'severity': 'critical',
            'previous': 'ok', 'current': 'alarm', 'reason': 'CPU above 90%',
            'reason_data': {'type': 'threshold', 'instance_id': server['id']}})
        execution = self.cluster.wait_finished(started['execution']['id'], 60)
        self.assertEqual('SUCCESS', execution['state'], execution['state_info'])
        output = json.loads(execution['output'])
        self.assertEqual(server['id'], output['instance_id'])
        self.assertEqual(server['host'], output['source_host'])
        self.assertEqual(output['host'], self.host_of(server['id']))
        self.assertNotEqual(server['host'], output['host'])

    def test_an_alarm_that_names_no_server_fails_clearly(self):
        execution = self.start('std.alarm_live_migrate', alarm={
            'alarm_id': 'a2', 'current': 'alarm', 'reason_data': {'type': 'threshold'}})
        self.assertEqual('ERROR', execution['state'])
        self.assertIn('The alarm names no server', execution['state_info'])

    def test_cleanup_deletes_old_servers_with_the_prefix_only(self):
        old = [self.boot(name)['id'] for name in ('lib-tmp-a', 'lib-keep-a')]
        dry = self.succeed('std.cleanup_instances', name_prefix='lib-tmp-',
                           older_than_hours=0, dry_run=True)
        self.assertEqual([old[0]], [server['id'] for server in dry['servers']])
        self.assertIn(old[0], self.cloud.compute.servers)
        recent = self.succeed('std.cleanup_instances', name_prefix='lib-tmp-',
                              older_than_hours=1)
        self.assertEqual([], recent['servers'])
        done = self.succeed('std.cleanup_instances', name_prefix='lib-tmp-',
                            older_than_hours=0)
        self.assertEqual([old[0]], [server['id'] for server in done['servers']])
        self.assertNotIn(old[0], self.cloud.compute.servers)
        self.assertIn(old[1], self.cloud.compute.servers)

    def start(self, workflow: str, /, **workflow_input: Any) -> dict[str, Any]:
        """The finished execution of library workflow ``workflow``."""
        return self.cluster.run_workflow(workflow, {**FAST, **workflow_input},
                                         timeout=60)

    def succeed(self, workflow: str, /, **workflow_input: Any) -> Any:
        """The output of library workflow ``workflow``, which must succeed."""
        execution = self.start(workflow, **workflow_input)
        self.assertEqual('SUCCESS', execution['state'], execution['state_info'])
        return json.loads(execution['output'])

    def boot(self, name: str) -> dict[str, Any]:
        """The output of ``std.create_instance`` for a new server ``name``."""
        return self.succeed('std.create_instance', name=name, image_id=self.image,
                            flavor_id='1')

    def host_of(self, server_id: str) -> str:
        return self.cloud.compute.servers[server_id]['host']

    def servers_named(self, prefix: str) -> list[str]:
        return [server['id'] for server in self.cloud.compute.servers.values()
                if server['name'].startswith(prefix)]

    def attachments(self, server_id: str) -> list[dict[str, Any]]:
        token, _ = self.cloud.issue_token()
        request = urllib.request.Request(
            f'{self.cloud.url}/compute/v2.1/servers/{server_id}/os-volume_attachments',
            headers={'X-Auth-Token': token})
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())['volumeAttachments']

    def post_alarm(self, url: str, alarm: dict[str, Any]) -> Any:
        """POST as Aodh's http notifier does."""
        request = urllib.request.Request(
            url, data=json.dumps(alarm).encode(), method='POST',
            headers={'Content-Type': 'application/json'})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())
