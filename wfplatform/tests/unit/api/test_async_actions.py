"""Asynchronous actions: RUNNING until ``PUT /v2/action_executions/{id}``.

The API in front of a real engine (RPC over ``fake://``, the local executor).
"""

import json

from oslo_config import cfg
from oslo_config import fixture as config_fixture
import testtools
import webtest

from wfplatform.api import app as api_app
from wfplatform import config
from wfplatform.tests.fixtures import engine as engine_fixtures
from wfplatform.tests import waiting

WORKFLOW = """
version: '2.0'
wait_for_callback:
  tasks:
    quick:
      action: std.echo output=1
    wait:
      action: std.async_noop
      publish:
        answer: <% task().result.answer %>
  output:
    answer: <% $.answer %>
"""


class AsyncActionTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        engine = self.useFixture(engine_fixtures.EngineFixture())
        self.app = webtest.TestApp(api_app.setup_app(
            engine.conf, engine.database, engine.engine_client))
        self.app.post('/v2/workflows', WORKFLOW,
                      headers={'Content-Type': 'text/plain'})

    def start(self):
        """An execution whose async task runs; returns (execution, action)."""
        execution = self.app.post_json('/v2/executions', {
            'workflow_name': 'wait_for_callback'}).json
        tasks = waiting.wait_for(lambda: self._tasks_once_quick_succeeded(
            execution['id']), 30, 'the quick task to succeed')
        self.assertEqual('RUNNING', tasks['wait']['state'])
        [action] = self.app.get(
            f'/v2/tasks/{tasks["wait"]["id"]}/action_executions'
        ).json['action_executions']
        self.assertEqual(('std.async_noop', 'RUNNING'),
                         (action['name'], action['state']))
        return execution, action

    def _tasks_once_quick_succeeded(self, execution_id):
        tasks = {task['name']: task for task in self.app.get(
            f'/v2/executions/{execution_id}/tasks').json['tasks']}
        if tasks.get('quick', {}).get('state') == 'SUCCESS' and 'wait' in tasks:
            return tasks
        return None

    def finished(self, execution_id):
        def done():
            execution = self.app.get(f'/v2/executions/{execution_id}').json
            return execution if execution['state'] != 'RUNNING' else None
        return waiting.wait_for(done, 30, 'the execution to finish')

    def test_put_success_completes_the_task(self):
        execution, action = self.start()
        self.assertEqual('RUNNING',
                         self.app.get(f'/v2/executions/{execution["id"]}')
                         .json['state'])
        response = self.app.put_json(f'/v2/action_executions/{action["id"]}', {
            'state': 'SUCCESS', 'output': json.dumps({'answer': 42})})
        self.assertEqual(('SUCCESS', {'result': {'answer': 42}}),
                         (response.json['state'],
                          json.loads(response.json['output'])))
        finished = self.finished(execution['id'])
        self.assertEqual('SUCCESS', finished['state'], finished['state_info'])
        self.assertEqual({'answer': 42}, json.loads(finished['output']))
        shown = self.app.get(f'/v2/action_executions/{action["id"]}').json
        self.assertEqual('SUCCESS', shown['state'])
        again = self.app.put_json(f'/v2/action_executions/{action["id"]}', {
            'state': 'SUCCESS', 'output': {}}, expect_errors=True)
        self.assertEqual(409, again.status_int)
        self.assertIn('already finished', again.json['faultstring'])

    def test_put_error_fails_the_task(self):
        execution, action = self.start()
        self.app.put_json(f'/v2/action_executions/{action["id"]}', {
            'state': 'ERROR', 'output': 'the remote job failed'})
        finished = self.finished(execution['id'])
        self.assertEqual('ERROR', finished['state'])
        self.assertIn('the remote job failed', finished['state_info'])

    def test_only_success_or_error_may_be_put(self):
        _, action = self.start()
        response = self.app.put_json(f'/v2/action_executions/{action["id"]}', {
            'state': 'RUNNING'}, expect_errors=True)
        self.assertEqual(400, response.status_int)
        self.assertIn("Expected one of ['SUCCESS', 'ERROR']",
                      response.json['faultstring'])
        unknown = self.app.put_json('/v2/action_executions/nope', {
            'state': 'SUCCESS'}, expect_errors=True)
        self.assertEqual(404, unknown.status_int)


class DeniedActionTest(testtools.TestCase):

    def test_a_denied_action_fails_its_task_with_a_clear_message(self):
        conf = self.useFixture(config_fixture.Config(cfg.CONF)).conf
        config.register_opts(conf)
        conf.set_override('denied', ['std.echo'], group='actions')
        engine = self.useFixture(engine_fixtures.EngineFixture())
        app = webtest.TestApp(api_app.setup_app(
            engine.conf, engine.database, engine.engine_client))
        app.post('/v2/workflows', WORKFLOW, headers={'Content-Type': 'text/plain'})
        execution = app.post_json('/v2/executions', {
            'workflow_name': 'wait_for_callback'}).json

        def failed():
            tasks = app.get(f'/v2/executions/{execution["id"]}/tasks').json['tasks']
            return [task for task in tasks
                    if task['name'] == 'quick' and task['state'] == 'ERROR']

        [task] = waiting.wait_for(failed, 30, 'the task to fail')
        self.assertIn('action std.echo is disabled by [actions] denied',
                      task['state_info'])
