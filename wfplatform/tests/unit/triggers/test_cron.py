"""Cron triggers: their timing, and firing each due time exactly once.

The firing tests call :func:`cron.fire` on a migrated SQLite database with a
recording starter and a fixed clock; the last ones run the real engine and its
scheduler with a trigger due every second.
"""

import datetime
import json

from oslo_utils import timeutils
import sqlalchemy as sa
import testtools

from wfplatform.db import models
from wfplatform.db.repositories import common
from wfplatform.db.repositories import cron_triggers
from wfplatform.db.repositories import workflow_executions
from wfplatform import exceptions
from wfplatform.tests.fixtures import engine as engine_fixtures
from wfplatform.tests.unit.db import base
from wfplatform.tests import waiting
from wfplatform.triggers import cron

T0 = datetime.datetime(2030, 1, 1, 12, 0, 0)


def seconds(count: float) -> datetime.timedelta:
    return datetime.timedelta(seconds=count)


class TestPlan(testtools.TestCase):
    now = datetime.datetime(2030, 1, 1, 12, 0, 30, 250000)

    def test_a_pattern_alone_is_due_at_its_next_time(self):
        self.assertEqual(cron.Schedule(datetime.datetime(2030, 1, 1, 13), None),
                         cron.plan('0 * * * *', None, None, self.now))
        self.assertEqual(cron.Schedule(T0 + seconds(31), 5),
                         cron.plan('* * * * * *', None, 5, self.now))

    def test_a_first_time_alone_fires_once(self):
        first = T0 + seconds(60)
        self.assertEqual(cron.Schedule(first, 1),
                         cron.plan(None, first, None, self.now))
        self.assertEqual(cron.Schedule(first, 1), cron.plan(None, first, 1, self.now))

    def test_a_first_time_then_the_pattern(self):
        first = T0 + seconds(3600)
        self.assertEqual(cron.Schedule(first, None),
                         cron.plan('*/5 * * * *', first, None, self.now))

    def test_errors(self):
        cases = [
            ((None, None, None), 'Pattern or first_execution_time must be specified'),
            (('* *', None, None), 'The specified pattern is not valid: * *'),
            (('0 0 30 2 *', None, None), 'pattern is not valid: 0 0 30 2 *'),
            ((None, T0, None), 'first_execution_time 2030-01-01 12:00:00 is in the '
                               'past'),
            ((None, T0 + seconds(60), 2), 'Pattern must be provided if count'),
        ]
        for arguments, message in cases:
            error = self.assertRaises(exceptions.InvalidInput, cron.plan,
                                      *arguments, self.now)
            self.assertIn(message, str(error))

    def test_next_time_reads_a_sixth_field_as_seconds(self):
        self.assertEqual(T0 + seconds(10), cron.next_time('* * * * * */10', T0))
        self.assertEqual(T0 + seconds(60), cron.next_time('* * * * *', T0))

    def test_execution_ids_are_one_per_trigger_and_due_time(self):
        first = cron.execution_id('t1', T0)
        self.assertEqual(first, cron.execution_id('t1', T0))
        self.assertNotEqual(first, cron.execution_id('t1', T0 + seconds(1)))
        self.assertNotEqual(first, cron.execution_id('t2', T0))
        self.assertEqual('cron:t1:2030-01-01T12:00:00', cron.job_key('t1', T0))


class StarterDouble:
    """Records starts; answers like the engine, or raises what it is given."""

    def __init__(self) -> None:
        self.calls: list[dict] = []
        self.error: Exception | None = None

    def start_workflow(self, context, **kwargs):
        self.calls.append({'context': context, **kwargs})
        if self.error is not None:
            raise self.error
        return {'id': kwargs['execution_id']}


class FiringTestCase(base.DatabaseTestCase):

    def setUp(self) -> None:
        super().setUp()
        self.workflow = self.make_workflow()
        self.starter = StarterDouble()
        self.addCleanup(timeutils.clear_time_override)
        self.at(T0)

    def at(self, now: datetime.datetime) -> None:
        timeutils.set_time_override(now)

    def make_trigger(self, **values):
        values = {'name': 'every-second', 'pattern': '* * * * * *',
                  'next_execution_time': T0, 'workflow_name': self.workflow['name'],
                  'workflow_id': self.workflow['id'],
                  'workflow_input': {'x': 1}, 'workflow_params': {'env': {'e': 2}},
                  'project_id': base.PROJECT, 'user_id': 'u1', **values}
        with self.database.transaction() as session:
            trigger = cron_triggers.create(session, **values)
            cron.schedule(session, trigger)
        return trigger

    def trigger(self, trigger_id):
        with self.database.transaction() as session:
            return cron_triggers.get_for_update(session, trigger_id)

    def jobs(self):
        with self.database.transaction() as session:
            return [dict(row._mapping) for row in session.execute(
                sa.select(models.ScheduledJob.__table__)
                .order_by(models.ScheduledJob.run_after))]

    def fire(self, job=None):
        job = job or self.jobs()[0]
        cron.fire(self.starter, self.database, job, retry_after=30)
        return job

    def started_ids(self):
        return [call['execution_id'] for call in self.starter.calls]


