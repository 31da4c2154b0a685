"""Alarm triggers end to end: Aodh's http notifier body, posted over HTTP to
the URL a trigger was created with, starts the workflow once per state change
through api, engine and executor processes on PostgreSQL and RabbitMQ."""

import json
from typing import Any
import urllib.error
import urllib.request

import testtools

from wfplatform.tests.functional.service import cluster as service_cluster
from wfplatform.tests import waiting

WORKFLOW = """
version: '2.0'
migrate_busy_vm:
  input:
    - alarm
    - target_host
  output:
    said: <% $.said %>
    instance: <% $.instance %>
  tasks:
    decide:
      action: std.echo output="<% $.alarm.alarm_name %> is <% $.alarm.current %>"
      publish:
        said: <% task().result %>
        instance: <% $.alarm.reason_data.instance_id %>
"""


def aodh_alarm(previous: str, current: str) -> dict[str, Any]:
    """What Aodh's http notifier posts on a state change of a threshold alarm."""
    return {'alarm_id': 'b8e4f1c2-7d3a-4e5b-9c6d-0a1b2c3d4e5f',
            'alarm_name': 'cpu_high', 'severity': 'critical',
            'previous': previous, 'current': current,
            'reason': 'Transition to alarm due to 3 samples outside threshold, '
                      'most recent: 99.5',
            'reason_data': {'type': 'threshold', 'disposition': 'outside',
                            'count': 3, 'most_recent': 99.5,
                            'instance_id': 'vm-42'}}


class AlarmTriggersTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.cluster = self.useFixture(service_cluster.ServiceCluster(
            'postgresql', 'rabbit', processes=('engine', 'executor', 'api')))
        [self.workflow] = self.cluster.upload(WORKFLOW)

    def post_alarm(self, url: str, alarm: dict[str, Any],
                   request_id: str) -> tuple[int, Any]:
        """POST as Aodh does: JSON body, one request id per state change."""
        request = urllib.request.Request(
            url, data=json.dumps(alarm).encode(), method='POST',
            headers={'Content-Type': 'application/json',
                     'X-OpenStack-Request-Id': request_id,
                     'User-Agent': 'aodh'})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b'null')

    def executions(self) -> list[dict[str, Any]]:
        _, body = self.cluster.request('GET', '/v2/executions')
        return body['executions']

    def test_a_state_change_starts_the_workflow_once_with_the_alarm(self):
        status, trigger = self.cluster.request('POST', '/v2/alarm_triggers', {
            'name': 'cpu-high', 'workflow_id': self.workflow['id'],
            'workflow_input': {'target_host': 'compute-2'},
            'states': ['alarm', 'ok']})
        self.assertEqual(201, status, trigger)
        url = trigger['url']
        self.assertTrue(url.startswith(f'{self.cluster.url}/v2/alarm_triggers/'
                                       f'{trigger["id"]}/fire?token='), url)

        firing = aodh_alarm('ok', 'alarm')
        first = self.post_alarm(url, firing, 'req-aodh-1')
        retried = self.post_alarm(url, firing, 'req-aodh-1')
        self.assertEqual(201, first[0], first[1])
        self.assertEqual(201, retried[0], retried[1])
        execution_id = first[1]['execution']['id']
        self.assertEqual(execution_id, retried[1]['execution']['id'])
        execution = self.cluster.wait_finished(execution_id, 30)
        self.assertEqual('SUCCESS', execution['state'], execution['state_info'])
        self.assertEqual({'alarm': firing, 'target_host': 'compute-2'},
                         json.loads(execution['input']))
        output = json.loads(execution['output'])
        self.assertEqual(('cpu_high is alarm', 'vm-42'),
                         (output['said'], output['instance']))
        self.assertEqual({'type': 'alarm_trigger', 'id': trigger['id'],
                          'name': 'cpu-high', 'alarm_id': firing['alarm_id']},
                         json.loads(execution['description'])['triggered_by'])
        self.assertEqual([execution_id], [e['id'] for e in self.executions()])

        resolved = aodh_alarm('alarm', 'ok')
        status, body = self.post_alarm(url, resolved, 'req-aodh-2')
        self.assertEqual(201, status, body)
        self.assertNotEqual(execution_id, body['execution']['id'])
        second = self.cluster.wait_finished(body['execution']['id'], 30)
        self.assertEqual('SUCCESS', second['state'], second['state_info'])
        self.assertEqual('ok', json.loads(second['input'])['alarm']['current'])
        executions = waiting.wait_for(
            lambda: len(self.executions()) == 2 and self.executions(), 10,
            'two executions')
        self.assertEqual({execution_id, second['id']},
                         {e['id'] for e in executions})

        status, body = self.post_alarm(
            url, aodh_alarm('ok', 'insufficient data'), 'req-aodh-3')
        self.assertEqual((200, None), (status, body['execution']))
        wrong_token = url.split('?')[0] + '?token=guess'
        status, _ = self.post_alarm(wrong_token, firing, 'req-aodh-4')
        self.assertEqual(404, status)
        self.assertEqual(2, len(self.executions()))
