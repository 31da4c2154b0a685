"""Runs due scheduled jobs: the kernel's timers (waits, retries, timeouts).

Every engine runs a scheduler. Each round it claims due jobs in one short
transaction (``FOR UPDATE SKIP LOCKED`` where the database has it, so engines
never claim the same job together) and hands each to the handler registered for
its ``job_type``. A handler deletes its job in the transaction that acts on it,
so a job runs once; a claim whose engine died before that is taken over by
another engine after ``reclaim_after`` seconds.
"""

import socket
import threading
from typing import Any, Callable
import uuid

from oslo_log import log as logging
from oslo_utils import timeutils

from wfplatform.db import database as db_database
from wfplatform.db.repositories import scheduled_jobs

LOG = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any]], None]


class Scheduler:
    def __init__(self, database: db_database.Database,
                 handlers: dict[str, Handler], interval: float,
                 reclaim_after: float, batch_size: int = 100) -> None:
        self._database = database
        self._handlers = handlers
        self._interval = interval
        self._reclaim_after = reclaim_after
        self._batch_size = batch_size
        self.owner = f'{socket.gethostname()}:{uuid.uuid4().hex[:8]}'
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def run_due(self) -> int:
        """Claim and run the jobs due now; returns how many ran."""
        with self._database.transaction() as session:
            jobs = scheduled_jobs.claim_due(session, self.owner, timeutils.utcnow(),
                                            self._batch_size, self._reclaim_after)
        for job in jobs:
            if self._stopping.is_set():
                break
            handler = self._handlers.get(job['job_type'])
            if handler is None:
                LOG.error('No handler for scheduled job type %s (job %s); it '
                          'stays until an engine that knows it claims it',
                          job['job_type'], job['id'])
                continue
            try:
                handler(job)
            except Exception:
                LOG.exception('Scheduled job %s (%s) failed; it is claimed again '
                              'in %s s', job['id'], job['job_type'],
                              self._reclaim_after)
        return len(jobs)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name='scheduler',
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join()

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                busy = self.run_due() >= self._batch_size
            except Exception:
                LOG.exception('Claiming scheduled jobs failed; trying again in '
                              '%s s', self._interval)
                busy = False
            if not busy:
                self._stopping.wait(self._interval)
