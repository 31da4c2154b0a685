"""Cron triggers: when they come due, and firing each due time exactly once.

A trigger's ``next_execution_time`` is its due time not yet fired. For it there is
one scheduled job (type :data:`JOB_TYPE`, key ``cron:<trigger id>:<due time>``,
``run_after`` the due time) that any engine's scheduler may claim. The job's
payload holds everything the firing needs to start the workflow, so a firing can
finish even after the trigger is gone.

Firing a job (:func:`fire`) takes two transactions around the engine's own:

1. Lock the trigger row (``SELECT ... FOR UPDATE``) and delete the job; if the
   job is already gone another engine fired it (or the owner deleted the trigger
   first) and nothing happens. If the trigger is still due at this job's time,
   advance it: one execution fewer remaining (the trigger is deleted when none
   remain) and the next due time with its job. In the same transaction a *retry
   job* for this due time is scheduled ``retry_after`` seconds ahead.
2. Start the workflow with an execution id derived from (trigger id, due time);
   the engine makes a start with a known id idempotent.
3. Delete the retry job.

The retry job replaces the job in one transaction, so a due time has exactly one
job until its execution has started. If an engine dies before 1, its claim on the
job lapses (``[engine] scheduler_reclaim_after``) and another engine fires it; if
it dies after 1, the retry job comes due and some engine repeats 2 and 3, and the
execution started (or not) before the crash is found by its id. So each due time
a trigger reaches (step 1 committed) starts exactly one execution, provided an
engine runs eventually; a start refused for good (a 4xx error: the workflow's
input no longer fits it, say) drops that firing with an error in the log, as
Mistral does.

Deleting a trigger locks its row too, then cancels the job of its
``next_execution_time``: a due time not reached by then never fires, one already
reached still starts its execution.

Missed due times (every engine down past several of them) are not caught up: the
job of the first one fires late, starts one execution, and the next due time is
the first one after *now*, as in Mistral.

There are no Keystone trusts yet: a firing runs with a context holding only the
creator's project and user ids.
"""

import dataclasses
import datetime
import json
from typing import Any, Callable, Protocol
import uuid

import croniter
from oslo_log import log as logging
from oslo_utils import timeutils
from sqlalchemy import orm

from wfplatform import context as wf_context
from wfplatform.db import database as db_database
from wfplatform.db.repositories import cron_triggers
from wfplatform.db.repositories import scheduled_jobs
from wfplatform import exceptions

LOG = logging.getLogger(__name__)

JOB_TYPE = 'cron_trigger'
"""The scheduled-job type that fires a cron trigger."""

RETRY_AFTER = 30.0
"""Seconds after which a firing that did not finish is tried again, by default.

Engines pass ``[engine] scheduler_reclaim_after``: a firing cut short is taken
over as soon as a job its engine claimed and lost would be."""

_EXECUTION_IDS = uuid.UUID('5d0c7b1e-3f52-4c86-9a4e-7b2f1c9d8e60')
"""Namespace of the execution ids derived from (trigger id, due time)."""

_WIRE_TIME = '%Y-%m-%d %H:%M:%S'


class WorkflowStarter(Protocol):
    """What a firing needs of the engine: ``Engine.start_workflow``."""

    def start_workflow(self, context: Any, *, workflow_identifier: str,
                       namespace: str = '', workflow_input: dict[str, Any],
                       description: str = '', params: dict[str, Any],
                       execution_id: str | None = None) -> dict[str, Any]: ...


@dataclasses.dataclass(frozen=True)
class Schedule:
    """A new trigger's first due time and how many firings it has (None: no end)."""

    next_execution_time: datetime.datetime
    remaining_executions: int | None


