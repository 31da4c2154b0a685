"""The engine in-process: SQLite, in-process messaging, the local executor."""

import fixtures
from oslo_config import cfg
from oslo_config import fixture as config_fixture
import testtools

from wfplatform.actions import registry as action_registry
from wfplatform import config
from wfplatform import context as wf_context
from wfplatform.db.repositories import action_executions
from wfplatform.db.repositories import common
from wfplatform.db.repositories import outbox as outbox_repository
from wfplatform.db.repositories import task_executions
from wfplatform.db.repositories import workflow_definitions
from wfplatform.db.repositories import workflow_executions
from wfplatform.engine import outbox as engine_outbox
from wfplatform.engine import service as engine_service
from wfplatform import exceptions
from wfplatform import lang
from wfplatform.rpc import transport as rpc_transport
from wfplatform.tests.fixtures import database as db_fixtures
from wfplatform.tests import waiting

CHAIN = """
version: '2.0'
chain:
  input:
    - word
  vars:
    suffix: '!'
  output:
    final: <% $.final %>
  tasks:
    first:
      action: std.echo output=<% $.word + $.suffix %>
      publish:
        first: <% task().result %>
      on-success: second
    second:
      action: std.echo output="<% $.first %><% $.first %>"
      publish:
        final: <% task().result %>
"""


class EngineFixture(fixtures.Fixture):
    """An engine service with the local executor on a migrated SQLite database."""

    def _setUp(self):
        conf = self.useFixture(config_fixture.Config(cfg.CONF)).conf
        config.register_opts(conf)
        rpc_transport.register_opts(conf)
        conf.set_override('transport_url', 'fake://')
        conf.set_override('type', 'local', group='executor')
        conf.set_override('topic', f'engine-{id(self)}', group='engine')
        self.database = self.useFixture(db_fixtures.MigratedDatabase('sqlite')).database
        transport = rpc_transport.get_transport(conf)
        self.addCleanup(transport.cleanup)
        self.service = engine_service.EngineService(
            conf, transport, self.database, action_registry.ActionRegistry())
        self.service.start()
        self.addCleanup(self.service.stop)
        self.engine = self.service.engine
        self.context = wf_context.anonymous_admin()

    def define(self, definition):
        spec = lang.parse_workflows(definition)[0]
        with self.database.transaction() as session:
            return workflow_definitions.create(
                session, name=spec.name, namespace='', definition=definition,
                spec=spec.to_dict(), input=spec.input_signature(), tags=[],
                scope='private', project_id=self.context.project_id)

    def start(self, name, workflow_input=None, **kwargs):
        return self.engine.start_workflow(
            self.context, workflow_identifier=name,
            workflow_input=workflow_input or {}, params=kwargs.pop('params', {}),
            **kwargs)

    def execution(self, execution_id):
        with self.database.transaction() as session:
            return workflow_executions.get(session, execution_id)

    def wait_finished(self, execution_id):
        def finished():
            record = self.execution(execution_id)
            return record if record['state'] not in ('IDLE', 'RUNNING') else None
        return waiting.wait_for(finished, 30, f'execution {execution_id}')

    def tasks(self, execution_id):
        with self.database.transaction() as session:
            return task_executions.list_for_workflow(session, execution_id)


class EngineTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.fixture = self.useFixture(EngineFixture())
        self.fixture.define(CHAIN)

    def test_chain_runs_to_success_with_output(self):
        started = self.fixture.start('chain', {'word': 'ab'})
        self.assertEqual('RUNNING', started['state'])
        done = self.fixture.wait_finished(started['id'])
        self.assertEqual('SUCCESS', done['state'], done['state_info'])
        self.assertEqual({'final': 'ab!ab!'}, done['output'])
        tasks = self.fixture.tasks(started['id'])
        self.assertEqual(['first', 'second'], [t['name'] for t in tasks])
        self.assertTrue(all(t['processed'] and t['finished_at'] for t in tasks))

    def test_outbox_is_empty_once_messages_are_sent(self):
        started = self.fixture.start('chain', {'word': 'x'})
        done = self.fixture.wait_finished(started['id'])
        self.assertEqual('SUCCESS', done['state'])
        with self.fixture.database.transaction() as session:
            self.assertEqual(0, outbox_repository.count(session))

    def test_a_repeated_result_is_applied_once(self):
        execution_id = self.fixture.start('chain', {'word': 'x'})['id']
        self.fixture.wait_finished(execution_id)
        first = self.fixture.tasks(execution_id)[0]
        with self.fixture.database.transaction() as session:
            action = action_executions.list_for_task(session, first['id'])[0]
        self.fixture.engine.on_action_complete(self.fixture.context, action['id'],
                                               {'output': 'different'})
        self.assertEqual(2, len(self.fixture.tasks(execution_id)))
        with self.fixture.database.transaction() as session:
            self.assertEqual({'result': 'x!'},
                             action_executions.get(session, action['id'])['output'])

    def test_client_chosen_id_makes_start_idempotent(self):
        execution_id = '6f1d2a4c-1111-4f0e-9a7b-1234567890ab'
        first = self.fixture.start('chain', {'word': 'x'}, execution_id=execution_id)
        second = self.fixture.start('chain', {'word': 'x'}, execution_id=execution_id)
        self.assertEqual(first['id'], second['id'])
        with self.fixture.database.transaction() as session:
            listed = workflow_executions.list(session, common.ListQuery())
        self.assertEqual([execution_id], [e['id'] for e in listed])

    def test_unknown_workflow_and_bad_input_are_refused_before_anything_runs(self):
        self.assertRaises(exceptions.NotFound, self.fixture.start, 'nope')
        error = self.assertRaises(exceptions.InvalidInput, self.fixture.start,
                                  'chain', {})
        self.assertIn("missing=['word']", str(error))
        with self.fixture.database.transaction() as session:
            self.assertEqual([], workflow_executions.list(session, common.ListQuery()))

    def test_environment_reaches_expressions(self):
        self.fixture.define("""
version: '2.0'
uses_env:
  output:
    region: <% env().region %>
  tasks:
    nothing:
      action: std.noop
""")
        execution_id = self.fixture.start(
            'uses_env', params={'env': {'region': 'north'}})['id']
        done = self.fixture.wait_finished(execution_id)
        self.assertEqual({'region': 'north'}, done['output'])

    def test_failing_vars_end_the_execution_in_error(self):
        self.fixture.define("""
version: '2.0'
bad_vars:
  vars:
    x: <% $.missing.call() %>
  tasks:
    never:
      action: std.noop
""")
        record = self.fixture.start('bad_vars')
        self.assertEqual('ERROR', record['state'])
        self.assertIn('Failed to evaluate vars', record['state_info'])
        self.assertEqual([], self.fixture.tasks(record['id']))


class OutboxTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.database = self.useFixture(db_fixtures.MigratedDatabase('sqlite')).database

    def _message(self):
        with self.database.transaction() as session:
            return engine_outbox.add(session, topic='t', method='run_action',
                                     payload={'n': 1})

    def test_a_message_that_could_not_be_sent_is_swept_later(self):
        def broken(message):
            raise ConnectionError('broker down')

        message = self._message()
        engine_outbox.Outbox(self.database, broken, 1, 0).flush([message])
        with self.database.transaction() as session:
            self.assertEqual(1, outbox_repository.count(session))
        sent = []
        outbox = engine_outbox.Outbox(self.database, sent.append, 1, 0)
        self.assertEqual(1, outbox.sweep())
        self.assertEqual([message], sent)
        with self.database.transaction() as session:
            self.assertEqual(0, outbox_repository.count(session))

    def test_sweep_leaves_fresh_messages_to_their_sender(self):
        self._message()
        sent = []
        self.assertEqual(0, engine_outbox.Outbox(self.database, sent.append, 1,
                                                 60).sweep())
        self.assertEqual([], sent)
