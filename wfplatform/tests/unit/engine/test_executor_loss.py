"""Lost executors: found by the leader, their actions re-run or failed."""

import testtools

from wfplatform.db.repositories import action_executions
from wfplatform.engine import executor_loss
from wfplatform.tests.fixtures import engine as engine_fixtures
from wfplatform.tests import waiting

HOLD = """
version: '2.0'
hold:
  tasks:
    wait:
      action: std.async_noop
      safe-rerun: <% $.safe %>
  input:
    - safe: false
"""

RETRIED = """
version: '2.0'
retried:
  tasks:
    wait:
      action: std.async_noop
      retry:
        count: 1
        delay: 0
"""


class FakeEngine:
    def __init__(self, hosts):
        self.hosts = hosts
        self.lost = []

    def executor_hosts(self):
        return set(self.hosts)

    def on_executor_lost(self, executor_host, *, executor_topic):
        self.lost.append((executor_host, executor_topic))
        self.hosts.discard(executor_host)
        return {'rerun': 0, 'failed': 1}


class FakeMembers:
    def __init__(self, members):
        self.present = set(members)

    def members(self, group):
        assert group == 'wfplatform.executor'
        return {member: {} for member in self.present}


class WatchTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.now = 0.0
        self.engine = FakeEngine({'e1', 'e2'})
        self.members = FakeMembers({'e1', 'e2'})
        self.watch = executor_loss.ExecutorLossWatch(
            self.engine, self.members, 'topic', grace=3.0, clock=lambda: self.now)

    def test_a_missing_executor_is_lost_after_the_grace(self):
        self.assertEqual([], self.watch.check())
        self.members.present.discard('e2')
        self.assertEqual([], self.watch.check())
        self.now = 2.9
        self.assertEqual([], self.watch.check())
        self.now = 3.0
        self.assertEqual(['e2'], self.watch.check())
        self.assertEqual([('e2', 'topic')], self.engine.lost)

    def test_an_executor_back_within_the_grace_is_not_lost(self):
        self.members.present.discard('e2')
        self.watch.check()
        self.now = 2.0
        self.members.present.add('e2')
        self.watch.check()
        self.now = 10.0
        self.assertEqual([], self.watch.check())

    def test_no_holders_no_group_read(self):
        self.engine.hosts.clear()
        self.members = None
        self.assertEqual([], self.watch.check())


class OnExecutorLostTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.fixture = self.useFixture(engine_fixtures.EngineFixture())
        self.engine = self.fixture.engine

    def held_action(self, workflow, workflow_input=None):
        execution_id = self.fixture.start(workflow, workflow_input)['id']

        def running():
            tasks = self.fixture.tasks(execution_id)
            if not tasks:
                return None
            with self.fixture.database.transaction() as session:
                actions = action_executions.list_for_task(session, tasks[-1]['id'])
            return actions[-1] if actions and actions[-1]['state'] == 'RUNNING' \
                else None

        action = waiting.wait_for(running, 10, 'the action to run')
        self.engine.record_executor([action['id']], 'exec-1_42_abcdef')
        self.assertEqual({'exec-1_42_abcdef'}, self.engine.executor_hosts())
        return execution_id, action

    def test_an_unsafe_action_fails_its_task_saying_the_executor_was_lost(self):
        self.fixture.define(HOLD)
        execution_id, action = self.held_action('hold')
        self.assertEqual({'rerun': 0, 'failed': 1}, self.engine.on_executor_lost(
            'exec-1_42_abcdef', executor_topic='executors'))
        done = self.fixture.wait_finished(execution_id)
        self.assertEqual('ERROR', done['state'])
        task = self.fixture.tasks(execution_id)[0]
        self.assertEqual('ERROR', task['state'])
        self.assertIn('Executor exec-1_42_abcdef was lost while running action '
                      'std.async_noop', task['state_info'])
        self.assertEqual(set(), self.engine.executor_hosts())

    def test_a_safe_rerun_action_is_sent_again_with_the_same_id(self):
        self.fixture.define(HOLD)
        sent = []
        outbox = self.fixture.service.outbox
        original = outbox._send
        outbox._send = lambda message: (sent.append(message), original(message))
        execution_id, action = self.held_action('hold', {'safe': True})
        sent.clear()
        self.assertEqual({'rerun': 1, 'failed': 0}, self.engine.on_executor_lost(
            'exec-1_42_abcdef', executor_topic='executors'))
        self.assertEqual(['run_action'], [m.method for m in sent])
        self.assertEqual(action['id'],
                         sent[0].payload['request']['action_execution_id'])
        self.assertEqual('executors', sent[0].topic)
        with self.fixture.database.transaction() as session:
            again = action_executions.get(session, action['id'])
        self.assertEqual(('RUNNING', None), (again['state'], again['executor_host']))
        # Lost twice is not sent twice: the executor no longer holds it.
        self.assertEqual({'rerun': 0, 'failed': 0}, self.engine.on_executor_lost(
            'exec-1_42_abcdef', executor_topic='executors'))
        self.engine.on_action_complete(self.fixture.context, action['id'],
                                       {'output': 'done'})
        self.assertEqual('SUCCESS',
                         self.fixture.wait_finished(execution_id)['state'])

    def test_retry_policies_apply_to_a_lost_action(self):
        self.fixture.define(RETRIED)
        execution_id, action = self.held_action('retried')
        self.engine.on_executor_lost('exec-1_42_abcdef', executor_topic='x')

        def second_run():
            with self.fixture.database.transaction() as session:
                actions = action_executions.list_for_task(
                    session, self.fixture.tasks(execution_id)[0]['id'])
            return len(actions) == 2 and actions[1]['state'] == 'RUNNING'

        waiting.wait_for(second_run, 10, 'the retry')
        self.assertEqual('RUNNING', self.fixture.execution(execution_id)['state'])

    def test_completed_actions_are_not_recorded(self):
        self.fixture.define(HOLD)
        execution_id, action = self.held_action('hold')
        self.engine.on_action_complete(self.fixture.context, action['id'],
                                       {'output': 1})
        self.engine.record_executor([action['id']], 'exec-2')
        self.assertEqual(set(), self.engine.executor_hosts())
