"""APIServer on a loopback socket: keep-alive, bodies, clean stop."""

import http.client
import json
import socket
import threading

import fixtures
import testtools

from wfplatform.api import server
from wfplatform.tests.unit.api import base
from wfplatform.tests import waiting


def _client(api_server):
    connection = http.client.HTTPConnection('127.0.0.1', api_server.port, timeout=10)
    return connection


class TestAPIServer(base.ApiTestCase):

    def setUp(self):
        super().setUp()
        self.server = server.APIServer(self.app.app, '127.0.0.1', 0)
        self.addCleanup(self.server.stop)
        self.server.start()

    def test_port_zero_gets_a_real_port(self):
        self.assertGreater(self.server.port, 0)

    def test_keep_alive_serves_several_requests_on_one_connection(self):
        connection = _client(self.server)
        self.addCleanup(connection.close)
        connection.request('GET', '/v2')
        first = connection.getresponse()
        self.assertEqual(200, first.status)
        self.assertEqual(11, first.version)
        self.assertEqual({'uri': f'http://127.0.0.1:{self.server.port}/v2'},
                         json.loads(first.read()))
        sock = connection.sock
        connection.request('POST', '/v2/workflows', base.WORKFLOW.encode(),
                           {'Content-Type': 'text/plain'})
        created = connection.getresponse()
        self.assertEqual(201, created.status)
        self.assertEqual('greet', json.loads(created.read())['workflows'][0]['name'])
        connection.request('GET', '/v2/workflows/greet')
        fetched = connection.getresponse()
        self.assertEqual(200, fetched.status)
        fetched.read()
        self.assertIs(sock, connection.sock)

    def test_errors_keep_the_connection(self):
        connection = _client(self.server)
        self.addCleanup(connection.close)
        connection.request('GET', '/v2/nothing')
        missing = connection.getresponse()
        self.assertEqual(404, missing.status)
        self.assertIn('faultstring', json.loads(missing.read()))
        connection.request('GET', '/v2')
        self.assertEqual(200, connection.getresponse().status)

    def test_expect_100_continue_is_answered_at_once(self):
        with socket.create_connection(('127.0.0.1', self.server.port), 10) as sock:
            sock.sendall(b'POST /v2/workflows/validate HTTP/1.1\r\n'
                         b'Host: x\r\nContent-Type: text/plain\r\n'
                         b'Content-Length: 3\r\nExpect: 100-continue\r\n\r\n')
            self.assertEqual(b'HTTP/1.1 100 Continue\r\n\r\n',
                             sock.recv(len(b'HTTP/1.1 100 Continue\r\n\r\n')))
            sock.sendall(b'x: ')
            self.assertIn(b'"valid": false', sock.recv(65536))

    def test_access_lines_are_logged_at_debug(self):
        logger = self.useFixture(fixtures.FakeLogger(level=10,
                                                     name='wfplatform.api.server'))
        connection = _client(self.server)
        self.addCleanup(connection.close)
        connection.request('GET', '/v2')
        connection.getresponse().read()
        waiting.wait_for(lambda: 'GET /v2' in logger.output, 5, 'the access line')

    def test_stop_closes_idle_connections(self):
        connection = _client(self.server)
        self.addCleanup(connection.close)
        connection.request('GET', '/v2')
        connection.getresponse().read()
        self.server.stop()
        self.assertEqual(b'', connection.sock.recv(1))


class TestResponsesWithoutLength(testtools.TestCase):

    def test_connection_closes_after_a_body_of_unknown_length(self):
        def app(environ, start_response):
            start_response('200 OK', [('Content-Type', 'text/plain')])
            return iter([b'one ', b'two'])

        api_server = server.APIServer(app, '127.0.0.1', 0)
        self.addCleanup(api_server.stop)
        api_server.start()
        connection = _client(api_server)
        self.addCleanup(connection.close)
        connection.request('GET', '/')
        response = connection.getresponse()
        self.assertEqual('close', response.getheader('Connection'))
        self.assertEqual(b'one two', response.read())


class TestStop(testtools.TestCase):

    def test_stop_lets_a_request_in_progress_finish(self):
        entered, release = threading.Event(), threading.Event()

        def app(environ, start_response):
            entered.set()
            release.wait(10)
            start_response('200 OK', [('Content-Length', '4')])
            return [b'done']

        api_server = server.APIServer(app, '127.0.0.1', 0)
        api_server.start()
        connection = _client(api_server)
        self.addCleanup(connection.close)
        connection.request('GET', '/')
        waiting.wait_for(entered.is_set, 5, 'the request to start')
        stopper = threading.Thread(target=api_server.stop)
        stopper.start()
        stopper.join(0.3)
        self.assertTrue(stopper.is_alive())
        release.set()
        response = connection.getresponse()
        self.assertEqual(b'done', response.read())
        stopper.join(10)
        self.assertFalse(stopper.is_alive())

    def test_threads_bound_the_requests_running_at_once(self):
        running, peak, lock = [0], [0], threading.Lock()
        release = threading.Event()

        def app(environ, start_response):
            with lock:
                running[0] += 1
                peak[0] = max(peak[0], running[0])
            release.wait(10)
            with lock:
                running[0] -= 1
            start_response('200 OK', [('Content-Length', '2')])
            return [b'ok']

        api_server = server.APIServer(app, '127.0.0.1', 0, threads=2)
        api_server.start()
        self.addCleanup(api_server.stop)
        results = []

        def call():
            connection = _client(api_server)
            connection.request('GET', '/')
            results.append(connection.getresponse().read())
            connection.close()

        callers = [threading.Thread(target=call) for _ in range(5)]
        for caller in callers:
            caller.start()
        waiting.wait_for(lambda: running[0] == 2, 5, 'two requests to run')
        release.set()
        for caller in callers:
            caller.join(10)
        self.assertEqual([b'ok'] * 5, results)
        self.assertEqual(2, peak[0])

    def test_stop_without_start(self):
        api_server = server.APIServer(lambda environ, start: [], '127.0.0.1', 0)
        api_server.stop()
        api_server.stop()
