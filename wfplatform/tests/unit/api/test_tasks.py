"""``/v2/tasks`` and ``/v2/tasks/<id>/action_executions``."""

from oslo_utils import uuidutils

from wfplatform.tests.unit.api import base

TASK_FIELDS = [
    'id', 'name', 'type', 'workflow_name', 'workflow_namespace', 'workflow_id',
    'workflow_execution_id', 'tags', 'state', 'state_info', 'project_id',
    'runtime_context', 'result', 'published', 'processed', 'created_at',
    'updated_at', 'started_at', 'finished_at']


class TestTasks(base.ApiTestCase):

    def setUp(self):
        super().setUp()
        self.execution = self.insert_execution()
        self.task = self.insert_task(self.execution, created_at=base.CREATED)

    def test_get_one_has_every_field_with_mistral_encodings(self):
        task = self.app.get(f'/v2/tasks/{self.task["id"]}').json
        self.assertEqual(TASK_FIELDS, list(task))
        self.assertEqual({
            'id': self.task['id'], 'name': 'hello', 'type': 'ACTION',
            'workflow_name': 'greet', 'workflow_namespace': '', 'workflow_id': None,
            'workflow_execution_id': self.execution['id'], 'tags': None,
            'state': 'SUCCESS', 'state_info': None,
            'project_id': base.DEFAULT_PROJECT,
            'runtime_context': '{"retry_task_policy": {"retry_no": 0}}',
            'result': '"Hello, Ann"', 'published': '{"text": "Hello, Ann"}',
            'processed': True, 'created_at': '2024-05-01 12:30:45',
            'updated_at': None, 'started_at': '2024-05-01 12:30:45',
            'finished_at': '2024-05-01 12:30:47'}, task)

    def test_result_is_a_string_even_when_there_is_none(self):
        running = self.insert_task(self.execution, state='RUNNING', result=None,
                                   finished_at=None)
        task = self.app.get(f'/v2/tasks/{running["id"]}').json
        self.assertEqual('null', task['result'])
        self.assertIsNone(task['finished_at'])

    def test_workflow_task_type(self):
        subflow = self.insert_task(self.execution, type='WORKFLOW')
        self.assertEqual('WORKFLOW',
                         self.app.get(f'/v2/tasks/{subflow["id"]}').json['type'])

    def test_list_leaves_out_result(self):
        [task] = self.app.get('/v2/tasks').json['tasks']
        self.assertEqual([f for f in TASK_FIELDS if f != 'result'], list(task))

    def test_unknown_task_is_404(self):
        missing = uuidutils.generate_uuid()
        response = self.app.get(f'/v2/tasks/{missing}', expect_errors=True)
        self.assertFault(response, 404, missing)

    def test_filters(self):
        self.insert_task(self.execution, name='other', state='ERROR')
        by_name = self.app.get('/v2/tasks?name=other').json['tasks']
        self.assertEqual(['other'], [t['name'] for t in by_name])
        by_state = self.app.get('/v2/tasks?state=neq:ERROR').json['tasks']
        self.assertEqual(['hello'], [t['name'] for t in by_state])
        processed = self.app.get('/v2/tasks?processed=false').json['tasks']
        self.assertEqual([], processed)

    def test_action_executions_of_a_task(self):
        action = self.insert_action(self.task)
        self.insert_action(self.insert_task(self.execution))
        body = self.app.get(f'/v2/tasks/{self.task["id"]}/action_executions').json
        self.assertEqual([action['id']], [a['id'] for a in body['action_executions']])
        self.assertEqual('hello', body['action_executions'][0]['task_name'])
