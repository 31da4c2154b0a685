"""Actions run alone, and execution trees, against a real in-process engine.

The API sends through the engine's own outbox, as it does when both run in one
process; the engine's local executor runs the actions.
"""

import json

from mistralclient.api import base as client_base
from mistralclient.api import httpclient
from mistralclient.api.v2 import action_executions as client_action_executions
from mistralclient.api.v2 import executions as client_executions
import requests
import testtools
import webtest

from wfplatform.actions import registry as action_registry
from wfplatform.api import action_runs
from wfplatform.api import app as api_app
from wfplatform.db.repositories import action_executions
from wfplatform.db.repositories import common as repository
from wfplatform.db.repositories import outbox
from wfplatform.db.repositories import task_executions
from wfplatform.db.repositories import workflow_executions
from wfplatform.tests.fixtures import engine as engine_fixtures
from wfplatform.tests.unit.api import test_mistralclient
from wfplatform.tests import waiting

ADHOC = """\
version: '2.0'
shout:
  base: std.echo output=<% $.text %>
  input: [text]
  output: <% $.toUpper() %>
"""

NESTED = """\
version: '2.0'
outer:
  tasks:
    call:
      workflow: inner
inner:
  tasks:
    hello:
      action: std.echo output=hi
"""


class EngineApiTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.engine = self.useFixture(engine_fixtures.EngineFixture())
        self.runs = action_runs.ActionRuns(
            executor_topic=self.engine.conf.executor.topic, max_wait=20,
            registry=action_registry.ActionRegistry(self.engine.conf),
            sender=self.engine.service.outbox)
        self.app = self.make_app()

    def make_app(self, runs=None, **overrides):
        for name, value in overrides.items():
            self.engine.conf.set_override(name, value, group='api')
        return webtest.TestApp(api_app.setup_app(
            self.engine.conf, self.engine.database, self.engine.engine_client,
            runs or self.runs))

    def stored(self, module, **filters):
        query = repository.ListQuery(filters=tuple(
            repository.Filter(name, 'eq', value) for name, value in filters.items()))
        with self.engine.database.transaction() as session:
            return module.list(session, query)

    def run_action(self, document, status=201):
        response = self.app.post_json('/v2/action_executions', document,
                                      expect_errors=status >= 400)
        self.assertEqual(status, response.status_int, response.body)
        return response.json