class TestFire(FiringTestCase):

    def test_a_firing_starts_the_workflow_as_the_owner_and_schedules_the_next(self):
        trigger = self.make_trigger()
        self.fire()
        [call] = self.starter.calls
        self.assertEqual(cron.execution_id(trigger['id'], T0), call['execution_id'])
        self.assertEqual((base.PROJECT, 'u1', False),
                         (call['context'].project_id, call['context'].user_id,
                          call['context'].is_admin))
        self.assertEqual((self.workflow['id'], {'x': 1}, {'env': {'e': 2}}),
                         (call['workflow_identifier'], call['workflow_input'],
                          call['params']))
        self.assertEqual(
            {'description': f"Workflow execution created by cron trigger "
                            f"'({trigger['id']})'.",
             'triggered_by': {'type': 'cron_trigger', 'id': trigger['id'],
                              'name': 'every-second',
                              'execution_time': '2030-01-01 12:00:00'}},
            json.loads(call['description']))
        self.assertEqual(T0 + seconds(1),
                         self.trigger(trigger['id'])['next_execution_time'])
        [job] = self.jobs()
        self.assertEqual((cron.job_key(trigger['id'], T0 + seconds(1)),
                          T0 + seconds(1)), (job['key'], job['run_after']))

    def test_the_count_goes_down_and_the_last_firing_deletes_the_trigger(self):
        trigger = self.make_trigger(remaining_executions=2)
        self.fire()
        self.assertEqual(1, self.trigger(trigger['id'])['remaining_executions'])
        self.at(T0 + seconds(1))
        self.fire()
        self.assertIsNone(self.trigger(trigger['id']))
        self.assertEqual([], self.jobs())
        self.assertEqual([cron.execution_id(trigger['id'], T0),
                          cron.execution_id(trigger['id'], T0 + seconds(1))],
                         self.started_ids())

    def test_a_first_time_without_pattern_fires_once(self):
        trigger = self.make_trigger(pattern=None, remaining_executions=1)
        self.fire()
        self.assertIsNone(self.trigger(trigger['id']))
        self.assertEqual([], self.jobs())
        self.assertEqual(1, len(self.starter.calls))

    def test_a_job_run_twice_starts_once(self):
        self.make_trigger()
        job = self.fire()
        self.fire(job)
        self.assertEqual(1, len(self.starter.calls))

    def test_a_late_firing_starts_one_execution_and_skips_the_missed_times(self):
        trigger = self.make_trigger(remaining_executions=10)
        self.at(T0 + seconds(10.5))
        self.fire()
        self.assertEqual([cron.execution_id(trigger['id'], T0)], self.started_ids())
        stored = self.trigger(trigger['id'])
        self.assertEqual((T0 + seconds(11), 9), (stored['next_execution_time'],
                                                 stored['remaining_executions']))

    def test_a_deleted_trigger_does_not_fire(self):
        trigger = self.make_trigger()
        job = self.jobs()[0]
        with self.database.transaction() as session:
            cron.unschedule(session, cron_triggers.delete(session, trigger['id']))
        self.fire(job)
        self.assertEqual([], self.starter.calls)

    def test_a_refused_start_drops_the_firing_and_goes_on(self):
        trigger = self.make_trigger()
        self.starter.error = exceptions.InvalidInput('input no longer fits')
        self.fire()
        self.assertEqual(1, len(self.starter.calls))
        [job] = self.jobs()
        self.assertEqual(cron.job_key(trigger['id'], T0 + seconds(1)), job['key'])


