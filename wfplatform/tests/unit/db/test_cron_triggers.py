"""Cron triggers: CRUD by id or name, the unique name, visibility, row locking."""

import datetime

import testtools

from wfplatform.db.repositories import common
from wfplatform.db.repositories import cron_triggers
from wfplatform.db.repositories import workflow_definitions
from wfplatform import exceptions
from wfplatform.tests.unit.db import base

DUE = datetime.datetime(2030, 1, 1, 12, 0, 0)


class CronTriggersTest(base.DatabaseTestCase):

    def setUp(self) -> None:
        super().setUp()
        self.workflow = self.make_workflow()

    def make_trigger(self, **values):
        values = {'name': 'hourly', 'pattern': '0 * * * *',
                  'next_execution_time': DUE, 'workflow_name': self.workflow['name'],
                  'workflow_id': self.workflow['id'], 'project_id': base.PROJECT,
                  **values}
        with self.database.transaction() as session:
            return cron_triggers.create(session, **values)

    def test_create_then_get_by_id_and_by_name(self):
        created = self.make_trigger(workflow_input={'a': 1}, remaining_executions=3,
                                    user_id='u1')
        with self.database.transaction(read_only=True) as session:
            by_id = cron_triggers.get(session, created['id'], project_id=base.PROJECT)
            by_name = cron_triggers.get(session, 'hourly', project_id=base.PROJECT)
        self.assertEqual(created, by_id)
        self.assertEqual(created, by_name)
        self.assertEqual({'a': 1}, by_id['workflow_input'])
        self.assertEqual((3, DUE, 'u1', '', 'private'),
                         (by_id['remaining_executions'], by_id['next_execution_time'],
                          by_id['user_id'], by_id['workflow_namespace'],
                          by_id['scope']))
        self.assertIsNone(by_id['first_execution_time'])

    def test_a_name_is_unique_within_a_project(self):
        self.make_trigger()
        with testtools.ExpectedException(
                exceptions.Duplicate, r'Cron trigger already exists \[name=hourly\]'):
            self.make_trigger(pattern='*/5 * * * *')
        self.make_trigger(project_id=base.OTHER_PROJECT)

    def test_another_projects_private_trigger_is_not_found(self):
        created = self.make_trigger(project_id=base.OTHER_PROJECT)
        with self.database.transaction(read_only=True) as session:
            for identifier in (created['id'], 'hourly'):
                self.assertRaises(exceptions.NotFound, cron_triggers.get, session,
                                  identifier, project_id=base.PROJECT)
            self.assertEqual(created, cron_triggers.get(session, created['id']))

    def test_the_callers_own_comes_before_a_public_namesake(self):
        self.make_trigger(project_id=base.OTHER_PROJECT, scope='public')
        own = self.make_trigger()
        with self.database.transaction(read_only=True) as session:
            self.assertEqual(own['id'], cron_triggers.get(
                session, 'hourly', project_id=base.PROJECT)['id'])

    def test_delete_returns_the_row_and_refuses_others_public_ones(self):
        public = self.make_trigger(project_id=base.OTHER_PROJECT, scope='public')
        with self.database.transaction() as session:
            self.assertRaises(exceptions.Forbidden, cron_triggers.delete, session,
                              public['id'], project_id=base.PROJECT)
        own = self.make_trigger()
        with self.database.transaction() as session:
            self.assertEqual(own, cron_triggers.delete(session, 'hourly',
                                                       project_id=base.PROJECT))
            self.assertRaises(exceptions.NotFound, cron_triggers.delete, session,
                              own['id'], project_id=base.PROJECT)

    def test_get_for_update_update_and_delete_by_id(self):
        created = self.make_trigger(remaining_executions=2)
        later = DUE + datetime.timedelta(hours=1)
        with self.database.transaction() as session:
            locked = cron_triggers.get_for_update(session, created['id'])
            self.assertEqual(created, locked)
            updated = cron_triggers.update(session, created['id'],
                                           next_execution_time=later,
                                           remaining_executions=1)
        self.assertEqual((later, 1), (updated['next_execution_time'],
                                      updated['remaining_executions']))
        self.assertIsNotNone(updated['updated_at'])
        with self.database.transaction() as session:
            self.assertTrue(cron_triggers.delete_by_id(session, created['id']))
            self.assertFalse(cron_triggers.delete_by_id(session, created['id']))
            self.assertIsNone(cron_triggers.get_for_update(session, created['id']))

    def test_list_filters_by_column(self):
        self.make_trigger()
        often = self.make_trigger(name='often', pattern='*/5 * * * *',
                                  remaining_executions=4)
        query = common.ListQuery(
            project_id=base.PROJECT,
            filters=(common.Filter('remaining_executions', 'gte', 2),),
            fields=('name',))
        with self.database.transaction(read_only=True) as session:
            self.assertEqual([{'id': often['id'], 'name': 'often'}],
                             cron_triggers.list(session, query))

    def test_a_workflow_with_cron_triggers_can_not_be_deleted(self):
        created = self.make_trigger(project_id=base.OTHER_PROJECT)
        with self.database.transaction() as session:
            with testtools.ExpectedException(
                    exceptions.InvalidInput,
                    "Can't delete workflow that has cron triggers associated. "
                    rf'\[workflow_identifier={self.workflow["name"]}\], '
                    rf'\[cron_trigger_id\(s\)={created["id"]}\]'):
                workflow_definitions.delete(session, self.workflow['name'],
                                            project_id=base.PROJECT)
        with self.database.transaction() as session:
            cron_triggers.delete(session, created['id'])
            workflow_definitions.delete(session, self.workflow['name'],
                                        project_id=base.PROJECT)
