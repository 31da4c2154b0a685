"""``/v2/workflows`` with the library installed: listed as public, read-only."""

from wfplatform.db.repositories import system_workflows
from wfplatform import library
from wfplatform.tests.unit.api import base

TEXT = {'Content-Type': 'text/plain'}

CHANGED = """---
version: '2.0'
std.create_instance:
  tasks:
    nothing:
      action: std.noop
"""


class TestSystemWorkflows(base.ApiTestCase):

    def setUp(self):
        super().setUp()
        self.library = library.discover()
        with self.database.transaction() as session:
            system_workflows.populate_workflows(
                session, [workflow.values for workflow in self.library])

    def test_the_library_is_listed_as_public(self):
        workflows = self.app.get('/v2/workflows').json['workflows']
        listed = {workflow['name']: workflow for workflow in workflows}
        for name in library.names(self.library):
            self.assertEqual(('public', base.DEFAULT_PROJECT),
                             (listed[name]['scope'], listed[name]['project_id']))
        create = self.app.get('/v2/workflows/std.create_instance').json
        self.assertTrue(create['input'].startswith('name, image_id, flavor_id, '))
        self.assertIn('std.create_instance:', create['definition'])

    def test_put_is_refused(self):
        response = self.app.put('/v2/workflows', CHANGED, headers=TEXT,
                                expect_errors=True)
        self.assertFault(response, 400,
                         'Attempt to modify a system workflow: std.create_instance')
        workflow_id = self.app.get('/v2/workflows/std.create_instance').json['id']
        response = self.app.put(f'/v2/workflows/{workflow_id}', CHANGED,
                                headers=TEXT, expect_errors=True)
        self.assertFault(response, 400, 'Attempt to modify a system workflow')
        self.assertNotIn('nothing', self.app.get(
            '/v2/workflows/std.create_instance').json['definition'])

    def test_delete_is_refused(self):
        workflow = self.app.get('/v2/workflows/std.delete_instance').json
        for identifier in ('std.delete_instance', workflow['id']):
            response = self.app.delete(f'/v2/workflows/{identifier}',
                                       expect_errors=True)
            self.assertFault(response, 400,
                             'Attempt to delete a system workflow: std.delete_instance')
        self.assertEqual(
            200, self.app.get('/v2/workflows/std.delete_instance').status_int)

    def test_an_unknown_workflow_is_still_404(self):
        response = self.app.delete('/v2/workflows/std.nope', expect_errors=True)
        self.assertFault(response, 404, 'std.nope')
