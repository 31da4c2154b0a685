"""Ad-hoc actions on ``/v2/actions``: create, update, delete and validate."""

import random

import yaml

from wfplatform.db.repositories import action_definitions
from wfplatform.tests.unit.api import base

TEXT = {'Content-Type': 'text/plain'}

ACTIONS = """\
version: '2.0'
greet:
  description: Greets someone.
  tags: [demo]
  base: std.echo output="Hello, <% $.name %>"
  input:
    - name
    - greeting: Hi
shout:
  base: std.echo
  base-input:
    output: <% $.text %>
  input: [text]
"""

ONE_ACTION = """\
version: '2.0'
greet:
  base: std.echo output=<% $.name %>
  input: [name]
"""


class AdhocActionTestCase(base.ApiTestCase):

    def setUp(self):
        super().setUp()
        with self.database.transaction() as session:
            action_definitions.create(
                session, name='std.echo', input='output', is_system=True,
                scope='public', project_id=base.DEFAULT_PROJECT)

    def create(self, text: str = ACTIONS, query: str = '', **kwargs):
        return self.app.post(f'/v2/actions{query}', text, headers=TEXT, **kwargs)

    def names(self) -> list[str]:
        return [a['name'] for a in self.app.get('/v2/actions').json['actions']]


class TestCreate(AdhocActionTestCase):

    def test_create_returns_201_and_every_action(self):
        response = self.create()
        self.assertEqual(201, response.status_int)
        greet, shout = response.json['actions']
        self.assertEqual(
            ('greet', '', False, 'name, greeting="Hi"', 'Greets someone.', ['demo'],
             'private', base.DEFAULT_PROJECT),
            (greet['name'], greet['namespace'], greet['is_system'], greet['input'],
             greet['description'], greet['tags'], greet['scope'],
             greet['project_id']))
        self.assertEqual(('shout', 'text'), (shout['name'], shout['input']))
        self.assertEqual({'version': '2.0', 'shout': {
            'base': 'std.echo', 'base-input': {'output': '<% $.text %>'},
            'input': ['text']}}, yaml.safe_load(shout['definition']))
        self.assertEqual(['std.echo', 'greet', 'shout'], self.names())

    def test_one_action_keeps_its_text(self):
        [greet] = self.create(ONE_ACTION).json['actions']
        self.assertEqual(ONE_ACTION, greet['definition'])

    def test_spec_is_stored(self):
        self.create(ONE_ACTION)
        with self.database.transaction() as session:
            record = action_definitions.get(session, 'greet')
        self.assertEqual('std.echo', record['spec']['base'])
        self.assertEqual({'output': '<% $.name %>'}, record['spec']['base_input'])
        self.assertFalse(record['is_system'])

    def test_namespace_and_scope(self):
        [greet] = self.create(ONE_ACTION, '?namespace=team&scope=public').json[
            'actions']
        self.assertEqual(('team', 'public'), (greet['namespace'], greet['scope']))
        self.assertEqual(greet['id'],
                         self.app.get('/v2/actions/greet?namespace=team').json['id'])
        self.assertEqual(greet['id'], self.app.get('/v2/actions/greet/team').json['id'])
        self.assertEqual(404, self.app.get('/v2/actions/greet',
                                           expect_errors=True).status_int)

    def test_duplicate_is_409_and_nothing_is_stored(self):
        self.create(ONE_ACTION)
        self.assertFault(self.create(expect_errors=True), 409,
                         'Action already exists', 'greet')
        self.assertEqual(['std.echo', 'greet'], self.names())

    def test_system_action_name_is_409(self):
        response = self.create("version: '2.0'\nstd.echo:\n  base: std.noop\n",
                               expect_errors=True)
        self.assertFault(response, 409, 'std.echo', 'system action')

    def test_invalid_definition_is_400_naming_each_error(self):
        response = self.create("version: '2.0'\na:\n  input: x\nb: {base: b}\n",
                               expect_errors=True)
        self.assertFault(response, 400, 'Invalid action definition',
                         "line 2: a: 'base' is required",
                         'line 3: a.input: must be a list',
                         "line 4: b.base: action 'b' cannot be based on itself")

    def test_empty_body_and_bad_scope_are_400(self):
        self.assertFault(self.create('', expect_errors=True), 400,
                         'The action definition is empty')
        self.assertFault(self.create(query='?scope=x', expect_errors=True), 400,
                         'Scope must be one of')


