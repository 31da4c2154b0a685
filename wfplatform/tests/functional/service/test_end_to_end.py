"""Workflows run by api, engine and executor as three processes.

PostgreSQL + RabbitMQ is the production path; MariaDB and the embedded default
(SQLite + in-process messaging, one process) are covered too.
"""

import http.server
import json
import threading

import testtools

from wfplatform.tests.functional.service import cluster as service_cluster

HELLO = """
version: '2.0'
hello:
  input:
    - name
  output:
    greeting: <% $.greeting %>
    shouted: <% $.shouted %>
  tasks:
    greet:
      action: std.echo output="Hello, <% $.name %>!"
      publish:
        greeting: <% task().result %>
      on-success: shout
    shout:
      action: std.echo
      input:
        output: '{{ _.greeting | upper }}'
      publish:
        shouted: '{{ task().result }}'
"""

FAILING = """
version: '2.0'
failing:
  tasks:
    boom:
      action: std.fail
      on-success: never
    never:
      action: std.noop
"""


LOCAL_SERVERS = '[egress]\nallow_loopback = true\n'
"""std.http in these tests reaches servers on 127.0.0.1, which [egress] denies
by default."""


class _EndToEnd:
    """Scenarios every deployment shape must pass."""

    cluster: service_cluster.ServiceCluster

    def test_chain_publishes_and_outputs(self):
        self.cluster.upload(HELLO)
        execution = self.cluster.run_workflow('hello', {'name': 'ops'})
        self.assertEqual('SUCCESS', execution['state'], execution['state_info'])
        self.assertEqual({'greeting': 'Hello, ops!', 'shouted': 'HELLO, OPS!'},
                         json.loads(execution['output']))
        status, body = self.cluster.request(
            'GET', f'/v2/executions/{execution["id"]}/tasks')
        self.assertEqual(200, status)
        tasks = {t['name']: t for t in body['tasks']}
        self.assertEqual({'greet', 'shout'}, set(tasks))
        self.assertEqual('SUCCESS', tasks['shout']['state'])
        self.assertEqual({'shouted': 'HELLO, OPS!'},
                         json.loads(tasks['shout']['published']))
        self.assertNotIn('result', tasks['shout'])
        _, shout = self.cluster.request('GET', f'/v2/tasks/{tasks["shout"]["id"]}')
        self.assertEqual('HELLO, OPS!', json.loads(shout['result']))

    def test_unhandled_failure_ends_in_error_with_the_reason(self):
        self.cluster.upload(FAILING)
        execution = self.cluster.run_workflow('failing')
        self.assertEqual('ERROR', execution['state'])
        self.assertIn('Failure caused by error in tasks: boom',
                      execution['state_info'])
        status, body = self.cluster.request(
            'GET', f'/v2/action_executions?task_execution_id='
                   f'{self._task_id(execution["id"], "boom")}')
        self.assertEqual(200, status)
        self.assertEqual(['ERROR'], [a['state'] for a in body['action_executions']])

    def _task_id(self, execution_id, name):
        _, body = self.cluster.request('GET', f'/v2/executions/{execution_id}/tasks')
        return next(t['id'] for t in body['tasks'] if t['name'] == name)


class PostgreSQLRabbitTest(_EndToEnd, testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.cluster = self.useFixture(service_cluster.ServiceCluster(
            'postgresql', extra_config=LOCAL_SERVERS))

    def test_many_executions_at_once_all_succeed(self):
        self.cluster.upload(HELLO)
        ids = []
        for n in range(20):
            status, execution = self.cluster.request('POST', '/v2/executions', {
                'workflow_name': 'hello', 'input': {'name': str(n)}})
            self.assertEqual(201, status, execution)
            ids.append(execution['id'])
        for n, execution_id in enumerate(ids):
            execution = self.cluster.wait_finished(execution_id)
            self.assertEqual('SUCCESS', execution['state'], execution['state_info'])
            self.assertEqual(f'HELLO, {n}!',
                             json.loads(execution['output'])['shouted'])

    def test_std_http_reaches_a_server(self):
        server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), _JSONHandler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        self.cluster.upload(f"""
version: '2.0'
fetch:
  output:
    status: <% $.status %>
    answer: <% $.answer %>
  tasks:
    get:
      action: std.http url=http://127.0.0.1:{server.server_address[1]}/answer
      publish:
        status: <% task().result.status %>
        answer: <% task().result.content.answer %>
""")
        execution = self.cluster.run_workflow('fetch')
        self.assertEqual('SUCCESS', execution['state'], execution['state_info'])
        self.assertEqual({'status': 200, 'answer': 42},
                         json.loads(execution['output']))

    def test_idempotent_create_with_a_client_chosen_id(self):
        self.cluster.upload(HELLO)
        body = {'id': '0b9b5a3e-9a43-4c8e-8f0a-5d1f6b4d7c21',
                'workflow_name': 'hello', 'input': {'name': 'once'}}
        first = self.cluster.request('POST', '/v2/executions', body)
        second = self.cluster.request('POST', '/v2/executions', body)
        self.assertEqual(201, first[0])
        self.assertEqual(first[1]['id'], second[1]['id'])
        _, listing = self.cluster.request('GET', '/v2/executions')
        self.assertEqual(1, len(listing['executions']))

    def test_bad_requests_get_clear_client_errors(self):
        self.cluster.upload(HELLO)
        cases = [
            ('POST', '/v2/workflows', 'version: "2.0"\nwf: [unclosed', 'text/plain',
             400),
            ('POST', '/v2/workflows', HELLO, 'text/plain', 409),
            ('POST', '/v2/executions', '{"workflow_name": ', 'application/json', 400),
            ('POST', '/v2/executions', {'workflow_name': 'nope'}, 'application/json',
             404),
            ('POST', '/v2/executions', {'workflow_name': 'hello', 'input': {}},
             'application/json', 400),
            ('GET', '/v2/executions/not-an-id', None, 'application/json', 404),
            ('GET', '/v2/executions?limit=-3', None, 'application/json', 400),
        ]
        for method, path, body, content_type, expected in cases:
            status, fault = self.cluster.request(method, path, body, content_type)
            self.assertEqual(expected, status, f'{method} {path}: {fault}')
            self.assertTrue(fault['faultstring'], fault)


class MariaDBRabbitTest(_EndToEnd, testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.cluster = self.useFixture(service_cluster.ServiceCluster(
            'mysql', extra_config=LOCAL_SERVERS))


class EmbeddedAllInOneTest(_EndToEnd, testtools.TestCase):
    """The first-run default: one process, SQLite, in-process messaging."""

    def setUp(self):
        super().setUp()
        self.cluster = self.useFixture(service_cluster.ServiceCluster(
            'sqlite', transport='fake', processes=('all',), executor_type='local',
            extra_config=LOCAL_SERVERS))


class _JSONHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps({'answer': 42}).encode()
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass
