"""A custom action pack installed with pip adds actions without touching wfplatform.

The example pack (``tools/example-action-pack``) is built into a wheel and
installed into a directory of its own; the services see it through
``PYTHONPATH``, as they would see a package installed in their environment.
"""

import json
import os
import pathlib
import shutil
import subprocess
import sys

import fixtures
import testtools

from wfplatform.tests.functional.service import cluster as service_cluster

PACK = pathlib.Path(__file__).parents[4] / 'tools' / 'example-action-pack'

WORKFLOW = """
version: '2.0'
use_the_pack:
  input: [who]
  tasks:
    greet:
      action: example.greet name=<% $.who %> greeting=Hi
      publish:
        text: <% task().result %>
      on-success: count
    count:
      action: example.mistral_style_count text=<% $.text %>
      publish:
        count: <% task().result %>
      on-success: where
    where:
      action: example.where_am_i
      publish:
        where: <% task().result %>
  output:
    text: <% $.text %>
    count: <% $.count %>
    where: <% $.where %>
"""


def install_pack(directory: str) -> str:
    """Build the pack's wheel and install it under ``directory``; its path."""
    source = os.path.join(directory, 'source')
    shutil.copytree(PACK, source)
    wheels, target = os.path.join(directory, 'wheels'), os.path.join(directory, 'site')
    pip = [sys.executable, '-m', 'pip', '--disable-pip-version-check', '-q']
    subprocess.run([*pip, 'wheel', '--no-deps', '-w', wheels, source], check=True,
                   capture_output=True, timeout=120)
    [wheel] = os.listdir(wheels)
    subprocess.run([*pip, 'install', '--no-deps', '--target', target,
                    os.path.join(wheels, wheel)], check=True, capture_output=True,
                   timeout=120)
    return target


class ActionPackTest(testtools.TestCase):
    def test_an_installed_pack_is_registered_and_runs(self):
        site = install_pack(self.useFixture(fixtures.TempDir()).path)
        cluster = self.useFixture(service_cluster.ServiceCluster(
            'sqlite', transport='fake', processes=('all',), executor_type='local',
            env={'PYTHONPATH': site}))

        status, body = cluster.request('GET', '/v2/actions')
        self.assertEqual(200, status)
        actions = {action['name']: action for action in body['actions']}
        self.assertEqual('name, greeting="Hello"', actions['example.greet']['input'])
        self.assertEqual('text, separator=null',
                         actions['example.mistral_style_count']['input'])
        self.assertTrue(actions['example.greet']['is_system'])

        cluster.upload(WORKFLOW)
        execution = cluster.run_workflow('use_the_pack', {'who': 'Ann'})
        self.assertEqual('SUCCESS', execution['state'], execution['state_info'])
        output = json.loads(execution['output'])
        self.assertEqual('Hi, Ann!', output['text'])
        self.assertEqual({'words': 2, 'workflow': 'use_the_pack'}, output['count'])
        self.assertEqual(('use_the_pack', execution['id']),
                         (output['where']['workflow_name'],
                          output['where']['workflow_execution_id']))
        self.assertTrue(output['where']['callback_url'].startswith(
            '/v2/action_executions/'))

    def test_populate_follows_what_is_installed(self):
        site = install_pack(self.useFixture(fixtures.TempDir()).path)
        cluster = self.useFixture(service_cluster.ServiceCluster(
            'sqlite', transport='fake', processes=()))
        without = cluster.db_manage('populate').stdout
        self.assertIn(' 0 removed', without)
        added = cluster.db_manage('populate', env={'PYTHONPATH': site}).stdout
        self.assertIn(' 3 added, 0 updated, 0 removed', added)
        removed = cluster.db_manage('populate').stdout
        self.assertIn(' 0 added, 0 updated, 3 removed', removed)
