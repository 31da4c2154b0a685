"""The cloud pack through a real Keystone's catalog to the compute double.

As in :mod:`.test_cloud_pack`, api, engine and executor run as processes on
PostgreSQL and RabbitMQ with authentication off, so the executor acts with the
``[cloud]`` service credentials. Here those are a real Keystone 30's admin (see
:mod:`wfplatform.tests.fixtures.keystone`), whose catalog names the double's
Nova as ``compute`` in RegionOne: the executor logs in at Keystone, takes the
compute endpoint from Keystone's catalog and talks to the double with Keystone's
token, which the double checks against Keystone as keystonemiddleware would.
"""

import json

import testtools

from wfplatform.tests.doubles import cloud as cloud_double
from wfplatform.tests.fixtures import keystone as keystone_fixture
from wfplatform.tests.functional.service import cluster as service_cluster
from wfplatform.tests.functional.service import test_cloud_pack


class CloudPackKeystoneTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.keystone = self.useFixture(keystone_fixture.KeystoneFixture())
        self.cloud = self.useFixture(cloud_double.CloudDouble(
            step_seconds=0.3, region=self.keystone.region,
            accept_token=self.keystone_issued))
        self.keystone.register_service('compute', 'nova',
                                       f'{self.cloud.url}/compute/v2.1')
        self.cluster = self.useFixture(service_cluster.ServiceCluster(
            'postgresql', 'rabbit', processes=('engine', 'executor', 'api'),
            extra_config=f"""
[egress]
allowed_hosts = 127.0.0.1

[cloud]
auth_url = {self.keystone.auth_url}
username = {self.keystone.username}
password = {self.keystone.password}
project_name = {self.keystone.project_name}
region_name = {self.keystone.region}
"""))
        self.cluster.upload(test_cloud_pack.WORKFLOWS)
        self.image = next(iter(self.cloud.services.images))

    def keystone_issued(self, token: str) -> bool:
        return self.keystone.validate_token(token) is not None

    def test_a_workflow_boots_and_moves_a_server_found_in_keystones_catalog(self):
        execution = self.cluster.run_workflow(
            'boot_and_move', {'image': self.image, 'flavor': '1'}, timeout=90)
        self.assertEqual('SUCCESS', execution['state'], execution['state_info'])
        output = json.loads(execution['output'])
        self.assertEqual('ACTIVE', output['status'])
        self.assertNotEqual(output['built_on'], output['moved_to'])
        self.assertEqual(output['moved_to'],
                         self.cloud.compute.servers[output['server_id']]['host'])

        compute_requests = self.cloud.service_requests('/compute')
        self.assertTrue(compute_requests)
        self.assertEqual([], self.cloud.service_requests('/identity'))
        self.assertEqual({}, self.cloud.tokens)
        # Version discovery goes without a token; everything else had one.
        tokens = {request.token for request in compute_requests} - {None}
        self.assertTrue(tokens)
        self.assertEqual(tokens, self.cloud.foreign_tokens)
        for token in sorted(tokens):
            body = self.keystone.validate_token(token)
            self.assertIsNotNone(body, 'the double saw a token Keystone denies')
            assert body is not None
            self.assertEqual(self.keystone.username, body['user']['name'])
            self.assertEqual(self.keystone.project_name, body['project']['name'])
            [compute] = [service for service in body['catalog']
                         if service['type'] == 'compute']
            self.assertEqual({f'{self.cloud.url}/compute/v2.1'},
                             {endpoint['url'] for endpoint in compute['endpoints']})
        actions = [request.body for request in compute_requests
                   if request.path.endswith('/action')]
        self.assertEqual([{'os-migrateLive': {'host': None,
                                              'block_migration': 'auto'}}],
                         actions)
