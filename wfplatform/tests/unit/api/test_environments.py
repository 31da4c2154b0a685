"""``/v2/environments``: Mistral's environment resource, JSON in and out."""

import json
import random
import re

from wfplatform.tests.unit.api import base

TIMESTAMP = re.compile(r'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$')

FIELDS = ['id', 'name', 'description', 'variables', 'scope', 'project_id',
          'created_at', 'updated_at']


class EnvironmentTestCase(base.ApiTestCase):

    def create(self, **document):
        document = {'name': 'dev', 'variables': {'host': 'a', 'port': 80},
                    **document}
        return self.app.post_json('/v2/environments', document, expect_errors=True)


class TestCreate(EnvironmentTestCase):

    def test_create_returns_201_and_mistral_fields(self):
        response = self.create(description='Development')
        self.assertEqual(201, response.status_int)
        environment = response.json
        self.assertEqual(FIELDS, list(environment))
        self.assertEqual(('dev', 'Development', 'private', base.DEFAULT_PROJECT),
                         (environment['name'], environment['description'],
                          environment['scope'], environment['project_id']))
        self.assertEqual('{"host": "a", "port": 80}', environment['variables'])
        self.assertRegex(environment['created_at'], TIMESTAMP)
        self.assertIsNone(environment['updated_at'])

    def test_variables_may_be_json_text_or_absent(self):
        text = self.create(variables='{"a": [1, 2]}').json
        self.assertEqual({'a': [1, 2]}, json.loads(text['variables']))
        empty = self.app.post_json('/v2/environments', {'name': 'bare'}).json
        self.assertEqual('{}', empty['variables'])

    def test_public_scope(self):
        self.assertEqual('public', self.create(scope='public').json['scope'])

    def test_duplicate_is_409(self):
        self.create()
        self.assertFault(self.create(), 409, 'Environment already exists', 'dev')

    def test_name_is_required(self):
        self.assertFault(self.app.post_json('/v2/environments', {'variables': {}},
                                            expect_errors=True),
                         400, 'Name of the environment is not provided')
        self.assertFault(self.create(name=''), 400, 'name')
        self.assertFault(self.create(name=7), 400, 'name', 'Expected a string')
        self.assertFault(self.create(name='6b1d2b4c-3f5e-4a71-9d47-5a0c8a52f001'),
                         400, 'name', 'must not look like a UUID')

    def test_variables_must_be_an_object(self):
        self.assertFault(self.create(variables=[1]), 400, 'variables',
                         'Expected a JSON object')
        self.assertFault(self.create(variables='[1]'), 400, 'variables',
                         'Expected a JSON object')
        self.assertFault(self.create(variables='{nope'), 400, 'variables',
                         'Not valid JSON')

    def test_unknown_keys_and_bad_scope_are_400(self):
        self.assertFault(self.create(id='x', colour='red'), 400,
                         'Only: name, description, variables, scope are allowed',
                         'colour, id')
        self.assertFault(self.create(scope='shared'), 400, 'scope', 'shared')
        self.assertFault(self.create(description=3), 400, 'description')

    def test_body_must_be_a_json_object(self):
        response = self.app.post('/v2/environments', '[1]',
                                 headers={'Content-Type': 'application/json'},
                                 expect_errors=True)
        self.assertFault(response, 400, 'must be a JSON object')
        response = self.app.post('/v2/environments', '{',
                                 headers={'Content-Type': 'application/json'},
                                 expect_errors=True)
        self.assertFault(response, 400, 'not in valid JSON format')


