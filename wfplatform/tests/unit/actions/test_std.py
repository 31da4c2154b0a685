"""The standard actions, and how the registry finds and describes them."""

import http.server
import json
import threading

import testtools

from wfplatform.actions import base
from wfplatform.actions import registry as action_registry
from wfplatform.actions.std import basic
from wfplatform.actions.std import http as http_action
from wfplatform import egress
from wfplatform import exceptions

CONTEXT = base.ActionContext(action_execution_id='a-1',
                             egress=egress.EgressPolicy.permissive())
DEFAULT_POLICY_CONTEXT = base.ActionContext(action_execution_id='a-1')


class RegistryTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.registry = action_registry.ActionRegistry()

    def test_standard_actions_are_installed_entry_points(self):
        names = set(self.registry.descriptors())
        self.assertEqual(set(), {'std.noop', 'std.echo', 'std.fail', 'std.sleep',
                                 'std.http'} - names)

    def test_descriptor_shows_input_signature_and_description(self):
        echo = self.registry.descriptors()['std.echo']
        self.assertEqual('output=null', echo.input_signature)
        self.assertEqual('Returns its input ``output`` unchanged.', echo.description)
        self.assertEqual('wfplatform.actions.std.basic.EchoAction', echo.class_path)
        http = self.registry.descriptors()['std.http']
        self.assertTrue(http.input_signature.startswith('url, method="GET"'))

    def test_unknown_action_is_not_found(self):
        error = self.assertRaises(exceptions.NotFound, self.registry.get_class,
                                  'std.nothing')
        self.assertIn('std.nothing', str(error))

    def test_wrong_input_names_the_parameter_and_signature(self):
        error = self.assertRaises(exceptions.InvalidInput, self.registry.create,
                                  'std.echo', {'outptu': 1})
        self.assertIn('outptu', str(error))
        self.assertIn('expected: output=null', str(error))


class BasicActionsTest(testtools.TestCase):
    def test_echo_returns_its_output(self):
        self.assertEqual({'a': [1]}, basic.EchoAction({'a': [1]}).run(CONTEXT))

    def test_noop_returns_none(self):
        self.assertIsNone(basic.NoOpAction().run(CONTEXT))

    def test_fail_raises_or_returns_error_data(self):
        self.assertRaises(exceptions.ActionError, basic.FailAction().run, CONTEXT)
        result = basic.FailAction(error_data={'code': 7}).run(CONTEXT)
        self.assertEqual({'code': 7}, result.error)

    def test_sleep_validates_seconds(self):
        self.assertIsNone(basic.SleepAction(0).run(CONTEXT))
        self.assertRaises(exceptions.InvalidInput, basic.SleepAction, 'soon')


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        status = 404 if self.path.startswith('/missing') else 200
        body = json.dumps({'path': self.path}).encode()
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        length = int(self.headers['Content-Length'])
        body = self.rfile.read(length)
        self.send_response(200)
        self.send_header('Content-Type', 'text/plain')
        self.end_headers()
        self.wfile.write(b'got ' + body)

    def log_message(self, *args):
        pass


class HTTPActionTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), _Handler)
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        self.addCleanup(self.server.server_close)
        self.addCleanup(self.server.shutdown)
        self.base = f'http://127.0.0.1:{self.server.server_address[1]}'

    def test_json_response_is_decoded(self):
        result = http_action.HTTPAction(self.base + '/hello').run(CONTEXT)
        self.assertEqual(200, result['status'])
        self.assertEqual({'path': '/hello'}, result['content'])
        self.assertEqual('application/json', result['headers']['Content-Type'])

    def test_body_dict_is_sent_as_json_text(self):
        result = http_action.HTTPAction(self.base, method='post',
                                        body={'k': 1}).run(CONTEXT)
        self.assertEqual('got {"k": 1}', result['content'])

    def test_error_status_is_an_error_result(self):
        result = http_action.HTTPAction(self.base + '/missing').run(CONTEXT)
        self.assertTrue(result.is_error())
        self.assertEqual(404, result.error['status'])

    def test_unreachable_host_is_an_action_error(self):
        self.server.server_close()
        self.assertRaises(exceptions.ActionError,
                          http_action.HTTPAction(self.base, timeout=2).run, CONTEXT)

    def test_loopback_is_refused_by_default(self):
        error = self.assertRaises(
            exceptions.ActionError, http_action.HTTPAction(self.base).run,
            DEFAULT_POLICY_CONTEXT)
        self.assertEqual('std.http: refusing to connect to 127.0.0.1 (loopback); '
                         'see [egress] allow_loopback', str(error))

    def test_a_name_is_checked_at_every_address_it_resolves_to(self):
        policy = egress.EgressPolicy(
            resolver=lambda host, port: ['203.0.113.5', '169.254.169.254'])
        context = base.ActionContext(action_execution_id='a-1', egress=policy)
        error = self.assertRaises(
            exceptions.ActionError,
            http_action.HTTPAction('http://metadata.example/latest').run, context)
        self.assertIn('metadata.example at 169.254.169.254 (link-local); see '
                      '[egress] allow_link_local', str(error))

    def test_the_connection_goes_to_the_checked_address(self):
        port = self.server.server_address[1]
        policy = egress.EgressPolicy(allow_loopback=True,
                                     resolver=lambda host, port: ['127.0.0.1'])
        context = base.ActionContext(action_execution_id='a-1', egress=policy)
        result = http_action.HTTPAction(
            f'http://service.example:{port}/x').run(context)
        self.assertEqual({'path': '/x'}, result['content'])

    def test_url_must_be_http(self):
        error = self.assertRaises(exceptions.InvalidInput, http_action.HTTPAction,
                                  'file:///etc/passwd')
        self.assertIn('url', str(error))
