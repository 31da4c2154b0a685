"""Delayed jobs (retries, waits, timeouts, cron fires) that any engine may run.

An engine claims due jobs by writing its name and the time into the row; a claim
older than ``reclaim_after_seconds`` is taken as lost (its engine died) and the job
is claimed again. Jobs are named by a registered ``job_type``, never a Python path.
"""

import datetime
import typing
from typing import Any

from oslo_utils import uuidutils
import sqlalchemy as sa
from sqlalchemy import orm

from wfplatform.db import models
from wfplatform.db.repositories import common

_TABLE = typing.cast(sa.Table, models.ScheduledJob.__table__)


def create(session: orm.Session, *, job_type: str, payload: Any,
           run_after: datetime.datetime, key: str | None = None) -> common.Row:
    """Schedule a job; ``Duplicate`` if a job with this ``key`` exists.

    The insert runs in a savepoint, so after ``Duplicate`` the caller's transaction
    goes on: "already scheduled" is an expected answer, not a failure.
    """
    values = {'id': uuidutils.generate_uuid(), 'created_at': common.now(),
              'job_type': job_type, 'payload': payload, 'run_after': run_after,
              'key': key, 'claimed_by': None, 'claimed_at': None,
              'updated_at': None}
    identity = common.describe(key=key)
    with session.begin_nested():
        common.execute_insert(session, _TABLE, values,
                              f'Scheduled job already exists {identity}')
    return values


def claim_due(session: orm.Session, owner: str, now: datetime.datetime, limit: int,
              reclaim_after_seconds: float) -> common.Rows:
    """Claim up to ``limit`` jobs due at ``now`` for ``owner``, earliest first.

    Due jobs are unclaimed or claimed longer than ``reclaim_after_seconds`` ago.
    On PostgreSQL and MySQL rows another claimer holds are skipped (SKIP LOCKED);
    on SQLite the write transaction serialises claimers. Either way two claimers
    never get the same job from one round of claims.
    """
    reclaim_before = now - datetime.timedelta(seconds=reclaim_after_seconds)
    statement = (sa.select(_TABLE)
                 .where(_TABLE.c.run_after <= now,
                        sa.or_(_TABLE.c.claimed_by.is_(None),
                               _TABLE.c.claimed_at < reclaim_before))
                 .order_by(_TABLE.c.run_after, _TABLE.c.id)
                 .limit(limit))
    if common.supports_row_locks(session):
        statement = statement.with_for_update(skip_locked=True)
    jobs = [dict(row._mapping) for row in session.execute(statement)]
    if not jobs:
        return []
    claim = {'claimed_by': owner, 'claimed_at': now, 'updated_at': common.now()}
    session.execute(sa.update(_TABLE)
                    .where(_TABLE.c.id.in_([job['id'] for job in jobs]))
                    .values(**claim))
    return [{**job, **claim} for job in jobs]


def delete(session: orm.Session, id: str) -> bool:
    """Delete a job (done, or cancelled); returns whether it existed."""
    result = session.execute(sa.delete(_TABLE).where(_TABLE.c.id == id))
    return bool(getattr(result, 'rowcount', 0))


def delete_by_key(session: orm.Session, key: str) -> bool:
    """Cancel the job scheduled under ``key``; returns whether it existed."""
    result = session.execute(sa.delete(_TABLE).where(_TABLE.c.key == key))
    return bool(getattr(result, 'rowcount', 0))
