"""Cron trigger firings racing each other and a delete, on every backend."""

import datetime
import threading

from oslo_utils import timeutils
import sqlalchemy as sa

from wfplatform.db import models
from wfplatform.db.repositories import cron_triggers
from wfplatform.db.repositories import scheduled_jobs
from wfplatform.db.repositories import workflow_definitions
from wfplatform.tests.functional.db import base
from wfplatform.triggers import cron

T0 = datetime.datetime(2030, 1, 1, 12, 0, 0)

FIRERS = 6

DEADLINE = 60

BLOCKED_FOR = 0.5
"""How long a blocked transaction must stay blocked to count as blocked."""


class RecordingStarter:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.execution_ids: list[str] = []

    def start_workflow(self, context, **kwargs):
        with self.lock:
            self.execution_ids.append(kwargs['execution_id'])
        return {'id': kwargs['execution_id']}


class CronFiringMixin:

    def setUp(self):
        super().setUp()
        timeutils.set_time_override(T0)
        self.addCleanup(timeutils.clear_time_override)
        with self.database.transaction() as session:
            workflow = workflow_definitions.create(
                session, name='wf', project_id=base.PROJECT, spec={'tasks': {}})
            self.trigger = cron_triggers.create(
                session, name='tick', pattern='* * * * * *', next_execution_time=T0,
                remaining_executions=3, workflow_name='wf',
                workflow_id=workflow['id'], project_id=base.PROJECT)
            cron.schedule(session, self.trigger)
        self.starter = RecordingStarter()
        [self.job] = self.jobs()

    def jobs(self):
        with self.database.transaction() as session:
            return [dict(row._mapping) for row in session.execute(
                sa.select(models.ScheduledJob.__table__))]

    def run_together(self, *functions):
        barrier = threading.Barrier(len(functions))
        errors = []

        def run(function):
            barrier.wait(DEADLINE)
            try:
                function()
            except Exception as error:
                errors.append(error)

        threads = [threading.Thread(target=run, args=(f,)) for f in functions]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(DEADLINE)
        self.assertEqual([], errors)

    def fire(self):
        cron.fire(self.starter, self.database, self.job)

    def test_engines_firing_one_job_together_start_it_once(self):
        self.run_together(*[self.fire] * FIRERS)
        self.assertEqual([cron.execution_id(self.trigger['id'], T0)],
                         self.starter.execution_ids)
        with self.database.transaction() as session:
            stored = cron_triggers.get(session, self.trigger['id'])
        self.assertEqual((T0 + datetime.timedelta(seconds=1), 2),
                         (stored['next_execution_time'],
                          stored['remaining_executions']))
        self.assertEqual([cron.job_key(self.trigger['id'], stored[
            'next_execution_time'])], [job['key'] for job in self.jobs()])

    def delete(self):
        with self.database.transaction() as session:
            cron.unschedule(session, cron_triggers.delete(
                session, self.trigger['id'], project_id=base.PROJECT))

    def test_a_delete_racing_a_firing_leaves_no_job_behind(self):
        self.run_together(self.fire, self.delete)
        self.assertEqual([], self.jobs())
        self.assertIn(self.starter.execution_ids,
                      ([], [cron.execution_id(self.trigger['id'], T0)]))


class RowLockMixin:
    """Where the database has row locks: a delete waits for a firing's lock."""

    def test_a_delete_waiting_for_a_firing_cancels_the_job_it_scheduled(self):
        deleted = threading.Event()
        thread = threading.Thread(target=lambda: (self.delete(), deleted.set()))
        with self.database.transaction() as session:
            cron_triggers.get_for_update(session, self.trigger['id'])
            thread.start()
            self.assertFalse(deleted.wait(BLOCKED_FOR),
                             'the delete was not blocked by the lock')
            scheduled_jobs.delete(session, self.job['id'])
            cron.schedule(session, cron_triggers.update(
                session, self.trigger['id'],
                next_execution_time=T0 + datetime.timedelta(seconds=1)))
        self.assertTrue(deleted.wait(DEADLINE))
        thread.join()
        self.assertEqual([], self.jobs())


class SQLiteCronFiringTest(CronFiringMixin, base.BackendTestCase):
    backend = 'sqlite'


class PostgreSQLCronFiringTest(CronFiringMixin, RowLockMixin, base.BackendTestCase):
    backend = 'postgresql'


class MySQLCronFiringTest(CronFiringMixin, RowLockMixin, base.BackendTestCase):
    backend = 'mysql'
