"""Malformed requests get a client error with a fault body, never a 500."""

import json
import random
import string

from wfplatform.tests.unit.api import base

DEEP = '[' * 10000


class MalformedRequestTest(base.ApiTestCase):
    def setUp(self):
        super().setUp()
        self.app = self.make_app()

    def _send(self, method, url, body, content_type):
        return getattr(self.app, method)(url, body,
                                         headers={'Content-Type': content_type},
                                         expect_errors=True)

    def test_deeply_nested_json_is_a_client_error(self):
        response = self._send('post', '/v2/executions', DEEP, 'application/json')
        self.assertFault(response, 400, 'nested too deeply')

    def test_deeply_nested_yaml_is_an_invalid_definition(self):
        response = self._send('post', '/v2/workflows', DEEP, 'text/plain')
        self.assertFault(response, 400, 'nested too deeply')

    def test_a_control_character_in_yaml_is_a_syntax_error(self):
        response = self._send('post', '/v2/workflows/validate',
                              'version: "2.0"\x00', 'text/plain')
        self.assertEqual(200, response.status_int)
        self.assertFalse(response.json['valid'])
        self.assertIn('#x0000', response.json['error'])

    def test_delete_on_the_collection_is_not_allowed(self):
        response = self.app.delete('/v2/workflows', expect_errors=True)
        self.assertFault(response, 405, 'DELETE', '/v2/workflows')


class SeededFuzzTest(base.ApiTestCase):
    """Random requests from a fixed seed: the same 400 requests on every run."""

    PATHS = ('/v2/workflows', '/v2/workflows/validate', '/v2/workflows/x',
             '/v2/executions', '/v2/executions/' + 'a' * 36, '/v2/tasks',
             '/v2/action_executions', '/v2/actions')
    QUERY = ('limit', 'marker', 'sort_keys', 'sort_dirs', 'fields', 'all_projects',
             'name', 'state', 'created_at', 'include_output', 'namespace', 'scope')
    VALUES = ('', 'eq:', 'in:a,b', 'gt:2020', 'has:x', '-1', 'zzz', 'desc',
              'name,asc', '1e9', 'true', 'null')
    FIELDS = ('workflow_name', 'workflow_id', 'input', 'params', 'description',
              'id', 'source_execution_id', 'bogus')

    def _value(self, rng):
        return rng.choice([
            None, True, -2 ** 40, 1.5e308, '',
            ''.join(rng.choice(string.printable) for _ in range(12)),
            [1, {'a': [None]}], {'k': 'v'}, '{"x": 1}'])

    def test_no_request_gets_a_server_error(self):
        rng = random.Random(20261123)
        app = self.make_app()
        self.create_workflows()
        for _ in range(400):
            query = '&'.join(f'{rng.choice(self.QUERY)}={rng.choice(self.VALUES)}'
                             for _ in range(rng.randint(0, 3)))
            url = rng.choice(self.PATHS) + (f'?{query}' if query else '')
            method = rng.choice(('get', 'post', 'put', 'delete'))
            if method in ('get', 'delete'):
                response = getattr(app, method)(url, expect_errors=True)
            else:
                body = json.dumps({rng.choice(self.FIELDS): self._value(rng)
                                   for _ in range(rng.randint(0, 3))})
                content_type = rng.choice(('application/json', 'text/plain'))
                response = getattr(app, method)(
                    url, body, headers={'Content-Type': content_type},
                    expect_errors=True)
            self.assertLess(response.status_int, 500, f'{method} {url}')
            if response.status_int >= 400:
                self.assertTrue(response.json['faultstring'], f'{method} {url}')