class TestRunAction(EngineApiTestCase):

    def test_a_sync_action_by_default_waits_and_is_not_stored(self):
        ran = self.run_action({'name': 'std.echo', 'input': {'output': 'hi'}})
        self.assertEqual(('SUCCESS', {'result': 'hi'}, None),
                         (ran['state'], json.loads(ran['output']), ran['id']))
        self.assertEqual([], self.stored(action_executions))

    def test_save_result_with_run_sync_waits_and_stores(self):
        ran = self.run_action({'name': 'std.echo', 'input': '{"output": [1, 2]}',
                               'params': {'run_sync': True, 'save_result': True},
                               'description': 'by hand'})
        self.assertEqual({'result': [1, 2]}, json.loads(ran['output']))
        fetched = self.app.get(f'/v2/action_executions/{ran["id"]}').json
        self.assertEqual(('SUCCESS', 'by hand', None),
                         (fetched['state'], fetched['description'],
                          fetched['task_execution_id']))

    def test_save_result_alone_answers_at_once_and_stores(self):
        ran = self.run_action({'name': 'std.echo', 'input': {'output': 'later'},
                               'params': '{"save_result": true}'})
        self.assertEqual('RUNNING', ran['state'])

        def finished():
            record = self.app.get(f'/v2/action_executions/{ran["id"]}').json
            return record if record['state'] != 'RUNNING' else None

        record = waiting.wait_for(finished, 30, 'the action to finish')
        self.assertEqual({'result': 'later'}, json.loads(record['output']))

    def test_the_wait_ends_at_the_timeout(self):
        ran = self.run_action({'name': 'std.sleep', 'input': {'seconds': 1},
                               'params': {'run_sync': True, 'timeout': 0.05}})
        self.assertEqual('RUNNING', ran['state'])
        self.assertIsNotNone(ran['id'])

    def test_an_async_action(self):
        ran = self.run_action({'name': 'std.async_noop'})
        self.assertEqual('RUNNING', ran['state'])
        self.assertEqual([ran['id']], [r['id'] for r in self.stored(action_executions)])
        refused = self.run_action({'name': 'std.async_noop',
                                   'params': {'run_sync': True}}, status=400)
        self.assertIn('does not support synchronous execution',
                      refused['faultstring'])

    def test_an_adhoc_action_runs_its_base_and_output(self):
        self.engine.define_actions(ADHOC)
        ran = self.run_action({'name': 'shout', 'input': {'text': 'hey'}})
        self.assertEqual({'result': 'HEY'}, json.loads(ran['output']))
        self.assertEqual('shout', ran['name'])

    def test_an_action_error_is_its_output(self):
        ran = self.run_action({'name': 'std.fail', 'input': {'error_data': 'no'},
                               'params': {'save_result': True, 'run_sync': True}})
        self.assertEqual('ERROR', ran['state'])

    def test_bad_requests(self):
        def refused(document, *fragments):
            body = self.run_action(document, status=400)
            for fragment in fragments:
                self.assertIn(fragment, body['faultstring'])

        refused({'input': {}}, 'Please provide at least action name')
        refused({'name': 'std.nope'}, 'Failed to find action [action_name=std.nope]')
        refused({'name': 'std.echo', 'input': {'x': 1}}, 'std.echo', "'x'")
        refused({'name': 'std.echo', 'params': {'run_sync': 'often'}},
                'params.run_sync')
        refused({'name': 'std.echo', 'params': {'timeout': -1}}, 'params.timeout')
        refused({'name': 'std.echo', 'params': '[1]'}, 'params')
        refused({'name': 'std.echo', 'colour': 'red'}, 'colour')
        self.engine.define_actions(ADHOC)
        refused({'name': 'shout', 'input': {}}, "missing=['text']")
        self.assertEqual([], self.stored(action_executions))

    def test_unknown_params_are_ignored_as_mistral_does(self):
        ran = self.run_action({'name': 'std.echo', 'input': {'output': 1},
                               'params': {'sync': True}})
        self.assertEqual({'result': 1}, json.loads(ran['output']))

    def test_without_a_way_to_run_actions(self):
        app = webtest.TestApp(api_app.setup_app(
            self.engine.conf, self.engine.database, self.engine.engine_client))
        response = app.post_json('/v2/action_executions', {'name': 'std.noop'},
                                 expect_errors=True)
        self.assertEqual(503, response.status_int)

    def test_without_a_sender_the_message_waits_for_the_engine_sweep(self):
        runs = action_runs.ActionRuns(
            executor_topic=self.engine.conf.executor.topic, max_wait=20)
        ran = self.make_app(runs).post_json('/v2/action_executions', {
            'name': 'std.echo', 'input': {'output': 'swept'},
            'params': {'save_result': True}}).json
        self.assertEqual('RUNNING', ran['state'])
        with self.engine.database.transaction() as session:
            [message] = outbox.list_stale(session, 0, 10)
        self.assertEqual(('run_action', ran['id']),
                         (message['method'],
                          message['payload']['request']['action_execution_id']))


class TestDeleteActionExecution(EngineApiTestCase):

    def saved(self):
        return self.run_action({'name': 'std.echo', 'input': {'output': 1},
                                'params': {'run_sync': True, 'save_result': True}})

    def test_refused_unless_the_option_allows_it(self):
        ran = self.saved()
        response = self.app.delete(f'/v2/action_executions/{ran["id"]}',
                                   expect_errors=True)
        self.assertEqual(403, response.status_int)
        self.assertEqual('Action execution deletion is not allowed.',
                         response.json['faultstring'])

    def test_deletes_a_finished_action_run_alone(self):
        app = self.make_app(allow_action_execution_deletion=True)
        ran = self.saved()
        app.delete(f'/v2/action_executions/{ran["id"]}', status=204)
        self.assertEqual(404, app.get(f'/v2/action_executions/{ran["id"]}',
                                      expect_errors=True).status_int)
        self.assertEqual(404, app.delete(f'/v2/action_executions/{ran["id"]}',
                                         expect_errors=True).status_int)

    def test_refuses_running_and_task_actions(self):
        app = self.make_app(allow_action_execution_deletion=True)
        running = self.run_action({'name': 'std.async_noop'})
        response = app.delete(f'/v2/action_executions/{running["id"]}',
                              expect_errors=True)
        self.assertEqual((403, 'Only completed action execution can be deleted.'),
                         (response.status_int, response.json['faultstring']))
        self.engine.define(NESTED)
        execution = self.engine.start('inner')
        self.engine.wait_finished(execution['id'])
        [action] = self.stored(action_executions,
                               root_execution_id=execution['id'])
        response = app.delete(f'/v2/action_executions/{action["id"]}',
                              expect_errors=True)
        self.assertEqual((403, 'Only ad-hoc action execution can be deleted.'),
                         (response.status_int, response.json['faultstring']))


