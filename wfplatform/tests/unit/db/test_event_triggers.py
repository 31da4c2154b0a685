"""Event triggers: CRUD, the unique key, visibility and the event engine's list."""

import testtools

from wfplatform.db.repositories import common
from wfplatform.db.repositories import event_triggers
from wfplatform import exceptions
from wfplatform.tests.unit.db import base


class EventTriggersTest(base.DatabaseTestCase):

    def setUp(self) -> None:
        super().setUp()
        self.workflow = self.make_workflow()

    def make_trigger(self, **values):
        values = {'name': 'on-create', 'workflow_id': self.workflow['id'],
                  'exchange': 'nova', 'topic': 'notifications',
                  'event': 'compute.instance.create.end', 'project_id': base.PROJECT,
                  **values}
        with self.database.transaction() as session:
            return event_triggers.create(session, **values)

    def test_create_then_get(self):
        created = self.make_trigger(workflow_input={'a': 1},
                                    workflow_params={'env': {}})
        with self.database.transaction(read_only=True) as session:
            fetched = event_triggers.get(session, created['id'],
                                         project_id=base.PROJECT)
        self.assertEqual(created, fetched)
        self.assertEqual({'a': 1}, fetched['workflow_input'])
        self.assertEqual('private', fetched['scope'])
        self.assertIsNone(fetched['trust_id'])

    def test_same_event_and_workflow_twice_in_a_project_is_duplicate(self):
        self.make_trigger()
        with testtools.ExpectedException(
                exceptions.Duplicate,
                r'Event trigger already exists \[exchange=nova, '
                r'topic=notifications, event=compute.instance.create.end'):
            self.make_trigger(name='again')
        self.make_trigger(project_id=base.OTHER_PROJECT)
        self.make_trigger(topic='versioned_notifications')

    def test_another_projects_private_trigger_is_not_found(self):
        created = self.make_trigger(project_id=base.OTHER_PROJECT)
        with self.database.transaction(read_only=True) as session:
            self.assertRaises(exceptions.NotFound, event_triggers.get, session,
                              created['id'], project_id=base.PROJECT)

    def test_public_trigger_is_visible_but_not_modifiable(self):
        created = self.make_trigger(project_id=base.OTHER_PROJECT, scope='public')
        with self.database.transaction() as session:
            event_triggers.get(session, created['id'], project_id=base.PROJECT)
            self.assertRaises(exceptions.Forbidden, event_triggers.update, session,
                              created['id'], project_id=base.PROJECT, name='x')

    def test_update_and_delete(self):
        created = self.make_trigger()
        with self.database.transaction() as session:
            updated = event_triggers.update(session, created['id'],
                                            project_id=base.PROJECT, name='renamed',
                                            workflow_params={'env': {'x': 1}})
        self.assertEqual('renamed', updated['name'])
        self.assertIsNotNone(updated['updated_at'])
        with self.database.transaction() as session:
            event_triggers.delete(session, created['id'], project_id=base.PROJECT)
        with self.database.transaction(read_only=True) as session:
            self.assertRaises(exceptions.NotFound, event_triggers.get, session,
                              created['id'])

    def test_list_is_per_project_and_list_all_is_everything(self):
        own = self.make_trigger()
        theirs = self.make_trigger(project_id=base.OTHER_PROJECT)
        with self.database.transaction(read_only=True) as session:
            listed = event_triggers.list(
                session, common.ListQuery(project_id=base.PROJECT))
            everything = event_triggers.list_all(session)
        self.assertEqual([own['id']], [row['id'] for row in listed])
        self.assertEqual([own, theirs], everything)
