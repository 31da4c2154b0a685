"""Builds the services one process runs and runs them until SIGTERM.

Any combination of services can share a process (``--server api,engine``); with
``all``, the embedded default (SQLite, ``fake://``) is a complete installation.
"""

import os
import signal
import threading
from typing import Any, Protocol

from oslo_config import cfg
from oslo_log import log as logging

from wfplatform.actions import registry as action_registry
from wfplatform.api import action_runs as api_action_runs
from wfplatform.api import app as api_app
from wfplatform.api import server as api_server
from wfplatform.coordination import coordinator as coordination
from wfplatform.db import database as db_database
from wfplatform.db import schema
from wfplatform.engine import executor_loss
from wfplatform.engine import expiration
from wfplatform.engine import service as engine_service
from wfplatform.executor import service as executor_service
from wfplatform.notifier import service as notifier_service
from wfplatform.rpc import engine as engine_rpc
from wfplatform.rpc import transport as rpc_transport
from wfplatform.triggers import service as trigger_service

LOG = logging.getLogger(__name__)

SERVICE_NAMES = ('api', 'engine', 'executor', 'notifier', 'event-engine')


class Service(Protocol):
    name: str

    def start(self) -> None: ...

    def stop(self) -> None: ...


class APIService:
    name = 'api'

    def __init__(self, conf: cfg.ConfigOpts, database: db_database.Database,
                 engine_client: engine_rpc.EngineClient,
                 action_runs: api_action_runs.ActionRuns | None = None) -> None:
        app = api_app.setup_app(conf, database, engine_client, action_runs)
        self.server = api_server.APIServer(app, conf.api.host, conf.api.port,
                                           threads=conf.api.threads)

    def start(self) -> None:
        self.server.start()
        LOG.info('API listening on http://%s:%s', self.server.host, self.server.port)

    def stop(self) -> None:
        self.server.stop()


def selected(names: list[str], conf: cfg.ConfigOpts) -> list[str]:
    """The services to run, in start order; ``all`` expands to every service.

    With the local executor (or notifier) type, ``all`` leaves out the executor
    (or notifier) service because the engine does that work itself.
    """
    wanted: set[str] = set()
    for name in names:
        if name == 'all':
            wanted.update(SERVICE_NAMES)
            for local in ('executor', 'notifier'):
                if conf[local].type == 'local':
                    wanted.discard(local)
        elif name in SERVICE_NAMES:
            wanted.add(name)
        else:
            raise ValueError(f'Unknown service {name!r}; choose from '
                             f'{", ".join(SERVICE_NAMES + ("all",))}')
    return [name for name in ('engine', 'executor', 'notifier', 'event-engine', 'api')
            if name in wanted]


def build(names: list[str], conf: cfg.ConfigOpts,
          all_in_one: bool = False) -> list[Service]:
    """Create the services; refuses to if the database schema is not current."""
    transport = rpc_transport.get_transport(conf, all_in_one)
    database = None
    if {'api', 'engine', 'event-engine'} & set(names):
        database = db_database.Database.from_config(conf)
        schema.check_at_head(database, config_files=conf.config_file)
    registry = action_registry.ActionRegistry(conf)
    coordinator = coordination.from_config(conf, conf.host)
    services: list[Service] = []
    for name in names:
        if name == 'engine':
            assert database is not None
            services.append(engine_service.EngineService(conf, transport, database,
                                                         registry))
        elif name == 'executor':
            services.append(executor_service.ExecutorService(
                conf, transport, registry,
                coordinator.member_id if coordinator is not None else None))
        elif name == 'notifier':
            services.append(notifier_service.NotifierService(conf, transport))
        elif name == 'event-engine':
            assert database is not None
            services.append(trigger_service.EventEngineService(
                conf, rpc_transport.get_notification_transport(conf, all_in_one),
                database, engine_rpc.EngineClient(transport, conf)))
        elif name == 'api':
            assert database is not None
            services.append(APIService(
                conf, database, engine_rpc.EngineClient(transport, conf),
                _action_runs(conf, services, transport, database, registry)))
    if coordinator is not None:
        # First to start, last to stop: a process is in its groups while it
        # works, and an executor leaves only after finishing its actions.
        services.insert(0, CoordinationService(conf, coordinator, services))
    return services


class CoordinationService:
    """This process's membership in the groups of the services it runs.

    The leading engine also watches for lost executors (see
    :mod:`wfplatform.engine.executor_loss`).
    """

    name = 'coordination'

    def __init__(self, conf: cfg.ConfigOpts,
                 coordinator: coordination.Coordinator,
                 services: list[Service]) -> None:
        self._conf = conf
        self.coordinator = coordinator
        self._services = list(services)

    def start(self) -> None:
        self.coordinator.start()
        for service in self._services:
            self.coordinator.join(coordination.group_of(service.name),
                                  self._capabilities(service))
            if isinstance(service, engine_service.EngineService):
                watch = executor_loss.ExecutorLossWatch(
                    service.engine, self.coordinator, self._conf.executor.topic,
                    grace=3 * self.coordinator.heartbeat_interval)
                self.coordinator.run_as_leader(
                    coordination.group_of(service.name), watch.check)
                if service.expiration_interval:
                    self.coordinator.run_as_leader(
                        expiration.LEADERSHIP, service.expiration.run,
                        interval=service.expiration_interval)

    def stop(self) -> None:
        self.coordinator.stop()

    def _capabilities(self, service: Service) -> dict[str, Any]:
        capabilities: dict[str, Any] = {'host': self._conf.host,
                                        'pid': os.getpid()}
        if isinstance(service, engine_service.EngineService):
            capabilities['topic'] = self._conf.engine.topic
        elif isinstance(service, executor_service.ExecutorService):
            capabilities['topic'] = self._conf.executor.topic
            capabilities['executor_host'] = service.host
        return capabilities


def _action_runs(conf: cfg.ConfigOpts, services: list[Service],
                 transport: object, database: db_database.Database,
                 registry: action_registry.ActionRegistry
                 ) -> api_action_runs.ActionRuns:
    """How this process's API sends actions run alone (see ``api.action_runs``).

    Through the engine's outbox when the engine runs here, else with an
    executor client for remote executors, else by the engine's outbox sweep.
    """
    sender: api_action_runs.Sender | None = None
    engines = [s for s in services if isinstance(s, engine_service.EngineService)]
    if engines:
        sender = engines[0].outbox
    elif conf.executor.type == 'remote':
        sender = api_action_runs.executor_sender(conf, transport, database)
    return api_action_runs.ActionRuns(
        executor_topic=conf.executor.topic, max_wait=conf.api.action_execution_wait,
        registry=registry, sender=sender)


def run(services: list[Service]) -> None:
    """Start the services, wait for SIGTERM or SIGINT, then stop them gracefully."""
    stopping = threading.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, lambda *_: stopping.set())
    for service in services:
        service.start()
    LOG.info('Running: %s', ', '.join(s.name for s in services))
    stopping.wait()
    LOG.info('Stopping: finishing work in flight')
    for service in reversed(services):
        service.stop()
