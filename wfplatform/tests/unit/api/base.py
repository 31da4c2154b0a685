"""The API under webtest on a migrated SQLite database, with a fake engine."""

import datetime
from typing import Any

import fixtures
from oslo_config import cfg
from oslo_serialization import jsonutils
from oslo_utils import uuidutils
import testtools
import webtest

from wfplatform.api import app as api_app
from wfplatform import config
from wfplatform.db.repositories import action_executions
from wfplatform.db.repositories import task_executions
from wfplatform.db.repositories import workflow_definitions
from wfplatform.db.repositories import workflow_executions
from wfplatform import exceptions
from wfplatform.tests.fixtures import database as db_fixtures

WORKFLOW = """---
version: '2.0'
greet:
  description: Says hello.
  tags: [demo, test]
  input:
    - name
    - greeting: Hello
  output:
    text: <% $.text %>
  tasks:
    hello:
      action: std.echo output="<% $.greeting %>, <% $.name %>"
      publish:
        text: <% task().result %>
"""

TWO_WORKFLOWS = """---
version: '2.0'
first:
  tasks:
    one:
      action: std.noop
second:
  input:
    - x
  tasks:
    two:
      action: std.echo output=<% $.x %>
"""

DEFAULT_PROJECT = config.DEFAULT_PROJECT_ID

CREATED = datetime.datetime(2024, 5, 1, 12, 30, 45, 123456)


class FakeEngineClient:
    """Starts a workflow by writing its execution row, as the engine would.

    Returns the record the way the real client does after an RPC hop: timestamps
    as ISO text. Every call is kept in ``calls``.
    """

    def __init__(self, database: Any) -> None:
        self.database = database
        self.calls: list[dict[str, Any]] = []

    def start_workflow(self, context: Any, *, workflow_identifier: str,
                       namespace: str = '', workflow_input: Any = None,
                       description: str = '', params: Any = None,
                       execution_id: str | None = None,
                       source_execution_id: str | None = None) -> dict[str, Any]:
        self.calls.append(dict(
            context=context, workflow_identifier=workflow_identifier,
            namespace=namespace, workflow_input=workflow_input,
            description=description, params=params, execution_id=execution_id,
            source_execution_id=source_execution_id))
        with self.database.transaction() as session:
            if execution_id:
                try:
                    return jsonutils.to_primitive(
                        workflow_executions.get(session, execution_id),
                        convert_datetime=True)
                except exceptions.NotFound:
                    pass
            definition = workflow_definitions.get(
                session, workflow_identifier, namespace=namespace,
                project_id=context.project_id)
            record = workflow_executions.create(
                session, id=execution_id or uuidutils.generate_uuid(),
                name=definition['name'], workflow_id=definition['id'],
                workflow_namespace=definition['namespace'], description=description,
                spec=definition['spec'], state='RUNNING', input=workflow_input,
                params=params, context={'name': 'x', '__execution': {'id': '1'}},
                runtime_context={}, source_execution_id=source_execution_id,
                project_id=context.project_id)
        return jsonutils.to_primitive(record, convert_datetime=True)


class ApiTestCase(testtools.TestCase):
    """``self.app`` is a webtest app on a fresh database; helpers insert rows."""

    def setUp(self) -> None:
        super().setUp()
        self.useFixture(fixtures.FakeLogger(level=20))
        self.conf = cfg.ConfigOpts()
        config.register_opts(self.conf)
        self.conf([], project='wfplatform')
        self.database = self.useFixture(db_fixtures.MigratedDatabase('sqlite')).database
        self.engine_client = FakeEngineClient(self.database)
        self.app = self.make_app()

    def make_app(self, overrides: dict[tuple[str, str], Any] | None = None
                 ) -> webtest.TestApp:
        """A new application, after ``{(group, option): value}`` overrides."""
        for (group, name), value in (overrides or {}).items():
            self.conf.set_override(name, value, group=group)
        return webtest.TestApp(
            api_app.setup_app(self.conf, self.database, self.engine_client))

    def assertFault(self, response: Any, status: int, *fragments: str) -> None:
        self.assertEqual(status, response.status_int)
        self.assertEqual('application/json', response.content_type)
        self.assertEqual({'faultstring', 'faultcode', 'debuginfo'},
                         set(response.json))
        self.assertEqual('Client' if status < 500 else 'Server',
                         response.json['faultcode'])
        self.assertIsNone(response.json['debuginfo'])
        for fragment in fragments:
            self.assertIn(fragment, response.json['faultstring'])

    def create_workflows(self, text: str = WORKFLOW, **params: str) -> list[dict]:
        query = '&'.join(f'{key}={value}' for key, value in params.items())
        response = self.app.post(f'/v2/workflows?{query}', text,
                                 headers={'Content-Type': 'text/plain'})
        return response.json['workflows']

    def insert_execution(self, **values: Any) -> dict[str, Any]:
        defaults = dict(name='greet', workflow_namespace='', spec={},
                        state='SUCCESS', input={'name': 'Ann'},
                        output={'text': 'Hello, Ann'}, params={'env': {}},
                        context={}, project_id=DEFAULT_PROJECT)
        with self.database.transaction() as session:
            return workflow_executions.create(session, **{**defaults, **values})

    def insert_task(self, execution: dict[str, Any], **values: Any) -> dict[str, Any]:
        task_id = values.pop('id', uuidutils.generate_uuid())
        defaults = dict(
            id=task_id, name='hello', unique_key=task_id, type='ACTION',
            workflow_execution_id=execution['id'],
            root_execution_id=execution['root_execution_id'],
            workflow_name=execution['name'], workflow_id=execution['workflow_id'],
            state='SUCCESS', result='Hello, Ann', published={'text': 'Hello, Ann'},
            runtime_context={'retry_task_policy': {'retry_no': 0}}, processed=True,
            started_at=CREATED, finished_at=CREATED + datetime.timedelta(seconds=2),
            project_id=DEFAULT_PROJECT)
        with self.database.transaction() as session:
            return task_executions.create(session, **{**defaults, **values})

    def insert_action(self, task: dict[str, Any] | None, **values: Any) -> dict:
        defaults = dict(
            name='std.echo', task_execution_id=task and task['id'],
            root_execution_id=task and task['root_execution_id'],
            workflow_name=task and task['workflow_name'], state='SUCCESS',
            accepted=True, input={'output': 'Hello, Ann'},
            output={'result': 'Hello, Ann'}, project_id=DEFAULT_PROJECT)
        with self.database.transaction() as session:
            return action_executions.create(session, **{**defaults, **values})
