"""``/v2/workbooks``: YAML in, Mistral's workbook resource out, members stored."""

import random
import re

from oslo_utils import uuidutils
import yaml

from wfplatform.db.repositories import event_triggers
from wfplatform.db.repositories import workbooks
from wfplatform.tests.unit.api import base

TIMESTAMP = re.compile(r'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$')

WORKBOOK = """\
version: '2.0'
name: deploy
tags: [ops]
workflows:
  main:
    input: [host]
    tasks:
      notify:
        action: say text=<% $.host %>
  cleanup:
    tasks:
      t:
        action: std.noop
actions:
  say:
    description: Says it.
    base: std.echo output=<% $.text %>
    input: [text, {loud: false}]
"""

TEXT = {'Content-Type': 'text/plain'}

WORKBOOK_FIELDS = ['id', 'name', 'namespace', 'definition', 'tags', 'scope',
                   'project_id', 'created_at', 'updated_at']


class WorkbookTestCase(base.ApiTestCase):

    def create(self, text: str = WORKBOOK, query: str = '', **kwargs):
        return self.app.post(f'/v2/workbooks{query}', text, headers=TEXT, **kwargs)

    def workflows(self) -> dict[str, dict]:
        return {w['name']: w for w in self.app.get('/v2/workflows').json['workflows']}

    def actions(self) -> dict[str, dict]:
        return {a['name']: a for a in self.app.get('/v2/actions').json['actions']}


class TestCreate(WorkbookTestCase):

    def test_create_returns_201_and_mistral_fields(self):
        response = self.create()
        self.assertEqual(201, response.status_int)
        workbook = response.json
        self.assertEqual(WORKBOOK_FIELDS, list(workbook))
        self.assertTrue(uuidutils.is_uuid_like(workbook['id']))
        self.assertEqual(
            ('deploy', '', WORKBOOK, ['ops'], 'private', base.DEFAULT_PROJECT),
            (workbook['name'], workbook['namespace'], workbook['definition'],
             workbook['tags'], workbook['scope'], workbook['project_id']))
        self.assertRegex(workbook['created_at'], TIMESTAMP)
        self.assertIsNone(workbook['updated_at'])

    def test_workflows_are_stored_with_the_workbook_prefix(self):
        self.create()
        workflows = self.workflows()
        self.assertEqual(['deploy.cleanup', 'deploy.main'], sorted(workflows))
        main = workflows['deploy.main']
        self.assertEqual('host', main['input'])
        self.assertEqual({'version': '2.0', 'main': {
            'input': ['host'],
            'tasks': {'notify': {'action': 'say text=<% $.host %>'}}}},
            yaml.safe_load(main['definition']))
        self.assertEqual('private', main['scope'])

    def test_actions_are_stored_as_adhoc_actions(self):
        self.create()
        say = self.app.get('/v2/actions/deploy.say').json
        self.assertEqual(
            ('deploy.say', False, 'text, loud=false', 'Says it.', ''),
            (say['name'], say['is_system'], say['input'], say['description'],
             say['namespace']))
        self.assertEqual('std.echo output=<% $.text %>',
                         yaml.safe_load(say['definition'])['say']['base'])

    def test_stored_rows_know_their_workbook(self):
        self.create()
        with self.database.transaction() as session:
            record = workbooks.get(session, 'deploy')
            members = workbooks.members(session, record)
        self.assertEqual({'deploy.main', 'deploy.cleanup'},
                         {row['name'] for row in members.workflows})
        self.assertEqual(['deploy.say'], [row['name'] for row in members.actions])
        main = [row for row in members.workflows if row['name'] == 'deploy.main'][0]
        self.assertEqual('deploy.main', main['spec']['name'])
        self.assertEqual('deploy', main['workbook_name'])

    def test_namespace_and_scope(self):
        workbook = self.create(query='?namespace=team&scope=public').json
        self.assertEqual(('team', 'public'), (workbook['namespace'], workbook['scope']))
        main = self.workflows()['deploy.main']
        self.assertEqual(('team', 'public'), (main['namespace'], main['scope']))
        self.assertEqual('team', self.actions()['deploy.say']['namespace'])
        self.assertEqual(workbook['id'],
                         self.app.get('/v2/workbooks/deploy?namespace=team').json['id'])
        self.assertEqual(404, self.app.get('/v2/workbooks/deploy',
                                           expect_errors=True).status_int)

    def test_unknown_scope_is_400(self):
        self.assertFault(self.create(query='?scope=shared', expect_errors=True), 400,
                         'Scope must be one of', 'shared')

    def test_duplicate_is_409_and_nothing_more_is_stored(self):
        self.create()
        self.assertFault(self.create(expect_errors=True), 409,
                         'Workbook already exists', 'deploy')
        self.assertEqual(1, len(self.app.get('/v2/workbooks').json['workbooks']))

    def test_member_name_taken_is_409_and_nothing_is_stored(self):
        self.create_workflows("version: '2.0'\ndeploy.main:\n  tasks:\n    t: {}\n")
        self.assertFault(self.create(expect_errors=True), 409,
                         'Workflow already exists', 'deploy.main')
        self.assertEqual([], self.app.get('/v2/workbooks').json['workbooks'])
        self.assertEqual(['deploy.main'], list(self.workflows()))

    def test_invalid_definition_is_400_naming_every_error(self):
        response = self.create("version: '2.0'\nworkflows:\n  wf: {}\n",
                               expect_errors=True)
        self.assertFault(response, 400, 'Invalid workbook definition',
                         "line 1: 'name' is required",
                         "line 3: workflows.wf: 'tasks' is required")

    def test_bad_yaml_and_empty_body_are_400(self):
        self.assertFault(self.create("name: [\n", expect_errors=True), 400,
                         'invalid YAML')
        self.assertFault(self.create('  ', expect_errors=True), 400,
                         'The workbook definition is empty')


