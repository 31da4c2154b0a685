"""``/v2/executions``: start through the engine, read from the database."""

import datetime
import json

from oslo_utils import uuidutils

from wfplatform.tests.unit.api import base

EXECUTION_FIELDS = [
    'id', 'workflow_id', 'workflow_name', 'workflow_namespace', 'description',
    'tags', 'params', 'task_execution_id', 'root_execution_id',
    'source_execution_id', 'state', 'state_info', 'input', 'output', 'created_at',
    'updated_at', 'project_id', 'published_global']


class TestCreate(base.ApiTestCase):

    def setUp(self):
        super().setUp()
        [self.workflow] = self.create_workflows()

    def test_create_by_name_with_objects(self):
        response = self.app.post_json('/v2/executions', {
            'workflow_name': 'greet', 'input': {'name': 'Ann'},
            'params': {'env': {'x': 1}}, 'description': 'first run'})
        self.assertEqual(201, response.status_int)
        execution = response.json
        self.assertEqual(EXECUTION_FIELDS, list(execution))
        self.assertEqual(self.workflow['id'], execution['workflow_id'])
        self.assertEqual('greet', execution['workflow_name'])
        self.assertEqual('RUNNING', execution['state'])
        self.assertEqual('first run', execution['description'])
        self.assertEqual('{"name": "Ann"}', execution['input'])
        self.assertEqual({'env': {'x': 1}}, json.loads(execution['params']))
        self.assertIsNone(execution['output'])
        self.assertIsNone(execution['root_execution_id'])
        self.assertEqual({'name': 'x'}, json.loads(execution['published_global']))
        [call] = self.engine_client.calls
        self.assertEqual('greet', call['workflow_identifier'])
        self.assertEqual({'name': 'Ann'}, call['workflow_input'])
        self.assertEqual({'env': {'x': 1}}, call['params'])
        self.assertEqual(base.DEFAULT_PROJECT, call['context'].project_id)

    def test_create_by_id_with_json_strings_as_mistralclient_sends(self):
        response = self.app.post_json('/v2/executions', {
            'workflow_id': self.workflow['id'], 'description': '',
            'input': '{"name": "Bo"}', 'params': '{"task_name": "hello"}'})
        self.assertEqual(201, response.status_int)
        [call] = self.engine_client.calls
        self.assertEqual(self.workflow['id'], call['workflow_identifier'])
        self.assertEqual({'name': 'Bo'}, call['workflow_input'])
        self.assertEqual({'task_name': 'hello'}, call['params'])

    def test_create_in_a_namespace(self):
        self.create_workflows(namespace='team')
        self.app.post_json('/v2/executions', {'workflow_name': 'greet',
                                              'workflow_namespace': 'team'})
        self.assertEqual('team', self.engine_client.calls[0]['namespace'])

    def test_create_with_an_id_is_idempotent(self):
        execution_id = uuidutils.generate_uuid()
        first = self.app.post_json('/v2/executions', {
            'id': execution_id, 'workflow_name': 'greet'}).json
        second = self.app.post_json('/v2/executions', {
            'id': execution_id, 'workflow_name': 'greet'}).json
        self.assertEqual(execution_id, first['id'])
        self.assertEqual(first, second)

    def test_create_from_a_source_execution(self):
        source = self.insert_execution(workflow_id=self.workflow['id'],
                                       input={'name': 'Ann', 'greeting': 'Yo'},
                                       params={'env': {'a': 1, 'b': 2}})
        self.app.post_json('/v2/executions', {
            'source_execution_id': source['id'], 'description': 'again',
            'input': {'name': 'Cy'}, 'params': {'env': {'b': 3}}})
        [call] = self.engine_client.calls
        self.assertEqual(self.workflow['id'], call['workflow_identifier'])
        self.assertEqual({'name': 'Cy', 'greeting': 'Yo'}, call['workflow_input'])
        self.assertEqual({'env': {'a': 1, 'b': 3}}, call['params'])
        self.assertEqual(f"again Based on the execution '{source['id']}'",
                         call['description'])
        self.assertEqual(source['id'], call['source_execution_id'])

    def test_unknown_source_execution_is_404(self):
        response = self.app.post_json('/v2/executions', {
            'source_execution_id': uuidutils.generate_uuid()}, expect_errors=True)
        self.assertFault(response, 404)

    def test_without_workflow_is_400(self):
        response = self.app.post_json('/v2/executions', {'input': {}},
                                      expect_errors=True)
        self.assertFault(response, 400, 'Workflow ID or workflow name must be')

    def test_unknown_workflow_is_404(self):
        response = self.app.post_json('/v2/executions', {'workflow_name': 'nope'},
                                      expect_errors=True)
        self.assertFault(response, 404, 'nope')

    def test_unknown_attribute_is_400(self):
        response = self.app.post_json('/v2/executions', {
            'workflow_name': 'greet', 'colour': 'red'}, expect_errors=True)
        self.assertFault(response, 400,
                         'Unknown attribute for argument execution: colour')

    def test_read_only_attributes_are_ignored(self):
        response = self.app.post_json('/v2/executions', {
            'workflow_name': 'greet', 'state': 'SUCCESS', 'output': '{}'})
        self.assertEqual('RUNNING', response.json['state'])

    def test_wrong_type_is_400_naming_the_field(self):
        response = self.app.post_json('/v2/executions', {
            'workflow_name': 'greet', 'description': 5}, expect_errors=True)
        self.assertFault(response, 400, 'description', 'Wrong type')

    def test_input_that_is_not_json_is_400(self):
        response = self.app.post_json('/v2/executions', {
            'workflow_name': 'greet', 'input': '{name: '}, expect_errors=True)
        self.assertFault(response, 400, 'input', 'Not valid JSON')

    def test_input_that_is_not_an_object_is_400(self):
        response = self.app.post_json('/v2/executions', {
            'workflow_name': 'greet', 'input': '[1, 2]'}, expect_errors=True)
        self.assertFault(response, 400, 'input', 'Expected a JSON object')

    def test_id_that_is_not_a_uuid_is_400(self):
        response = self.app.post_json('/v2/executions', {
            'workflow_name': 'greet', 'id': 'abc'}, expect_errors=True)
        self.assertFault(response, 400, 'id', 'uuid')


