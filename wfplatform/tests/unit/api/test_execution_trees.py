"""An execution's tree over the API: report, sub-executions, delete, list filters.

The tree is inserted directly: a root whose task ``call`` (ERROR) started a
sub-workflow (ERROR) with a failed task ``boom``, next to a task ``hello``
(SUCCESS).
"""

import json

from oslo_utils import uuidutils

from wfplatform.db.repositories import action_executions
from wfplatform.db.repositories import common as repository
from wfplatform.db.repositories import task_executions
from wfplatform.db.repositories import workflow_executions
from wfplatform.tests.unit.api import base


class TreeTestCase(base.ApiTestCase):

    def setUp(self):
        super().setUp()
        self.root = self.insert_execution(state='ERROR', state_info='boom failed')
        self.hello = self.insert_task(self.root)
        self.hello_action = self.insert_action(self.hello)
        self.call = self.insert_task(
            self.root, name='call', type='WORKFLOW', state='ERROR',
            runtime_context={'retry_task_policy': {'retry_no': 2}})
        self.child = self.insert_execution(
            id=uuidutils.generate_uuid(), name='sub', state='ERROR',
            task_execution_id=self.call['id'],
            root_execution_id=self.root['id'], output={'x': 1})
        self.boom = self.insert_task(self.child, name='boom', state='ERROR',
                                     runtime_context={})
        self.boom_action = self.insert_action(self.boom, name='std.fail',
                                              state='ERROR')

    def count(self, module, **filters):
        query = repository.ListQuery(filters=tuple(
            repository.Filter(name, 'eq', value) for name, value in filters.items()))
        with self.database.transaction() as session:
            return len(module.list(session, query))


class TestReport(TreeTestCase):

    def test_the_whole_tree_with_statistics(self):
        report = self.app.get(f'/v2/executions/{self.root["id"]}/report').json
        self.assertEqual(
            {'total_tasks_count': 3, 'running_tasks_count': 0,
             'success_tasks_count': 1, 'error_tasks_count': 2,
             'idle_tasks_count': 0, 'paused_tasks_count': 0},
            report['statistics'])
        root = report['root_workflow_execution']
        self.assertEqual((self.root['id'], 'greet', 'ERROR', 'boom failed'),
                         (root['id'], root['name'], root['state'],
                          root['state_info']))
        hello, call = root['task_executions']
        self.assertEqual(('hello', 'ACTION', 0),
                         (hello['name'], hello['type'], hello['retry_count']))
        self.assertEqual([self.hello_action['id']],
                         [a['id'] for a in hello['action_executions']])
        self.assertEqual({'id', 'name', 'created_at', 'updated_at', 'state',
                          'state_info', 'last_heartbeat'},
                         set(hello['action_executions'][0]))
        self.assertEqual([], hello['workflow_executions'])
        self.assertEqual(2, call['retry_count'])
        [sub] = call['workflow_executions']
        self.assertEqual((self.child['id'], 'sub'), (sub['id'], sub['name']))
        [boom] = sub['task_executions']
        self.assertNotIn('retry_count', boom)
        self.assertEqual(['std.fail'], [a['name'] for a in boom['action_executions']])

    def test_errors_only_keeps_the_failed_path(self):
        report = self.app.get(
            f'/v2/executions/{self.root["id"]}/report?errors_only=true').json
        self.assertEqual(2, report['statistics']['total_tasks_count'])
        self.assertEqual(0, report['statistics']['success_tasks_count'])
        [call] = report['root_workflow_execution']['task_executions']
        self.assertEqual('call', call['name'])

    def test_max_depth_zero_stops_at_sub_workflows(self):
        report = self.app.get(
            f'/v2/executions/{self.root["id"]}/report?max_depth=0').json
        call = report['root_workflow_execution']['task_executions'][1]
        [sub] = call['workflow_executions']
        self.assertNotIn('task_executions', sub)
        self.assertEqual(2, report['statistics']['total_tasks_count'])

    def test_statistics_only(self):
        report = self.app.get(f'/v2/executions/{self.root["id"]}/report'
                              '?statistics_only=true&errors_only=false').json
        self.assertEqual(['statistics'], list(report))
        self.assertEqual(3, report['statistics']['total_tasks_count'])

    def test_a_sub_execution_reports_its_own_subtree(self):
        report = self.app.get(f'/v2/executions/{self.child["id"]}/report').json
        self.assertEqual(self.child['id'], report['root_workflow_execution']['id'])
        self.assertEqual(1, report['statistics']['total_tasks_count'])

    def test_bad_parameters_and_unknown_execution(self):
        url = f'/v2/executions/{self.root["id"]}/report'
        self.assertFault(self.app.get(f'{url}?max_depth=x', expect_errors=True),
                         400, 'max_depth')
        self.assertFault(self.app.get(f'{url}?errors_only=perhaps',
                                      expect_errors=True), 400, 'errors_only')
        self.assertFault(self.app.get(f'{url}?depth=1', expect_errors=True),
                         400, 'depth')
        self.assertFault(self.app.get(f'/v2/executions/{uuidutils.generate_uuid()}'
                                      '/report', expect_errors=True), 404)


