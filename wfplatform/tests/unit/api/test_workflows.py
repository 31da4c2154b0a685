"""``/v2/workflows``: YAML in, Mistral's workflow resource out."""

import json
import re

import yaml

from wfplatform.tests.unit.api import base

TIMESTAMP = re.compile(r'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$')
UUID = re.compile(r'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$')


class TestCreate(base.ApiTestCase):

    def test_create_returns_201_and_mistral_fields(self):
        response = self.app.post('/v2/workflows', base.WORKFLOW,
                                 headers={'Content-Type': 'text/plain'})
        self.assertEqual(201, response.status_int)
        self.assertEqual('application/json', response.content_type)
        [workflow] = response.json['workflows']
        self.assertEqual(
            ['id', 'name', 'namespace', 'input', 'interface', 'definition', 'tags',
             'scope', 'project_id', 'created_at', 'updated_at'], list(workflow))
        self.assertRegex(workflow['id'], UUID)
        self.assertEqual('greet', workflow['name'])
        self.assertEqual('', workflow['namespace'])
        self.assertEqual('name, greeting=Hello', workflow['input'])
        self.assertEqual({'input': ['name', {'greeting': 'Hello'}],
                          'output': ['text']}, json.loads(workflow['interface']))
        self.assertEqual(base.WORKFLOW, workflow['definition'])
        self.assertEqual(['demo', 'test'], workflow['tags'])
        self.assertEqual('private', workflow['scope'])
        self.assertEqual(base.DEFAULT_PROJECT, workflow['project_id'])
        self.assertRegex(workflow['created_at'], TIMESTAMP)
        self.assertIsNone(workflow['updated_at'])

    def test_every_workflow_of_a_document_is_created(self):
        workflows = self.create_workflows(base.TWO_WORKFLOWS)
        self.assertEqual(['first', 'second'], [w['name'] for w in workflows])
        self.assertEqual(['', 'x'], [w['input'] for w in workflows])
        second = yaml.safe_load(workflows[1]['definition'])
        self.assertEqual(['version', 'second'], list(second))
        self.assertEqual('2.0', second['version'])
        names = [w['name'] for w in self.app.get('/v2/workflows').json['workflows']]
        self.assertEqual(['first', 'second'], names)

    def test_namespace_and_public_scope(self):
        [workflow] = self.create_workflows(namespace='team', scope='public')
        self.assertEqual('team', workflow['namespace'])
        self.assertEqual('public', workflow['scope'])

    def test_same_name_in_another_namespace_is_allowed(self):
        self.create_workflows()
        [workflow] = self.create_workflows(namespace='other')
        self.assertEqual('other', workflow['namespace'])

    def test_unknown_scope_is_400(self):
        response = self.app.post('/v2/workflows?scope=shared', base.WORKFLOW,
                                 headers={'Content-Type': 'text/plain'},
                                 expect_errors=True)
        self.assertFault(response, 400, 'Scope must be one of', 'shared')

    def test_duplicate_name_is_409_and_nothing_is_stored(self):
        self.create_workflows()
        response = self.app.post('/v2/workflows', base.TWO_WORKFLOWS + """
greet:
  tasks:
    t:
      action: std.noop
""", headers={'Content-Type': 'text/plain'}, expect_errors=True)
        self.assertFault(response, 409, 'greet')
        names = [w['name'] for w in self.app.get('/v2/workflows').json['workflows']]
        self.assertEqual(['greet'], names)

    def test_bad_yaml_is_400_naming_the_line(self):
        response = self.app.post('/v2/workflows', "version: '2.0'\nwf:\n  tasks: [\n",
                                 headers={'Content-Type': 'text/plain'},
                                 expect_errors=True)
        self.assertFault(response, 400, 'Invalid workflow definition', 'line 4',
                         'invalid YAML')

    def test_invalid_workflow_is_400(self):
        response = self.app.post('/v2/workflows',
                                 "version: '2.0'\nwf:\n  type: direct\n",
                                 headers={'Content-Type': 'text/plain'},
                                 expect_errors=True)
        self.assertFault(response, 400, 'line 2', "'tasks' is required")

    def test_empty_definition_is_400(self):
        response = self.app.post('/v2/workflows', '  \n',
                                 headers={'Content-Type': 'text/plain'},
                                 expect_errors=True)
        self.assertFault(response, 400, 'empty')

    def test_body_that_is_not_utf8_is_400(self):
        response = self.app.post('/v2/workflows', b'\xff\xfe\xfa',
                                 headers={'Content-Type': 'text/plain'},
                                 expect_errors=True)
        self.assertFault(response, 400, 'not valid text')

    def test_skip_validation_is_accepted(self):
        [workflow] = self.create_workflows(skip_validation='')
        self.assertEqual('greet', workflow['name'])


