"""The execution expiration policy: deletes old finished execution trees.

Mistral's ``[execution_expiration_policy]``: every ``evaluation_interval``
minutes, top-level executions in SUCCESS, ERROR or CANCELLED (less
``ignored_states``) are deleted with their whole tree when last changed more
than ``older_than`` minutes ago, and beyond the ``max_finished_executions``
most recent of their project. ``batch_size`` executions go per transaction.

With coordination the leading engine runs it (a leadership of its own, see
:mod:`wfplatform.launcher`); without, every engine does, which is harmless:
the roots are locked and checked again before a delete, so two engines
delete each tree once.
"""

import dataclasses
import datetime
import threading
from typing import Callable

from oslo_config import cfg
from oslo_log import log as logging
from oslo_utils import timeutils
from sqlalchemy import orm

from wfplatform.db import database as db_database
from wfplatform.db.repositories import expired_executions
from wfplatform.workflow import states

LOG = logging.getLogger(__name__)

FINISHED_STATES = frozenset({states.SUCCESS, states.ERROR, states.CANCELLED})

LEADERSHIP = 'wfplatform.engine.expiration'
"""The leadership whose holder runs the policy, apart from the engine's."""


@dataclasses.dataclass(frozen=True)
class Policy:
    """What expires; the defaults keep everything."""

    older_than: int = 0
    """Minutes; 0: no age limit."""
    max_finished_executions: int = 0
    """Per project; 0: no count limit."""
    batch_size: int = 0
    """Executions per transaction; 0: all at once."""
    ignored_states: frozenset[str] = frozenset()

    @classmethod
    def from_config(cls, conf: cfg.ConfigOpts) -> 'Policy':
        group = conf.execution_expiration_policy
        return cls(group.older_than, group.max_finished_executions,
                   group.batch_size, frozenset(group.ignored_states))

    @property
    def states(self) -> frozenset[str]:
        return FINISHED_STATES - self.ignored_states

    @property
    def deletes_anything(self) -> bool:
        return bool(self.states) and bool(self.older_than
                                          or self.max_finished_executions)


def interval(conf: cfg.ConfigOpts) -> float | None:
    """Seconds between runs, or None when the policy is off."""
    minutes = conf.execution_expiration_policy.evaluation_interval
    if not minutes or not Policy.from_config(conf).deletes_anything:
        return None
    return minutes * 60.0


class Expiration:
    def __init__(self, database: db_database.Database, policy: Policy,
                 clock: Callable[[], datetime.datetime] = timeutils.utcnow
                 ) -> None:
        self._database = database
        self._policy = policy
        self._clock = clock

    def run(self) -> int:
        """Delete what has expired by now; returns the number of trees deleted."""
        policy = self._policy
        deleted = 0
        if policy.older_than:
            before = self._clock() - datetime.timedelta(minutes=policy.older_than)
            deleted += self._delete_all(
                lambda session, limit: expired_executions.changed_before(
                    session, before, policy.states, limit))
        if policy.max_finished_executions:
            deleted += self._delete_all(
                lambda session, limit: expired_executions.beyond_newest(
                    session, policy.max_finished_executions, policy.states,
                    limit))
        if deleted:
            LOG.info('Expiration policy deleted %d finished execution(s)', deleted)
        return deleted

    def _delete_all(self, find: Callable[..., list[str]]) -> int:
        """Delete batch after batch of what ``find`` names, until none is left."""
        limit = self._policy.batch_size or None
        total = 0
        while True:
            found, deleted = self._database.run_in_transaction(
                lambda session: self._delete_batch(session, find, limit))
            total += len(deleted)
            # A batch another engine deleted first deletes nothing here, yet
            # more may be left: stop only when nothing is found.
            if not found or limit is None:
                return total

    def _delete_batch(self, session: orm.Session, find: Callable[..., list[str]],
                      limit: int | None) -> tuple[list[str], list[str]]:
        found = find(session, limit)
        deleted = expired_executions.delete_trees(session, found,
                                                  self._policy.states)
        for execution_id in deleted:
            LOG.debug('Deleted expired execution [execution_id=%s]', execution_id)
        return found, deleted


class Periodic:
    """Calls ``callback`` every ``interval`` seconds in a thread of its own.

    For engines without coordination; with it, the leader loop does this.
    """

    def __init__(self, callback: Callable[[], object], interval: float) -> None:
        self._callback = callback
        self._interval = interval
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, daemon=True,
                                        name='expiration')
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join()

    def _loop(self) -> None:
        while not self._stopping.wait(self._interval):
            try:
                self._callback()
            except Exception:
                LOG.exception('Expiration policy run failed; trying again in '
                              '%s s', self._interval)
