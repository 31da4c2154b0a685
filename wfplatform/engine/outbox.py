"""The transactional outbox: messages written with the state, sent after commit.

An engine operation adds a row per message in its own transaction and gets back a
:class:`Message`; after the commit it hands those messages to :meth:`Outbox.flush`,
which sends them and deletes their rows. A message whose send failed, or whose
engine died between commit and send, stays in the table; the sweep re-sends rows
older than ``[engine] outbox_resend_after``. Receivers are idempotent, so a message
sent twice does no harm.
"""

import dataclasses
import threading
from typing import Any, Callable

from oslo_log import log as logging
from sqlalchemy import orm

from wfplatform.db import database as db_database
from wfplatform.db.repositories import outbox as outbox_repository

LOG = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class Message:
    id: str
    topic: str
    server: str | None
    method: str
    payload: dict[str, Any]


Sender = Callable[[Message], None]
"""Delivers one message (an RPC cast, or a hand-off to the local executor)."""


def add(session: orm.Session, *, topic: str, method: str, payload: dict[str, Any],
        server: str | None = None) -> Message:
    """Write a message in the caller's transaction."""
    message_id = outbox_repository.add(session, topic=topic, server=server,
                                       method=method, payload=payload)
    return Message(message_id, topic, server, method, payload)


class Outbox:
    def __init__(self, database: db_database.Database, sender: Sender,
                 sweep_interval: float, resend_after: float) -> None:
        self._database = database
        self._send = sender
        self._sweep_interval = sweep_interval
        self._resend_after = resend_after
        self._stopping = threading.Event()
        self._sweeper: threading.Thread | None = None

    def flush(self, messages: list[Message]) -> None:
        """Send messages whose transaction has committed, then forget them."""
        if not messages:
            return
        sent = [m.id for m in messages if self._try_send(m)]
        if sent:
            with self._database.transaction() as session:
                outbox_repository.delete(session, sent)

    def sweep(self, limit: int = 500) -> int:
        """Send rows left behind; returns how many were sent."""
        with self._database.transaction() as session:
            rows = outbox_repository.list_stale(session, self._resend_after, limit)
            sent = []
            for row in rows:
                message = Message(row['id'], row['topic'], row['server'],
                                  row['method'], row['payload'])
                if self._try_send(message):
                    sent.append(message.id)
                else:
                    outbox_repository.note_attempt(session, message.id)
            outbox_repository.delete(session, sent)
        if sent:
            LOG.info('Outbox sweep re-sent %d message(s)', len(sent))
        return len(sent)

    def start_sweeping(self) -> None:
        self._sweeper = threading.Thread(target=self._sweep_loop,
                                         name='outbox-sweeper', daemon=True)
        self._sweeper.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._sweeper is not None:
            self._sweeper.join()

    def _sweep_loop(self) -> None:
        while not self._stopping.wait(self._sweep_interval):
            try:
                self.sweep()
            except Exception:
                LOG.exception('Outbox sweep failed; trying again in %s s',
                              self._sweep_interval)

    def _try_send(self, message: Message) -> bool:
        try:
            self._send(message)
        except Exception as error:
            LOG.warning('Could not send %s to %s (outbox id %s), will retry: %s',
                        message.method, message.topic, message.id, error)
            return False
        return True
