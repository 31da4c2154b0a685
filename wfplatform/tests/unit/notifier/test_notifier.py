"""Notifications: publishers, event filtering, and events from a real engine."""

import http.server
import json
import logging
import threading

import fixtures
import testtools

from wfplatform import exceptions
from wfplatform.notifier import notifier as event_notifier
from wfplatform.tests.fixtures import engine as engine_fixtures
from wfplatform.tests.unit.engine import test_engine
from wfplatform.tests import waiting


class _Recorder(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers['Content-Length']))
        self.server.received.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


class WebhookServerMixin:
    def start_webhook_server(self):
        server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), _Recorder)
        server.received = []
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        return server, f'http://127.0.0.1:{server.server_address[1]}/hook'


EVENT = {'event': 'WORKFLOW_SUCCEEDED', 'name': 'wf', 'state': 'SUCCESS',
         'workflow_execution_id': 'e-1'}


class NotifierTest(WebhookServerMixin, testtools.TestCase):
    def test_event_types_select_what_a_publisher_receives(self):
        server, url = self.start_webhook_server()
        event_notifier.Notifier().notify(None, [EVENT], [
            {'type': 'webhook', 'url': url, 'event_types': ['WORKFLOW_FAILED']},
            {'type': 'webhook', 'url': url + '?all'},
            {'type': 'log'}, {'type': 'noop'}])
        self.assertEqual([EVENT], server.received)

    def test_unknown_publisher_and_failing_webhooks_are_logged_not_raised(self):
        log = self.useFixture(fixtures.FakeLogger(level=logging.WARNING))
        event_notifier.Notifier().notify(None, [EVENT], [
            {'type': 'carrier-pigeon'},
            {'type': 'webhook', 'url': 'http://127.0.0.1:9/nothing-listens'},
            {'type': 'webhook', 'url': 'ftp://wrong'}])
        self.assertIn("No notification publisher 'carrier-pigeon'", log.output)
        self.assertEqual(2, log.output.count(
            'Publisher webhook could not deliver WORKFLOW_SUCCEEDED'))
        self.assertIn('url must be an http(s) URL', log.output)

    def test_publisher_list_is_checked(self):
        for bad in ({'type': 'log'}, [{'url': 'x'}], ['log'], None):
            error = self.assertRaises(exceptions.InvalidInput,
                                      event_notifier.check_publishers, bad)
            self.assertIn('params.notify', str(error))


class EngineNotificationTest(WebhookServerMixin, testtools.TestCase):
    def test_every_state_change_is_announced_in_order(self):
        server, url = self.start_webhook_server()
        fixture = self.useFixture(engine_fixtures.EngineFixture())
        fixture.define(test_engine.CHAIN)
        record = fixture.start('chain', {'word': 'x'}, params={
            'notify': [{'type': 'webhook', 'url': url}]})
        fixture.wait_finished(record['id'])
        waiting.wait_for(lambda: len(server.received) >= 6, 10, 'six events')
        self.assertEqual(
            [('WORKFLOW_LAUNCHED', 'chain'), ('TASK_LAUNCHED', 'first'),
             ('TASK_SUCCEEDED', 'first'), ('TASK_LAUNCHED', 'second'),
             ('TASK_SUCCEEDED', 'second'), ('WORKFLOW_SUCCEEDED', 'chain')],
            [(e['event'], e['name']) for e in server.received])
        self.assertEqual({record['id']},
                         {e['workflow_execution_id'] for e in server.received})

    def test_a_malformed_notify_parameter_is_refused(self):
        fixture = self.useFixture(engine_fixtures.EngineFixture())
        fixture.define(test_engine.CHAIN)
        self.assertRaises(exceptions.InvalidInput, fixture.start, 'chain',
                          {'word': 'x'}, params={'notify': 'webhook'})
