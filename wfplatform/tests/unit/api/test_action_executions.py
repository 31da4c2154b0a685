"""``/v2/action_executions``: with the task's name, without N+1 queries."""

from oslo_utils import uuidutils
import sqlalchemy as sa

from wfplatform.tests.unit.api import base

ACTION_FIELDS = [
    'id', 'name', 'workflow_name', 'workflow_namespace', 'task_name',
    'task_execution_id', 'state', 'state_info', 'tags', 'accepted', 'input',
    'output', 'description', 'project_id', 'created_at', 'updated_at']


class TestActionExecutions(base.ApiTestCase):

    def setUp(self):
        super().setUp()
        self.execution = self.insert_execution()
        self.task = self.insert_task(self.execution)
        self.action = self.insert_action(self.task, created_at=base.CREATED)

    def test_get_one(self):
        action = self.app.get(f'/v2/action_executions/{self.action["id"]}').json
        self.assertEqual(ACTION_FIELDS, list(action))
        self.assertEqual({
            'id': self.action['id'], 'name': 'std.echo', 'workflow_name': 'greet',
            'workflow_namespace': '', 'task_name': 'hello',
            'task_execution_id': self.task['id'], 'state': 'SUCCESS',
            'state_info': None, 'tags': None, 'accepted': True,
            'input': '{"output": "Hello, Ann"}',
            'output': '{"result": "Hello, Ann"}', 'description': None,
            'project_id': base.DEFAULT_PROJECT,
            'created_at': '2024-05-01 12:30:45', 'updated_at': None}, action)

    def test_ad_hoc_action_has_no_task_name(self):
        ad_hoc = self.insert_action(None)
        action = self.app.get(f'/v2/action_executions/{ad_hoc["id"]}').json
        self.assertIsNone(action['task_name'])
        self.assertIsNone(action['task_execution_id'])

    def test_list_leaves_out_output_unless_asked(self):
        [action] = self.app.get('/v2/action_executions').json['action_executions']
        self.assertNotIn('output', action)
        self.assertEqual('hello', action['task_name'])
        body = self.app.get('/v2/action_executions?include_output=1').json
        self.assertEqual('{"result": "Hello, Ann"}',
                         body['action_executions'][0]['output'])

    def test_list_reads_task_names_in_one_query(self):
        for index in range(5):
            task = self.insert_task(self.execution, name=f'task{index}')
            self.insert_action(task)
        statements = []

        def count(conn, cursor, statement, *args):
            if statement.lstrip().upper().startswith('SELECT'):
                statements.append(statement)

        sa.event.listen(self.database.engine, 'before_cursor_execute', count)
        self.addCleanup(sa.event.remove, self.database.engine,
                        'before_cursor_execute', count)
        actions = self.app.get('/v2/action_executions').json['action_executions']
        self.assertEqual(6, len(actions))
        self.assertEqual({'hello', 'task0', 'task1', 'task2', 'task3', 'task4'},
                         {action['task_name'] for action in actions})
        self.assertEqual(2, len(statements), statements)

    def test_fields_without_task_name_need_no_task_query(self):
        body = self.app.get('/v2/action_executions?fields=state').json
        self.assertEqual([{'id': self.action['id'], 'state': 'SUCCESS'}],
                         body['action_executions'])

    def test_unknown_action_execution_is_404(self):
        missing = uuidutils.generate_uuid()
        response = self.app.get(f'/v2/action_executions/{missing}',
                                expect_errors=True)
        self.assertFault(response, 404, missing)

    def test_post_without_a_way_to_run_actions_is_503(self):
        response = self.app.post_json('/v2/action_executions', {'name': 'std.noop'},
                                      expect_errors=True)
        self.assertFault(response, 503, 'not set up to run actions alone')
