"""Repositories on every backend: the behaviour that differs between databases."""

import dataclasses
import datetime

import testtools

from wfplatform.db.repositories import action_definitions
from wfplatform.db.repositories import common
from wfplatform.db.repositories import environments
from wfplatform.db.repositories import outbox
from wfplatform.db.repositories import scheduled_jobs
from wfplatform.db.repositories import task_executions
from wfplatform.db.repositories import workflow_definitions
from wfplatform.db.repositories import workflow_executions
from wfplatform import exceptions
from wfplatform.tests.functional.db import base

UNICODE = 'résumé ✓ 🚀 工作流'
BIG_TEXT = 'x' * 200_000


@dataclasses.dataclass(frozen=True)
class Descriptor:
    name: str
    description: str
    input_signature: str
    class_path: str


class RepositoriesMixin:

    def create_workflow(self, **values):
        values = {'name': 'wf', 'project_id': base.PROJECT, **values}
        with self.database.transaction() as session:
            return workflow_definitions.create(session, **values)

    def test_definitions_round_trip_unicode_large_text_and_json(self):
        spec = {'description': UNICODE, 'tasks': {'t': {'action': 'std.noop'}}}
        created = self.create_workflow(definition=BIG_TEXT + UNICODE, spec=spec,
                                       tags=[UNICODE])
        with self.database.transaction(read_only=True) as session:
            stored = workflow_definitions.get(session, 'wf')
        self.assertEqual(created, stored)
        self.assertEqual(BIG_TEXT + UNICODE, stored['definition'])
        self.assertEqual(spec, stored['spec'])

    def test_names_are_case_sensitive(self):
        self.create_workflow(name='Deploy')
        self.create_workflow(name='deploy')
        with self.database.transaction(read_only=True) as session:
            self.assertEqual('Deploy', workflow_definitions.get(session,
                                                                'Deploy')['name'])
            rows = workflow_definitions.list(session, common.ListQuery(
                filters=(common.Filter('name', 'has', 'Dep'),)))
        self.assertEqual(['Deploy'], [row['name'] for row in rows])

    def test_duplicate_and_not_found(self):
        self.create_workflow(namespace='ns')
        with testtools.ExpectedException(
                exceptions.Duplicate,
                r'Workflow already exists \[name=wf, namespace=ns\]'):
            self.create_workflow(namespace='ns')
        with self.database.transaction(read_only=True) as session:
            self.assertRaises(exceptions.NotFound, workflow_definitions.get,
                              session, 'wf')

    def test_timestamps_keep_microseconds_and_filter_by_text(self):
        moment = datetime.datetime(2024, 5, 6, 7, 8, 9, 123456)
        self.create_workflow(created_at=moment)
        self.create_workflow(name='later',
                             created_at=moment + datetime.timedelta(microseconds=1))
        with self.database.transaction(read_only=True) as session:
            self.assertEqual(moment, workflow_definitions.get(session,
                                                              'wf')['created_at'])
            rows = workflow_definitions.list(session, common.ListQuery(
                filters=(common.Filter('created_at', 'gt',
                                       '2024-05-06 07:08:09.123456'),)))
        self.assertEqual(['later'], [row['name'] for row in rows])

    def test_marker_pagination_and_fields(self):
        for number in range(7):
            self.create_workflow(name=f'wf{number}', is_system=number % 2 == 0)
        seen, marker = [], None
        while True:
            with self.database.transaction(read_only=True) as session:
                page = workflow_definitions.list(session, common.ListQuery(
                    marker=marker, limit=3, sort_keys=('is_system', 'name'),
                    sort_dirs=('desc', 'asc'), fields=('name', 'is_system')))
            if not page:
                break
            seen += page
            marker = page[-1]['id']
        self.assertEqual(['wf0', 'wf2', 'wf4', 'wf6', 'wf1', 'wf3', 'wf5'],
                         [row['name'] for row in seen])
        self.assertEqual({'id', 'name', 'is_system'}, set(seen[0]))
        self.assertIs(True, seen[0]['is_system'])

    def test_executions_tasks_and_cascading_delete(self):
        execution = self.make_execution(input={'text': UNICODE})
        values = {'name': 't', 'unique_key': 'k1',
                  'workflow_execution_id': execution['id'],
                  'root_execution_id': execution['id'], 'workflow_name': 'wf',
                  'state': 'RUNNING', 'project_id': base.PROJECT}
        with self.database.transaction() as session:
            task = task_executions.create(session, **values)
        self.assertRaises(exceptions.Duplicate, self.database.run_in_transaction,
                          lambda session: task_executions.create(session, **values))
        with self.database.transaction() as session:
            workflow_executions.get_for_update(session, execution['id'])
            self.assertEqual([task], task_executions.get_many(session, [task['id']]))
            task_executions.update(session, task['id'], state='SUCCESS',
                                   published={'out': UNICODE})
        with self.database.transaction() as session:
            self.assertEqual({'out': UNICODE}, task_executions.get_by_unique_key(
                session, 'k1')['published'])
            workflow_executions.delete(session, execution['id'])
        with self.database.transaction(read_only=True) as session:
            self.assertIsNone(task_executions.get_by_unique_key(session, 'k1'))

    def test_outbox(self):
        with self.database.transaction() as session:
            message_id = outbox.add(session, topic='engine', server='host-1',
                                    method='run_action', payload={'x': UNICODE})
            outbox.note_attempt(session, message_id)
        with self.database.transaction() as session:
            stale = outbox.list_stale(session, -1, limit=10)
            self.assertEqual([message_id], [row['id'] for row in stale])
            self.assertEqual(1, stale[0]['attempts'])
            self.assertEqual({'x': UNICODE}, stale[0]['payload'])
            self.assertEqual(1, outbox.delete(session, [message_id]))
            self.assertEqual(0, outbox.count(session))

    def test_duplicate_job_key_leaves_the_transaction_usable(self):
        run_after = datetime.datetime(2024, 1, 1)
        with self.database.transaction() as session:
            scheduled_jobs.create(session, job_type='cron_fire', payload={},
                                  run_after=run_after, key='cron:1')
            self.assertRaises(exceptions.Duplicate, scheduled_jobs.create, session,
                              job_type='cron_fire', payload={},
                              run_after=run_after, key='cron:1')
            environments.create(session, name='env', project_id=base.PROJECT)
        with self.database.transaction() as session:
            self.assertEqual('env', environments.get(session, 'env')['name'])
            claimed = scheduled_jobs.claim_due(session, 'engine', run_after, 10, 60)
        self.assertEqual(['cron:1'], [job['key'] for job in claimed])

    def test_populate_is_idempotent(self):
        descriptors = {name: Descriptor(name, UNICODE, 'output', f'pkg:{name}')
                       for name in ('std.echo', 'std.noop')}
        with self.database.transaction() as session:
            first = action_definitions.populate_actions(session, descriptors)
        with self.database.transaction() as session:
            second = action_definitions.populate_actions(session, descriptors)
            echo = action_definitions.get(session, 'std.echo',
                                          project_id=base.PROJECT)
        self.assertEqual(('std.echo', 'std.noop'), first.added)
        self.assertEqual(action_definitions.PopulateSummary((), (), ()), second)
        self.assertEqual(UNICODE, echo['description'])


class SQLiteRepositoriesTest(RepositoriesMixin, base.BackendTestCase):
    backend = 'sqlite'


class PostgreSQLRepositoriesTest(RepositoriesMixin, base.BackendTestCase):
    backend = 'postgresql'


class MySQLRepositoriesTest(RepositoriesMixin, base.BackendTestCase):
    backend = 'mysql'
