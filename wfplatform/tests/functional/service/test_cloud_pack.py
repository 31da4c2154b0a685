"""The cloud pack from workflows: api, engine and executor processes on PostgreSQL
and RabbitMQ drive the real openstacksdk against the cloud double.

Authentication is off in the cluster, so the executor acts with the ``[cloud]``
service credentials: it logs in at the double's Keystone (password), takes the
compute endpoint from the catalog and talks Nova's API. The double listens on
127.0.0.1, which ``[egress]`` refuses by default; the cluster allows that one
address with ``allowed_hosts``.
"""

import json
from typing import Any
import urllib.request

import testtools

from wfplatform.tests.doubles import cloud as cloud_double
from wfplatform.tests.functional.service import cluster as service_cluster

WORKFLOWS = """
version: '2.0'
boot_and_move:
  input: [image, flavor]
  output:
    server_id: <% $.server_id %>
    built_on: <% $.built_on %>
    moved_to: <% $.moved_to %>
    status: <% $.status %>
  tasks:
    boot:
      action: nova.servers_create
      input:
        name: wf-vm
        image: <% $.image %>
        flavor: <% $.flavor %>
        wait_for_active: true
        poll_interval: 0.1
        timeout: 60
      publish:
        server_id: <% task().result.id %>
        built_on: <% task().result['OS-EXT-SRV-ATTR:host'] %>
      on-success: move
    move:
      action: nova.servers_live_migrate
      input:
        server: <% $.server_id %>
        wait_for_active: true
        poll_interval: 0.1
        timeout: 60
      publish:
        moved_to: <% task().result['OS-EXT-SRV-ATTR:host'] %>
        status: <% task().result.status %>

move_on_alarm:
  input: [alarm]
  output:
    moved_to: <% $.moved_to %>
  tasks:
    move:
      action: nova.servers_live_migrate
      input:
        server: <% $.alarm.reason_data.instance_id %>
        wait_for_active: true
        poll_interval: 0.1
        timeout: 60
      publish:
        moved_to: <% task().result['OS-EXT-SRV-ATTR:host'] %>
"""


class CloudPackTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.cloud = self.useFixture(cloud_double.CloudDouble(step_seconds=0.3))
        self.cluster = self.useFixture(service_cluster.ServiceCluster(
            'postgresql', 'rabbit', processes=('engine', 'executor', 'api'),
            extra_config=f"""
[egress]
allowed_hosts = 127.0.0.1

[cloud]
auth_url = {self.cloud.identity_url}
username = {cloud_double.USERNAME}
password = {cloud_double.PASSWORD}
project_name = {cloud_double.PROJECT_NAME}
region_name = {cloud_double.REGION}
"""))
        self.cluster.upload(WORKFLOWS)
        self.image = next(iter(self.cloud.services.images))

    def test_a_workflow_boots_a_server_and_live_migrates_it(self):
        execution = self.cluster.run_workflow(
            'boot_and_move', {'image': self.image, 'flavor': '1'}, timeout=90)
        self.assertEqual('SUCCESS', execution['state'], execution['state_info'])
        output = json.loads(execution['output'])
        server = self.cloud.compute.servers[output['server_id']]
        self.assertEqual('ACTIVE', output['status'])
        self.assertNotEqual(output['built_on'], output['moved_to'])
        self.assertEqual(output['moved_to'], server['host'])
        paths = [request.path for request in self.cloud.requests]
        self.assertIn('/identity/v3/auth/tokens', paths)
        actions = [request.body for request in self.cloud.requests
                   if request.path.endswith('/action')]
        self.assertEqual([{'os-migrateLive': {'host': None,
                                              'block_migration': 'auto'}}],
                         actions)

    def test_a_cloud_error_fails_the_task_with_novas_message(self):
        self.cloud.compute.build_failures['wf-vm'] = 'No valid host was found.'
        execution = self.cluster.run_workflow(
            'boot_and_move', {'image': self.image, 'flavor': '1'}, timeout=90)
        self.assertEqual('ERROR', execution['state'])
        self.assertIn('nova.servers_create: server', execution['state_info'])
        self.assertIn('went to ERROR: No valid host was found.',
                      execution['state_info'])

        missing = self.cluster.run_workflow(
            'move_on_alarm', {'alarm': {'reason_data': {'instance_id': 'gone'}}})
        self.assertEqual('ERROR', missing['state'])
        self.assertIn('nova.servers_live_migrate failed: HTTP 404: Instance gone '
                      'could not be found.', missing['state_info'])

    def test_an_alarm_starts_a_workflow_that_live_migrates_the_server(self):
        server = self.boot_directly()
        _, workflows = self.cluster.request('GET', '/v2/workflows')
        [workflow] = [w for w in workflows['workflows']
                      if w['name'] == 'move_on_alarm']
        status, trigger = self.cluster.request('POST', '/v2/alarm_triggers', {
            'name': 'cpu-high', 'workflow_id': workflow['id'],
            'states': ['alarm']})
        self.assertEqual(201, status, trigger)
        started = self.post_alarm(trigger['url'], {
            'alarm_id': 'a1', 'alarm_name': 'cpu_high', 'severity': 'critical',
            'previous': 'ok', 'current': 'alarm', 'reason': 'CPU above 90%',
            'reason_data': {'type': 'threshold', 'instance_id': server['id']}})
        execution = self.cluster.wait_finished(started['execution']['id'], 90)
        self.assertEqual('SUCCESS', execution['state'], execution['state_info'])
        moved_to = json.loads(execution['output'])['moved_to']
        self.assertNotEqual(server['host'], moved_to)
        self.assertEqual(moved_to, self.cloud.compute.servers[server['id']]['host'])

    def boot_directly(self) -> dict[str, Any]:
        """An ACTIVE server, booted through the double's own API."""
        token, _ = self.cloud.issue_token()
        request = urllib.request.Request(
            f'{self.cloud.url}/compute/v2.1/servers', method='POST',
            data=json.dumps({'server': {'name': 'busy', 'imageRef': self.image,
                                        'flavorRef': '1'}}).encode(),
            headers={'X-Auth-Token': token, 'Content-Type': 'application/json'})
        with urllib.request.urlopen(request, timeout=10) as response:
            server_id = json.loads(response.read())['server']['id']
        self.cloud.settle(everything=True)
        return dict(self.cloud.compute.servers[server_id])

    def post_alarm(self, url: str, alarm: dict[str, Any]) -> Any:
        """POST as Aodh's http notifier does."""
        request = urllib.request.Request(
            url, data=json.dumps(alarm).encode(), method='POST',
            headers={'Content-Type': 'application/json',
                     'X-OpenStack-Request-Id': 'req-aodh-1'})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())