def plan(pattern: str | None, first_time: datetime.datetime | None,
         count: int | None, now: datetime.datetime) -> Schedule:
    """Check a new trigger's timing, as Mistral does, and return its first due time.

    ``first_time`` (UTC) is the first due time when given, else the pattern's
    first time after ``now``. Without a pattern the trigger fires once.
    ``count``, when given, is at least 1. ``InvalidInput`` names the field at
    fault.
    """
    if not (pattern or first_time):
        raise exceptions.InvalidInput(
            'Pattern or first_execution_time must be specified.')
    pattern_next = next_time(pattern, _whole_seconds(now)) if pattern else None
    if first_time is None:
        assert pattern_next is not None
        return Schedule(pattern_next, count)
    if first_time < now:
        raise exceptions.InvalidInput(
            f'first_execution_time {first_time:{_WIRE_TIME}} is in the past (it '
            f'is now {now:{_WIRE_TIME}} UTC).')
    if not pattern and count is not None and count > 1:
        raise exceptions.InvalidInput(
            'Pattern must be provided if count is superior to 1.')
    return Schedule(_whole_seconds(first_time), count if pattern else 1)


def next_time(pattern: str, after: datetime.datetime) -> datetime.datetime:
    """The pattern's first time strictly after ``after``.

    Five fields are crontab's; a sixth is seconds (``* * * * * */10``: every ten
    seconds), as croniter, and so Mistral, reads it. ``InvalidInput`` for a
    pattern croniter refuses or one that never comes due.
    """
    try:
        value: datetime.datetime = croniter.croniter(pattern, after).get_next(
            datetime.datetime)
    except (ValueError, KeyError) as error:
        raise exceptions.InvalidInput(
            f'The specified pattern is not valid: {pattern} ({error})') from None
    return value


def execution_id(trigger_id: str, due: datetime.datetime) -> str:
    """The id of the execution a trigger starts for a due time: the same every time."""
    return str(uuid.uuid5(_EXECUTION_IDS, f'{trigger_id}/{due.isoformat()}'))


def job_key(trigger_id: str, due: datetime.datetime) -> str:
    """The key of the job firing a trigger at ``due``."""
    return f'cron:{trigger_id}:{due.isoformat()}'


def schedule(session: orm.Session, trigger: dict[str, Any]) -> None:
    """Schedule the job firing ``trigger`` at its ``next_execution_time``."""
    due = trigger['next_execution_time']
    _create_job(session, _payload(trigger), due, job_key(trigger['id'], due))


def unschedule(session: orm.Session, trigger: dict[str, Any]) -> None:
    """Cancel a deleted trigger's pending job.

    A firing already past its first transaction still finishes: its due time
    came before the deletion.
    """
    scheduled_jobs.delete_by_key(
        session, job_key(trigger['id'], trigger['next_execution_time']))


def handler(starter: WorkflowStarter, database: db_database.Database,
            retry_after: float = RETRY_AFTER) -> Callable[[dict[str, Any]], None]:
    """The scheduler's handler for :data:`JOB_TYPE` jobs."""
    def run(job: dict[str, Any]) -> None:
        fire(starter, database, job, retry_after)
    return run


def fire(starter: WorkflowStarter, database: db_database.Database,
         job: dict[str, Any], retry_after: float = RETRY_AFTER) -> None:
    """Fire a trigger's job: advance the trigger once, start its execution once.

    See the module docstring for the steps and the guarantee. Errors other than
    a refused start propagate: the retry job tries again.
    """
    payload = job['payload']
    due = datetime.datetime.fromisoformat(payload['execution_time'])
    retry_key = f'{job_key(payload["trigger_id"], due)}:retry'
    claimed = database.run_in_transaction(
        lambda session: _claim(session, job, due, retry_key, retry_after))
    if not claimed:
        LOG.debug('Cron trigger %s at %s was fired by another engine',
                  payload['trigger_id'], payload['execution_time'])
        return
    _start(starter, payload, due)
    database.run_in_transaction(
        lambda session: scheduled_jobs.delete_by_key(session, retry_key))


def _claim(session: orm.Session, job: dict[str, Any], due: datetime.datetime,
           retry_key: str, retry_after: float) -> bool:
    """Transaction 1: take the job, advance the trigger, schedule the retry."""
    payload = job['payload']
    trigger = cron_triggers.get_for_update(session, payload['trigger_id'])
    if not scheduled_jobs.delete(session, job['id']):
        return False
    now = timeutils.utcnow()
    if trigger is not None and trigger['next_execution_time'] == due:
        _advance(session, trigger, now)
    _create_job(session, payload, now + datetime.timedelta(seconds=retry_after),
                retry_key)
    return True


