"""Builds the services one process runs and runs them until SIGTERM.

Any combination of services can share a process (``--server api,engine``); with
``all``, the embedded default (SQLite, ``fake://``) is a complete installation.
"""

import signal
import threading
from typing import Protocol

from oslo_config import cfg
from oslo_log import log as logging

from wfplatform.actions import registry as action_registry
from wfplatform.api import action_runs as api_action_runs
from wfplatform.api import app as api_app
from wfplatform.api import server as api_server
from wfplatform.db import database as db_database
from wfplatform.db import schema
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
    services: list[Service] = []
    for name in names:
        if name == 'engine':
            assert database is not None
            services.append(engine_service.EngineService(conf, transport, database,
                                                         registry))
        elif name == 'executor':
            services.append(executor_service.ExecutorService(conf, transport,
                                                             registry))
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
    return services


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
