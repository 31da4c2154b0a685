"""Workflow and action definitions and environments: CRUD, visibility, errors."""

import dataclasses

import testtools

from wfplatform import config
from wfplatform.db.repositories import action_definitions
from wfplatform.db.repositories import common
from wfplatform.db.repositories import environments
from wfplatform.db.repositories import workflow_definitions
from wfplatform import exceptions
from wfplatform.tests.unit.db import base


class WorkflowDefinitionsTest(base.DatabaseTestCase):

    def test_create_then_get_by_name_and_by_id(self):
        created = self.make_workflow(name='wf', namespace='ns', tags=['t'])
        with self.database.transaction(read_only=True) as session:
            by_name = workflow_definitions.get(session, 'wf', namespace='ns')
            by_id = workflow_definitions.get(session, created['id'])
        self.assertEqual(created, by_name)
        self.assertEqual(created, by_id)
        self.assertEqual('private', created['scope'])
        self.assertFalse(created['is_system'])
        self.assertIsNotNone(created['created_at'])
        self.assertIsNone(created['updated_at'])

    def test_duplicate_names_name_and_namespace(self):
        self.make_workflow(name='wf', namespace='ns')
        with testtools.ExpectedException(
                exceptions.Duplicate,
                r'Workflow already exists \[name=wf, namespace=ns\]'):
            self.make_workflow(name='wf', namespace='ns')

    def test_same_name_in_other_namespace_or_project_is_fine(self):
        self.make_workflow(name='wf')
        self.make_workflow(name='wf', namespace='ns')
        self.make_workflow(name='wf', project_id=base.OTHER_PROJECT)

    def test_not_found_names_the_workflow_like_mistral(self):
        with self.database.transaction(read_only=True) as session:
            with testtools.ExpectedException(
                    exceptions.NotFound,
                    r'Workflow not found \[name=foo, namespace=\]'):
                workflow_definitions.get(session, 'foo')
            identifier = '1b4f1c67-1d44-4a4e-8d0e-0d2a0e6b1f3e'
            with testtools.ExpectedException(
                    exceptions.NotFound, rf'Workflow not found \[id={identifier}\]'):
                workflow_definitions.get(session, identifier)

    def test_visibility_private_public_other_project(self):
        private = self.make_workflow(name='private', project_id=base.OTHER_PROJECT)
        public = self.make_workflow(name='public', project_id=base.OTHER_PROJECT,
                                    scope='public')
        with self.database.transaction(read_only=True) as session:
            self.assertEqual(public, workflow_definitions.get(
                session, 'public', project_id=base.PROJECT))
            self.assertRaises(exceptions.NotFound, workflow_definitions.get,
                              session, 'private', project_id=base.PROJECT)
            self.assertRaises(exceptions.NotFound, workflow_definitions.get,
                              session, private['id'], project_id=base.PROJECT)
            self.assertEqual(private, workflow_definitions.get(session, 'private'))

    def test_own_workflow_wins_over_a_public_namesake(self):
        self.make_workflow(name='wf', project_id=base.OTHER_PROJECT, scope='public')
        own = self.make_workflow(name='wf')
        with self.database.transaction(read_only=True) as session:
            self.assertEqual(own, workflow_definitions.get(
                session, 'wf', project_id=base.PROJECT))

    def test_update(self):
        created = self.make_workflow(name='wf')
        with self.database.transaction() as session:
            updated = workflow_definitions.update(
                session, 'wf', project_id=base.PROJECT, definition='new',
                tags=['x'])
        self.assertEqual('new', updated['definition'])
        self.assertEqual(['x'], updated['tags'])
        self.assertIsNotNone(updated['updated_at'])
        with self.database.transaction(read_only=True) as session:
            self.assertEqual(updated, workflow_definitions.get(session, created['id']))

    def test_update_unknown_field(self):
        self.make_workflow(name='wf')
        with self.database.transaction() as session:
            with testtools.ExpectedException(exceptions.InvalidInput,
                                             '.*colour.*'):
                workflow_definitions.update(session, 'wf', colour='red')

    def test_cannot_change_another_projects_public_or_a_system_workflow(self):
        self.make_workflow(name='public', project_id=base.OTHER_PROJECT,
                           scope='public')
        self.make_workflow(name='system', is_system=True, scope='public')
        for name in ('public', 'system'):
            with self.database.transaction() as session:
                self.assertRaises(exceptions.Forbidden, workflow_definitions.update,
                                  session, name, project_id=base.PROJECT,
                                  definition='x')
                self.assertRaises(exceptions.Forbidden, workflow_definitions.delete,
                                  session, name, project_id=base.PROJECT)
        with self.database.transaction() as session:
            workflow_definitions.delete(session, 'public')

    def test_delete(self):
        self.make_workflow(name='wf', namespace='ns')
        with self.database.transaction() as session:
            workflow_definitions.delete(session, 'wf', namespace='ns',
                                        project_id=base.PROJECT)
        with self.database.transaction(read_only=True) as session:
            self.assertRaises(exceptions.NotFound, workflow_definitions.get,
                              session, 'wf', namespace='ns')
            self.assertRaises(exceptions.NotFound, workflow_definitions.delete,
                              session, 'wf', namespace='ns')


@dataclasses.dataclass(frozen=True)
class Descriptor:
    name: str
    description: str | None
    input_signature: str
    class_path: str


def _descriptors(*descriptors: Descriptor) -> dict[str, Descriptor]:
    return {descriptor.name: descriptor for descriptor in descriptors}


ECHO = Descriptor('std.echo', 'Echo', 'output', 'wfplatform.actions.std:Echo')
NOOP = Descriptor('std.noop', 'Nothing', '', 'wfplatform.actions.std:NoOp')
FAIL = Descriptor('std.fail', None, 'error_data=null', 'wfplatform.actions.std:Fail')


class ActionDefinitionsTest(base.DatabaseTestCase):

    def create(self, **values):
        values = {'name': 'my.action', 'project_id': base.PROJECT,
                  'definition': 'base: std.echo', **values}
        with self.database.transaction() as session:
            return action_definitions.create(session, **values)

    def populate(self, *descriptors):
        with self.database.transaction() as session:
            return action_definitions.populate_actions(session,
                                                       _descriptors(*descriptors))

    def system_actions(self):
        with self.database.transaction(read_only=True) as session:
            rows = action_definitions.list(session, common.ListQuery(
                filters=(common.Filter('is_system', 'eq', True),),
                sort_keys=('name',)))
        return {row['name']: row for row in rows}

    def test_create_get_delete(self):
        created = self.create(namespace='ns')
        with self.database.transaction() as session:
            self.assertEqual(created, action_definitions.get(
                session, 'my.action', namespace='ns', project_id=base.PROJECT))
            self.assertEqual(created, action_definitions.get(session, created['id']))
            action_definitions.delete(session, 'my.action', namespace='ns',
                                      project_id=base.PROJECT)
            with testtools.ExpectedException(
                    exceptions.NotFound,
                    r'Action not found \[name=my.action, namespace=ns\]'):
                action_definitions.get(session, 'my.action', namespace='ns')

    def test_duplicate(self):
        self.create()
        with testtools.ExpectedException(
                exceptions.Duplicate,
                r'Action already exists \[name=my.action, namespace=\]'):
            self.create()

    def test_update(self):
        self.create()
        with self.database.transaction() as session:
            updated = action_definitions.update(session, 'my.action',
                                                project_id=base.PROJECT,
                                                description='changed')
        self.assertEqual('changed', updated['description'])

    def test_populate_inserts_public_system_actions(self):
        summary = self.populate(ECHO, NOOP)
        self.assertEqual(('std.echo', 'std.noop'), summary.added)
        echo = self.system_actions()['std.echo']
        self.assertEqual('output', echo['input'])
        self.assertEqual('Echo', echo['description'])
        self.assertEqual('wfplatform.actions.std:Echo', echo['action_class'])
        self.assertEqual('public', echo['scope'])
        self.assertEqual(config.DEFAULT_PROJECT_ID, echo['project_id'])
        self.assertEqual('', echo['namespace'])
        with self.database.transaction(read_only=True) as session:
            self.assertEqual(echo, action_definitions.get(
                session, 'std.echo', project_id=base.PROJECT))

    def test_populate_accepts_descriptors_without_names_as_keys(self):
        with self.database.transaction() as session:
            summary = action_definitions.populate_actions(session, [ECHO, NOOP])
        self.assertEqual(('std.echo', 'std.noop'), summary.added)

    def test_populate_is_idempotent(self):
        self.populate(ECHO, NOOP)
        before = self.system_actions()
        summary = self.populate(ECHO, NOOP)
        self.assertEqual(action_definitions.PopulateSummary((), (), ()), summary)
        self.assertEqual(before, self.system_actions())

    def test_populate_updates_changed_and_removes_uninstalled(self):
        self.populate(ECHO, NOOP)
        own = self.create(name='std.noop.mine')
        changed_echo = dataclasses.replace(ECHO, input_signature='output, count=1')
        summary = self.populate(changed_echo, FAIL)
        self.assertEqual(('std.fail',), summary.added)
        self.assertEqual(('std.echo',), summary.updated)
        self.assertEqual(('std.noop',), summary.removed)
        actions = self.system_actions()
        self.assertEqual(['std.echo', 'std.fail'], sorted(actions))
        self.assertEqual('output, count=1', actions['std.echo']['input'])
        with self.database.transaction(read_only=True) as session:
            self.assertEqual(own, action_definitions.get(session, own['id']))

    def test_system_actions_cannot_be_changed_by_projects(self):
        self.populate(ECHO)
        with self.database.transaction() as session:
            self.assertRaises(exceptions.Forbidden, action_definitions.delete,
                              session, 'std.echo', project_id=base.PROJECT)
            self.assertRaises(exceptions.Forbidden, action_definitions.update,
                              session, 'std.echo', project_id=base.PROJECT,
                              description='x')

    def test_upsert_system_and_delete_system_except(self):
        with self.database.transaction() as session:
            first = action_definitions.upsert_system(session, name='a', input='x')
            second = action_definitions.upsert_system(session, name='a', input='y')
            action_definitions.upsert_system(session, name='b')
            self.assertEqual(first['id'], second['id'])
            self.assertEqual('y', second['input'])
            self.assertTrue(second['is_system'])
            self.assertEqual(1, action_definitions.delete_system_except(
                session, ['a']))
        self.assertEqual(['a'], list(self.system_actions()))
        with self.database.transaction() as session:
            self.assertEqual(1, action_definitions.delete_system_except(session, []))
        self.assertEqual({}, self.system_actions())