class TestUpdate(AdhocActionTestCase):

    def test_update_by_name(self):
        created = self.create().json['actions']
        changed = ACTIONS.replace('Greets someone.', 'Says hello.')
        response = self.app.put('/v2/actions', changed, headers=TEXT)
        self.assertEqual(200, response.status_int)
        greet, shout = response.json['actions']
        self.assertEqual(created[0]['id'], greet['id'])
        self.assertEqual('Says hello.', greet['description'])
        self.assertIsNotNone(greet['updated_at'])

    def test_update_by_identifier_may_rename(self):
        [created] = self.create(ONE_ACTION).json['actions']
        response = self.app.put(f'/v2/actions/{created["id"]}',
                                ONE_ACTION.replace('greet:', 'welcome:'),
                                headers=TEXT)
        [renamed] = response.json['actions']
        self.assertEqual((created['id'], 'welcome'), (renamed['id'], renamed['name']))

    def test_update_with_identifier_takes_one_action(self):
        self.create()
        response = self.app.put('/v2/actions/greet', ACTIONS, headers=TEXT,
                                expect_errors=True)
        self.assertFault(response, 400, 'More than one actions')

    def test_update_of_a_system_action_is_400(self):
        response = self.app.put('/v2/actions',
                                "version: '2.0'\nstd.echo:\n  base: std.noop\n",
                                headers=TEXT, expect_errors=True)
        self.assertFault(response, 400, 'Attempt to modify a system action: std.echo')

    def test_update_of_unknown_is_404(self):
        response = self.app.put('/v2/actions', ONE_ACTION, headers=TEXT,
                                expect_errors=True)
        self.assertFault(response, 404, 'greet')


class TestDelete(AdhocActionTestCase):

    def test_delete(self):
        self.create(ONE_ACTION)
        self.assertEqual(204, self.app.delete('/v2/actions/greet').status_int)
        self.assertEqual(['std.echo'], self.names())

    def test_delete_with_namespace_in_the_path_or_query(self):
        self.create(ONE_ACTION, '?namespace=team')
        self.create(ONE_ACTION.replace('greet:', 'other:'), '?namespace=team')
        self.assertEqual(404, self.app.delete('/v2/actions/greet/',
                                              expect_errors=True).status_int)
        self.app.delete('/v2/actions/greet/team')
        self.app.delete('/v2/actions/other?namespace=team')
        self.assertEqual(['std.echo'], self.names())

    def test_delete_of_a_system_action_is_400(self):
        response = self.app.delete('/v2/actions/std.echo', expect_errors=True)
        self.assertFault(response, 400, 'Attempt to delete a system action: std.echo')
        self.assertEqual(['std.echo'], self.names())

    def test_delete_unknown_is_404_and_collection_is_405(self):
        self.assertFault(self.app.delete('/v2/actions/nope', expect_errors=True),
                         404, 'nope')
        self.assertEqual(405, self.app.delete('/v2/actions',
                                              expect_errors=True).status_int)


class TestValidate(AdhocActionTestCase):

    def test_valid(self):
        body = self.app.post('/v2/actions/validate', ACTIONS, headers=TEXT).json
        self.assertEqual({'valid': True}, body)
        self.assertEqual(['std.echo'], self.names())

    def test_invalid(self):
        body = self.app.post('/v2/actions/validate', "version: '2.0'\na: {}\n",
                             headers=TEXT).json
        self.assertEqual({'valid': False, 'error': "Invalid action definition:\n"
                          "  line 2: a: 'base' is required: the action this one "
                          'runs'}, body)


class TestMalformed(AdhocActionTestCase):
    """Mangled action documents from a fixed seed get a client error, never 500."""

    def test_mangled_definitions(self):
        rng = random.Random(20261123)
        lines = ACTIONS.splitlines()
        noise = ['  ', ':', '- ', '{', '[', 'null', '0', "'", '<% $. %>', ' x=(']
        for _ in range(150):
            mangled = list(lines)
            for _ in range(rng.randint(1, 3)):
                index = rng.randrange(len(mangled))
                mangled[index] = rng.choice([
                    '', mangled[index] + rng.choice(noise),
                    rng.choice(noise) + mangled[index], mangled[index][1:]])
            text = '\n'.join(mangled) + '\n'
            method = rng.choice(['post', 'put'])
            path = rng.choice(['/v2/actions', '/v2/actions/validate'])
            if method == 'put':
                path = '/v2/actions'
            response = getattr(self.app, method)(path, text, headers=TEXT,
                                                 expect_errors=True)
            self.assertLess(response.status_int, 500, text)
            for action in (response.json.get('actions') or []
                           if response.status_int == 201 else []):
                self.app.delete(f'/v2/actions/{action["id"]}')
