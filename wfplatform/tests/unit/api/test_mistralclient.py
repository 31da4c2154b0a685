"""python-mistralclient against the API: its managers, resources and CLI formatters.

The client's HTTP session gets a ``requests`` transport adapter that hands every
request to the webtest application, so the client's own URL building, JSON
handling and error parsing run unchanged.
"""

import json
from typing import Any
import urllib.parse

from mistralclient.api import base as client_base
from mistralclient.api import httpclient
from mistralclient.api.v2 import action_executions
from mistralclient.api.v2 import actions
from mistralclient.api.v2 import environments
from mistralclient.api.v2 import executions
from mistralclient.api.v2 import tasks
from mistralclient.api.v2 import workbooks
from mistralclient.api.v2 import workflows
from mistralclient.commands.v2 import action_executions as action_execution_commands
from mistralclient.commands.v2 import actions as action_commands
from mistralclient.commands.v2 import environments as environment_commands
from mistralclient.commands.v2 import executions as execution_commands
from mistralclient.commands.v2 import tasks as task_commands
from mistralclient.commands.v2 import workbooks as workbook_commands
from mistralclient.commands.v2 import workflows as workflow_commands
import requests
from requests import adapters
from requests import structures
import testtools
import webtest

from wfplatform.api import app as api_app
from wfplatform.tests.fixtures import engine as engine_fixtures
from wfplatform.tests.unit.api import base
from wfplatform.tests import waiting

BASE_URL = 'http://wfplatform.test:8989/v2'

WORKBOOK = """\
version: '2.0'
name: book
tags: [demo]
workflows:
  main:
    tasks:
      hello:
        action: say text=hi
actions:
  say:
    base: std.echo output=<% $.text %>
    input: [text]
"""

ACTION = """\
version: '2.0'
shout:
  base: std.echo output=<% $.text %>
  input: [text]
"""


class WebTestAdapter(adapters.BaseAdapter):
    """A ``requests`` transport that answers from a webtest application."""

    def __init__(self, app: Any) -> None:
        super().__init__()
        self.app = app

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> Any:
        url = urllib.parse.urlsplit(request.url)
        body = request.body or b''
        reply = self.app.request(
            url.path + (f'?{url.query}' if url.query else ''),
            method=request.method, body=body.encode() if isinstance(body, str)
            else body,
            headers={'Host': url.netloc,
                     **{name: value for name, value in request.headers.items()
                        if name.lower() != 'content-length'}},
            expect_errors=True)
        response = requests.Response()
        response.status_code = reply.status_int
        response.headers = structures.CaseInsensitiveDict(reply.headers)
        response._content = reply.body
        response.encoding = 'utf-8'
        response.url = request.url
        response.request = request
        return response

    def close(self) -> None:
        pass


