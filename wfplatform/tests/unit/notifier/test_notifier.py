"""Notifications: publishers, event filtering, and events from a real engine."""

import http.server
import json
import logging
import threading

import fixtures
import testtools

from wfplatform import egress
from wfplatform import exceptions
from wfplatform.notifier import notifier as event_notifier
from wfplatform.notifier import publishers
from wfplatform.tests.fixtures import engine as engine_fixtures
from wfplatform.tests.unit.engine import test_engine
from wfplatform.tests import waiting


class _Recorder(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers['Content-Length']))
        failures = getattr(self.server, 'failures', None)
        if failures:
            failures.pop(0)
            self.send_response(503)
            self.end_headers()
            return
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

LOCAL = publishers.DeliverySettings(
    retries=0, egress_policy=egress.EgressPolicy.permissive())


def notifier(settings=LOCAL, workers=4):
    instance = event_notifier.Notifier(settings, workers)
    return instance


def publish(instance, events, entries):
    instance.notify(None, events, entries)
    assert instance.wait_idle(30), 'events still queued after 30 s'


class NotifierTest(WebhookServerMixin, testtools.TestCase):
    def test_event_types_select_what_a_publisher_receives(self):
        server, url = self.start_webhook_server()
        publish(notifier(), [EVENT], [
            {'type': 'webhook', 'url': url, 'event_types': ['WORKFLOW_FAILED']},
            {'type': 'webhook', 'url': url + '?all'},
            {'type': 'log'}, {'type': 'noop'}])
        self.assertEqual([EVENT], server.received)

    def test_unknown_publisher_and_failing_webhooks_are_logged_not_raised(self):
        log = self.useFixture(fixtures.FakeLogger(level=logging.WARNING))
        publish(notifier(), [EVENT], [
            {'type': 'carrier-pigeon'},
            {'type': 'webhook', 'url': 'http://127.0.0.1:9/nothing-listens'},
            {'type': 'webhook', 'url': 'ftp://wrong'}])
        self.assertIn("No notification publisher 'carrier-pigeon'", log.output)
        self.assertEqual(2, log.output.count(
            'Publisher webhook could not deliver WORKFLOW_SUCCEEDED'))
        self.assertIn('url must be an http(s) URL', log.output)

    def test_a_failing_webhook_is_retried_with_exponential_back_off(self):
        server, url = self.start_webhook_server()
        server.failures = [503, 503]
        instance = notifier(publishers.DeliverySettings(
            retries=3, backoff=0.5, backoff_max=0.75,
            egress_policy=egress.EgressPolicy.permissive()))
        waits = []
        self.patch(publishers.WebhookPublisher, 'sleep', staticmethod(waits.append))
        publish(instance, [EVENT], [{'type': 'webhook', 'url': url}])
        self.assertEqual([EVENT], server.received)
        self.assertEqual([0.5, 0.75], waits)

    def test_a_webhook_gives_up_after_its_retries(self):
        log = self.useFixture(fixtures.FakeLogger(level=logging.WARNING))
        server, url = self.start_webhook_server()
        server.failures = [503] * 5
        instance = notifier(publishers.DeliverySettings(
            retries=2, backoff=0, egress_policy=egress.EgressPolicy.permissive()))
        publish(instance, [EVENT], [{'type': 'webhook', 'url': url}])
        self.assertEqual([], server.received)
        self.assertEqual([503, 503], server.failures)
        self.assertIn(f'{url} failed after 3 tries: HTTP 503', log.output)

    def test_a_client_error_is_not_retried(self):
        self.assertEqual([], publishers.DeliverySettings(retries=0).delays())
        self.assertEqual([1.0, 2.0, 4.0, 8.0, 10.0], publishers.DeliverySettings(
            retries=5, backoff=1, backoff_max=10).delays())
        self.assertNotIn(404, publishers.RETRIED_STATUSES)

    def test_a_retrying_webhook_keeps_the_events_of_its_execution_in_order(self):
        server, url = self.start_webhook_server()
        server.failures = [503, 503]
        instance = notifier(publishers.DeliverySettings(
            retries=3, backoff=0.2, egress_policy=egress.EgressPolicy.permissive()))
        events = [dict(EVENT, event=f'E{n}') for n in range(5)]
        for event in events:
            instance.notify(None, [event], [{'type': 'webhook', 'url': url}])
        self.assertTrue(instance.wait_idle(30))
        self.assertEqual([f'E{n}' for n in range(5)],
                         [e['event'] for e in server.received])

    def test_other_executions_do_not_wait_for_a_slow_lane(self):
        server, url = self.start_webhook_server()
        release = threading.Event()
        self.patch(publishers.WebhookPublisher, 'sleep',
                   staticmethod(lambda seconds: release.wait(30)))
        server.failures = [503]
        instance = notifier(publishers.DeliverySettings(
            retries=1, egress_policy=egress.EgressPolicy.permissive()))
        entries = [{'type': 'webhook', 'url': url}]
        instance.notify(None, [dict(EVENT, workflow_execution_id='slow')], entries)
        waiting.wait_for(lambda: not server.failures, 10, 'the first failure')
        instance.notify(None, [dict(EVENT, workflow_execution_id='fast')], entries)
        waiting.wait_for(lambda: server.received, 10, 'the other execution')
        self.assertEqual(['fast'], [e['workflow_execution_id']
                                    for e in server.received])
        release.set()
        self.assertTrue(instance.wait_idle(30))
        self.assertEqual(['fast', 'slow'], [e['workflow_execution_id']
                                            for e in server.received])

    def test_webhooks_obey_the_egress_policy(self):
        log = self.useFixture(fixtures.FakeLogger(level=logging.WARNING))
        server, url = self.start_webhook_server()
        publish(notifier(publishers.DeliverySettings(retries=2)), [EVENT],
                [{'type': 'webhook', 'url': url}])
        self.assertEqual([], server.received)
        self.assertIn('webhook publisher: refusing to connect to 127.0.0.1 '
                      '(loopback); see [egress] allow_loopback', log.output)

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
