"""The event engine: matching, ``event_params`` and traits, idempotent starts,
reloads.

The service runs in-process against :class:`EngineFixture` (SQLite, ``fake://``);
notifications are published the way Nova publishes them, on exchange ``nova``.
"""

import json
import os
from typing import Any

import fixtures
from oslo_config import cfg
from oslo_context import context as oslo_context
import oslo_messaging as messaging
import testtools

from wfplatform import config
from wfplatform.db.repositories import common
from wfplatform.db.repositories import event_triggers
from wfplatform.db.repositories import workflow_executions
from wfplatform import exceptions
from wfplatform.rpc import transport as rpc_transport
from wfplatform.tests.fixtures import engine as engine_fixtures
from wfplatform.tests import waiting
from wfplatform.triggers import event_definitions
from wfplatform.triggers import event_engine
from wfplatform.triggers import service as trigger_service

WORKFLOW = """
version: '2.0'
on_instance:
  input:
    - flavor: small
  tasks:
    log:
      action: std.echo output=<% $.flavor %>
"""

CREATE_END = 'compute.instance.create.end'

PAYLOAD = {'instance_id': 'a1b2', 'state': 'active', 'flavor': {'vcpus': 2}}

DEFINITIONS = """
- event_type: compute.instance.*
  traits:
    instance_id:
      fields: payload.instance_id
    host:
      fields: [payload.host, publisher_id]
    vcpus:
      type: int
      fields: payload.flavor.vcpus
    project:
      fields: _context_project_id
"""


def nova_notifier(exchange: str = 'nova') -> messaging.Notifier:
    """A notifier configured as Nova's: its control exchange is ``nova``."""
    conf = cfg.ConfigOpts()
    conf([])
    rpc_transport.register_opts(conf)
    conf.set_override('control_exchange', exchange)
    transport = messaging.get_notification_transport(conf, url='fake://')
    return messaging.Notifier(transport, publisher_id='compute.host1',
                              driver='messagingv2', topics=['notifications'],
                              serializer=rpc_transport.ContextSerializer())


def notification(event_type: str = CREATE_END, message_id: str = 'm-1',
                 **context: Any) -> event_engine.Notification:
    return event_engine.Notification(
        exchange='nova', topic='notifications', context=context,
        publisher_id='compute.host1', event_type=event_type, payload=PAYLOAD,
        metadata={'message_id': message_id, 'timestamp': '2026-11-23 12:00:00'})


class EventEngineServiceTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.FakeLogger(level=20))
        self.fixture = self.useFixture(engine_fixtures.EngineFixture())
        self.workflow = self.fixture.define(WORKFLOW)
        conf = self.fixture.conf
        conf.set_override('reload_interval', 0.2, group='event_engine')
        self.tempdir = self.useFixture(fixtures.TempDir()).path
        conf.set_override('event_definitions_file',
                          self.write('definitions.yaml', DEFINITIONS),
                          group='event_engine')
        self.service = self.build_service()
        self.service.start()
        self.addCleanup(self.service.stop)

    def write(self, name: str, text: str) -> str:
        path = os.path.join(self.tempdir, name)
        with open(path, 'w') as file:
            file.write(text)
        return path

    def build_service(self) -> trigger_service.EventEngineService:
        conf = self.fixture.conf
        return trigger_service.EventEngineService(
            conf, rpc_transport.get_notification_transport(conf),
            self.fixture.database, self.fixture.engine_client)

    def create_trigger(self, **values):
        values = {'name': 'on-create', 'workflow_id': self.workflow['id'],
                  'exchange': 'nova', 'topic': 'notifications', 'event': CREATE_END,
                  'workflow_input': {'flavor': 'large'},
                  'workflow_params': {'env': {'site': 'lab'}},
                  'project_id': self.fixture.context.project_id, **values}
        with self.fixture.database.transaction() as session:
            trigger = event_triggers.create(session, **values)
        self.service.reload()
        return trigger

    def delete_trigger(self, trigger):
        with self.fixture.database.transaction() as session:
            event_triggers.delete(session, trigger['id'])
        self.service.reload()

    def executions(self):
        with self.fixture.database.transaction(read_only=True) as session:
            return workflow_executions.list(session, common.ListQuery())

    def wait_all_finished(self):
        """Every execution, finished: the engine must not stop mid-workflow."""
        return [self.fixture.wait_finished(execution['id'])
                for execution in self.executions()]

    def test_a_nova_notification_starts_the_workflow_with_event_params(self):
        trigger = self.create_trigger()
        nova_notifier().info(
            oslo_context.RequestContext(project_id='p1', user_id='u1'), CREATE_END,
            PAYLOAD)
        [execution] = waiting.wait_for(self.executions, 10, 'an execution')
        execution = self.fixture.wait_finished(execution['id'])
        self.assertEqual('SUCCESS', execution['state'], execution['state_info'])
        self.assertEqual({'flavor': 'large'}, execution['input'])
        self.assertEqual({'site': 'lab'}, execution['params']['env'])
        params = execution['params']['event_params']
        self.assertEqual(PAYLOAD, params['payload'])
        self.assertEqual(CREATE_END, params['event_type'])
        self.assertEqual('compute.host1', params['service'])
        self.assertEqual('compute.host1', params['publisher_id'])
        self.assertEqual(('p1', 'u1'), (params['project_id'], params['user_id']))
        self.assertIsNotNone(params['message_id'])
        self.assertIsNotNone(params['timestamp'])
        self.assertEqual({'instance_id': 'a1b2', 'host': 'compute.host1',
                          'vcpus': 2, 'project': 'p1'}, params['traits'])
        self.assertEqual({'type': 'event_trigger', 'id': trigger['id'],
                          'name': 'on-create'},
                         json.loads(execution['description'])['triggered_by'])

    def test_a_redelivered_notification_starts_nothing_more(self):
        self.create_trigger()
        self.service.engine.handle(notification(message_id='same'))
        self.service.engine.handle(notification(message_id='same'))
        self.service.engine.handle(notification(message_id='other'))
        self.assertEqual(2, len(self.wait_all_finished()))

    def test_other_events_and_exchanges_start_nothing(self):
        self.create_trigger()
        self.create_trigger(event='compute.instance.delete.end', name='on-delete',
                            exchange='glance')
        self.service.engine.handle(notification('compute.instance.update'))
        self.service.engine.handle(notification('compute.instance.delete.end'))
        self.service.engine.handle(notification(CREATE_END.upper()))
        self.assertEqual([], self.executions())

    def test_listeners_follow_the_triggers(self):
        self.assertEqual(frozenset(), self.service.pairs)
        first = self.create_trigger()
        second = self.create_trigger(event='compute.instance.delete.end')
        glance = self.create_trigger(exchange='glance', event='image.upload')
        self.assertEqual({('nova', 'notifications'), ('glance', 'notifications')},
                         self.service.pairs)
        self.delete_trigger(glance)
        self.delete_trigger(first)
        self.assertEqual({('nova', 'notifications')}, self.service.pairs)
        self.service.engine.handle(notification())
        self.assertEqual([], self.executions())
        self.delete_trigger(second)
        self.assertEqual(frozenset(), self.service.pairs)

    def test_a_bad_definitions_file_stops_the_service_being_built(self):
        path = self.write('bad.yaml', '- event_type: compute.*\n'
                                      '  traits: {host: {fields: [publisher_id], '
                                      'type: text}}\n')
        self.fixture.conf.set_override('event_definitions_file', path,
                                       group='event_engine')
        error = self.assertRaises(exceptions.InvalidConfiguration,
                                  self.build_service)
        self.assertEqual(f"Invalid event definitions file {path}: definition 1 "
                         f"(line 1): trait host: type 'text' is not one of "
                         f"string, int, float, datetime", str(error))
        self.fixture.conf.set_override('event_definitions_file',
                                       path + '.missing', group='event_engine')
        self.assertRaises(exceptions.InvalidConfiguration, self.build_service)

    def test_without_a_definitions_file_there_are_no_definitions(self):
        self.fixture.conf.clear_override('event_definitions_file',
                                         group='event_engine')
        self.assertIs(event_definitions.NONE, self.build_service().definitions)

    def test_periodic_reload_picks_up_a_new_trigger_without_a_restart(self):
        with self.fixture.database.transaction() as session:
            event_triggers.create(
                session, name='late', workflow_id=self.workflow['id'],
                exchange='nova', topic='notifications', event=CREATE_END,
                project_id=self.fixture.context.project_id)
        waiting.wait_for(lambda: self.service.pairs, 10, 'the listener')
        nova_notifier().info(oslo_context.RequestContext(), CREATE_END, PAYLOAD)
        waiting.wait_for(self.executions, 10, 'an execution')
        self.wait_all_finished()


class FakeEngineClient:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def start_workflow(self, context: Any, **kwargs: Any) -> dict[str, Any]:
        self.calls.append({'project_id': context.project_id, **kwargs})
        return {'id': kwargs['execution_id']}


def trigger(**values: Any) -> dict[str, Any]:
    return {'id': 't1', 'name': 'on-create', 'workflow_id': 'w1', 'exchange': 'nova',
            'topic': 'notifications', 'event': CREATE_END, 'workflow_input': None,
            'workflow_params': None, 'scope': 'private', 'project_id': 'p1',
            **values}


class MatchingTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.FakeLogger())

    def engine(self, auth_enable: bool, *triggers: dict[str, Any],
               definitions: event_definitions.Definitions = event_definitions.NONE):
        client = FakeEngineClient()
        engine = event_engine.EventEngine(client, auth_enable,  # type: ignore
                                          definitions)
        engine.set_triggers(triggers)
        return engine, client

    def test_traits_join_mistrals_event_params_which_stay_as_they_were(self):
        engine, client = self.engine(
            False, trigger(), definitions=event_definitions.parse(DEFINITIONS))
        engine.handle(notification(project_id='p9', user_id='u9'))
        params = client.calls[0]['params']['event_params']
        self.assertEqual({'instance_id': 'a1b2', 'host': 'compute.host1',
                          'vcpus': 2, 'project': 'p9'}, params.pop('traits'))
        self.assertEqual({'service': 'compute.host1', 'project_id': 'p9',
                          'user_id': 'u9', 'timestamp': '2026-11-23 12:00:00',
                          'event_type': CREATE_END, 'payload': PAYLOAD,
                          'publisher_id': 'compute.host1', 'message_id': 'm-1'},
                         params)

    def test_without_definitions_or_a_matching_one_traits_are_empty(self):
        engine, client = self.engine(False, trigger(), trigger(
            id='t2', event='image.upload'),
            definitions=event_definitions.parse(DEFINITIONS))
        engine.handle(notification('image.upload'))
        self.assertEqual({}, client.calls[0]['params']['event_params']['traits'])
        self.assertEqual({}, event_engine.event_params(notification())['traits'])

    def test_the_document_offers_the_context_under_ceilometers_names_too(self):
        document = event_engine.document(
            notification(project_id='p1', request_id='req-1'))
        self.assertEqual(('p1', 'req-1', 'p1'),
                         (document['_context_project_id'],
                          document['_context_request_id'],
                          document['context']['project_id']))
        self.assertEqual(('m-1', '2026-11-23 12:00:00', PAYLOAD),
                         (document['message_id'], document['timestamp'],
                          document['payload']))

    def test_without_auth_every_matching_trigger_fires(self):
        engine, client = self.engine(False, trigger(), trigger(id='t2'))
        engine.handle(notification(project_id='someone'))
        self.assertEqual(['t1', 't2'], [
            json.loads(call['description'])['triggered_by']['id']
            for call in client.calls])
        self.assertEqual({'event_params'}, set(client.calls[0]['params']))
        self.assertEqual({}, client.calls[0]['workflow_input'])

    def test_with_auth_own_project_and_public_triggers_fire(self):
        engine, client = self.engine(
            True, trigger(), trigger(id='t2', project_id='p2'),
            trigger(id='t3', project_id='p3', scope='public'))
        engine.handle(notification(project_id='p2'))
        self.assertEqual(['p2', 'p3'], [call['project_id'] for call in client.calls])

    def test_execution_ids_differ_per_trigger_and_message(self):
        ids = {event_engine.execution_id(notification(message_id=message), trigger)
               for message in ('m1', 'm2') for trigger in ('t1', 't2')}
        self.assertEqual(4, len(ids))
        self.assertEqual(event_engine.execution_id(notification(), 't1'),
                         event_engine.execution_id(notification(), 't1'))

    def test_a_failing_start_is_logged_and_the_others_still_fire(self):
        engine, client = self.engine(False, trigger(), trigger(id='t2'))

        def start_workflow(context, **kwargs):
            if not client.calls:
                client.calls.append({})
                raise RuntimeError('engine down')
            return FakeEngineClient.start_workflow(client, context, **kwargs)

        client.start_workflow = start_workflow  # type: ignore
        engine.handle(notification())
        self.assertEqual(2, len(client.calls))


class ConfigTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.conf = cfg.ConfigOpts()
        config.register_opts(self.conf)
        self.conf([])
        self.factory = self.useFixture(fixtures.MockPatch(
            'oslo_messaging.get_notification_transport')).mock

    def notification_url(self, all_in_one: bool) -> str | None:
        rpc_transport.get_notification_transport(self.conf, all_in_one)
        return self.factory.call_args.kwargs['url']

    def test_reload_interval_defaults_to_two_seconds(self):
        self.assertEqual(2.0, self.conf.event_engine.reload_interval)

    def test_no_event_definitions_file_by_default(self):
        self.assertIsNone(self.conf.event_engine.event_definitions_file)

    def test_all_in_one_without_urls_listens_in_process(self):
        self.assertEqual('fake://', self.notification_url(True))
        self.assertIsNone(self.notification_url(False))

    def test_a_configured_rpc_url_is_used_by_the_all_in_one_process_too(self):
        rpc_transport.register_opts(self.conf)
        self.conf.set_override('transport_url', 'rabbit://h/')
        self.assertIsNone(self.notification_url(True))

    def test_a_notifications_url_is_used_by_the_all_in_one_process_too(self):
        self.assertEqual('fake://', self.notification_url(True))
        self.conf.set_override('transport_url', 'rabbit://n/',
                               group='oslo_messaging_notifications')
        self.assertIsNone(self.notification_url(True))
