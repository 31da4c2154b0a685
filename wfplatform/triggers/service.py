"""The event-engine service: notification listeners that follow the trigger table.

Every ``[event_engine] reload_interval`` seconds the service reads all event
triggers; matching uses the latest list at once, and it listens on exactly the
(exchange, topic) pairs the triggers name, starting and stopping listeners as
triggers come and go. No restart and no RPC from the API is needed, and a missed
change heals itself at the next read.

Each pair has its own listener pool, ``<listener_pool_name>.<exchange>.<topic>``,
shared by every event engine: on RabbitMQ that is one durable queue per pair, so a
notification is handled by one event engine only and waits in the queue while the
event engines restart.

``[event_engine] event_definitions_file`` is read and checked once, when the
service is built: a bad file stops the process before it listens.
"""

import os
import threading
from typing import Any

from oslo_config import cfg
from oslo_log import log as logging
import oslo_messaging as messaging

from wfplatform.db import database as db_database
from wfplatform.db.repositories import event_triggers
from wfplatform.rpc import engine as engine_rpc
from wfplatform.triggers import event_definitions
from wfplatform.triggers import event_engine

LOG = logging.getLogger(__name__)


class NotificationEndpoint:
    """Hands the notifications of one (exchange, topic), of every priority, on."""

    def __init__(self, pair: event_engine.Pair,
                 engine: event_engine.EventEngine) -> None:
        self._exchange, self._topic = pair
        self._engine = engine

    def _receive(self, context: dict[str, Any], publisher_id: str, event_type: str,
                 payload: Any, metadata: dict[str, Any]) -> None:
        LOG.debug('Notification %s from %s on %s/%s', event_type, publisher_id,
                  self._exchange, self._topic)
        self._engine.handle(event_engine.Notification(
            exchange=self._exchange, topic=self._topic, context=context or {},
            publisher_id=publisher_id, event_type=event_type, payload=payload,
            metadata=metadata or {}))

    audit = debug = info = warn = error = critical = sample = _receive


class EventEngineService:
    name = 'event-engine'

    def __init__(self, conf: cfg.ConfigOpts, transport: messaging.Transport,
                 database: db_database.Database,
                 engine_client: engine_rpc.EngineClient) -> None:
        """``transport`` is the notification transport the listeners read.

        ``InvalidConfiguration`` when the event definitions file is bad.
        """
        self._transport = transport
        self._database = database
        self._pool = conf.event_engine.listener_pool_name
        self._interval = conf.event_engine.reload_interval
        self.definitions = _definitions(conf)
        self.engine = event_engine.EventEngine(engine_client, conf.pecan.auth_enable,
                                               self.definitions)
        self._listeners: dict[event_engine.Pair, messaging.MessageHandlingServer] = {}
        self._stopping = threading.Event()
        self._reloader = threading.Thread(target=self._reload_periodically,
                                          name='event-trigger-reload', daemon=True)

    def start(self) -> None:
        """Read the triggers and listen; a database error here stops the start."""
        self.reload()
        self._reloader.start()
        LOG.info('Event engine started: reading event triggers every %s s; '
                 '%d event definition(s) from %s', self._interval,
                 len(self.definitions.definitions),
                 self.definitions.source or 'no file')

    def stop(self) -> None:
        """Stop reading triggers, then stop each listener after its work in flight."""
        self._stopping.set()
        if self._reloader.is_alive():
            self._reloader.join()
        for pair in list(self._listeners):
            self._stop_listener(pair)
        LOG.info('Event engine stopped')

    @property
    def pairs(self) -> frozenset[event_engine.Pair]:
        """The (exchange, topic) pairs listened on now."""
        return frozenset(self._listeners)

    def reload(self) -> None:
        """Match with the triggers as stored now, and listen where they say."""
        triggers = self._database.run_in_transaction(event_triggers.list_all,
                                                     read_only=True)
        previous = self.engine.index.ids
        self.engine.set_triggers(triggers)
        index = self.engine.index
        for pair in sorted(index.pairs - self._listeners.keys()):
            self._start_listener(pair)
        for pair in sorted(self._listeners.keys() - index.pairs):
            self._stop_listener(pair)
        if index.ids != previous:
            LOG.info('Event triggers changed: %d trigger(s) on %d exchange/topic '
                     'pair(s)', len(index.ids), len(index.pairs))

    def _reload_periodically(self) -> None:
        while not self._stopping.wait(self._interval):
            try:
                self.reload()
            except Exception:
                LOG.exception('Could not read the event triggers; matching with '
                              'the ones read before')

    def _start_listener(self, pair: event_engine.Pair) -> None:
        exchange, topic = pair
        listener = messaging.get_notification_listener(
            self._transport, [messaging.Target(exchange=exchange, topic=topic)],
            [NotificationEndpoint(pair, self.engine)], executor='threading',
            pool=f'{self._pool}.{exchange}.{topic}')
        listener.start()
        self._listeners[pair] = listener
        LOG.info('Listening for notifications on exchange %s, topic %s',
                 exchange, topic)

    def _stop_listener(self, pair: event_engine.Pair) -> None:
        listener = self._listeners.pop(pair)
        listener.stop()
        listener.wait()
        LOG.info('Stopped listening on exchange %s, topic %s', *pair)


def _definitions(conf: cfg.ConfigOpts) -> event_definitions.Definitions:
    """The configured event definitions, or none.

    A relative path is looked for as oslo.config looks for files (beside the
    configuration files first), then in the working directory.
    """
    path = conf.event_engine.event_definitions_file
    if not path:
        return event_definitions.NONE
    if not os.path.isabs(path):
        path = conf.find_file(path) or path
    return event_definitions.load(path)
