"""The transactional outbox: RPC messages stored with the state change they report.

A message is added in the same transaction as its state change, sent after commit,
and deleted once the broker accepted it. Rows that stay behind (a crash between
commit and send, a broker outage) are found by :func:`list_stale` and sent again.
"""

import datetime
import typing
from typing import Any, Iterable

from oslo_utils import uuidutils
import sqlalchemy as sa
from sqlalchemy import orm

from wfplatform.db import models
from wfplatform.db.repositories import common

_TABLE = typing.cast(sa.Table, models.OutboxMessage.__table__)


def add(session: orm.Session, *, topic: str, server: str | None, method: str,
        payload: Any) -> str:
    """Store one message to send after commit; returns its id.

    A plain INSERT (no ORM bookkeeping): this runs once or more per task transition.
    """
    message_id = uuidutils.generate_uuid()
    session.execute(sa.insert(_TABLE).values(
        id=message_id, created_at=common.now(), topic=topic, server=server,
        method=method, payload=payload, attempts=0))
    return message_id


def delete(session: orm.Session, ids: Iterable[str]) -> int:
    """Delete delivered messages; returns how many existed."""
    message_ids = common.ids(ids)
    if not message_ids:
        return 0
    result = session.execute(sa.delete(_TABLE).where(_TABLE.c.id.in_(message_ids)))
    return int(getattr(result, 'rowcount', 0))


def list_stale(session: orm.Session, older_than_seconds: float,
               limit: int) -> common.Rows:
    """Messages created more than ``older_than_seconds`` ago, oldest first.

    On PostgreSQL and MySQL the rows are locked with SKIP LOCKED until the caller's
    transaction ends, so two sweeping engines do not pick the same messages while
    both hold their transactions open.
    """
    cutoff = common.now() - datetime.timedelta(seconds=older_than_seconds)
    statement = (sa.select(_TABLE)
                 .where(_TABLE.c.created_at < cutoff)
                 .order_by(_TABLE.c.created_at, _TABLE.c.id)
                 .limit(limit))
    if common.supports_row_locks(session):
        statement = statement.with_for_update(skip_locked=True)
    return [dict(row._mapping) for row in session.execute(statement)]


def count(session: orm.Session) -> int:
    """Messages not yet delivered."""
    return int(session.scalar(sa.select(sa.func.count()).select_from(_TABLE)) or 0)


def note_attempt(session: orm.Session, id: str) -> None:
    """Count one more delivery attempt of the message and record when it was made.

    A message already deleted (delivered by someone else) is silently ignored.
    """
    session.execute(sa.update(_TABLE).where(_TABLE.c.id == id).values(
        attempts=_TABLE.c.attempts + 1, sent_at=common.now()))
