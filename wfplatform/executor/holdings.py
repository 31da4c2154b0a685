"""Which actions an executor holds, told to the engine once they run a while.

The engine needs to know which executor holds a RUNNING action to re-run or
fail it when that executor leaves its group. Executors share one RPC topic, so
the engine cannot know when it sends; asking the executor to confirm every
action would add a message per action on the hot path. Instead each executor
tells the engine, in one batched cast per tick, the actions it has held for
``report_after`` seconds: short actions (most of them) cost nothing; an action
is reported at most once.

The price: an action whose executor dies before the report (within about
``report_after`` of accepting it) is not attributed to anyone; it stays
RUNNING until its task ``timeout``. ``report_after = 0`` closes most of that
gap at one extra (batched) message per action.
"""

import threading
import time
from typing import Callable

from oslo_log import log as logging

LOG = logging.getLogger(__name__)

Report = Callable[[list[str]], None]
"""``report(action_execution_ids)``: tell the engine this executor holds them."""


class Holdings:
    def __init__(self, report: Report, report_after: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._report = report
        self.report_after = report_after
        self._clock = clock
        self._accepted: dict[str, float] = {}
        self._reported: set[str] = set()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def interval(self) -> float:
        """How often :meth:`report_due` runs: late by at most this much."""
        return min(0.5, max(0.05, self.report_after / 2))

    def accepted(self, action_execution_id: str) -> None:
        with self._lock:
            self._accepted.setdefault(action_execution_id, self._clock())

    def released(self, action_execution_id: str) -> None:
        with self._lock:
            self._accepted.pop(action_execution_id, None)
            self._reported.discard(action_execution_id)

    def held(self) -> list[str]:
        with self._lock:
            return sorted(self._accepted)

    def report_due(self) -> list[str]:
        """Report the actions held long enough and not reported yet."""
        now = self._clock()
        with self._lock:
            due = sorted(action_id for action_id, since in self._accepted.items()
                         if action_id not in self._reported
                         and now - since >= self.report_after)
        if not due:
            return []
        self._report(due)
        with self._lock:
            self._reported.update(a for a in due if a in self._accepted)
        return due

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name='holdings',
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join()

    def _loop(self) -> None:
        while not self._stopping.wait(self.interval):
            try:
                self.report_due()
            except Exception as error:
                LOG.warning('Could not tell the engine which actions this '
                            'executor holds (%s); trying again', error)
