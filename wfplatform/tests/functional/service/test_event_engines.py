"""Two event engines on RabbitMQ share the notifications: each of N Nova
notifications starts exactly one execution, with the traits the event
definitions file takes out of it; and a bad definitions file stops an event
engine at start with one line."""

import collections
import json
import os
import re
from typing import Any

import fixtures
from oslo_config import cfg
from oslo_context import context as oslo_context
import oslo_messaging as messaging
import testtools
from testtools import content as testtools_content

from wfplatform.rpc import transport as rpc_transport
from wfplatform.tests.functional.service import cluster as service_cluster
from wfplatform.tests import waiting

SAMPLE = os.path.abspath(os.path.join(
    os.path.dirname(__file__), '..', '..', '..', '..', 'etc', 'wfplatform',
    'event_definitions.yaml.sample'))

WORKFLOW = """
version: '2.0'
on_instance:
  tasks:
    log:
      action: std.echo output=<% execution().params.event_params.traits %>
"""

CREATE_END = 'compute.instance.create.end'

EVENT_ENGINES = ('engine,event-engine', 'event-engine')
"""Two event-engine processes; cluster processes need distinct service lists."""

NOTIFICATIONS = 10

STARTED = re.compile(r'Event trigger \S+ started execution (\S+)')


class TwoEventEnginesTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.cluster = self.useFixture(service_cluster.ServiceCluster(
            'postgresql', 'rabbit', processes=EVENT_ENGINES + ('executor', 'api'),
            extra_config=f'[event_engine]\nevent_definitions_file = {SAMPLE}\n'
                         f'reload_interval = 0.5\n'))
        [self.workflow] = self.cluster.upload(WORKFLOW)

    def nova_notifier(self) -> messaging.Notifier:
        """Publishes as Nova does: exchange ``nova``, topic ``notifications``."""
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

    def log(self, services: str) -> str:
        with open(self.cluster.log_path(services)) as log:
            return log.read()

    def executions(self) -> list[dict[str, Any]]:
        _, body = self.cluster.request('GET', '/v2/executions')
        return body['executions']

    def starts_per_event_engine(self) -> dict[str, list[str]]:
        starts = {services: STARTED.findall(self.log(services))
                  for services in EVENT_ENGINES}
        self.addDetail('starts-per-event-engine', testtools_content.text_content(
            json.dumps({services: len(ids) for services, ids in starts.items()})))
        return starts

    def test_each_notification_starts_one_execution_across_two_event_engines(self):
        status, trigger = self.cluster.request('POST', '/v2/event_triggers', {
            'name': 'on-create', 'workflow_id': self.workflow['id'],
            'exchange': 'nova', 'topic': 'notifications', 'event': CREATE_END})
        self.assertEqual(201, status, trigger)
        for services in EVENT_ENGINES:
            waiting.wait_for(
                lambda: 'Listening for notifications on exchange nova, topic '
                        'notifications' in self.log(services),
                20, f'{services} to listen')
        notifier = self.nova_notifier()
        instance_ids = [f'instance-{number}' for number in range(NOTIFICATIONS)]
        for instance_id in instance_ids:
            notifier.info(oslo_context.RequestContext(project_id='p1', user_id='u1'),
                          CREATE_END, {'instance_id': instance_id, 'vcpus': '2',
                                       'host': 'node-1'})
        waiting.wait_for(lambda: len(self.executions()) >= NOTIFICATIONS, 30,
                         f'{NOTIFICATIONS} executions')
        executions = [self.cluster.wait_finished(execution['id'], 30)
                      for execution in self.executions()]
        self.assertEqual(NOTIFICATIONS, len(executions))
        self.assertEqual(['SUCCESS'] * NOTIFICATIONS,
                         [execution['state'] for execution in executions])
        traits = [json.loads(execution['params'])['event_params']['traits']
                  for execution in executions]
        self.assertEqual(sorted(instance_ids),
                         sorted(trait['instance_id'] for trait in traits))
        self.assertEqual({('node-1', 2, 'compute.host1', 'p1')},
                         {(t['host'], t['vcpus'], t['service'], t['project_id'])
                          for t in traits})
        starts = self.starts_per_event_engine()
        started = [id for ids in starts.values() for id in ids]
        self.assertEqual(NOTIFICATIONS, len(started))
        self.assertEqual(sorted(e['id'] for e in executions), sorted(started))
        self.assertEqual([], [id for id, count in
                              collections.Counter(started).items() if count > 1])
        self.assertTrue(all(starts.values()),
                        'both event engines should have handled notifications')


class BadDefinitionsFileTest(testtools.TestCase):

    def test_the_event_engine_refuses_to_start_with_one_clear_line(self):
        path = os.path.join(self.useFixture(fixtures.TempDir()).path, 'defs.yaml')
        with open(path, 'w') as definitions:
            definitions.write('- event_type: compute.instance.*\n'
                              '  traits:\n'
                              '    host:\n'
                              '      fields: payload.host\n'
                              '      type: hostname\n')
        cluster = self.useFixture(service_cluster.ServiceCluster(
            'postgresql', 'rabbit', processes=(),
            extra_config=f'[event_engine]\nevent_definitions_file = {path}\n'))
        process = cluster.start_process('event-engine')
        self.assertEqual(2, process.wait(30))
        with open(cluster.log_path('event-engine')) as log:
            lines = [line for line in log.read().splitlines() if line.strip()]
        self.assertEqual([f"wfplatform-server: Invalid event definitions file "
                          f"{path}: definition 1 (line 1): trait host: type "
                          f"'hostname' is not one of string, int, float, "
                          f"datetime"], lines)