class TestMistralClient(base.ApiTestCase):

    def setUp(self):
        super().setUp()
        session = requests.Session()
        session.mount('http://wfplatform.test:8989/', WebTestAdapter(self.app))
        http = httpclient.HTTPClient(BASE_URL, session=session)
        self.workflows = workflows.WorkflowManager(http)
        self.executions = executions.ExecutionManager(http)
        self.tasks = tasks.TaskManager(http)
        self.action_executions = action_executions.ActionExecutionManager(http)
        self.workbooks = workbooks.WorkbookManager(http)
        self.environments = environments.EnvironmentManager(http)
        self.actions = actions.ActionManager(http)

    def test_workflow_create_list_get(self):
        [created] = self.workflows.create(base.WORKFLOW)
        self.assertEqual('greet', created.name)
        self.assertEqual('name, greeting=Hello', created.input)
        self.assertEqual(['demo', 'test'], created.tags)
        self.assertEqual('private', created.scope)
        self.assertEqual([created.id], [w.id for w in self.workflows.list()])
        fetched = self.workflows.get('greet')
        self.assertEqual(created.to_dict(), fetched.to_dict())
        headings, row = workflow_commands.WorkflowFormatter.format(fetched)
        self.assertEqual('greet', row[1])

    def test_workflow_update_validate_delete(self):
        [created] = self.workflows.create(base.WORKFLOW, namespace='team')
        changed = base.WORKFLOW.replace('Hello', 'Hi')
        [updated] = self.workflows.update(changed, namespace='team')
        self.assertEqual('name, greeting=Hi', updated.input)
        by_id = self.workflows.update(base.WORKFLOW, namespace='team',
                                      id=created.id)
        self.assertEqual(created.id, by_id.id)
        self.assertEqual({'valid': True, 'error': None},
                         self.workflows.validate(base.WORKFLOW))
        self.assertFalse(self.workflows.validate("version: '2.0'\nwf: [")['valid'])
        self.workflows.delete('greet', namespace='team')
        self.assertEqual([], self.workflows.list())

    def test_errors_carry_status_and_faultstring(self):
        error = self.assertRaises(client_base.APIException,
                                  self.workflows.get, 'nope')
        self.assertEqual(404, error.error_code)
        self.assertIn('nope', error.error_message)
        self.workflows.create(base.WORKFLOW)
        error = self.assertRaises(client_base.APIException,
                                  self.workflows.create, base.WORKFLOW)
        self.assertEqual(409, error.error_code)

    def test_execution_create_get_list(self):
        [workflow] = self.workflows.create(base.WORKFLOW)
        created = self.executions.create(workflow.id, workflow_input={'name': 'Ann'},
                                         description='by client', env={'a': 1})
        self.assertEqual('greet', created.workflow_name)
        self.assertEqual(workflow.id, created.workflow_id)
        self.assertEqual('RUNNING', created.state)
        self.assertEqual({'name': 'Ann'}, json.loads(created.input))
        self.assertEqual({'env': {'a': 1}}, json.loads(created.params))
        fetched = self.executions.get(created.id)
        self.assertEqual(created.id, fetched.id)
        self.assertIsNone(fetched.root_execution_id)
        self.assertEqual('by client', fetched.description)
        [listed] = self.executions.list()
        self.assertEqual(created.id, listed.id)
        by_name = self.executions.create('greet', workflow_input='{"name": "Bo"}')
        self.assertEqual({'name': 'Bo'}, json.loads(by_name.input))
        _, row = execution_commands.ExecutionFormatter.format(fetched)
        self.assertEqual('<none>', row[6])

    def test_execution_list_as_the_cli_asks(self):
        execution = self.insert_execution()
        [listed] = self.executions.list(
            nulls='root_execution_id', sort_keys='created_at', sort_dirs='desc',
            limit=100, fields=execution_commands.ExecutionFormatter.fields())
        self.assertEqual(execution['id'], listed.id)
        _, row = execution_commands.ExecutionFormatter.format_list(listed)
        self.assertEqual('greet', row[2])

    def test_tasks_and_action_executions(self):
        execution = self.insert_execution()
        task = self.insert_task(execution)
        action = self.insert_action(task)
        [listed] = self.tasks.list(execution['id'])
        self.assertEqual('hello', listed.name)
        self.assertEqual(execution['id'], listed.workflow_execution_id)
        self.assertEqual({'text': 'Hello, Ann'}, json.loads(listed.published))
        fetched = self.tasks.get(task['id'])
        self.assertEqual('Hello, Ann', json.loads(fetched.result))
        _, row = task_commands.TaskFormatter.format(fetched)
        self.assertEqual('0:00:02', row[-1])
        [action_ex] = self.action_executions.list(task['id'])
        self.assertEqual(action['id'], action_ex.id)
        self.assertEqual('hello', action_ex.task_name)
        _, row = action_execution_commands.ActionExecutionFormatter.format(
            self.action_executions.get(action['id']))
        self.assertEqual('hello', row[4])

    def test_workbook_create_get_update_delete(self):
        created = self.workbooks.create(WORKBOOK, namespace='team')
        self.assertEqual(('book', 'team', ['demo'], 'private'),
                         (created.name, created.namespace, created.tags,
                          created.scope))
        self.assertEqual(created.to_dict(),
                         self.workbooks.get('book', namespace='team').to_dict())
        self.assertEqual([created.id], [w.id for w in self.workbooks.list()])
        self.assertEqual(['book.main'], [w.name for w in self.workflows.list()])
        _, row = workbook_commands.WorkbookFormatter.format(created)
        self.assertEqual(('book', 'team', 'demo'), row[:3])
        updated = self.workbooks.update(WORKBOOK.replace('demo', 'ops'),
                                        namespace='team', scope='public')
        self.assertEqual((['ops'], 'public'), (updated.tags, updated.scope))
        self.assertEqual({'valid': True}, self.workbooks.validate(WORKBOOK))
        self.assertFalse(self.workbooks.validate('name: [')['valid'])
        self.workbooks.delete('book', namespace='team')
        self.assertEqual([], self.workbooks.list())
        self.assertEqual([], self.workflows.list())

    def test_environment_create_get_update_delete(self):
        created = self.environments.create(name='dev', description='Dev',
                                           variables={'host': 'a'})
        self.assertEqual(('dev', {'host': 'a'}, 'private'),
                         (created.name, created.variables, created.scope))
        fetched = self.environments.get('dev')
        self.assertEqual(created.id, fetched.id)
        self.assertEqual({'host': 'a'}, fetched.variables)
        _, row = environment_commands.EnvironmentFormatter.format(fetched)
        self.assertEqual(('dev', 'Dev'), row[:2])
        [listed] = self.environments.list()
        _, row = environment_commands.EnvironmentFormatter.format_list(listed)
        self.assertEqual('dev', row[0])
        updated = self.environments.update(name='dev', variables={'host': 'b'},
                                           scope='public')
        self.assertEqual(({'host': 'b'}, 'public'),
                         (updated.variables, updated.scope))
        error = self.assertRaises(client_base.APIException,
                                  self.environments.create, name='dev',
                                  variables={})
        self.assertEqual(409, error.error_code)
        self.environments.delete('dev')
        self.assertEqual([], self.environments.list())

    def test_adhoc_action_create_get_update_delete(self):
        [created] = self.actions.create(ACTION, namespace='team')
        self.assertEqual(('shout', 'team', 'text', False),
                         (created.name, created.namespace, created.input,
                          created.is_system))
        fetched = self.actions.get('shout', namespace='team')
        self.assertEqual(created.id, fetched.id)
        _, row = action_commands.ActionFormatter.format(fetched)
        self.assertEqual('shout', row[1])
        [updated] = self.actions.update(ACTION.replace('[text]', '[text, n]'),
                                        namespace='team')
        self.assertEqual('text, n', updated.input)
        [by_id] = self.actions.update(ACTION, id=created.id, namespace='team')
        self.assertEqual((created.id, 'text'), (by_id.id, by_id.input))
        self.assertEqual({'valid': True}, self.actions.validate(ACTION))
        self.actions.delete('shout', namespace='team')
        error = self.assertRaises(client_base.APIException, self.actions.get,
                                  'shout', namespace='team')
        self.assertEqual(404, error.error_code)


