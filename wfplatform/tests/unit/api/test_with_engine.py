"""The API in front of a real engine: RPC over ``fake://``, the local executor."""

import json

import testtools
import webtest

from wfplatform.api import app as api_app
from wfplatform.tests.fixtures import engine as engine_fixtures
from wfplatform.tests.unit.api import base
from wfplatform.tests import waiting


class TestWithEngine(testtools.TestCase):

    def setUp(self):
        super().setUp()
        engine = self.useFixture(engine_fixtures.EngineFixture())
        self.app = webtest.TestApp(api_app.setup_app(
            engine.conf, engine.database, engine.engine_client))

    def test_a_workflow_runs_to_success(self):
        self.app.post('/v2/workflows', base.WORKFLOW,
                      headers={'Content-Type': 'text/plain'})
        created = self.app.post_json('/v2/executions', {
            'workflow_name': 'greet', 'input': {'name': 'Ann'}}).json
        self.assertEqual('greet', created['workflow_name'])
        self.assertEqual({'name': 'Ann', 'greeting': 'Hello'},
                         json.loads(created['input']))

        def finished():
            execution = self.app.get(f'/v2/executions/{created["id"]}').json
            return execution if execution['state'] != 'RUNNING' else None

        execution = waiting.wait_for(finished, 30, 'the execution to finish')
        self.assertEqual('SUCCESS', execution['state'], execution['state_info'])
        self.assertEqual({'text': 'Hello, Ann'}, json.loads(execution['output']))
        [task] = self.app.get(f'/v2/executions/{created["id"]}/tasks').json['tasks']
        self.assertEqual(('hello', 'SUCCESS', 'ACTION'),
                         (task['name'], task['state'], task['type']))
        [action] = self.app.get(
            f'/v2/tasks/{task["id"]}/action_executions').json['action_executions']
        self.assertEqual(('std.echo', 'hello'), (action['name'], action['task_name']))

    def test_engine_errors_keep_their_status_over_rpc(self):
        response = self.app.post_json('/v2/executions', {'workflow_name': 'nope'},
                                      expect_errors=True)
        self.assertEqual(404, response.status_int)
        self.assertIn('nope', response.json['faultstring'])

    def test_a_workbook_workflow_uses_its_own_workflows_and_actions(self):
        self.app.post('/v2/workbooks', WORKBOOK,
                      headers={'Content-Type': 'text/plain'})
        created = self.app.post_json('/v2/executions', {
            'workflow_name': 'shop.main', 'input': {'item': 'tea'}}).json

        def finished():
            execution = self.app.get(f'/v2/executions/{created["id"]}').json
            return execution if execution['state'] != 'RUNNING' else None

        execution = waiting.wait_for(finished, 30, 'the execution to finish')
        self.assertEqual('SUCCESS', execution['state'], execution['state_info'])
        self.assertEqual({'receipt': 'BOUGHT TEA'},
                         json.loads(execution['output']))
        executions = self.app.get('/v2/executions').json['executions']
        self.assertEqual(['shop.buy', 'shop.main'],
                         sorted(e['workflow_name'] for e in executions))


WORKBOOK = """
version: '2.0'
name: shop
workflows:
  main:
    input: [item]
    tasks:
      call:
        workflow: buy
        input:
          what: <% $.item %>
        publish:
          receipt: <% task().result.receipt %>
    output:
      receipt: <% $.receipt %>
  buy:
    input: [what]
    tasks:
      pay:
        action: shout text="bought <% $.what %>"
        publish:
          receipt: <% task().result %>
    output:
      receipt: <% $.receipt %>
actions:
  shout:
    base: std.echo output=<% $.text %>
    input: [text]
    output: <% $.toUpper() %>
"""
