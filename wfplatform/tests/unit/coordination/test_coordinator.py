"""Membership, leadership and the service list on tooz's file backend."""

import os

import fixtures
import testtools

from wfplatform.coordination import coordinator as coordination
from wfplatform.tests import waiting


class DriverOptionsTest(testtools.TestCase):
    def test_member_timeout_sets_the_drivers_timeouts(self):
        self.assertEqual({'membership_timeout': 7.5, 'lock_timeout': 8},
                         coordination.driver_options('redis://h:6379', 7.5))
        self.assertEqual({'timeout': 10},
                         coordination.driver_options('file:///tmp/x', 10.0))

    def test_the_url_wins(self):
        self.assertEqual(
            {'lock_timeout': 10},
            coordination.driver_options(
                'redis://h:6379?membership_timeout=3&namespace=t', 10.0))

    def test_unknown_drivers_get_nothing(self):
        self.assertEqual({}, coordination.driver_options('ipc://', 10.0))

    def test_names(self):
        self.assertEqual('wfplatform.event-engine',
                         coordination.group_of('event-engine'))
        self.assertEqual('event-engine_group',
                         coordination.service_type('wfplatform.event-engine'))
        member = coordination.make_member_id('node-1')
        self.assertTrue(member.startswith(f'node-1_{os.getpid()}_'))
        self.assertNotEqual(member, coordination.make_member_id('node-1'))


class CoordinatorTest(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.url = 'file://' + self.useFixture(fixtures.TempDir()).path

    def coordinator(self, name, member_timeout=1.0, start=True):
        member = coordination.Coordinator(self.url, name, heartbeat_interval=0.05,
                                          member_timeout=member_timeout)
        if start:
            member.start()
            self.addCleanup(member.stop)
        return member

    def test_members_are_listed_with_capabilities_and_leave_on_stop(self):
        engine = self.coordinator('engine-1')
        executor = coordination.Coordinator(self.url, 'executor-1',
                                            heartbeat_interval=0.05)
        executor.start()
        engine.join('wfplatform.engine', {'host': 'a'})
        executor.join('wfplatform.executor', {'executor_host': 'x'})
        self.assertEqual({'executor-1': {'executor_host': 'x'}},
                         engine.members('wfplatform.executor'))
        executor.stop()
        self.assertEqual({}, engine.members('wfplatform.executor'))
        self.assertEqual({}, engine.members('wfplatform.unknown'))

    def test_a_silent_member_drops_out_and_a_live_one_rejoins(self):
        watcher = self.coordinator('watcher')
        silent = coordination.Coordinator(self.url, 'silent', member_timeout=1)
        silent._driver.start(start_heart=False)  # joined, never heartbeats
        self.addCleanup(silent._driver.stop)
        silent.join('wfplatform.executor', {})
        self.assertIn('silent', watcher.members('wfplatform.executor'))
        waiting.wait_for(
            lambda: 'silent' not in watcher.members('wfplatform.executor'),
            5, 'the silent member to drop out')
        silent.tick()  # a heartbeat after the drop joins again
        self.assertIn('silent', watcher.members('wfplatform.executor'))

    def test_exactly_one_leader_and_a_successor_when_it_stops(self):
        calls = {'first': 0, 'second': 0}
        first = self.coordinator('first', start=False)
        second = self.coordinator('second', start=False)
        for name, member in (('first', first), ('second', second)):
            member.start()
            member.run_as_leader('wfplatform.engine',
                                 lambda name=name: calls.__setitem__(
                                     name, calls[name] + 1))
        waiting.wait_for(lambda: first.is_leader('wfplatform.engine')
                         or second.is_leader('wfplatform.engine'), 5, 'a leader')
        leader, other = ((first, second) if first.is_leader('wfplatform.engine')
                         else (second, first))
        self.assertFalse(other.is_leader('wfplatform.engine'))
        leader.stop()
        waiting.wait_for(lambda: other.is_leader('wfplatform.engine'), 5,
                         'the other member to lead')
        waiting.wait_for(lambda: calls[other.member_id] > 0, 5,
                         'the new leader to act')
        other.stop()

    def test_service_directory_lists_members_as_mistral_does(self):
        engine = self.coordinator('host_1_a')
        engine.join('wfplatform.engine', {})
        engine.join('wfplatform.api', {})
        directory = coordination.ServiceDirectory(self.url, 1.0)
        self.assertEqual([{'name': 'host_1_a', 'type': 'api_group'},
                          {'name': 'host_1_a', 'type': 'engine_group'}],
                         directory.services())