class TestRealTrees(EngineApiTestCase):

    def test_report_and_delete_of_a_finished_nested_execution(self):
        self.engine.define(NESTED)
        execution = self.engine.start('outer')
        self.engine.wait_finished(execution['id'])
        root_id = execution['id']
        report = self.app.get(f'/v2/executions/{root_id}/report').json
        self.assertEqual(2, report['statistics']['success_tasks_count'])
        [call] = report['root_workflow_execution']['task_executions']
        [inner] = call['workflow_executions']
        [hello] = inner['task_executions']
        self.assertEqual('std.echo', hello['action_executions'][0]['name'])
        subs = self.app.get(f'/v2/executions/{root_id}/executions').json
        self.assertEqual(['outer', 'inner'],
                         [e['workflow_name'] for e in subs['executions']])
        self.app.delete(f'/v2/executions/{root_id}', status=204)
        for module in (workflow_executions, task_executions, action_executions):
            self.assertEqual([], self.stored(module, root_execution_id=root_id))


class TestMistralClient(EngineApiTestCase):

    def setUp(self):
        super().setUp()
        session = requests.Session()
        session.mount('http://wfplatform.test:8989/',
                      test_mistralclient.WebTestAdapter(self.app))
        http = httpclient.HTTPClient(test_mistralclient.BASE_URL, session=session)
        self.executions = client_executions.ExecutionManager(http)
        self.action_executions = client_action_executions.ActionExecutionManager(
            http)

    def test_run_an_action(self):
        ran = self.action_executions.create('std.echo', {'output': 'hi'}, sync=True)
        self.assertEqual({'result': 'hi'}, json.loads(ran.output))
        saved = self.action_executions.create(
            'std.echo', {'output': 'kept'}, run_sync=True, save_result=True)
        self.assertEqual('kept', json.loads(
            self.action_executions.get(saved.id).output)['result'])
        error = self.assertRaises(client_base.APIException,
                                  self.action_executions.create, 'std.nope')
        self.assertEqual(400, error.error_code)

    def test_report_and_delete(self):
        self.engine.define(NESTED)
        execution = self.engine.start('outer')
        self.engine.wait_finished(execution['id'])
        report = self.executions.get_report(execution['id'], errors_only=False,
                                            max_depth=1)
        self.assertEqual('outer', report['root_workflow_execution']['name'])
        self.assertEqual(2, report['statistics']['total_tasks_count'])
        statistics = self.executions.get_report(execution['id'],
                                                statistics_only=True)
        self.assertEqual(['statistics'], list(statistics))
        subs = self.executions.get_ex_sub_executions(execution['id'])
        self.assertEqual(2, len(subs))
        self.executions.delete(execution['id'])
        error = self.assertRaises(client_base.APIException,
                                  self.executions.get, execution['id'])
        self.assertEqual(404, error.error_code)

    def test_delete_a_running_execution_needs_force(self):
        self.engine.define("""\
version: '2.0'
slow:
  tasks:
    wait:
      action: std.async_noop
""")
        execution = self.engine.start('slow')
        error = self.assertRaises(client_base.APIException,
                                  self.executions.delete, execution['id'])
        self.assertEqual(403, error.error_code)
        self.executions.delete(execution['id'], force=True)
        self.assertEqual([], self.executions.list())
