"""Start-up and shut-down of the services as an operator sees them."""

import subprocess

import testtools

from wfplatform.tests.functional.service import cluster as service_cluster
from wfplatform.tests import waiting


class UnmigratedDatabaseTest(testtools.TestCase):
    def test_every_database_service_refuses_with_one_clear_line(self):
        cluster = self.useFixture(service_cluster.ServiceCluster(
            'postgresql', processes=(), migrate=False))
        for services in ('api', 'engine', 'all'):
            process = cluster.start_process(services)
            self.assertEqual(2, process.wait(60), f'--server {services}')
            with open(f'{cluster.tempdir}/{services}.log') as log:
                lines = [line for line in log.read().splitlines() if line.strip()]
            self.assertEqual(1, len(lines), lines)
            self.assertIn('wfplatform-db-manage', lines[0])
            self.assertIn('upgrade head', lines[0])

    def test_upgrade_then_start_and_a_second_upgrade_is_a_no_op(self):
        cluster = self.useFixture(service_cluster.ServiceCluster(
            'postgresql', processes=(), migrate=False))
        cluster.db_manage('upgrade', 'head')
        before = cluster.db_manage('current').stdout
        cluster.db_manage('upgrade', 'head')
        self.assertEqual(before, cluster.db_manage('current').stdout)
        process = cluster.start_process('engine')
        self.addCleanup(cluster.stop_process, process)
        self.assertRaises(subprocess.TimeoutExpired, process.wait, 3)


class GracefulShutdownTest(testtools.TestCase):
    def test_sigterm_lets_a_running_action_finish(self):
        cluster = self.useFixture(service_cluster.ServiceCluster('postgresql'))
        cluster.upload("""
version: '2.0'
slow:
  tasks:
    nap:
      action: std.sleep seconds=2
      on-success: after
    after:
      action: std.echo output=done
""")
        status, execution = cluster.request('POST', '/v2/executions',
                                            {'workflow_name': 'slow'})
        self.assertEqual(201, status)
        executor_index = [s for s, _ in cluster.processes].index('executor')
        executor = cluster.processes[executor_index][1]

        def action_running():
            _, body = cluster.request('GET', '/v2/action_executions')
            return [a for a in body['action_executions']
                    if a['name'] == 'std.sleep'] or None

        waiting.wait_for(action_running, 30, 'std.sleep to start')
        self.assertEqual(0, cluster.stop_process(executor))
        restarted = cluster.start_process('executor')
        cluster.processes[executor_index] = ('executor', restarted)
        cluster.wait_running('executor')
        finished = cluster.wait_finished(execution['id'])
        self.assertEqual('SUCCESS', finished['state'], finished['state_info'])