class TestRead(EnvironmentTestCase):

    def test_get_by_name_and_id(self):
        created = self.create().json
        self.assertEqual(created, self.app.get('/v2/environments/dev').json)
        self.assertEqual(created,
                         self.app.get(f'/v2/environments/{created["id"]}').json)

    def test_unknown_is_404(self):
        self.assertFault(self.app.get('/v2/environments/nope', expect_errors=True),
                         404, 'Environment not found', 'nope')

    def test_list_filters_and_fields(self):
        dev = self.create().json
        self.create(name='prod', scope='public')
        listed = self.app.get('/v2/environments').json['environments']
        self.assertEqual(['dev', 'prod'], [e['name'] for e in listed])
        self.assertEqual(FIELDS, list(listed[0]))
        body = self.app.get('/v2/environments?scope=private&fields=name').json
        self.assertEqual([{'id': dev['id'], 'name': 'dev'}], body['environments'])
        page = self.app.get('/v2/environments?limit=1').json
        self.assertIn(f'marker={dev["id"]}', page['next'])


class TestUpdate(EnvironmentTestCase):

    def test_put_on_the_collection_with_the_name_in_the_body(self):
        created = self.create(description='old').json
        response = self.app.put_json('/v2/environments', {
            'name': 'dev', 'variables': '{"host": "b"}', 'scope': 'public'})
        updated = response.json
        self.assertEqual(created['id'], updated['id'])
        self.assertEqual({'host': 'b'}, json.loads(updated['variables']))
        self.assertEqual('public', updated['scope'])
        self.assertEqual('old', updated['description'])
        self.assertRegex(updated['updated_at'], TIMESTAMP)

    def test_put_by_name_in_the_path(self):
        self.create()
        updated = self.app.put_json('/v2/environments/dev',
                                    {'description': 'new'}).json
        self.assertEqual('new', updated['description'])
        self.assertEqual({'host': 'a', 'port': 80}, json.loads(updated['variables']))

    def test_put_cannot_rename(self):
        self.create()
        response = self.app.put_json('/v2/environments/dev', {'name': 'other'},
                                     expect_errors=True)
        self.assertFault(response, 400, 'cannot be renamed')

    def test_put_needs_a_name(self):
        response = self.app.put_json('/v2/environments', {'description': 'x'},
                                     expect_errors=True)
        self.assertFault(response, 400, 'Name of the environment is not provided')

    def test_put_of_unknown_is_404(self):
        response = self.app.put_json('/v2/environments', {'name': 'nope'},
                                     expect_errors=True)
        self.assertFault(response, 404, 'nope')

    def test_put_with_bad_variables_is_400(self):
        self.create()
        response = self.app.put_json('/v2/environments',
                                     {'name': 'dev', 'variables': 5},
                                     expect_errors=True)
        self.assertFault(response, 400, 'variables')


class TestDelete(EnvironmentTestCase):

    def test_delete(self):
        self.create()
        self.assertEqual(204, self.app.delete('/v2/environments/dev').status_int)
        self.assertEqual([], self.app.get('/v2/environments').json['environments'])

    def test_delete_unknown_is_404_and_collection_is_405(self):
        self.assertFault(self.app.delete('/v2/environments/nope',
                                         expect_errors=True), 404, 'nope')
        self.assertEqual(405, self.app.delete('/v2/environments',
                                              expect_errors=True).status_int)


class TestMalformed(EnvironmentTestCase):
    """Random bodies from a fixed seed get a client error, never a 500."""

    def test_random_bodies(self):
        rng = random.Random(20261123)
        values = [None, True, -2 ** 40, 1.5e308, '', 'x' * 300, [1, {'a': None}],
                  {'k': 'v'}, '{"x": 1}', '[]', 'public', 'private']
        keys = ['name', 'description', 'variables', 'scope', 'id', 'bogus']
        for _ in range(200):
            document = {rng.choice(keys): rng.choice(values)
                        for _ in range(rng.randint(0, 4))}
            method = rng.choice(['post_json', 'put_json'])
            path = rng.choice(['/v2/environments', '/v2/environments/dev'])
            if method == 'post_json':
                path = '/v2/environments'
            response = getattr(self.app, method)(path, document, expect_errors=True)
            self.assertLess(response.status_int, 500, (method, path, document))
