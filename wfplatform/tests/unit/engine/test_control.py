"""A user's control of executions through the in-process engine.

Pause and resume, cancel, a forced end, skipping and rerunning failed tasks, in
root executions and sub-workflows.
"""

import testtools

from wfplatform.db.repositories import action_executions
from wfplatform.db.repositories import common
from wfplatform.db.repositories import workflow_executions
from wfplatform import exceptions
from wfplatform.tests.fixtures import engine as engine_fixtures
from wfplatform.tests import waiting

PAUSE_BEFORE = """
version: '2.0'
careful:
  input:
    - word
  output:
    said: <% $.said %>
  tasks:
    first:
      action: std.noop
      on-success: second
    second:
      pause-before: true
      action: std.echo output=<% $.word %>
      publish:
        said: <% task().result %>
"""

SLOW = """
version: '2.0'
slow:
  input:
    - word
    - seconds: 0.5
  output:
    said: <% $.said %>
  tasks:
    nap:
      action: std.sleep seconds=<% $.seconds %>
      on-success: speak
    speak:
      action: std.echo output=<% $.word %>
      publish:
        said: <% task().result %>
"""

NESTED = """
version: '2.0'
parent:
  tasks:
    call:
      workflow: slow word=deep seconds=<% env().seconds %>
      on-complete: after
    after:
      action: std.noop
"""

FAILING = """
version: '2.0'
failing:
  output:
    outcome: <% $.outcome %>
  tasks:
    risky:
      action: std.echo output=ok
      fail-on: <% env().broken %>
      publish:
        outcome: ran
      publish-on-skip:
        outcome: skipped
      on-success: done
      on-skip: done
    done:
      action: std.noop
"""

NESTED_FAILING = """
version: '2.0'
outer:
  output:
    inner: <% $.inner %>
  tasks:
    call:
      workflow: failing
      publish:
        inner: <% task().result.outcome %>
"""


class ControlTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.fixture = self.useFixture(engine_fixtures.EngineFixture())
        self.engine = self.fixture.engine
        self.context = self.fixture.context

    def update(self, execution_id, **kwargs):
        return self.engine.update_execution(self.context, execution_id, **kwargs)

    def wait_state(self, execution_id, state):
        def reached():
            record = self.fixture.execution(execution_id)
            return record if record['state'] == state else None
        return waiting.wait_for(reached, 30, f'{execution_id} to be {state}')

    def task(self, execution_id, name, state=None):
        def found():
            tasks = [t for t in self.fixture.tasks(execution_id)
                     if t['name'] == name and state in (None, t['state'])]
            return tasks[-1] if tasks else None
        return waiting.wait_for(found, 30, f'task {name} in {state or "any state"}')

    def children(self, task_id):
        with self.fixture.database.transaction() as session:
            return workflow_executions.list_for_task(session, task_id)

    def test_pause_before_then_resume_runs_the_held_task(self):
        self.fixture.define(PAUSE_BEFORE)
        execution_id = self.fixture.start('careful', {'word': 'hi'})['id']
        self.wait_state(execution_id, 'PAUSED')
        self.assertEqual('IDLE', self.task(execution_id, 'second')['state'])
        resumed = self.update(execution_id, state='RUNNING')
        self.assertIn(resumed['state'], ('RUNNING', 'SUCCESS'))
        done = self.fixture.wait_finished(execution_id)
        self.assertEqual('SUCCESS', done['state'], done['state_info'])
        self.assertEqual({'said': 'hi'}, done['output'])

    def test_a_task_that_ends_while_paused_goes_on_after_resume(self):
        self.fixture.define(SLOW)
        execution_id = self.fixture.start('slow', {'word': 'late'})['id']
        self.task(execution_id, 'nap', 'RUNNING')
        paused = self.update(execution_id, state='PAUSED')
        self.assertEqual('PAUSED', paused['state'])
        self.task(execution_id, 'nap', 'SUCCESS')
        self.assertEqual(['nap'], [t['name'] for t in self.fixture.tasks(execution_id)])
        self.assertEqual('PAUSED', self.fixture.execution(execution_id)['state'])
        self.update(execution_id, state='RUNNING')
        done = self.fixture.wait_finished(execution_id)
        self.assertEqual('SUCCESS', done['state'], done['state_info'])
        self.assertEqual({'said': 'late'}, done['output'])

    def test_cancel_stops_a_running_execution_and_ignores_late_results(self):
        self.fixture.define(SLOW)
        execution_id = self.fixture.start('slow', {'word': 'x'})['id']
        nap = self.task(execution_id, 'nap', 'RUNNING')
        cancelled = self.update(execution_id, state='CANCELLED')
        self.assertEqual('CANCELLED', cancelled['state'])
        self.assertEqual('Cancelled by the user', cancelled['state_info'])

        def action_done():
            with self.fixture.database.transaction() as session:
                [action] = action_executions.list_for_task(session, nap['id'])
            return action['state'] == 'SUCCESS'

        waiting.wait_for(action_done, 30, 'the sleep to end')
        [task] = self.fixture.tasks(execution_id)
        self.assertEqual(('CANCELLED', 'Cancelled by the user'),
                         (task['state'], task['state_info']))
        self.assertEqual('CANCELLED', self.fixture.execution(execution_id)['state'])

    def test_cancel_reaches_sub_workflows(self):
        self.fixture.define(SLOW)
        self.fixture.define(NESTED)
        execution_id = self.fixture.start(
            'parent', params={'env': {'seconds': 0.5}})['id']
        call = self.task(execution_id, 'call')
        [child] = waiting.wait_for(lambda: self.children(call['id']), 30,
                                   'the sub-workflow')
        self.task(child['id'], 'nap', 'RUNNING')
        self.update(execution_id, state='CANCELLED', state_info='enough')
        self.assertEqual(('CANCELLED', 'enough'),
                         self._state(self.fixture.execution(child['id'])))
        self.assertEqual(('CANCELLED', 'enough'),
                         self._state(self.task(execution_id, 'call')))
        self.assertEqual(('CANCELLED', 'enough'),
                         self._state(self.task(child['id'], 'nap')))
        self.assertEqual(['call'],
                         [t['name'] for t in self.fixture.tasks(execution_id)])

    def test_cancelling_a_sub_workflow_cancels_its_task_and_parent(self):
        self.fixture.define(SLOW)
        self.fixture.define(NESTED)
        execution_id = self.fixture.start(
            'parent', params={'env': {'seconds': 0.5}})['id']
        call = self.task(execution_id, 'call')
        [child] = waiting.wait_for(lambda: self.children(call['id']), 30,
                                   'the sub-workflow')
        self.update(child['id'], state='CANCELLED')
        self.assertEqual(('CANCELLED', 'Cancelled by the user'),
                         self._state(self.task(execution_id, 'call')))
        self.assertEqual(('CANCELLED', 'Cancelled tasks: call'),
                         self._state(self.fixture.execution(execution_id)))

    def test_pause_and_resume_reach_sub_workflows(self):
        self.fixture.define(SLOW)
        self.fixture.define(NESTED)
        execution_id = self.fixture.start(
            'parent', params={'env': {'seconds': 0.3}})['id']
        call = self.task(execution_id, 'call')
        [child] = waiting.wait_for(lambda: self.children(call['id']), 30,
                                   'the sub-workflow')
        self.update(execution_id, state='PAUSED')
        self.assertEqual('PAUSED', self.fixture.execution(child['id'])['state'])
        self.task(child['id'], 'nap', 'SUCCESS')
        self.assertEqual(['nap'], [t['name'] for t in self.fixture.tasks(child['id'])])
        self.update(execution_id, state='RUNNING')
        done = self.fixture.wait_finished(execution_id)
        self.assertEqual('SUCCESS', done['state'], done['state_info'])
        self.assertEqual('SUCCESS', self.fixture.execution(child['id'])['state'])

    def test_pausing_a_sub_workflow_pauses_its_parent_and_resuming_resumes_it(self):
        self.fixture.define(SLOW)
        self.fixture.define(NESTED)
        execution_id = self.fixture.start(
            'parent', params={'env': {'seconds': 0.3}})['id']
        call = self.task(execution_id, 'call')
        [child] = waiting.wait_for(lambda: self.children(call['id']), 30,
                                   'the sub-workflow')
        self.update(child['id'], state='PAUSED')
        self.assertEqual('PAUSED', self.fixture.execution(execution_id)['state'])
        self.update(child['id'], state='RUNNING')
        done = self.fixture.wait_finished(execution_id)
        self.assertEqual('SUCCESS', done['state'], done['state_info'])

    def test_a_forced_success_cancels_what_is_unfinished(self):
        self.fixture.define(SLOW)
        self.fixture.define(NESTED)
        execution_id = self.fixture.start(
            'parent', params={'env': {'seconds': 0.5}})['id']
        call = self.task(execution_id, 'call')
        [child] = waiting.wait_for(lambda: self.children(call['id']), 30,
                                   'the sub-workflow')
        done = self.update(execution_id, state='SUCCESS', state_info='good enough')
        self.assertEqual(('SUCCESS', 'good enough'), self._state(done))
        self.assertEqual({}, done['output'])
        self.assertEqual(('CANCELLED', 'good enough'),
                         self._state(self.task(execution_id, 'call')))
        self.assertEqual('CANCELLED', self.fixture.execution(child['id'])['state'])

    def test_a_forced_success_whose_output_fails_is_an_error(self):
        self.fixture.define(SLOW)
        execution_id = self.fixture.start('slow', {'word': 'x'})['id']
        self.task(execution_id, 'nap', 'RUNNING')
        done = self.update(execution_id, state='SUCCESS')
        self.assertEqual('ERROR', done['state'])
        self.assertIn('Failed to evaluate the workflow output', done['state_info'])
        self.assertEqual('CANCELLED', self.task(execution_id, 'nap')['state'])

    def test_a_forced_error_of_a_sub_workflow_fails_its_parent_task(self):
        self.fixture.define(SLOW)
        self.fixture.define(NESTED)
        execution_id = self.fixture.start(
            'parent', params={'env': {'seconds': 0.5}})['id']
        call = self.task(execution_id, 'call')
        [child] = waiting.wait_for(lambda: self.children(call['id']), 30,
                                   'the sub-workflow')
        self.update(child['id'], state='ERROR', state_info='broken by hand')
        self.assertEqual(('ERROR', 'broken by hand'),
                         self._state(self.task(execution_id, 'call')))
        done = self.fixture.wait_finished(execution_id)
        self.assertEqual('ERROR', done['state'])
        self.assertIn('call', done['state_info'])
        self.assertEqual('SUCCESS', self.task(execution_id, 'after')['state'])

    def test_skipping_a_failed_task_follows_on_skip(self):
        self.fixture.define(FAILING)
        execution_id = self.fixture.start(
            'failing', params={'env': {'broken': True}})['id']
        self.assertEqual('ERROR', self.fixture.wait_finished(execution_id)['state'])
        risky = self.task(execution_id, 'risky', 'ERROR')
        skipped = self.engine.update_task(self.context, risky['id'],
                                          state='SKIPPED')
        self.assertEqual('SKIPPED', skipped['state'])
        done = self.fixture.wait_finished(execution_id)
        self.assertEqual('SUCCESS', done['state'], done['state_info'])
        self.assertEqual({'outcome': 'skipped'}, done['output'])
        self.assertEqual('SUCCESS', self.task(execution_id, 'done')['state'])

    def test_rerunning_a_failed_task_with_a_new_env(self):
        self.fixture.define(FAILING)
        execution_id = self.fixture.start(
            'failing', params={'env': {'broken': True}})['id']
        self.fixture.wait_finished(execution_id)
        risky = self.task(execution_id, 'risky', 'ERROR')
        rerun = self.engine.update_task(self.context, risky['id'], state='RUNNING',
                                        env={'broken': False})
        self.assertIn(rerun['state'], ('RUNNING', 'SUCCESS'))
        done = self.fixture.wait_finished(execution_id)
        self.assertEqual('SUCCESS', done['state'], done['state_info'])
        self.assertEqual({'outcome': 'ran'}, done['output'])
        self.assertEqual({'broken': False}, done['params']['env'])
        with self.fixture.database.transaction() as session:
            actions = action_executions.list_for_task(session, risky['id'])
        self.assertEqual(2, len(actions))

    def test_rerunning_a_task_inside_a_failed_sub_workflow_reopens_the_parent(self):
        self.fixture.define(FAILING)
        self.fixture.define(NESTED_FAILING)
        execution_id = self.fixture.start(
            'outer', params={'env': {'broken': True}})['id']
        self.assertEqual('ERROR', self.fixture.wait_finished(execution_id)['state'])
        call = self.task(execution_id, 'call', 'ERROR')
        [child] = self.children(call['id'])
        risky = self.task(child['id'], 'risky', 'ERROR')
        self.engine.update_task(self.context, risky['id'], state='RUNNING',
                                env={'broken': False})
        done = self.fixture.wait_finished(execution_id)
        self.assertEqual('SUCCESS', done['state'], done['state_info'])
        self.assertEqual({'inner': 'ran'}, done['output'])
        self.assertEqual('SUCCESS', self.task(execution_id, 'call')['state'])

    def test_requests_the_state_machine_refuses(self):
        self.fixture.define(FAILING)
        execution_id = self.fixture.start(
            'failing', params={'env': {'broken': False}})['id']
        self.assertEqual('SUCCESS', self.fixture.wait_finished(execution_id)['state'])
        self.assertRaises(exceptions.InvalidStateTransition, self.update,
                          execution_id, state='CANCELLED')
        self.assertRaises(exceptions.InvalidStateTransition, self.update,
                          execution_id, state='RUNNING')
        self.assertRaises(exceptions.Conflict, self.update, execution_id,
                          env={'a': 1})
        risky = self.task(execution_id, 'risky')
        self.assertRaises(exceptions.InvalidStateTransition,
                          self.engine.update_task, self.context, risky['id'],
                          state='SKIPPED')
        self.assertRaises(exceptions.InvalidStateTransition,
                          self.engine.update_task, self.context, risky['id'],
                          state='RUNNING')
        self.assertRaises(exceptions.InvalidInput, self.engine.update_task,
                          self.context, risky['id'], state='RUNNING', reset=False)
        self.assertRaises(exceptions.NotFound, self.update,
                          '00000000-0000-0000-0000-000000000000', state='PAUSED')

    def test_description_changes_and_a_second_pause_changes_nothing(self):
        self.fixture.define(PAUSE_BEFORE)
        execution_id = self.fixture.start('careful', {'word': 'hi'})['id']
        self.wait_state(execution_id, 'PAUSED')
        updated = self.update(execution_id, description='held on purpose')
        self.assertEqual('held on purpose', updated['description'])
        self.assertEqual('PAUSED', self.update(execution_id, state='PAUSED')['state'])
        with_env = self.update(execution_id, env={'k': 'v'})
        self.assertEqual({'k': 'v'}, with_env['params']['env'])
        with self.fixture.database.transaction() as session:
            self.assertEqual(1, len(workflow_executions.list(
                session, common.ListQuery())))

    @staticmethod
    def _state(record):
        return record['state'], record['state_info']
