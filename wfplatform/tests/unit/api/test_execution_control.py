"""PUT on executions and tasks, in front of a real in-process engine."""

import json

import testtools
import webtest

from wfplatform.api import app as api_app
from wfplatform.tests.fixtures import engine as engine_fixtures
from wfplatform.tests import waiting

HELD = """
version: '2.0'
held:
  input:
    - word: hi
  output:
    said: <% $.said %>
  tasks:
    second:
      pause-before: true
      action: std.echo output=<% $.word %>
      publish:
        said: <% task().result %>
"""

RISKY = """
version: '2.0'
risky:
  output:
    outcome: <% $.outcome %>
  tasks:
    attempt:
      action: std.echo output=ok
      fail-on: <% env().broken %>
      publish:
        outcome: ran
      publish-on-skip:
        outcome: skipped
      on-skip: after
    after:
      action: std.noop
"""

MISSING = '00000000-0000-4000-8000-000000000000'


class ExecutionControlApiTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        engine = self.useFixture(engine_fixtures.EngineFixture())
        self.app = webtest.TestApp(api_app.setup_app(
            engine.conf, engine.database, engine.engine_client))

    def start(self, definition, name, **body):
        self.app.post('/v2/workflows', definition,
                      headers={'Content-Type': 'text/plain'})
        return self.app.post_json('/v2/executions',
                                  {'workflow_name': name, **body}).json

    def wait(self, execution_id, *wanted):
        def reached():
            execution = self.app.get(f'/v2/executions/{execution_id}').json
            return execution if execution['state'] in wanted else None
        return waiting.wait_for(reached, 30, f'{execution_id} in {wanted}')

    def put(self, path, body, status=200):
        return self.app.put_json(path, body, status=status).json

    def tasks(self, execution_id):
        return self.app.get(f'/v2/executions/{execution_id}/tasks').json['tasks']

    def test_pause_resume_and_description(self):
        execution = self.start(HELD, 'held')
        self.wait(execution['id'], 'PAUSED')
        path = f'/v2/executions/{execution["id"]}'
        described = self.put(path, {'description': 'looked at'})
        self.assertEqual(('looked at', 'PAUSED'),
                         (described['description'], described['state']))
        resumed = self.put(path, {'state': 'RUNNING',
                                  'params': json.dumps({'env': {'k': 1}})})
        self.assertEqual({'env': {'k': 1}}, json.loads(resumed['params']))
        done = self.wait(execution['id'], 'SUCCESS')
        self.assertEqual({'said': 'hi'}, json.loads(done['output']))
        again = self.put(path, {'state': 'PAUSED'}, status=409)
        self.assertIn('SUCCESS to PAUSED', again['faultstring'])

    def test_cancel_with_a_message(self):
        execution = self.start(HELD, 'held')
        self.wait(execution['id'], 'PAUSED')
        cancelled = self.put(f'/v2/executions/{execution["id"]}',
                             {'state': 'CANCELLED', 'state_info': 'not today'})
        self.assertEqual(('CANCELLED', 'not today'),
                         (cancelled['state'], cancelled['state_info']))
        [task] = self.tasks(execution['id'])
        self.assertEqual(('CANCELLED', 'not today'),
                         (task['state'], task['state_info']))

    def test_bad_execution_updates_are_refused(self):
        execution = self.start(HELD, 'held')
        path = f'/v2/executions/{execution["id"]}'
        cases = [
            ({}, 'state, description, or env is not provided'),
            ({'state': 'PAUSED', 'description': 'x'}, 'separately from state'),
            ({'state': 'CANCELLED', 'params': {'env': {'a': 1}}},
             'env can only be updated'),
            ({'state': 'IDLE'}, 'Cannot change state to IDLE'),
            ({'state': 'SLEEPING'}, 'field/attribute state'),
            ({'params': {'env': 'prod'}}, 'params.env'),
            ({'colour': 'red'}, 'colour'),
        ]
        for request, message in cases:
            fault = self.put(path, request, status=400)
            self.assertIn(message, fault['faultstring'], request)
        self.put(f'/v2/executions/{MISSING}', {'state': 'PAUSED'}, status=404)

    def test_skip_a_failed_task(self):
        execution = self.start(RISKY, 'risky', params={'env': {'broken': True}})
        self.wait(execution['id'], 'ERROR')
        [task] = self.tasks(execution['id'])
        skipped = self.put(f'/v2/tasks/{task["id"]}', {'state': 'SKIPPED'})
        self.assertEqual('SKIPPED', skipped['state'])
        done = self.wait(execution['id'], 'SUCCESS', 'ERROR')
        self.assertEqual('SUCCESS', done['state'], done['state_info'])
        self.assertEqual({'outcome': 'skipped'}, json.loads(done['output']))
        again = self.put(f'/v2/tasks/{task["id"]}', {'state': 'SKIPPED'},
                         status=409)
        self.assertIn('SKIPPED', again['faultstring'])

    def test_rerun_a_failed_task_as_the_client_sends_it(self):
        execution = self.start(RISKY, 'risky', params={'env': {'broken': True}})
        self.wait(execution['id'], 'ERROR')
        [task] = self.tasks(execution['id'])
        path = f'/v2/tasks/{task["id"]}'
        for request, status, message in [
                ({'state': 'SUCCESS'}, 400, 'field/attribute state'),
                ({'state': 'RUNNING', 'reset': 'yes'}, 400, 'reset'),
                ({'state': 'RUNNING', 'reset': False}, 400,
                 'Only with-items task'),
                ({'state': 'RUNNING', 'name': 'other'}, 400,
                 'Task name does not match')]:
            fault = self.put(path, request, status=status)
            self.assertIn(message, fault['faultstring'], request)
        rerun = self.put(path, {'id': task['id'], 'state': 'RUNNING', 'reset': True,
                                'env': json.dumps({'broken': False})})
        self.assertEqual(task['id'], rerun['id'])
        done = self.wait(execution['id'], 'SUCCESS', 'ERROR')
        self.assertEqual('SUCCESS', done['state'], done['state_info'])
        self.assertEqual({'outcome': 'ran'}, json.loads(done['output']))
        fault = self.put(path, {'state': 'RUNNING'}, status=409)
        self.assertIn('must be in ERROR for rerun', fault['faultstring'])
        self.put(f'/v2/tasks/{MISSING}', {'state': 'RUNNING'}, status=404)
