"""``wfplatform/api/openapi.yaml`` against the controllers, the wire types and the API.

The routes are read from the pecan controller tree (each ``RestController``'s
``get_all``/``get_one``/``post``/``put``/``delete`` signature, its custom actions
and sub-controllers; ``index`` handlers of the plain controllers), so adding a
route, a field or a list parameter without documenting it fails here.
"""

import importlib
import inspect
import re
from typing import Any, Iterator

from pecan import rest
import testtools

from wfplatform.api.controllers import root
from wfplatform.api import openapi
from wfplatform.tests.unit.api import base

RESOURCES = {
    'ActionExecution': 'action_executions', 'Action': 'actions',
    'AlarmTrigger': 'alarm_triggers', 'CronTrigger': 'cron_triggers',
    'Environment': 'environments', 'EventTrigger': 'event_triggers',
    'Execution': 'executions', 'Task': 'tasks', 'Workbook': 'workbooks',
    'Workflow': 'workflows',
}
"""Each resource schema of the document and the module of its wire type."""

EXTRA_PROPERTIES = {'AlarmTrigger': {'url', 'token'}}
"""Fields a controller adds to the wire type's (the webhook's address and secret)."""

HTTP_METHODS = ('get', 'put', 'post', 'delete', 'patch')
_REST_METHODS = {'get_all': 'get', 'get_one': 'get', 'post': 'post', 'put': 'put',
                 'delete': 'delete'}

Route = tuple[str, str]
"""A path with ``{}`` for each path parameter, and an HTTP method in lower case."""


def _positional(function: Any) -> tuple[int, int, bool]:
    """(required, optional, has *args) positional parameters after ``self``."""
    parameters = list(inspect.signature(function).parameters.values())[1:]
    required = sum(1 for p in parameters if p.kind == p.POSITIONAL_OR_KEYWORD
                   and p.default is p.empty)
    optional = sum(1 for p in parameters if p.kind == p.POSITIONAL_OR_KEYWORD
                   and p.default is not p.empty)
    return required, optional, any(p.kind == p.VAR_POSITIONAL for p in parameters)


def _rest_routes(controller: rest.RestController, parent: str, name: str
                 ) -> Iterator[tuple[Route, bool]]:
    """((path, method), required) of a RestController mounted as ``name``.

    A collection method's arguments are the parent's ids (``/v2/executions/{}/
    tasks``). Of an item method, the variant with one id is required; with
    fewer (``PUT /v2/environments``) or more (``/v2/actions/{}/{}``) arguments
    it may be documented.
    """
    def base(ids: int) -> str:
        return parent + '/{}' * ids + '/' + name

    collection_ids = 0
    for attribute, method in _REST_METHODS.items():
        function = getattr(type(controller), attribute, None)
        if function is None or not hasattr(function, '_pecan'):
            continue
        required, optional, varargs = _positional(function)
        if attribute in ('get_all', 'post'):
            collection_ids = required
            yield (base(required), method), True
            continue
        if parent.count('{}') or name.count('{}'):
            raise AssertionError('nested item methods are not walked')
        for ids in range(required + optional + (1 if varargs else 0) + 1):
            if ids < required:
                continue
            path = base(collection_ids) + '/{}' * ids
            yield (path, method), ids == 1
    for action, methods in getattr(controller, '_custom_actions', {}).items():
        required, _, _ = _positional(getattr(type(controller), action))
        for method in methods:
            yield (base(collection_ids) + '/{}' * required + '/' + action,
                   method.lower()), True
    for attribute, child in vars(type(controller)).items():
        if isinstance(child, rest.RestController):
            yield from _rest_routes(child, base(collection_ids), attribute)


def controller_routes() -> tuple[set[Route], set[Route]]:
    """The required routes and those that may be documented, from the tree."""
    required: set[Route] = set()
    allowed: set[Route] = set()

    def walk(controller: Any, path: str) -> None:
        handlers = getattr(getattr(controller, 'index', None), '_pecan', {}).get(
            'generic_handlers', {})
        for method in handlers:
            if method != 'DEFAULT':
                required.add((path or '/', method.lower()))
        for attribute, child in vars(type(controller)).items():
            if isinstance(child, rest.RestController):
                for route, needed in _rest_routes(child, path, attribute):
                    (required if needed else allowed).add(route)
            elif hasattr(child, 'index') and not attribute.startswith('_'):
                walk(child, f'{path}/{attribute}')

    walk(root.RootController(), '')
    return required, allowed | required


