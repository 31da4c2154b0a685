"""The root-execution lock and job claiming under real concurrency."""

import datetime
import threading

from wfplatform.db.repositories import scheduled_jobs
from wfplatform.db.repositories import workflow_executions
from wfplatform.tests.functional.db import base

NOW = datetime.datetime(2024, 1, 1, 12, 0, 0)

BLOCKED_FOR = 0.5
"""How long a blocked transaction must stay blocked to count as blocked."""

DEADLINE = 30
"""Longest wait for something that must happen."""


class LockingMixin:

    def test_get_for_update_blocks_a_second_locker_until_commit(self):
        execution_id = self.make_execution()['id']
        second_done = threading.Event()
        seen = []

        def second_locker() -> None:
            with self.database.transaction() as session:
                seen.append(workflow_executions.get_for_update(
                    session, execution_id)['state'])
            second_done.set()

        thread = threading.Thread(target=second_locker)
        with self.database.transaction() as session:
            workflow_executions.get_for_update(session, execution_id)
            workflow_executions.update(session, execution_id, state='PAUSED')
            thread.start()
            self.assertFalse(second_done.wait(BLOCKED_FOR),
                             'the second transaction was not blocked')
        self.assertTrue(second_done.wait(DEADLINE))
        thread.join()
        self.assertEqual(['PAUSED'], seen)

    def test_readers_are_not_blocked_by_the_lock(self):
        execution_id = self.make_execution()['id']
        with self.database.transaction() as session:
            workflow_executions.get_for_update(session, execution_id)
            workflow_executions.update(session, execution_id, state='PAUSED')
            result = []
            thread = threading.Thread(target=lambda: result.append(
                self.database.run_in_transaction(
                    lambda reader: workflow_executions.get(reader, execution_id),
                    read_only=True)))
            thread.start()
            thread.join(DEADLINE)
            self.assertEqual('RUNNING', result[0]['state'])

    def test_concurrent_claimers_never_share_a_job(self):
        with self.database.transaction() as session:
            job_ids = {scheduled_jobs.create(
                session, job_type='retry_task', payload={'n': number},
                run_after=NOW - datetime.timedelta(seconds=number))['id']
                for number in range(40)}
        claims: dict[str, list[str]] = {}
        errors = []

        def claimer(owner: str) -> None:
            claims[owner] = []
            try:
                while True:
                    jobs = self.database.run_in_transaction(
                        lambda session: scheduled_jobs.claim_due(
                            session, owner, NOW, 3, reclaim_after_seconds=600))
                    if not jobs:
                        return
                    claims[owner] += [job['id'] for job in jobs]
            except Exception as error:  # reported by the assertion below
                errors.append(error)

        threads = [threading.Thread(target=claimer, args=(f'engine-{number}',))
                   for number in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(DEADLINE)
        self.assertEqual([], errors)
        claimed = [job_id for owner_claims in claims.values()
                   for job_id in owner_claims]
        self.assertEqual(len(claimed), len(set(claimed)), 'a job was claimed twice')
        self.assertEqual(job_ids, set(claimed))


class SkipLockedMixin:
    """Row-locking databases: a second claimer skips rows another one holds.

    It must neither wait for them nor return them.
    """

    def test_second_claimer_skips_locked_jobs_without_waiting(self):
        with self.database.transaction() as session:
            for number in range(5):
                scheduled_jobs.create(
                    session, job_type='retry_task', payload={},
                    run_after=NOW - datetime.timedelta(seconds=10 - number))
        result = []
        with self.database.transaction() as session:
            first = scheduled_jobs.claim_due(session, 'engine-1', NOW, 2, 600)
            thread = threading.Thread(target=lambda: result.append(
                self.database.run_in_transaction(
                    lambda other: scheduled_jobs.claim_due(
                        other, 'engine-2', NOW, 10, 600))))
            thread.start()
            thread.join(DEADLINE)
            self.assertFalse(thread.is_alive(), 'the second claimer waited')
        second = result[0]
        self.assertEqual(2, len(first))
        self.assertEqual(3, len(second))
        self.assertEqual(set(), {job['id'] for job in first}
                         & {job['id'] for job in second})


class SQLiteLockingTest(LockingMixin, base.BackendTestCase):
    backend = 'sqlite'


class PostgreSQLLockingTest(LockingMixin, SkipLockedMixin, base.BackendTestCase):
    backend = 'postgresql'


class MySQLLockingTest(LockingMixin, SkipLockedMixin, base.BackendTestCase):
    backend = 'mysql'

    def test_sessions_read_committed(self):
        with self.database.connection(read_only=True) as connection:
            level = connection.get_isolation_level()
        self.assertEqual('READ COMMITTED', level)
