"""The real ``openstack`` command with the plugin, against an all-in-one service.

The plugin's entry points (``openstack.cli.extension`` and
``openstack.workflow_platform.v2`` in setup.cfg) must be installed: an editable
install (``pip install -e .``, as tox does) registers them. python-mistralclient
is installed in the same environment, and its ``openstack workflow …`` commands
must keep working beside ours.
"""

import json
import os
import subprocess
import sys

import fixtures
import testtools

from wfplatform.cli.osc import follow
from wfplatform.tests.functional.service import cluster as service_cluster
from wfplatform.tests.functional.service import test_end_to_end

OPENSTACK = os.path.join(os.path.dirname(sys.executable), 'openstack')

REVERSE = """
version: '2.0'
build:
  type: reverse
  tasks:
    fetch:
      action: std.noop
    compile:
      action: std.noop
      requires: [fetch]
"""


class OpenStackCLITest(testtools.TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not os.path.exists(OPENSTACK):
            raise AssertionError(f'{OPENSTACK} is missing: pip install '
                                 'python-openstackclient')

    def setUp(self):
        super().setUp()
        self.cluster = self.useFixture(service_cluster.ServiceCluster(
            'sqlite', transport='fake', processes=('all',), executor_type='local'))
        self.directory = self.useFixture(fixtures.TempDir()).path
        # No OS_* variable of the caller may switch Keystone on for these runs.
        self.environment = {key: value for key, value in os.environ.items()
                            if not key.startswith('OS_')}
        self.environment['WFPLATFORM_URL'] = self.cluster.url

    def openstack(self, *args: str, check: bool = True
                  ) -> subprocess.CompletedProcess:
        result = subprocess.run([OPENSTACK, *args], capture_output=True, text=True,
                                timeout=120, env=self.environment)
        if check and result.returncode != 0:
            self.fail(f'openstack {" ".join(args)} exited with {result.returncode}'
                      f'\nstdout: {result.stdout}\nstderr: {result.stderr}')
        return result

    def json(self, *args: str) -> object:
        return json.loads(self.openstack(*args, '-f', 'json').stdout)

    def definition_file(self, text: str) -> str:
        path = os.path.join(self.directory, 'definition.yaml')
        with open(path, 'w') as stream:
            stream.write(text)
        return path

    def test_workflow_create_list_show_and_graph(self):
        created = self.json('wfp', 'workflow', 'create',
                            self.definition_file(test_end_to_end.HELLO))
        self.assertEqual(['hello'], [w['name'] for w in created])
        self.assertIn('hello', [w['name'] for w in self.json(
            'wfp', 'workflow', 'list', '--limit', '10')])
        shown = self.json('wfp', 'workflow', 'show', 'hello')
        self.assertEqual((created[0]['id'], 'name'), (shown['id'], shown['input']))

        text = self.openstack('wfp', 'workflow', 'graph', 'hello').stdout
        self.assertIn('start: greet', text)
        self.assertIn('greet  [std.echo]\n  on-success -> shout', text)
        dot = self.openstack('wfp', 'workflow', 'graph', 'hello',
                             '--format', 'dot').stdout
        self.assertTrue(dot.startswith('digraph "hello" {'), dot)
        self.assertIn('"greet" -> "shout" [label="on-success"', dot)

        self.json('wfp', 'workflow', 'create', self.definition_file(REVERSE))
        text = self.openstack('wfp', 'workflow', 'graph', 'build').stdout
        self.assertIn('fetch  [std.noop]\n  requires -> compile', text)

    def test_execution_create_wait_and_task_list(self):
        self.openstack('wfp', 'workflow', 'create',
                       self.definition_file(test_end_to_end.HELLO))
        result = self.openstack('wfp', 'execution', 'create', 'hello',
                                '{"name": "cli"}', '--wait', '--poll-interval',
                                '0.2', '--timeout', '60', '-f', 'json')
        execution = json.loads(result.stdout)
        self.assertEqual('SUCCESS', execution['state'])
        self.assertEqual('HELLO, CLI!', json.loads(execution['output'])['shouted'])
        self.assertIn('task shout: SUCCESS', result.stderr)
        self.assertIn(f'execution {execution["id"]} (hello): SUCCESS',
                      result.stderr)

        tasks = self.json('wfp', 'task', 'list', '--execution', execution['id'])
        self.assertEqual({'greet': 'SUCCESS', 'shout': 'SUCCESS'},
                         {t['name']: t['state'] for t in tasks})

    def test_a_failing_workflow_exits_non_zero(self):
        self.openstack('wfp', 'workflow', 'create',
                       self.definition_file(test_end_to_end.FAILING))
        result = self.openstack('wfp', 'execution', 'create', 'failing', '--wait',
                                '--poll-interval', '0.2', '--timeout', '60',
                                '-f', 'json', check=False)
        self.assertEqual(follow.EXIT_CODES['ERROR'], result.returncode,
                         result.stderr)
        self.assertEqual('ERROR', json.loads(result.stdout)['state'])
        self.assertIn('task boom: ERROR', result.stderr)

    def test_mistralclient_commands_still_work_beside_the_plugin(self):
        self.openstack('wfp', 'workflow', 'create',
                       self.definition_file(test_end_to_end.HELLO))
        # python-mistralclient's own command, through OSC without Keystone.
        listed = self.json('--os-auth-type', 'none', '--os-endpoint',
                           f'{self.cluster.url}/v2', 'workflow', 'list')
        self.assertIn('hello', [w['Name'] for w in listed])
        commands = self.openstack('command', 'list', '-f', 'json').stdout
        groups = {group['Command Group']: group['Commands']
                  for group in json.loads(commands)}
        self.assertIn('workflow list', groups['openstack.workflow_engine.v2'])
        self.assertIn('wfp workflow list', groups['openstack.workflow_platform.v2'])