class TestRead(base.ApiTestCase):

    def setUp(self):
        super().setUp()
        [self.workflow] = self.create_workflows()

    def test_get_by_name(self):
        self.assertEqual(self.workflow,
                         self.app.get('/v2/workflows/greet').json)

    def test_get_by_id(self):
        response = self.app.get(f'/v2/workflows/{self.workflow["id"]}')
        self.assertEqual(self.workflow, response.json)

    def test_get_by_name_in_a_namespace(self):
        [other] = self.create_workflows(namespace='team')
        response = self.app.get('/v2/workflows/greet?namespace=team')
        self.assertEqual(other['id'], response.json['id'])

    def test_unknown_workflow_is_404(self):
        response = self.app.get('/v2/workflows/nope', expect_errors=True)
        self.assertFault(response, 404, 'nope')

    def test_name_with_dots_is_not_taken_for_an_extension(self):
        response = self.app.get('/v2/workflows/my.flow.json', expect_errors=True)
        self.assertFault(response, 404, 'my.flow.json')

    def test_list(self):
        body = self.app.get('/v2/workflows').json
        self.assertEqual({'workflows': [self.workflow]}, body)

    def test_list_filters(self):
        self.create_workflows(base.TWO_WORKFLOWS, namespace='team')
        names = [w['name'] for w in
                 self.app.get('/v2/workflows?namespace=team').json['workflows']]
        self.assertEqual(['first', 'second'], names)
        tagged = self.app.get('/v2/workflows?tags=has:demo').json['workflows']
        self.assertEqual([self.workflow['id']], [w['id'] for w in tagged])
        named = self.app.get('/v2/workflows?name=in:first,greet').json['workflows']
        self.assertEqual(['greet', 'first'], [w['name'] for w in named])


class TestUpdate(base.ApiTestCase):

    def setUp(self):
        super().setUp()
        [self.workflow] = self.create_workflows()
        self.changed = base.WORKFLOW.replace('greeting: Hello', 'greeting: Hi')

    def test_update_by_name(self):
        response = self.app.put('/v2/workflows', self.changed,
                                headers={'Content-Type': 'text/plain'})
        self.assertEqual(200, response.status_int)
        [workflow] = response.json['workflows']
        self.assertEqual(self.workflow['id'], workflow['id'])
        self.assertEqual('name, greeting=Hi', workflow['input'])
        self.assertEqual(self.changed, workflow['definition'])
        self.assertRegex(workflow['updated_at'], TIMESTAMP)

    def test_update_by_identifier_query_returns_one_workflow(self):
        response = self.app.put(
            f'/v2/workflows?identifier={self.workflow["id"]}', self.changed,
            headers={'Content-Type': 'text/plain'})
        self.assertEqual(self.workflow['id'], response.json['id'])
        self.assertEqual('name, greeting=Hi', response.json['input'])

    def test_update_by_identifier_in_path_returns_one_workflow(self):
        response = self.app.put(
            f'/v2/workflows/{self.workflow["id"]}?namespace=&scope=private',
            self.changed, headers={'Content-Type': 'text/plain'})
        self.assertEqual(self.workflow['id'], response.json['id'])

    def test_update_with_identifier_takes_one_workflow_only(self):
        response = self.app.put(
            f'/v2/workflows/{self.workflow["id"]}', base.TWO_WORKFLOWS,
            headers={'Content-Type': 'text/plain'}, expect_errors=True)
        self.assertFault(response, 400, 'More than one workflows')

    def test_update_of_unknown_workflow_is_404(self):
        response = self.app.put('/v2/workflows', base.TWO_WORKFLOWS,
                                headers={'Content-Type': 'text/plain'},
                                expect_errors=True)
        self.assertFault(response, 404, 'first')

    def test_update_by_identifier_can_rename(self):
        renamed = base.WORKFLOW.replace('greet:', 'welcome:')
        response = self.app.put(f'/v2/workflows/{self.workflow["id"]}', renamed,
                                headers={'Content-Type': 'text/plain'})
        self.assertEqual('welcome', response.json['name'])
        self.app.get('/v2/workflows/welcome', status=200)

    def test_update_can_make_public(self):
        response = self.app.put('/v2/workflows?scope=public', self.changed,
                                headers={'Content-Type': 'text/plain'})
        self.assertEqual('public', response.json['workflows'][0]['scope'])


class TestDelete(base.ApiTestCase):

    def test_delete_is_204_and_the_workflow_is_gone(self):
        self.create_workflows()
        response = self.app.delete('/v2/workflows/greet')
        self.assertEqual(204, response.status_int)
        self.assertEqual(b'', response.body)
        self.app.get('/v2/workflows/greet', status=404)

    def test_delete_accepts_a_json_only_client(self):
        self.create_workflows()
        response = self.app.delete('/v2/workflows/greet',
                                   headers={'Accept': 'application/json'})
        self.assertEqual(204, response.status_int)
        self.assertEqual(b'', response.body)

    def test_delete_by_id_in_namespace(self):
        [workflow] = self.create_workflows(namespace='team')
        self.app.delete(f'/v2/workflows/{workflow["id"]}', status=204)
        self.assertEqual([], self.app.get('/v2/workflows').json['workflows'])

    def test_delete_unknown_is_404(self):
        response = self.app.delete('/v2/workflows/nope', expect_errors=True)
        self.assertFault(response, 404, 'nope')


class TestValidate(base.ApiTestCase):

    def _validate(self, text):
        response = self.app.post('/v2/workflows/validate', text,
                                 headers={'Content-Type': 'text/plain'})
        self.assertEqual(200, response.status_int)
        return response.json

    def test_valid(self):
        self.assertEqual({'valid': True, 'error': None},
                         self._validate(base.WORKFLOW))
        self.assertEqual([], self.app.get('/v2/workflows').json['workflows'])

    def test_invalid(self):
        result = self._validate("version: '2.0'\nwf:\n  tasks: [\n")
        self.assertFalse(result['valid'])
        self.assertIn('line', result['error'])

    def test_empty(self):
        self.assertEqual({'valid': False,
                          'error': 'The workflow definition is empty.'},
                         self._validate(''))
