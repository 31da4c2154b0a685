"""Workflow, task and action executions: creation, locking reads, lists."""

from oslo_db import exception as db_exc
import testtools

from wfplatform.db.repositories import action_executions
from wfplatform.db.repositories import common
from wfplatform.db.repositories import task_executions
from wfplatform.db.repositories import workflow_executions
from wfplatform import exceptions
from wfplatform.tests.fixtures import database as db_fixtures
from wfplatform.tests.unit.db import base


class ExecutionsTest(base.DatabaseTestCase):

    def make_task(self, execution, name='task', **values):
        values = {'name': name, 'unique_key': f'{execution["id"]}:{name}:0',
                  'workflow_execution_id': execution['id'],
                  'root_execution_id': execution['root_execution_id'],
                  'workflow_name': execution['name'], 'state': 'RUNNING',
                  'project_id': execution['project_id'], **values}
        with self.database.transaction() as session:
            return task_executions.create(session, **values)

    def make_action(self, task, **values):
        values = {'name': 'std.noop', 'task_execution_id': task['id'],
                  'root_execution_id': task['root_execution_id'],
                  'state': 'RUNNING', 'project_id': task['project_id'], **values}
        with self.database.transaction() as session:
            return action_executions.create(session, **values)

    def test_top_level_execution_is_its_own_root(self):
        execution = self.make_execution(input={'x': 1})
        self.assertEqual(execution['id'], execution['root_execution_id'])
        self.assertEqual({'x': 1}, execution['input'])
        child = self.make_execution(task_execution_id='t', root_execution_id='r')
        self.assertEqual('r', child['root_execution_id'])

    def test_get_update_and_visibility(self):
        execution = self.make_execution()
        with self.database.transaction() as session:
            self.assertEqual(execution, workflow_executions.get(
                session, execution['id'], project_id=base.PROJECT))
            with testtools.ExpectedException(
                    exceptions.NotFound,
                    rf'WorkflowExecution not found \[id={execution["id"]}\]'):
                workflow_executions.get(session, execution['id'],
                                        project_id=base.OTHER_PROJECT)
            locked = workflow_executions.get_for_update(session, execution['id'])
            context = locked['context'] or {}
            context['published'] = 1
            updated = workflow_executions.update(session, execution['id'],
                                                 state='SUCCESS', context=context)
        self.assertEqual('SUCCESS', updated['state'])
        with self.database.transaction(read_only=True) as session:
            stored = workflow_executions.get(session, execution['id'])
        self.assertEqual({'published': 1}, stored['context'])
        self.assertEqual('SUCCESS', stored['state'])

    def test_json_mutated_in_place_is_still_written(self):
        execution = self.make_execution(context={'a': 1})
        with self.database.transaction() as session:
            row = workflow_executions.get_for_update(session, execution['id'])
            row['context']['b'] = 2
            workflow_executions.update(session, execution['id'],
                                       context=row['context'])
        with self.database.transaction(read_only=True) as session:
            self.assertEqual({'a': 1, 'b': 2}, workflow_executions.get(
                session, execution['id'])['context'])

    def test_get_for_update_of_a_missing_execution(self):
        with self.database.transaction() as session:
            self.assertRaises(exceptions.NotFound,
                              workflow_executions.get_for_update, session, 'nope')

    def test_delete_cascades_to_tasks_and_actions(self):
        execution = self.make_execution()
        task = self.make_task(execution)
        action = self.make_action(task)
        with self.database.transaction() as session:
            self.assertRaises(exceptions.NotFound, workflow_executions.delete,
                              session, execution['id'],
                              project_id=base.OTHER_PROJECT)
            workflow_executions.delete(session, execution['id'],
                                       project_id=base.PROJECT)
        with self.database.transaction(read_only=True) as session:
            self.assertRaises(exceptions.NotFound, task_executions.get, session,
                              task['id'])
            self.assertRaises(exceptions.NotFound, action_executions.get, session,
                              action['id'])

    def test_task_unique_key_is_idempotency(self):
        execution = self.make_execution()
        task = self.make_task(execution)
        with self.database.transaction(read_only=True) as session:
            self.assertEqual(task, task_executions.get_by_unique_key(
                session, task['unique_key']))
            self.assertIsNone(task_executions.get_by_unique_key(session, 'nope'))
        with testtools.ExpectedException(exceptions.Duplicate,
                                         '.*unique_key=.*:task:0.*'):
            self.make_task(execution)

    def test_task_needs_an_existing_workflow_execution(self):
        execution = {'id': 'missing', 'root_execution_id': 'missing',
                     'name': 'wf', 'project_id': base.PROJECT}
        self.assertRaises(db_exc.DBReferenceError, self.make_task, execution)

    def test_summaries_are_one_query_without_the_data(self):
        execution = self.make_execution()
        other = self.make_execution()
        names = ['t1', 't2', 't3']
        for name in names:
            self.make_task(execution, name)
        self.make_task(other, 'elsewhere')
        recorder = self.useFixture(
            db_fixtures.StatementRecorder(self.database.engine))
        with self.database.transaction() as session:
            tasks = task_executions.list_summaries(session, execution['id'])
        self.assertEqual(names, [task['name'] for task in tasks])
        self.assertEqual({'id', 'name', 'type', 'state', 'state_info',
                          'runtime_context'},
                         set(tasks[0]))
        self.assertEqual(1, len(recorder.statements))
        self.assertNotIn('in_context', recorder.statements[0])

    def test_get_many_is_one_query_and_feeds_updates(self):
        execution = self.make_execution()
        tasks = [self.make_task(execution, name) for name in ('t1', 't2', 't3')]
        recorder = self.useFixture(
            db_fixtures.StatementRecorder(self.database.engine))
        with self.database.transaction() as session:
            loaded = task_executions.get_many(session, [t['id'] for t in tasks[1:]])
            self.assertEqual({'t2', 't3'}, {task['name'] for task in loaded})
            self.assertEqual(1, len(recorder.statements))
            task_executions.update(session, tasks[1]['id'], state='SUCCESS',
                                   published={'x': 1})
        self.assertEqual(2, len(recorder.statements), recorder.statements)
        self.assertTrue(recorder.statements[1].startswith('UPDATE'))
        with self.database.transaction(read_only=True) as session:
            stored = task_executions.get(session, tasks[1]['id'],
                                         project_id=base.PROJECT)
        self.assertEqual({'x': 1}, stored['published'])

    def test_update_after_create_or_lock_needs_no_select(self):
        execution = self.make_execution()
        recorder = self.useFixture(
            db_fixtures.StatementRecorder(self.database.engine))
        with self.database.transaction() as session:
            workflow_executions.get_for_update(session, execution['id'])
            workflow_executions.update(session, execution['id'], state='PAUSED')
            task = task_executions.create(
                session, name='t', unique_key='k', state='IDLE',
                workflow_execution_id=execution['id'],
                root_execution_id=execution['id'], workflow_name='wf',
                project_id=base.PROJECT)
            task_executions.update(session, task['id'], state='RUNNING')
        self.assertEqual(['SELECT', 'UPDATE', 'INSERT', 'UPDATE'],
                         [statement.split()[0] for statement in recorder.statements])

    def test_action_executions(self):
        task = self.make_task(self.make_execution())
        first = self.make_action(task, input={'a': 1})
        second = self.make_action(task)
        self.make_action(self.make_task(self.make_execution()))
        with self.database.transaction() as session:
            self.assertEqual([first['id'], second['id']], [
                action['id'] for action in action_executions.list_for_task(
                    session, task['id'])])
            locked = action_executions.get_for_update(session, first['id'])
            self.assertEqual({'a': 1}, locked['input'])
            action_executions.update(session, first['id'], state='SUCCESS',
                                     output={'result': 2}, accepted=True)
            rows = action_executions.list(session, common.ListQuery(
                filters=(common.Filter('state', 'eq', 'SUCCESS'),)))
        self.assertEqual([first['id']], [row['id'] for row in rows])
        self.assertEqual({'result': 2}, rows[0]['output'])
        self.assertTrue(rows[0]['accepted'])

    def test_standalone_action_execution(self):
        with self.database.transaction() as session:
            action = action_executions.create(session, name='std.echo',
                                              state='RUNNING', project_id='p')
        self.assertIsNone(action['task_execution_id'])
        self.assertTrue(action['is_sync'])

    def test_list_executions_and_tasks_by_project(self):
        mine = self.make_execution()
        self.make_execution(project_id=base.OTHER_PROJECT)
        self.make_task(mine)
        with self.database.transaction(read_only=True) as session:
            executions = workflow_executions.list(
                session, common.ListQuery(project_id=base.PROJECT))
            tasks = task_executions.list(
                session, common.ListQuery(project_id=base.OTHER_PROJECT))
        self.assertEqual([mine['id']], [row['id'] for row in executions])
        self.assertEqual([], tasks)
