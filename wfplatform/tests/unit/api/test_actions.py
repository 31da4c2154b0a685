"""``/v2/actions``: action definitions."""

from wfplatform.db.repositories import action_definitions
from wfplatform.tests.unit.api import base

ACTION_FIELDS = ['id', 'name', 'namespace', 'is_system', 'input', 'description',
                 'tags', 'definition', 'scope', 'project_id', 'created_at',
                 'updated_at']


class TestActions(base.ApiTestCase):

    def setUp(self):
        super().setUp()
        with self.database.transaction() as session:
            self.echo = action_definitions.create(
                session, name='std.echo', input='output', is_system=True,
                description='Returns its input.', scope='public',
                action_class='wfplatform.actions.std.basic:EchoAction',
                project_id=base.DEFAULT_PROJECT, created_at=base.CREATED)
            action_definitions.create(session, name='std.noop', input='',
                                      is_system=True, scope='public',
                                      project_id=base.DEFAULT_PROJECT)

    def test_list(self):
        actions = self.app.get('/v2/actions').json['actions']
        self.assertEqual(['std.echo', 'std.noop'], [a['name'] for a in actions])
        self.assertEqual(ACTION_FIELDS, list(actions[0]))

    def test_get_by_name(self):
        action = self.app.get('/v2/actions/std.echo').json
        self.assertEqual({
            'id': self.echo['id'], 'name': 'std.echo', 'namespace': '',
            'is_system': True, 'input': 'output',
            'description': 'Returns its input.', 'tags': [], 'definition': None,
            'scope': 'public', 'project_id': base.DEFAULT_PROJECT,
            'created_at': '2024-05-01 12:30:45', 'updated_at': None}, action)

    def test_unknown_action_is_404(self):
        response = self.app.get('/v2/actions/std.nope', expect_errors=True)
        self.assertFault(response, 404, 'std.nope')

    def test_filter_and_fields(self):
        body = self.app.get('/v2/actions?name=has:echo&fields=name').json
        self.assertEqual([{'id': self.echo['id'], 'name': 'std.echo'}],
                         body['actions'])