class TestCrash(FiringTestCase):
    """An engine that dies between advancing the trigger and starting the run."""

    def crash(self):
        self.starter.error = RuntimeError('the engine died')
        self.assertRaises(RuntimeError, self.fire)
        self.starter.error = None

    def retry_job(self, trigger_id, due=T0):
        [job] = [job for job in self.jobs()
                 if job['key'] == f'{cron.job_key(trigger_id, due)}:retry']
        return job

    def test_the_retry_starts_the_same_execution_and_does_not_advance_again(self):
        trigger = self.make_trigger(remaining_executions=5)
        self.crash()
        retry = self.retry_job(trigger['id'])
        self.assertEqual(T0 + seconds(30), retry['run_after'])
        stored = self.trigger(trigger['id'])
        self.assertEqual((T0 + seconds(1), 4), (stored['next_execution_time'],
                                                stored['remaining_executions']))
        self.at(T0 + seconds(30))
        self.fire(retry)
        self.assertEqual([cron.execution_id(trigger['id'], T0)] * 2,
                         self.started_ids())
        stored = self.trigger(trigger['id'])
        self.assertEqual((T0 + seconds(1), 4), (stored['next_execution_time'],
                                                stored['remaining_executions']))
        self.assertEqual([cron.job_key(trigger['id'], T0 + seconds(1))],
                         [job['key'] for job in self.jobs()])

    def test_the_next_due_time_fires_independently_of_a_pending_retry(self):
        trigger = self.make_trigger()
        self.crash()
        self.at(T0 + seconds(1))
        self.fire(self.jobs()[0])
        self.fire(self.retry_job(trigger['id']))
        self.assertEqual(sorted([cron.execution_id(trigger['id'], T0),
                                 cron.execution_id(trigger['id'], T0 + seconds(1))]),
                         sorted(set(self.started_ids())))

    def test_the_last_firing_is_retried_after_its_trigger_is_gone(self):
        trigger = self.make_trigger(remaining_executions=1)
        self.crash()
        self.assertIsNone(self.trigger(trigger['id']))
        self.fire(self.retry_job(trigger['id']))
        self.assertEqual([cron.execution_id(trigger['id'], T0)] * 2,
                         self.started_ids())
        self.assertEqual([], self.jobs())

    def test_deleting_the_trigger_lets_a_reached_due_time_finish(self):
        trigger = self.make_trigger()
        self.crash()
        with self.database.transaction() as session:
            cron.unschedule(session, cron_triggers.delete(session, trigger['id']))
        self.fire(self.retry_job(trigger['id']))
        self.assertEqual([], self.jobs())
        self.assertEqual(2, len(self.starter.calls))


WORKFLOW = """
version: '2.0'
ticked:
  input:
    - label
  tasks:
    say:
      action: std.echo output=<% $.label %>
"""


class TestWithEngine(testtools.TestCase):
    """The engine's scheduler fires a trigger due every second."""

    def setUp(self) -> None:
        super().setUp()
        self.engine = self.useFixture(engine_fixtures.EngineFixture())
        self.workflow = self.engine.define(WORKFLOW)

    def create(self, **values):
        context = self.engine.context
        timing = cron.plan(values.get('pattern'), values.get('first_execution_time'),
                           values.get('remaining_executions'), timeutils.utcnow())
        with self.engine.database.transaction() as session:
            trigger = cron_triggers.create(
                session, workflow_name='ticked', workflow_id=self.workflow['id'],
                workflow_input={'label': 'tick'}, project_id=context.project_id,
                user_id=context.user_id,
                next_execution_time=timing.next_execution_time,
                **{**values, 'remaining_executions': timing.remaining_executions})
            cron.schedule(session, trigger)
        return trigger

    def executions(self):
        with self.engine.database.transaction() as session:
            return workflow_executions.list(session, common.ListQuery())

    def wait_executions(self, count):
        """The executions, once there are ``count``.

        A firing's execution starts a moment after its trigger moved on (or,
        for the last firing, was deleted).
        """
        return waiting.wait_for(
            lambda: (lambda found: found if len(found) >= count else None)(
                self.executions()), 10, f'{count} execution(s)')

    def gone(self, trigger_id):
        with self.engine.database.transaction() as session:
            return cron_triggers.get_for_update(session, trigger_id) is None

    def test_three_firings_one_second_apart(self):
        trigger = self.create(name='tick', pattern='* * * * * *',
                              remaining_executions=3)
        waiting.wait_for(lambda: self.gone(trigger['id']), 15,
                         'the trigger to fire three times')
        executions = [self.engine.wait_finished(execution['id'])
                      for execution in self.wait_executions(3)]
        self.assertEqual(['SUCCESS'] * 3, [e['state'] for e in executions])
        times = sorted(json.loads(e['description'])['triggered_by']['execution_time']
                       for e in executions)
        self.assertEqual(3, len(set(times)))
        dues = [datetime.datetime.fromisoformat(text) for text in times]
        self.assertEqual(sorted(cron.execution_id(trigger['id'], due)
                                for due in dues),
                         sorted(e['id'] for e in executions))
        self.assertEqual({'label': 'tick'}, executions[0]['input'])

    def test_a_first_execution_time_fires_once(self):
        first = timeutils.utcnow().replace(microsecond=0) + seconds(1)
        trigger = self.create(name='once', first_execution_time=first)
        waiting.wait_for(lambda: self.gone(trigger['id']), 15, 'the firing')
        [execution] = self.wait_executions(1)
        self.assertEqual(cron.execution_id(trigger['id'], first), execution['id'])
        self.assertEqual('SUCCESS',
                         self.engine.wait_finished(execution['id'])['state'])