class EnvironmentsTest(base.DatabaseTestCase):

    def create(self, **values):
        values = {'name': 'env', 'project_id': base.PROJECT,
                  'variables': {'host': 'example.org'}, **values}
        with self.database.transaction() as session:
            return environments.create(session, **values)

    def test_crud(self):
        created = self.create(description='first')
        with self.database.transaction() as session:
            self.assertEqual(created, environments.get(session, 'env'))
            self.assertEqual(created, environments.get(session, created['id']))
            updated = environments.update(session, 'env', project_id=base.PROJECT,
                                          variables={'host': 'other'})
            self.assertEqual({'host': 'other'}, updated['variables'])
            environments.delete(session, 'env', project_id=base.PROJECT)
            with testtools.ExpectedException(exceptions.NotFound,
                                             r'Environment not found \[name=env\]'):
                environments.get(session, 'env')

    def test_duplicate_and_visibility(self):
        self.create()
        self.assertRaises(exceptions.Duplicate, self.create)
        self.create(name='shared', project_id=base.OTHER_PROJECT, scope='public')
        self.create(name='hidden', project_id=base.OTHER_PROJECT)
        with self.database.transaction() as session:
            environments.get(session, 'shared', project_id=base.PROJECT)
            self.assertRaises(exceptions.NotFound, environments.get, session,
                              'hidden', project_id=base.PROJECT)
            self.assertRaises(exceptions.Forbidden, environments.delete, session,
                              'shared', project_id=base.PROJECT)
            names = [row['name'] for row in environments.list(
                session, common.ListQuery(project_id=base.PROJECT))]
        self.assertEqual(['env', 'shared'], names)