def documented_routes(document: dict[str, Any]) -> set[Route]:
    return {(re.sub(r'\{[^}]*\}', '{}', path), method)
            for path, item in document['paths'].items()
            for method in item if method in HTTP_METHODS}


class TestDocumentMatchesControllers(testtools.TestCase):

    def setUp(self) -> None:
        super().setUp()
        self.document = openapi.load()

    def test_every_route_is_documented(self):
        required, _ = controller_routes()
        self.assertEqual(set(), required - documented_routes(self.document))

    def test_every_documented_route_exists(self):
        _, allowed = controller_routes()
        self.assertEqual(set(), documented_routes(self.document) - allowed)

    def test_the_walk_finds_the_routes(self):
        # Guards the walker itself: a broken walk would make both tests vacuous.
        required, allowed = controller_routes()
        for route in [('/v2/executions/{}/tasks', 'get'),
                      ('/v2/alarm_triggers/{}/fire', 'post'),
                      ('/v2/actions/validate', 'post'), ('/v2/openapi.json', 'get'),
                      ('/v2/tasks/{}/action_executions', 'get'), ('/', 'get')]:
            self.assertIn(route, required)
        self.assertIn(('/v2/actions/{}/{}', 'get'), allowed)
        self.assertIn(('/v2/environments', 'put'), allowed)

    def test_resource_schemas_have_the_wire_fields(self):
        schemas = self.document['components']['schemas']
        for schema, module_name in RESOURCES.items():
            module = importlib.import_module(f'wfplatform.api.types.{module_name}')
            expected = set(module.FIELD_NAMES) | EXTRA_PROPERTIES.get(schema, set())
            self.assertEqual(expected, set(schemas[schema]['properties']), schema)

    def test_list_parameters_are_the_collections(self):
        schemas = self.document['components']['schemas']
        parameters = self.document['components']['parameters']
        checked = 0
        for path, item in self.document['paths'].items():
            operation = item.get('get')
            if operation is None:
                continue
            reference = operation['responses']['200']['content'][
                'application/json']['schema'].get('$ref', '')
            name = reference.rsplit('/', 1)[-1]
            if not name.endswith('List'):
                continue
            resource = RESOURCES[name[:-len('List')]]
            self.assertEqual([resource], schemas[name]['required'])
            module = importlib.import_module(
                f'wfplatform.api.controllers.v2.{resource}')
            names = {self._parameter(parameters, p)['name']
                     for p in operation.get('parameters', ())
                     if self._parameter(parameters, p)['in'] == 'query'}
            self.assertEqual(set(module.COLLECTION.parameters()), names, path)
            checked += 1
        self.assertEqual(12, checked)

    def test_operation_ids_are_unique_and_errors_are_faults(self):
        ids = [operation['operationId'] for item in self.document['paths'].values()
               for method, operation in item.items() if method in HTTP_METHODS]
        self.assertEqual(len(ids), len(set(ids)))
        error = self.document['components']['schemas']['Error']
        self.assertEqual({'faultstring', 'faultcode', 'debuginfo'},
                         set(error['required']))

    @staticmethod
    def _parameter(parameters: dict[str, Any], parameter: dict[str, Any]
                   ) -> dict[str, Any]:
        if '$ref' in parameter:
            return parameters[parameter['$ref'].rsplit('/', 1)[-1]]
        return parameter


class TestServed(base.ApiTestCase):

    def test_served_as_json(self):
        response = self.app.get('/v2/openapi.json')
        self.assertEqual(200, response.status_int)
        self.assertEqual('application/json', response.content_type)
        self.assertEqual(openapi.load(), response.json)
        self.assertEqual('3.0.3', response.json['openapi'])

    def test_post_is_405(self):
        self.assertFault(self.app.post('/v2/openapi.json', expect_errors=True), 405)
