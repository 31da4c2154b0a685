"""The execution expiration policy on SQLite (PostgreSQL: tests/functional/db)."""

import datetime

from oslo_config import cfg
from oslo_config import fixture as config_fixture
import testtools

from wfplatform import config
from wfplatform.db.repositories import action_executions
from wfplatform.db.repositories import common
from wfplatform.db.repositories import task_executions
from wfplatform.db.repositories import workflow_executions
from wfplatform.engine import expiration
from wfplatform.tests.fixtures import database as db_fixtures

NOW = datetime.datetime(2026, 11, 23, 12, 0, 0)


class ExpirationMixin:
    """Needs ``self.database``; shared with the PostgreSQL test."""

    def tree(self, state='SUCCESS', minutes_ago=0, project='project-a',
             sub_state=None):
        """A finished root with a task, an action and a sub-workflow below."""
        changed = NOW - datetime.timedelta(minutes=minutes_ago)
        with self.database.transaction() as session:
            root = workflow_executions.create(
                session, name='wf', spec={}, state=state, project_id=project,
                created_at=changed, updated_at=changed)
            task = self._task(session, root, root['id'], 'parent')
            child = workflow_executions.create(
                session, name='sub', spec={}, state=sub_state or state,
                project_id=project, task_execution_id=task['id'],
                root_execution_id=root['id'], created_at=changed,
                updated_at=changed)
            self._task(session, child, root['id'], 'child')
        return root['id']

    def _task(self, session, execution, root_id, name):
        task = task_executions.create(
            session, name=name, unique_key=f'{execution["id"]}:{name}',
            workflow_execution_id=execution['id'], root_execution_id=root_id,
            workflow_name=execution['name'], state='SUCCESS',
            project_id=execution['project_id'])
        action_executions.create(
            session, name='std.noop', task_execution_id=task['id'],
            root_execution_id=root_id, state='SUCCESS',
            project_id=execution['project_id'])
        return task

    def expire(self, **policy):
        return expiration.Expiration(self.database, expiration.Policy(**policy),
                                     clock=lambda: NOW).run()

    def remaining(self):
        with self.database.transaction(read_only=True) as session:
            return {
                'roots': {e['root_execution_id'] for e in workflow_executions.list(
                    session, _all())},
                'executions': len(workflow_executions.list(session, _all())),
                'tasks': len(task_executions.list(session, _all())),
                'actions': len(action_executions.list(session, _all())),
            }

    def test_older_than_deletes_whole_old_finished_trees(self):
        old = [self.tree('SUCCESS', 90), self.tree('ERROR', 61),
               self.tree('CANCELLED', 120)]
        recent = self.tree('SUCCESS', 30)
        running = self.tree('RUNNING', 500)
        self.assertEqual(3, self.expire(older_than=60))
        left = self.remaining()
        self.assertEqual({recent, running}, left['roots'])
        self.assertFalse(left['roots'] & set(old))
        self.assertEqual(4, left['executions'])
        self.assertEqual(4, left['tasks'])
        self.assertEqual(4, left['actions'])

    def test_a_second_run_deletes_nothing(self):
        self.tree('SUCCESS', 90)
        self.assertEqual(1, self.expire(older_than=60))
        self.assertEqual(0, self.expire(older_than=60))

    def test_ignored_states_are_kept(self):
        failed = self.tree('ERROR', 90)
        self.tree('SUCCESS', 90)
        self.assertEqual(1, self.expire(older_than=60,
                                        ignored_states=frozenset({'ERROR'})))
        self.assertEqual({failed}, self.remaining()['roots'])

    def test_max_finished_executions_keeps_the_newest_of_each_project(self):
        newest_a = [self.tree('SUCCESS', m) for m in (1, 2)]
        for minutes in (3, 4, 5):
            self.tree('ERROR', minutes)
        only_b = self.tree('SUCCESS', 10, project='project-b')
        running = self.tree('RUNNING', 50)
        self.assertEqual(3, self.expire(max_finished_executions=2))
        self.assertEqual({*newest_a, only_b, running}, self.remaining()['roots'])

    def test_batches_delete_everything_in_several_transactions(self):
        for minutes in range(61, 66):
            self.tree('SUCCESS', minutes)
        self.assertEqual(5, self.expire(older_than=60, batch_size=2))
        self.assertEqual(set(), self.remaining()['roots'])

    def test_a_root_whose_sub_workflow_still_runs_is_kept_by_its_root_state(self):
        # Only the root's state counts: a finished root cannot have a running
        # child, except after a forced state change, which ends the tree too.
        kept = self.tree('RUNNING', 90, sub_state='SUCCESS')
        self.assertEqual(0, self.expire(older_than=60))
        self.assertEqual({kept}, self.remaining()['roots'])


def _all():
    return common.ListQuery(include_public=True)


class SqliteExpirationTest(ExpirationMixin, testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.database = self.useFixture(
            db_fixtures.MigratedDatabase('sqlite')).database


class PolicyConfigTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.conf = self.useFixture(config_fixture.Config(cfg.CONF)).conf
        config.register_opts(self.conf)

    def set(self, **values):
        for name, value in values.items():
            self.conf.set_override(name, value, group='execution_expiration_policy')

    def test_off_by_default(self):
        self.assertIsNone(expiration.interval(self.conf))

    def test_an_interval_without_limits_is_off(self):
        self.set(evaluation_interval=5)
        self.assertIsNone(expiration.interval(self.conf))

    def test_interval_in_seconds_and_policy_from_config(self):
        self.set(evaluation_interval=5, older_than=60, batch_size=10,
                 ignored_states=['ERROR'])
        self.assertEqual(300.0, expiration.interval(self.conf))
        policy = expiration.Policy.from_config(self.conf)
        self.assertEqual(frozenset({'SUCCESS', 'CANCELLED'}), policy.states)
        self.assertEqual(10, policy.batch_size)

    def test_ignoring_every_finished_state_is_off(self):
        self.set(evaluation_interval=5, older_than=60,
                 ignored_states=['ERROR', 'SUCCESS', 'CANCELLED'])
        self.assertIsNone(expiration.interval(self.conf))

    def test_an_unknown_ignored_state_is_refused(self):
        self.assertRaises(ValueError, self.set, ignored_states=['RUNNING'])
