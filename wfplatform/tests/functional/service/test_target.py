"""A task's ``target`` reaches only the executor of that host: PostgreSQL, RabbitMQ.

Two executor processes with different ``[executor] host`` (set through
oslo.config's environment source, ``OS_EXECUTOR__HOST``); which one ran an
action is read from their logs, where each logs the actions it runs.
"""

import uuid

import testtools

from wfplatform.db import database as db_database
from wfplatform.db.repositories import action_executions
from wfplatform.tests.functional.service import cluster as service_cluster

TARGETED = """
version: '2.0'
targeted:
  input:
    - host
  tasks:
    pinned:
      with-items: i in <% range(6) %>
      action: std.echo output=<% $.i %>
      target: <% $.host %>
"""


class _TwoHostCluster(service_cluster.ServiceCluster):
    """A cluster whose executor processes each get their own ``[executor] host``."""

    def __init__(self, hosts: dict[str, str]) -> None:
        super().__init__(processes=('engine', 'api', *hosts))
        self.hosts = hosts

    def start_process(self, services):
        shared = self.env
        if services in self.hosts:
            self.env = {**shared, 'OS_EXECUTOR__HOST': self.hosts[services]}
        try:
            return super().start_process(services)
        finally:
            self.env = shared


class TargetTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        suffix = uuid.uuid4().hex[:8]
        self.hosts = {'executor': f'a-{suffix}', 'executor,executor': f'b-{suffix}'}
        self.cluster = self.useFixture(_TwoHostCluster(self.hosts))
        self.database = db_database.Database(self.cluster.database_url)
        self.addCleanup(self.database.dispose)
        self.cluster.upload(TARGETED)

    def ran_on(self, action_execution_id):
        with_it = [services for services in self.hosts
                   if action_execution_id in open(
                       self.cluster.log_path(services)).read()]
        return [self.hosts[services] for services in with_it]

    def test_every_action_runs_on_the_target_host(self):
        for services in self.hosts:
            target = self.hosts[services]
            status, execution = self.cluster.request('POST', '/v2/executions', {
                'workflow_name': 'targeted', 'input': {'host': target}})
            self.assertEqual(201, status, execution)
            done = self.cluster.wait_finished(execution['id'], 30)
            self.assertEqual('SUCCESS', done['state'], done.get('state_info'))
            _, body = self.cluster.request(
                'GET', f'/v2/executions/{execution["id"]}/tasks')
            with self.database.transaction() as session:
                actions = action_executions.list_for_task(
                    session, body['tasks'][0]['id'])
            self.assertEqual(6, len(actions))
            for action in actions:
                self.assertEqual(target, action['runtime_context']['target'])
                self.assertEqual([target], self.ran_on(action['id']))