class TestRead(base.ApiTestCase):

    def setUp(self):
        super().setUp()
        self.execution = self.insert_execution(
            description='d', created_at=base.CREATED,
            context={'published': 1, '__execution': {'id': 'x'}})

    def test_get_one_has_every_field(self):
        execution = self.app.get(f'/v2/executions/{self.execution["id"]}').json
        self.assertEqual(EXECUTION_FIELDS, list(execution))
        self.assertEqual({
            'id': self.execution['id'], 'workflow_id': None,
            'workflow_name': 'greet', 'workflow_namespace': '', 'description': 'd',
            'tags': None, 'params': '{"env": {}}', 'task_execution_id': None,
            'root_execution_id': None, 'source_execution_id': None,
            'state': 'SUCCESS', 'state_info': None, 'input': '{"name": "Ann"}',
            'output': '{"text": "Hello, Ann"}', 'created_at': '2024-05-01 12:30:45',
            'updated_at': None, 'project_id': base.DEFAULT_PROJECT,
            'published_global': '{"published": 1}'}, execution)

    def test_unknown_execution_is_404(self):
        missing = uuidutils.generate_uuid()
        response = self.app.get(f'/v2/executions/{missing}', expect_errors=True)
        self.assertFault(response, 404, missing)

    def test_sub_execution_names_its_root(self):
        task = self.insert_task(self.execution)
        child = self.insert_execution(task_execution_id=task['id'],
                                      root_execution_id=self.execution['id'])
        body = self.app.get(f'/v2/executions/{child["id"]}').json
        self.assertEqual(self.execution['id'], body['root_execution_id'])
        self.assertEqual(task['id'], body['task_execution_id'])

    def test_list_leaves_out_output(self):
        [execution] = self.app.get('/v2/executions').json['executions']
        self.assertNotIn('output', execution)
        self.assertNotIn('published_global', execution)
        self.assertEqual('{"name": "Ann"}', execution['input'])
        self.assertEqual('{"env": {}}', execution['params'])

    def test_list_with_include_output(self):
        body = self.app.get('/v2/executions?include_output=true').json
        self.assertEqual('{"text": "Hello, Ann"}', body['executions'][0]['output'])

    def test_roots_only(self):
        task = self.insert_task(self.execution)
        self.insert_execution(task_execution_id=task['id'],
                              root_execution_id=self.execution['id'])
        self.assertEqual(2, len(self.app.get('/v2/executions').json['executions']))
        roots = self.app.get('/v2/executions?nulls=root_execution_id').json
        self.assertEqual([self.execution['id']],
                         [e['id'] for e in roots['executions']])

    def test_unknown_nulls_column_is_400(self):
        response = self.app.get('/v2/executions?nulls=state', expect_errors=True)
        self.assertFault(response, 400, 'state')

    def test_filter_by_workflow_name_uses_the_name_column(self):
        self.insert_execution(name='other')
        body = self.app.get('/v2/executions?workflow_name=other').json
        self.assertEqual(['other'],
                         [e['workflow_name'] for e in body['executions']])

    def test_tasks_of_an_execution(self):
        task = self.insert_task(self.execution)
        self.insert_task(self.insert_execution())
        body = self.app.get(f'/v2/executions/{self.execution["id"]}/tasks').json
        self.assertEqual([task['id']], [t['id'] for t in body['tasks']])

    def test_tasks_next_link_points_at_tasks_with_the_execution_filter(self):
        for _ in range(2):
            self.insert_task(self.execution)
        body = self.app.get(
            f'/v2/executions/{self.execution["id"]}/tasks?limit=1').json
        self.assertEqual(
            'http://localhost/v2/tasks?sort_keys=created_at&sort_dirs=asc&'
            f'workflow_execution_id={self.execution["id"]}&limit=1&'
            f'marker={body["tasks"][0]["id"]}', body['next'])

    def test_other_projects_are_invisible_to_the_list(self):
        self.insert_execution(project_id='someone-else')
        ids = [e['id'] for e in self.app.get('/v2/executions').json['executions']]
        self.assertEqual([self.execution['id']], ids)

    def test_admin_sees_all_projects(self):
        other = self.insert_execution(project_id='someone-else')
        body = self.app.get('/v2/executions?all_projects=true').json
        self.assertEqual({self.execution['id'], other['id']},
                         {e['id'] for e in body['executions']})
        body = self.app.get('/v2/executions?project_id=someone-else').json
        self.assertEqual([other['id']], [e['id'] for e in body['executions']])

    def test_timestamps_keep_seconds_only(self):
        later = self.insert_execution(
            created_at=base.CREATED + datetime.timedelta(microseconds=800000))
        body = self.app.get(f'/v2/executions/{later["id"]}').json
        self.assertEqual('2024-05-01 12:30:45', body['created_at'])
