"""python-mistralclient, unchanged, drives wfplatform on PostgreSQL + RabbitMQ."""

import json

from mistralclient.api import client as mistral_client
import testtools

from wfplatform.tests.functional.service import cluster as service_cluster
from wfplatform.tests.functional.service import test_end_to_end
from wfplatform.tests import waiting


class MistralClientTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.cluster = self.useFixture(service_cluster.ServiceCluster('postgresql'))
        self.client = mistral_client.client(mistral_url=self.cluster.url + '/v2')

    def test_create_start_and_inspect(self):
        workflows = self.client.workflows.create(test_end_to_end.HELLO)
        self.assertEqual(['hello'], [w.name for w in workflows])
        self.assertEqual('name', workflows[0].input)
        self.assertIn('hello', [w.name for w in self.client.workflows.list()])
        self.assertEqual(workflows[0].id, self.client.workflows.get('hello').id)

        execution = self.client.executions.create(
            'hello', workflow_input={'name': 'client'},
            description='started by mistralclient')
        self.assertEqual('started by mistralclient', execution.description)

        def finished():
            current = self.client.executions.get(execution.id)
            return current if current.state not in ('IDLE', 'RUNNING') else None

        done = waiting.wait_for(finished, 60, 'the execution to finish')
        self.assertEqual('SUCCESS', done.state, done.state_info)
        self.assertEqual('HELLO, CLIENT!', json.loads(done.output)['shouted'])
        self.assertEqual({'name': 'client'}, json.loads(done.input))

        tasks = self.client.tasks.list(workflow_execution_id=execution.id)
        self.assertEqual({'greet': 'SUCCESS', 'shout': 'SUCCESS'},
                         {t.name: t.state for t in tasks})
        greet = next(t for t in tasks if t.name == 'greet')
        self.assertEqual('Hello, client!', json.loads(
            self.client.tasks.get(greet.id).result))
        actions = self.client.action_executions.list(task_execution_id=greet.id)
        self.assertEqual(['std.echo'], [a.name for a in actions])
        self.assertIn(execution.id, [e.id for e in self.client.executions.list()])
        self.assertIn('std.echo', [a.name for a in self.client.actions.list()])

    def test_delete_workflow(self):
        self.client.workflows.create(test_end_to_end.HELLO)
        self.client.workflows.delete('hello')
        self.assertNotIn('hello', [w.name for w in self.client.workflows.list()])
