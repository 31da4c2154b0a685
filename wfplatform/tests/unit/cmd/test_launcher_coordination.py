"""A process joins the groups of its services when coordination is configured."""

import os

import fixtures
from oslo_config import cfg
from oslo_config import fixture as config_fixture
import testtools

from wfplatform import config
from wfplatform.coordination import coordinator as coordination
from wfplatform import launcher
from wfplatform.rpc import transport as rpc_transport


class LauncherCoordinationTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.conf = self.useFixture(config_fixture.Config(cfg.ConfigOpts())).conf
        config.register_opts(self.conf)
        rpc_transport.register_opts(self.conf)
        self.conf.set_override('transport_url', 'fake://')
        self.conf.set_override('host', 'node-9')
        self.conf.set_override('host', 'gpu-pool', group='executor')

    def test_without_a_backend_nothing_is_added(self):
        services = launcher.build(['executor'], self.conf)
        self.assertEqual(['executor'], [s.name for s in services])

    def test_the_executor_joins_its_group_first_and_leaves_last(self):
        url = 'file://' + self.useFixture(fixtures.TempDir()).path
        self.conf.set_override('backend_url', url, group='coordination')
        self.conf.set_override('heartbeat_interval', 0.1, group='coordination')
        services = launcher.build(['executor'], self.conf)
        self.assertEqual(['coordination', 'executor'], [s.name for s in services])
        member_id = services[0].coordinator.member_id
        self.assertTrue(member_id.startswith(f'node-9_{os.getpid()}_'))
        for service in services:
            service.start()
        observer = coordination.Coordinator(url, 'observer')
        observer.start()
        self.addCleanup(observer.stop)
        try:
            self.assertEqual(
                {member_id: {'host': 'node-9', 'pid': os.getpid(),
                             'topic': 'wfplatform_executor',
                             'executor_host': 'gpu-pool'}},
                observer.members('wfplatform.executor'))
        finally:
            for service in reversed(services):
                service.stop()
        self.assertEqual({}, observer.members('wfplatform.executor'))
