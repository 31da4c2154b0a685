"""System workflows: the installed library, kept in step by populate."""

from wfplatform import config
from wfplatform.db.repositories import common
from wfplatform.db.repositories import cron_triggers
from wfplatform.db.repositories import system_workflows
from wfplatform.db.repositories import workflow_definitions
from wfplatform import exceptions
from wfplatform import library
from wfplatform.tests.unit.db import base

GREET = """
version: '2.0'
std.greet:
  input: [name]
  tasks:
    hello:
      action: std.echo output=<% $.name %>
"""

GREET_LOUDLY = GREET.replace('std.echo output=<% $.name %>',
                             "std.echo output=<% $.name + '!' %>")

WAVE = """
version: '2.0'
std.wave:
  tasks:
    wave:
      action: std.noop
"""


class PopulateWorkflowsTest(base.DatabaseTestCase):

    def populate(self, *documents):
        workflows = [workflow.values for index, text in enumerate(documents)
                     for workflow in library.parse(f'doc{index}', text)]
        with self.database.transaction() as session:
            return system_workflows.populate_workflows(session, workflows)

    def stored(self):
        with self.database.transaction(read_only=True) as session:
            rows = workflow_definitions.list(session, common.ListQuery(
                filters=(common.Filter('is_system', 'eq', True),),
                sort_keys=('name',)))
        return {row['name']: row for row in rows}

    def test_populate_stores_public_system_workflows(self):
        summary = self.populate(GREET, WAVE)
        self.assertEqual(('std.greet', 'std.wave'), summary.added)
        greet = self.stored()['std.greet']
        self.assertEqual((True, 'public', config.DEFAULT_PROJECT_ID, '', 'name'),
                         (greet['is_system'], greet['scope'], greet['project_id'],
                          greet['namespace'], greet['input']))
        self.assertEqual(GREET, greet['definition'])

    def test_populate_twice_writes_nothing_the_second_time(self):
        self.populate(GREET, WAVE)
        before = self.stored()
        summary = self.populate(GREET, WAVE)
        self.assertEqual(system_workflows.PopulateSummary((), (), (), ()), summary)
        self.assertEqual(before, self.stored())

    def test_a_changed_document_updates_the_workflow_in_place(self):
        self.populate(GREET)
        before = self.stored()['std.greet']
        summary = self.populate(GREET_LOUDLY)
        self.assertEqual(('std.greet',), summary.updated)
        after = self.stored()['std.greet']
        self.assertEqual(before['id'], after['id'])
        self.assertEqual(GREET_LOUDLY, after['definition'])
        self.assertIn("+ '!'", str(after['spec']))

    def test_an_uninstalled_workflow_goes_unless_a_trigger_starts_it(self):
        self.populate(GREET, WAVE)
        greet = self.stored()['std.greet']
        with self.database.transaction() as session:
            cron_triggers.create(
                session, name='nightly', pattern='0 0 * * *',
                workflow_name='std.greet', workflow_id=greet['id'],
                workflow_input={'name': 'x'}, project_id=base.PROJECT,
                next_execution_time=greet['created_at'], remaining_executions=None)
        summary = self.populate()
        self.assertEqual((('std.wave',), ('std.greet',)),
                         (summary.removed, summary.kept))
        self.assertEqual(['std.greet'], list(self.stored()))

    def test_users_cannot_change_or_delete_a_system_workflow(self):
        self.populate(GREET)
        with self.database.transaction() as session:
            self.assertRaises(exceptions.Forbidden, workflow_definitions.update,
                              session, 'std.greet', project_id=base.PROJECT,
                              definition='x')
            self.assertRaises(exceptions.Forbidden, workflow_definitions.delete,
                              session, 'std.greet', project_id=base.PROJECT)

    def test_a_project_may_keep_its_own_workflow_of_the_same_name(self):
        self.make_workflow(name='std.greet')
        self.assertEqual(('std.greet',), self.populate(GREET).added)
        with self.database.transaction(read_only=True) as session:
            own = workflow_definitions.get(session, 'std.greet',
                                           project_id=base.PROJECT)
        self.assertFalse(own['is_system'])


class LibraryTest(base.DatabaseTestCase):

    def test_the_installed_library(self):
        workflows = library.discover()
        self.assertEqual(
            ['std.alarm_live_migrate', 'std.cleanup_instances', 'std.create_instance',
             'std.delete_instance', 'std.deploy_environment',
             'std.live_migrate_instance'],
            library.names(workflows))
        self.assertTrue(all(workflow.values['scope'] == 'public'
                            for workflow in workflows))

    def test_an_invalid_document_names_its_entry_point(self):
        error = self.assertRaises(exceptions.InvalidInput, library.parse,
                                  'acme.broken', "version: '2.0'\nbroken: {}\n")
        self.assertIn('wfplatform.workflows entry point acme.broken', str(error))

    def test_an_unreadable_reference_names_its_entry_point(self):
        for reference in ('no-colon', 'wfplatform.library:missing.yaml',
                          'no_such_package:x.yaml'):
            error = self.assertRaises(exceptions.InvalidInput, library.load,
                                      'acme.missing', reference)
            self.assertIn('acme.missing', str(error))