def _advance(session: orm.Session, trigger: dict[str, Any],
             now: datetime.datetime) -> None:
    """One firing done: count it, then schedule the next or delete the trigger.

    The next due time is the first after both the one fired and now, so a late
    firing starts no burst of missed ones.
    """
    remaining = trigger['remaining_executions']
    if remaining is not None:
        remaining -= 1
    upcoming = None
    if trigger['pattern'] and remaining != 0:
        upcoming = _next_or_none(trigger, max(_whole_seconds(now),
                                              trigger['next_execution_time']))
    if upcoming is None:
        cron_triggers.delete_by_id(session, trigger['id'])
        LOG.info('Cron trigger %s (%s) fired for the last time', trigger['id'],
                 trigger['name'])
        return
    updated = cron_triggers.update(session, trigger['id'],
                                   next_execution_time=upcoming,
                                   remaining_executions=remaining)
    schedule(session, updated)


def _next_or_none(trigger: dict[str, Any],
                  after: datetime.datetime) -> datetime.datetime | None:
    try:
        return next_time(trigger['pattern'], after)
    except exceptions.InvalidInput as error:
        LOG.warning('Cron trigger %s has no due time after %s: %s', trigger['id'],
                    after, error)
        return None


def _start(starter: WorkflowStarter, payload: dict[str, Any],
           due: datetime.datetime) -> None:
    """Transaction 2 (the engine's): start the execution of this due time."""
    context = wf_context.RequestContext(project_id=payload['project_id'],
                                        user_id=payload['user_id'], is_admin=False)
    try:
        record = starter.start_workflow(
            context, workflow_identifier=payload['workflow_id'],
            workflow_input=dict(payload['workflow_input'] or {}),
            description=description(payload, due),
            params=dict(payload['workflow_params'] or {}),
            execution_id=execution_id(payload['trigger_id'], due))
    except exceptions.WfplatformError as error:
        if not 400 <= error.http_code < 500:
            raise
        LOG.error('Cron trigger %s could not start workflow %s for %s; this '
                  'firing is dropped: %s', payload['trigger_id'],
                  payload['workflow_id'], payload['execution_time'], error)
        return
    LOG.info('Cron trigger %s started execution %s for %s [execution_id=%s]',
             payload['trigger_id'], record['id'], payload['execution_time'],
             record['id'])


def description(payload: dict[str, Any], due: datetime.datetime) -> str:
    """The execution's description, as Mistral writes it: JSON naming the trigger.

    ``execution_time`` (the due time fired, UTC) is wfplatform's addition.
    """
    return json.dumps({
        'description': f"Workflow execution created by cron trigger "
                       f"'({payload['trigger_id']})'.",
        'triggered_by': {'type': 'cron_trigger', 'id': payload['trigger_id'],
                         'name': payload['trigger_name'],
                         'execution_time': f'{due:{_WIRE_TIME}}'},
    })


def _payload(trigger: dict[str, Any]) -> dict[str, Any]:
    """What firing ``trigger`` at its next due time needs, even once it is gone."""
    return {
        'trigger_id': trigger['id'],
        'trigger_name': trigger['name'],
        'execution_time': trigger['next_execution_time'].isoformat(),
        'workflow_id': trigger['workflow_id'],
        'workflow_input': trigger['workflow_input'],
        'workflow_params': trigger['workflow_params'],
        'project_id': trigger['project_id'],
        'user_id': trigger['user_id'],
    }


def _create_job(session: orm.Session, payload: dict[str, Any],
                run_after: datetime.datetime, key: str) -> None:
    try:
        scheduled_jobs.create(session, job_type=JOB_TYPE, payload=payload,
                              run_after=run_after, key=key)
    except exceptions.Duplicate:
        LOG.debug('Cron job %s is already scheduled', key)


def _whole_seconds(value: datetime.datetime) -> datetime.datetime:
    return value.replace(microsecond=0)
