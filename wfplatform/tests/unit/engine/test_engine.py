"""The engine in-process: SQLite, in-process messaging, the local executor."""

import testtools

from wfplatform.db.repositories import action_executions
from wfplatform.db.repositories import common
from wfplatform.db.repositories import outbox as outbox_repository
from wfplatform.db.repositories import workflow_executions
from wfplatform.engine import outbox as engine_outbox
from wfplatform import exceptions
from wfplatform.tests.fixtures import database as db_fixtures
from wfplatform.tests.fixtures import engine as engine_fixtures
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


class EngineTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.fixture = self.useFixture(engine_fixtures.EngineFixture())
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

        def drained():
            with self.fixture.database.transaction() as session:
                return outbox_repository.count(session) == 0

        # With the local executor the next transition can commit before the
        # previous flush has deleted its row: wait, but not for the sweep.
        waiting.wait_for(drained, 1, 'the outbox to be empty')

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

    def test_data_of_earlier_tasks_is_loaded_when_expressions_need_it(self):
        self.fixture.define("""
version: '2.0'
reach_back:
  output:
    sum: <% $.sum %>
    side: <% $.side %>
    first: <% task(first).result %>
  tasks:
    first:
      action: std.echo output=10
      on-success: [second, side]
    side:
      action: std.echo output=side
      publish:
        side: <% task().result %>
    second:
      action: std.echo output=20
      on-success: third
    third:
      action: std.echo output=<% task(first).result + task(second).result %>
      publish:
        sum: <% task().result %>
""")
        done = self.fixture.wait_finished(self.fixture.start('reach_back')['id'])
        self.assertEqual('SUCCESS', done['state'], done['state_info'])
        self.assertEqual({'sum': 30, 'side': 'side', 'first': 10}, done['output'])

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
