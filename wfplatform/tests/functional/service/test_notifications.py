"""Events reach a webhook through a separate notifier process over RabbitMQ."""

import testtools

from wfplatform.tests.functional.service import cluster as service_cluster
from wfplatform.tests.functional.service import test_end_to_end
from wfplatform.tests.unit.notifier import test_notifier
from wfplatform.tests import waiting


class RemoteNotifierTest(test_notifier.WebhookServerMixin, testtools.TestCase):
    def test_events_arrive_in_order_from_the_notifier_service(self):
        server, url = self.start_webhook_server()
        cluster = self.useFixture(service_cluster.ServiceCluster(
            'postgresql', processes=('engine', 'executor', 'notifier', 'api'),
            extra_config=('[notifier]\ntype = remote\n'
                          '[egress]\nallow_loopback = true\n')))
        cluster.upload(test_end_to_end.HELLO)
        status, execution = cluster.request('POST', '/v2/executions', {
            'workflow_name': 'hello', 'input': {'name': 'n'},
            'params': {'notify': [{'type': 'webhook', 'url': url}]}})
        self.assertEqual(201, status, execution)
        self.assertEqual('SUCCESS', cluster.wait_finished(execution['id'])['state'])
        waiting.wait_for(lambda: len(server.received) >= 6, 30, 'six events')
        self.assertEqual(
            [('WORKFLOW_LAUNCHED', 'hello'), ('TASK_LAUNCHED', 'greet'),
             ('TASK_SUCCEEDED', 'greet'), ('TASK_LAUNCHED', 'shout'),
             ('TASK_SUCCEEDED', 'shout'), ('WORKFLOW_SUCCEEDED', 'hello')],
            [(e['event'], e['name']) for e in server.received])

    def test_events_sent_while_the_notifier_is_down_arrive_after_its_restart(self):
        server, url = self.start_webhook_server()
        cluster = self.useFixture(service_cluster.ServiceCluster(
            'postgresql', processes=('engine', 'executor', 'notifier', 'api'),
            extra_config=('[notifier]\ntype = remote\n'
                          '[egress]\nallow_loopback = true\n')))
        cluster.upload(test_end_to_end.HELLO)
        index = [services for services, _ in cluster.processes].index('notifier')
        self.assertEqual(0, cluster.stop_process(cluster.processes[index][1]))
        status, execution = cluster.request('POST', '/v2/executions', {
            'workflow_name': 'hello', 'input': {'name': 'n'},
            'params': {'notify': [{'type': 'webhook', 'url': url}]}})
        self.assertEqual(201, status, execution)
        self.assertEqual('SUCCESS', cluster.wait_finished(execution['id'])['state'])
        self.assertEqual([], server.received)
        cluster.processes[index] = ('notifier', cluster.start_process('notifier'))
        cluster.wait_running('notifier')
        waiting.wait_for(lambda: len(server.received) >= 6, 30, 'six events')
        self.assertEqual(
            [('WORKFLOW_LAUNCHED', 'hello'), ('TASK_LAUNCHED', 'greet'),
             ('TASK_SUCCEEDED', 'greet'), ('TASK_LAUNCHED', 'shout'),
             ('TASK_SUCCEEDED', 'shout'), ('WORKFLOW_SUCCEEDED', 'hello')],
            [(e['event'], e['name']) for e in server.received])
        self.assertEqual({execution['id']},
                         {e['workflow_execution_id'] for e in server.received})

    def test_a_malformed_notify_parameter_is_a_client_error(self):
        cluster = self.useFixture(service_cluster.ServiceCluster(
            'postgresql', processes=('engine', 'api')))
        cluster.upload(test_end_to_end.HELLO)
        status, fault = cluster.request('POST', '/v2/executions', {
            'workflow_name': 'hello', 'input': {'name': 'n'},
            'params': {'notify': 'everything'}})
        self.assertEqual(400, status)
        self.assertIn('params.notify', fault['faultstring'])