class TestRead(WorkbookTestCase):

    def test_get_by_name_and_id(self):
        created = self.create().json
        self.assertEqual(created, self.app.get('/v2/workbooks/deploy').json)
        self.assertEqual(created, self.app.get(f'/v2/workbooks/{created["id"]}').json)

    def test_unknown_is_404(self):
        self.assertFault(self.app.get('/v2/workbooks/nope', expect_errors=True), 404,
                         'Workbook not found', 'nope')

    def test_list_with_fields_filters_and_paging(self):
        self.create()
        self.create(WORKBOOK.replace('name: deploy', 'name: other'))
        listed = self.app.get('/v2/workbooks').json['workbooks']
        self.assertEqual(['deploy', 'other'], [w['name'] for w in listed])
        self.assertEqual(WORKBOOK_FIELDS, list(listed[0]))
        body = self.app.get('/v2/workbooks?name=other&fields=name').json
        self.assertEqual([{'id': listed[1]['id'], 'name': 'other'}], body['workbooks'])
        page = self.app.get('/v2/workbooks?limit=1').json
        self.assertEqual(['deploy'], [w['name'] for w in page['workbooks']])
        self.assertIn(f'marker={listed[0]["id"]}', page['next'])

    def test_unknown_list_parameter_is_400(self):
        self.assertFault(self.app.get('/v2/workbooks?colour=red', expect_errors=True),
                         400, 'colour')


class TestUpdate(WorkbookTestCase):

    def test_update_replaces_definition_and_members(self):
        created = self.create().json
        ids = {name: w['id'] for name, w in self.workflows().items()}
        changed = WORKBOOK.replace('  cleanup:', '  tidy:').replace(
            'say', 'speak').replace('tags: [ops]', 'tags: [ops, new]')
        response = self.app.put('/v2/workbooks', changed, headers=TEXT)
        self.assertEqual(200, response.status_int)
        updated = response.json
        self.assertEqual(created['id'], updated['id'])
        self.assertEqual(changed, updated['definition'])
        self.assertEqual(['ops', 'new'], updated['tags'])
        self.assertRegex(updated['updated_at'], TIMESTAMP)
        workflows = self.workflows()
        self.assertEqual(['deploy.main', 'deploy.tidy'], sorted(workflows))
        self.assertEqual(ids['deploy.main'], workflows['deploy.main']['id'])
        self.assertIn('speak text=', workflows['deploy.main']['definition'])
        self.assertEqual(['deploy.speak'], list(self.actions()))

    def test_members_kept_by_name_keep_their_ids(self):
        self.create()
        before = self.actions()['deploy.say']
        changed = WORKBOOK.replace('Says it.', 'Says it loud.')
        self.app.put('/v2/workbooks?namespace=', changed, headers=TEXT)
        after = self.actions()['deploy.say']
        self.assertEqual(before['id'], after['id'])
        self.assertEqual('Says it loud.', after['description'])
        self.assertEqual(['deploy.cleanup', 'deploy.main'], sorted(self.workflows()))

    def test_update_of_unknown_workbook_is_404(self):
        response = self.app.put('/v2/workbooks', WORKBOOK, headers=TEXT,
                                expect_errors=True)
        self.assertFault(response, 404, 'Workbook not found', 'deploy')

    def test_update_with_another_name_in_the_path_is_400(self):
        self.create()
        response = self.app.put('/v2/workbooks/other', WORKBOOK, headers=TEXT,
                                expect_errors=True)
        self.assertFault(response, 400, "names workbook 'deploy', not 'other'")

    def test_invalid_update_changes_nothing(self):
        self.create()
        response = self.app.put('/v2/workbooks', "version: '2.0'\nname: deploy\n"
                                'workflows: 1\n', headers=TEXT, expect_errors=True)
        self.assertFault(response, 400, 'workflows: must be a mapping')
        self.assertEqual(WORKBOOK,
                         self.app.get('/v2/workbooks/deploy').json['definition'])


