"""Finds executors that left their group and hands their actions to the engine.

One engine, the leader of ``wfplatform.engine``, runs :meth:`ExecutorLossWatch.check`
every heartbeat. It compares the executors that hold RUNNING actions (as the
database says, see :mod:`wfplatform.executor.holdings`) with the live members
of the executor group, rather than reacting to tooz's leave events alone: a
comparison also finds executors that died while no engine led, or before
this engine started, and it needs no state that a new leader would lack.

The database is read before the group: an executor joins its group before it
takes any action, so an executor named in the database and missing from the
group read afterwards has really left. A member must be missing for
``grace`` seconds before it counts as lost, so that members dropped by a
restart of the backend have time to join again.
"""

import time
from typing import Callable, Protocol

from oslo_log import log as logging

from wfplatform.coordination import coordinator as coordination

LOG = logging.getLogger(__name__)

EXECUTOR_GROUP = coordination.group_of('executor')


class _Engine(Protocol):
    def executor_hosts(self) -> set[str]: ...

    def on_executor_lost(self, executor_host: str, *,
                         executor_topic: str) -> dict[str, int]: ...


class _Members(Protocol):
    def members(self, group: str) -> dict[str, dict]: ...


class ExecutorLossWatch:
    def __init__(self, engine: _Engine, members: _Members, executor_topic: str,
                 grace: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._engine = engine
        self._members = members
        self._executor_topic = executor_topic
        self._grace = grace
        self._clock = clock
        self._missing_since: dict[str, float] = {}

    def check(self) -> list[str]:
        """Handle the executors lost by now; returns their member ids."""
        holders = self._engine.executor_hosts()
        if not holders:
            self._missing_since.clear()
            return []
        missing = holders - set(self._members.members(EXECUTOR_GROUP))
        now = self._clock()
        self._missing_since = {host: self._missing_since.get(host, now)
                               for host in missing}
        lost = sorted(host for host, since in self._missing_since.items()
                      if now - since >= self._grace)
        for host in lost:
            counts = self._engine.on_executor_lost(
                host, executor_topic=self._executor_topic)
            LOG.warning('Executor %s left its group: %d action(s) sent again '
                        '(safe-rerun), %d failed', host, counts['rerun'],
                        counts['failed'])
            del self._missing_since[host]
        return lost