class TestSubExecutions(TreeTestCase):

    def ids(self, url):
        return [e['id'] for e in self.app.get(url).json['executions']]

    def test_an_execution_and_those_under_it(self):
        url = f'/v2/executions/{self.root["id"]}/executions'
        self.assertEqual([self.root['id'], self.child['id']], self.ids(url))
        self.assertEqual([self.root['id']], self.ids(f'{url}?max_depth=0'))
        self.assertEqual([self.root['id'], self.child['id']],
                         self.ids(f'{url}?errors_only=true&max_depth=-1'))
        self.assertEqual([self.child['id']],
                         self.ids(f'/v2/executions/{self.child["id"]}/executions'))

    def test_output_only_when_asked_for(self):
        url = f'/v2/executions/{self.root["id"]}/executions'
        [root, child] = self.app.get(url).json['executions']
        self.assertNotIn('output', child)
        self.assertEqual(self.root['id'], child['root_execution_id'])
        self.assertIsNone(root['root_execution_id'])
        [_, child] = self.app.get(f'{url}?include_output=true').json['executions']
        self.assertEqual({'x': 1}, json.loads(child['output']))

    def test_what_a_task_started(self):
        self.assertEqual([self.child['id']],
                         self.ids(f'/v2/tasks/{self.call["id"]}/executions'))
        self.assertEqual([], self.ids(f'/v2/tasks/{self.hello["id"]}/executions'))
        self.assertEqual([], self.ids(f'/v2/tasks/{self.hello["id"]}/executions'
                                      '?errors_only=true'))
        self.assertFault(self.app.get(f'/v2/tasks/{uuidutils.generate_uuid()}'
                                      '/executions', expect_errors=True), 404)


class TestDelete(TreeTestCase):

    def test_deleting_a_root_removes_the_whole_tree(self):
        response = self.app.delete(f'/v2/executions/{self.root["id"]}')
        self.assertEqual(204, response.status_int)
        self.assertEqual(b'', response.body)
        root_id = self.root['id']
        self.assertEqual(0, self.count(workflow_executions, root_execution_id=root_id))
        self.assertEqual(0, self.count(task_executions, root_execution_id=root_id))
        self.assertEqual(0, self.count(action_executions, root_execution_id=root_id))
        self.assertFault(self.app.get(f'/v2/executions/{root_id}',
                                      expect_errors=True), 404)

    def test_deleting_a_sub_execution_keeps_its_parent(self):
        self.app.delete(f'/v2/executions/{self.child["id"]}', status=204)
        self.assertEqual([self.root['id']], [
            e['id'] for e in self.app.get('/v2/executions').json['executions']])
        self.assertEqual(2, self.count(task_executions,
                                       root_execution_id=self.root['id']))
        self.assertEqual(1, self.count(action_executions,
                                       root_execution_id=self.root['id']))

    def test_a_running_execution_needs_force(self):
        running = self.insert_execution(state='RUNNING')
        self.insert_task(running, state='RUNNING')
        response = self.app.delete(f'/v2/executions/{running["id"]}',
                                   expect_errors=True)
        self.assertFault(response, 403, 'Only completed executions can be deleted',
                         'RUNNING')
        self.app.delete(f'/v2/executions/{running["id"]}?force=true', status=204)
        self.assertEqual(0, self.count(task_executions,
                                       root_execution_id=running['id']))

    def test_unknown_execution_and_bad_force(self):
        self.assertFault(self.app.delete(f'/v2/executions/{uuidutils.generate_uuid()}',
                                         expect_errors=True), 404)
        self.assertFault(self.app.delete(f'/v2/executions/{self.root["id"]}'
                                         '?force=maybe', expect_errors=True), 400)
        self.assertEqual(405, self.app.delete('/v2/executions',
                                              expect_errors=True).status_int)


class TestListFilters(TreeTestCase):

    def ids(self, query):
        return [e['id'] for e in self.app.get(f'/v2/executions?{query}').json[
            'executions']]

    def test_root_and_task_filters_as_mistral(self):
        self.assertEqual([self.child['id']],
                         self.ids(f'root_execution_id={self.root["id"]}'))
        self.assertEqual([], self.ids(f'root_execution_id=neq:{self.root["id"]}'))
        self.assertEqual([self.child['id']],
                         self.ids(f'task_execution_id={self.call["id"]}'))
        self.assertEqual([self.root['id']], self.ids('nulls=root_execution_id'))

    def test_state_name_and_time_ranges(self):
        self.assertEqual([self.child['id']], self.ids('workflow_name=sub'))
        self.assertEqual(2, len(self.ids('state=ERROR')))
        self.assertEqual(2, len(self.ids('created_at=gte:2000-01-01 00:00:00')))
        self.assertEqual([], self.ids('created_at=lt:2000-01-01 00:00:00'))
        listed = self.app.get('/v2/executions?include_output=true').json
        self.assertIn('output', listed['executions'][0])
        self.assertNotIn('output', self.app.get('/v2/executions').json[
            'executions'][0])