CONTROLLED = """\
version: '2.0'
nap_then_speak:
  output:
    said: <% $.said %>
  tasks:
    nap:
      action: std.sleep seconds=0.5
      on-success: speak
    speak:
      action: std.echo output=awake
      fail-on: <% env().broken %>
      publish:
        said: <% task().result %>
"""


class TestMistralClientWithEngine(testtools.TestCase):
    """The client's execution and task updates, answered by a real engine."""

    def setUp(self):
        super().setUp()
        engine = self.useFixture(engine_fixtures.EngineFixture())
        app = webtest.TestApp(api_app.setup_app(engine.conf, engine.database,
                                                engine.engine_client))
        session = requests.Session()
        session.mount('http://wfplatform.test:8989/', WebTestAdapter(app))
        http = httpclient.HTTPClient(BASE_URL, session=session)
        self.workflows = workflows.WorkflowManager(http)
        self.executions = executions.ExecutionManager(http)
        self.tasks = tasks.TaskManager(http)

    def wait(self, execution_id, *wanted):
        def reached():
            execution = self.executions.get(execution_id)
            return execution if execution.state in wanted else None
        return waiting.wait_for(reached, 30, f'execution in {wanted}')

    def task(self, execution_id, name):
        return next(t for t in self.tasks.list(execution_id) if t.name == name)

    def test_pause_resume_then_rerun(self):
        self.workflows.create(CONTROLLED)
        created = self.executions.create('nap_then_speak',
                                         env={'broken': True})
        paused = self.executions.update(created.id, 'PAUSED')
        self.assertEqual('PAUSED', paused.state)
        waiting.wait_for(lambda: self.task(created.id, 'nap').state == 'SUCCESS',
                         30, 'the nap to end')
        self.assertEqual(['nap'], [t.name for t in self.tasks.list(created.id)])
        resumed = self.executions.update(created.id, 'RUNNING')
        self.assertIn(resumed.state, ('RUNNING', 'ERROR'))
        self.assertEqual('ERROR', self.wait(created.id, 'ERROR', 'SUCCESS').state)
        speak = self.task(created.id, 'speak')
        rerun = self.tasks.rerun(speak.id, env={'broken': False})
        self.assertEqual(speak.id, rerun.id)
        done = self.wait(created.id, 'SUCCESS', 'ERROR')
        self.assertEqual('SUCCESS', done.state, done.state_info)
        self.assertEqual({'said': 'awake'}, json.loads(done.output))
        error = self.assertRaises(client_base.APIException,
                                  self.executions.update, created.id, 'PAUSED')
        self.assertEqual(409, error.error_code)
