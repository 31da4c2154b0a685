"""Event triggers end to end: a notification published on RabbitMQ as Nova
publishes it starts a workflow through api, engine, executor and event-engine
running as separate processes."""

import json
from typing import Any

from oslo_config import cfg
from oslo_context import context as oslo_context
import oslo_messaging as messaging
import testtools

from wfplatform.rpc import transport as rpc_transport
from wfplatform.tests.functional.service import cluster as service_cluster
from wfplatform.tests import waiting

WORKFLOW = """
version: '2.0'
on_instance:
  input:
    - flavor
  tasks:
    log:
      action: std.echo output=<% $.flavor %>
"""

CREATE_END = 'compute.instance.create.end'
DELETE_END = 'compute.instance.delete.end'


class EventTriggersTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.cluster = self.useFixture(service_cluster.ServiceCluster(
            'postgresql', 'rabbit',
            processes=('engine', 'executor', 'event-engine', 'api')))
        [self.workflow] = self.cluster.upload(WORKFLOW)
        self.notifier = self._nova_notifier()

    def _nova_notifier(self) -> messaging.Notifier:
        """A notifier that publishes as Nova does.

        Control exchange ``nova``, topic ``notifications``, message format v2.
        """
        conf = cfg.ConfigOpts()
        conf([])
        rpc_transport.register_opts(conf)
        conf.set_override('control_exchange', 'nova')
        transport = messaging.get_notification_transport(
            conf, url=self.cluster.transport_url)
        self.addCleanup(transport.cleanup)
        return messaging.Notifier(transport, publisher_id='compute.host1',
                                  driver='messagingv2', topics=['notifications'],
                                  serializer=rpc_transport.ContextSerializer())

    def create_trigger(self, event: str) -> dict[str, Any]:
        status, trigger = self.cluster.request('POST', '/v2/event_triggers', {
            'name': event, 'workflow_id': self.workflow['id'], 'exchange': 'nova',
            'topic': 'notifications', 'event': event,
            'workflow_input': {'flavor': 'm1.small'}})
        self.assertEqual(201, status, trigger)
        return trigger

    def publish(self, event_type: str, payload: dict[str, Any]) -> None:
        context = oslo_context.RequestContext(project_id='p1', user_id='u1')
        self.notifier.info(context, event_type, payload)

    def wait_logged(self, text: str) -> None:
        def logged() -> bool:
            with open(self.cluster.log_path('event-engine')) as log:
                return text in log.read()
        waiting.wait_for(logged, 30, f'the event engine to log {text!r}')

    def executions(self) -> list[dict[str, Any]]:
        _, body = self.cluster.request('GET', '/v2/executions')
        return body['executions']

    def triggered_by(self, execution: dict[str, Any]) -> str:
        return json.loads(execution['description'])['triggered_by']['id']

    def test_a_notification_starts_the_workflow_until_the_trigger_is_deleted(self):
        on_create = self.create_trigger(CREATE_END)
        on_delete = self.create_trigger(DELETE_END)
        self.wait_logged('Listening for notifications on exchange nova, topic '
                         'notifications')
        payload = {'instance_id': 'a1b2', 'state': 'active'}
        self.publish(CREATE_END, payload)
        [execution] = waiting.wait_for(self.executions, 30, 'an execution')
        execution = self.cluster.wait_finished(execution['id'])
        self.assertEqual('SUCCESS', execution['state'], execution['state_info'])
        self.assertEqual({'flavor': 'm1.small'}, json.loads(execution['input']))
        event_params = json.loads(execution['params'])['event_params']
        self.assertEqual(payload, event_params['payload'])
        self.assertEqual(CREATE_END, event_params['event_type'])
        self.assertEqual('compute.host1', event_params['service'])
        self.assertEqual(on_create['id'], self.triggered_by(execution))

        status, _ = self.cluster.request('DELETE',
                                         f'/v2/event_triggers/{on_create["id"]}')
        self.assertEqual(204, status)
        self.wait_logged('Event triggers changed: 1 trigger(s)')
        self.publish(CREATE_END, payload)
        self.publish(DELETE_END, payload)
        executions = waiting.wait_for(lambda: len(self.executions()) > 1 and
                                      self.executions(), 30, 'a second execution')
        self.assertEqual([on_create['id'], on_delete['id']],
                         [self.triggered_by(e) for e in executions])
