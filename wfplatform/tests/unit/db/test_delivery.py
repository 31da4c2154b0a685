"""Outbox and scheduled jobs."""

import datetime

import fixtures
from oslo_utils import timeutils
import testtools

from wfplatform.db.repositories import outbox
from wfplatform.db.repositories import scheduled_jobs
from wfplatform import exceptions
from wfplatform.tests.unit.db import base


class OutboxTest(base.DatabaseTestCase):

    def add(self, session, number):
        return outbox.add(session, topic='engine', server=None,
                          method='on_action_complete',
                          payload={'action_execution_id': number})

    def test_add_count_delete(self):
        with self.database.transaction() as session:
            ids = [self.add(session, number) for number in range(3)]
        with self.database.transaction() as session:
            self.assertEqual(3, outbox.count(session))
            self.assertEqual(2, outbox.delete(session, ids[:2] + ['missing']))
            self.assertEqual(0, outbox.delete(session, []))
            self.assertEqual(1, outbox.count(session))

    def test_list_stale_oldest_first_with_limit(self):
        fixture = self.useFixture(_FrozenTime())
        with self.database.transaction() as session:
            ids = []
            for number in range(4):
                ids.append(self.add(session, number))
                fixture.advance(1)
        fixture.advance(1.5)
        with self.database.transaction() as session:
            stale = outbox.list_stale(session, older_than_seconds=3, limit=2)
            self.assertEqual(ids[:2], [row['id'] for row in stale])
            self.assertEqual({'action_execution_id': 0}, stale[0]['payload'])
            self.assertEqual('on_action_complete', stale[0]['method'])
            self.assertEqual(3, len(outbox.list_stale(session, 3, limit=10)))
            self.assertEqual([], outbox.list_stale(session, 60, limit=10))

    def test_note_attempt(self):
        with self.database.transaction() as session:
            message_id = self.add(session, 1)
            outbox.note_attempt(session, message_id)
            outbox.note_attempt(session, message_id)
            outbox.note_attempt(session, 'already-delivered')
            row = outbox.list_stale(session, -1, limit=1)[0]
        self.assertEqual(2, row['attempts'])
        self.assertIsNotNone(row['sent_at'])


class ScheduledJobsTest(base.DatabaseTestCase):

    NOW = datetime.datetime(2024, 1, 1, 12, 0, 0)

    def create(self, seconds, key=None, job_type='retry_task'):
        with self.database.transaction() as session:
            return scheduled_jobs.create(
                session, job_type=job_type, payload={'seconds': seconds},
                run_after=self.NOW + datetime.timedelta(seconds=seconds), key=key)

    def claim(self, owner, seconds=0, limit=10, reclaim_after=30):
        with self.database.transaction() as session:
            return scheduled_jobs.claim_due(
                session, owner, self.NOW + datetime.timedelta(seconds=seconds),
                limit, reclaim_after)

    def test_claim_due_earliest_first_and_only_once(self):
        later = self.create(5)
        first = self.create(-10)
        second = self.create(-5)
        claimed = self.claim('engine-1', limit=5)
        self.assertEqual([first['id'], second['id']], [job['id'] for job in claimed])
        self.assertEqual('engine-1', claimed[0]['claimed_by'])
        self.assertEqual(self.NOW, claimed[0]['claimed_at'])
        self.assertEqual({'seconds': -10}, claimed[0]['payload'])
        self.assertEqual('retry_task', claimed[0]['job_type'])
        self.assertEqual([], self.claim('engine-2'))
        self.assertEqual([later['id']],
                         [job['id'] for job in self.claim('engine-2', seconds=6)])

    def test_limit(self):
        for seconds in range(-5, 0):
            self.create(seconds)
        self.assertEqual(2, len(self.claim('engine-1', limit=2)))
        self.assertEqual(3, len(self.claim('engine-2', limit=10)))

    def test_stale_claims_are_reclaimed(self):
        job = self.create(-1)
        self.claim('dead-engine')
        self.assertEqual([], self.claim('engine-2', seconds=29))
        reclaimed = self.claim('engine-2', seconds=31)
        self.assertEqual([job['id']], [row['id'] for row in reclaimed])
        self.assertEqual('engine-2', reclaimed[0]['claimed_by'])

    def test_key_is_unique_and_duplicate_leaves_the_transaction_usable(self):
        self.create(1, key='retry:task-1')
        with self.database.transaction() as session:
            with testtools.ExpectedException(
                    exceptions.Duplicate, r'.*\[key=retry:task-1\]'):
                scheduled_jobs.create(session, job_type='retry_task', payload={},
                                      run_after=self.NOW, key='retry:task-1')
            scheduled_jobs.create(session, job_type='retry_task', payload={},
                                  run_after=self.NOW, key='retry:task-2')
        self.create(1)
        self.create(1)
        self.assertEqual(4, len(self.claim('engine', seconds=2)))

    def test_delete_and_delete_by_key(self):
        job = self.create(-1)
        self.create(-1, key='timeout:task-1')
        with self.database.transaction() as session:
            self.assertTrue(scheduled_jobs.delete(session, job['id']))
            self.assertFalse(scheduled_jobs.delete(session, job['id']))
            self.assertTrue(scheduled_jobs.delete_by_key(session, 'timeout:task-1'))
            self.assertFalse(scheduled_jobs.delete_by_key(session, 'nope'))
        self.assertEqual([], self.claim('engine'))


class _FrozenTime(fixtures.Fixture):
    """Stops oslo_utils' clock (which repositories read) until advanced."""

    def _setUp(self):
        timeutils.set_time_override(datetime.datetime(2024, 1, 1))
        self.addCleanup(timeutils.clear_time_override)

    def advance(self, seconds):
        timeutils.advance_time_seconds(seconds)