class TestDelete(WorkbookTestCase):

    def test_delete_removes_the_workbook_and_its_members(self):
        self.create()
        self.create_workflows()
        response = self.app.delete('/v2/workbooks/deploy')
        self.assertEqual(204, response.status_int)
        self.assertEqual([], self.app.get('/v2/workbooks').json['workbooks'])
        self.assertEqual(['greet'], list(self.workflows()))
        self.assertEqual({}, self.actions())

    def test_delete_in_namespace(self):
        self.create(query='?namespace=team')
        self.assertEqual(404, self.app.delete('/v2/workbooks/deploy',
                                              expect_errors=True).status_int)
        self.app.delete('/v2/workbooks/deploy?namespace=team')
        self.assertEqual({}, self.workflows())

    def test_delete_unknown_is_404_and_collection_is_405(self):
        self.assertFault(self.app.delete('/v2/workbooks/nope', expect_errors=True),
                         404, 'nope')
        self.assertEqual(405, self.app.delete('/v2/workbooks',
                                              expect_errors=True).status_int)

    def test_workflow_with_event_trigger_keeps_its_workbook(self):
        self.create()
        main = self.workflows()['deploy.main']
        with self.database.transaction() as session:
            trigger = event_triggers.create(
                session, name='t', workflow_id=main['id'], exchange='nova',
                topic='notifications', event='compute.instance.create.end',
                project_id=base.DEFAULT_PROJECT)
        response = self.app.delete('/v2/workbooks/deploy', expect_errors=True)
        self.assertFault(response, 400, 'event triggers', trigger['id'])
        self.assertEqual(['deploy'], [w['name'] for w in
                                      self.app.get('/v2/workbooks').json['workbooks']])
        self.assertIn('deploy.main', self.workflows())


class TestValidate(WorkbookTestCase):

    def test_valid(self):
        response = self.app.post('/v2/workbooks/validate', WORKBOOK, headers=TEXT)
        self.assertEqual({'valid': True}, response.json)
        self.assertEqual([], self.app.get('/v2/workbooks').json['workbooks'])

    def test_invalid_lists_every_error(self):
        body = self.app.post('/v2/workbooks/validate',
                             "version: '2.0'\nname: a b\nactions: {x: {}}\n",
                             headers=TEXT).json
        self.assertFalse(body['valid'])
        self.assertIn("line 2: name: workbook name 'a b'", body['error'])
        self.assertIn("line 3: actions.x: 'base' is required", body['error'])

    def test_empty(self):
        body = self.app.post('/v2/workbooks/validate', '', headers=TEXT).json
        self.assertEqual({'valid': False,
                          'error': 'The workbook definition is empty.'}, body)


class TestMalformed(WorkbookTestCase):
    """Mangled workbooks from a fixed seed get a client error, never a 500."""

    def test_mangled_definitions(self):
        rng = random.Random(20261123)
        lines = WORKBOOK.splitlines()
        noise = ['  ', ':', '- ', '{', '[', 'null', '0', "'", '<% $. %>', '\t']
        for _ in range(150):
            mangled = list(lines)
            for _ in range(rng.randint(1, 3)):
                index = rng.randrange(len(mangled))
                mangled[index] = rng.choice([
                    '', mangled[index] + rng.choice(noise),
                    rng.choice(noise) + mangled[index], mangled[index][1:]])
            text = '\n'.join(mangled) + '\n'
            method = rng.choice(['post', 'put'])
            path = rng.choice(['/v2/workbooks', '/v2/workbooks/validate'])
            if method == 'put':
                path = '/v2/workbooks'
            response = getattr(self.app, method)(path, text, headers=TEXT,
                                                 expect_errors=True)
            self.assertLess(response.status_int, 500, text)
            if response.status_int == 201:
                self.app.delete(f'/v2/workbooks/{response.json["name"]}')
