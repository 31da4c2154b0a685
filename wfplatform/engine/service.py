"""The engine service: RPC server, outbox sweeper, and the local executor if asked."""

import json
from typing import Any

from oslo_config import cfg
from oslo_log import log as logging
import oslo_messaging as messaging

from wfplatform.actions import registry as action_registry
from wfplatform import context as wf_context
from wfplatform.db import database as db_database
from wfplatform.db.repositories import action_definitions
from wfplatform.db.repositories import system_workflows
from wfplatform import egress
from wfplatform.engine import dispatcher as engine_dispatcher
from wfplatform.engine import endpoint
from wfplatform.engine import engine as engine_module
from wfplatform.engine import expiration
from wfplatform.engine import outbox as engine_outbox
from wfplatform.engine import scheduler as engine_scheduler
from wfplatform import exceptions
from wfplatform.executor import runner as action_runner
from wfplatform.expressions import limits as expression_limits
from wfplatform import library
from wfplatform.notifier import notifier as event_notifier
from wfplatform.notifier import publishers as notification_publishers
from wfplatform.rpc import engine as engine_rpc
from wfplatform.rpc import executor as executor_rpc
from wfplatform.rpc import notifier as notifier_rpc
from wfplatform.rpc import transport as rpc_transport
from wfplatform.triggers import cron
from wfplatform.workflow import field_size

LOG = logging.getLogger(__name__)


class EngineService:
    name = 'engine'

    def __init__(self, conf: cfg.ConfigOpts, transport: messaging.Transport,
                 database: db_database.Database,
                 registry: action_registry.ActionRegistry) -> None:
        self._conf = conf
        expression_limits.configure(max_seconds=conf.engine.expression_timeout)
        field_size.configure(conf.engine.execution_field_size_limit_kb)
        self._database = database
        self._registry = registry
        self._local_runner: action_runner.ActionRunner | None = None
        self._executor_client: executor_rpc.ExecutorClient | None = None
        self._local_notifier: event_notifier.Notifier | None = None
        self._notifier_client: notifier_rpc.NotifierClient | None = None
        if conf.notifier.type == 'local':
            self._local_notifier = event_notifier.Notifier(
                notification_publishers.DeliverySettings.from_config(conf),
                conf.notifier.workers)
        else:
            self._notifier_client = notifier_rpc.NotifierClient(transport, conf)
        if conf.executor.type == 'local':
            self._local_runner = action_runner.ActionRunner(
                registry, self._report_locally, conf.executor.workers,
                egress.EgressPolicy.from_config(conf))
        else:
            self._executor_client = executor_rpc.ExecutorClient(transport, conf)
        self.outbox = engine_outbox.Outbox(
            database, self._send, conf.engine.outbox_sweep_interval,
            conf.engine.outbox_resend_after)
        dispatcher = engine_dispatcher.Dispatcher(
            conf.executor.topic, conf.notifier.topic, configured_publishers(conf))
        self.engine = engine_module.Engine(database, dispatcher, self.outbox)
        self.scheduler = engine_scheduler.Scheduler(
            database, {engine_dispatcher.TASK_TIMER: self.engine.on_timer,
                       cron.JOB_TYPE: cron.handler(
                           self.engine, database, conf.engine.scheduler_reclaim_after)},
            conf.engine.scheduler_interval, conf.engine.scheduler_reclaim_after)
        self._server = rpc_transport.get_server(
            transport, engine_rpc.target(conf, server=conf.host),
            [endpoint.EngineEndpoint(self.engine)])
        self.expiration_interval = expiration.interval(conf)
        self.expiration = expiration.Expiration(
            database, expiration.Policy.from_config(conf))
        self._expiring: expiration.Periodic | None = None
        if self.expiration_interval and not conf.coordination.backend_url:
            # Without a leader every engine runs the policy; deletes are
            # idempotent. With one, the launcher runs it as a leader task.
            self._expiring = expiration.Periodic(self.expiration.run,
                                                 self.expiration_interval)

    def start(self) -> None:
        register_actions(self._database, self._registry)
        register_workflows(self._database)
        self._server.start()
        self.outbox.start_sweeping()
        self.scheduler.start()
        if self._expiring is not None:
            self._expiring.start()
        LOG.info('Engine started on topic %s (executor type %s)',
                 self._conf.engine.topic, self._conf.executor.type)

    def stop(self) -> None:
        """Stop taking requests, finish those in flight, then stop the helpers."""
        self._server.stop()
        self._server.wait()
        if self._expiring is not None:
            self._expiring.stop()
        self.scheduler.stop()
        if self._local_runner is not None:
            self._local_runner.shutdown(wait=True)
        self.outbox.stop()
        if self._local_notifier is not None:
            self._local_notifier.stop(wait=True)
        LOG.info('Engine stopped')

    def _send(self, message: engine_outbox.Message) -> None:
        context = wf_context.RequestContext.from_dict(message.payload['context'])
        if message.method == engine_dispatcher.RUN_ACTION:
            self._send_action(context, message)
        elif message.method == engine_dispatcher.NOTIFY:
            self._send_event(context, message)
        else:
            raise ValueError(f'No sender for outbox method {message.method}')

    def _send_action(self, context: Any, message: engine_outbox.Message) -> None:
        request = message.payload['request']
        if self._local_runner is not None:
            self._local_runner.submit(context, action_runner.ActionRequest(**request))
        else:
            assert self._executor_client is not None
            self._executor_client.run_action(context, request, message.server)

    def _send_event(self, context: Any, message: engine_outbox.Message) -> None:
        events, publishers = message.payload['events'], message.payload['publishers']
        if self._local_notifier is not None:
            self._local_notifier.notify(context, events, publishers)
        else:
            assert self._notifier_client is not None
            self._notifier_client.notify(context, events, publishers)

    def _report_locally(self, context: Any, action_execution_id: str,
                        result: dict[str, Any]) -> None:
        self.engine.on_action_complete(context, action_execution_id, result)


def register_actions(database: db_database.Database,
                     registry: action_registry.ActionRegistry) -> None:
    """Make the system actions in the database the installed ones.

    Engines starting together race to insert the same rows; the loser's
    transaction fails on a duplicate, and a second pass sees the winner's rows
    and has nothing left to insert.
    """
    for attempt in range(3):
        try:
            with database.transaction() as session:
                action_definitions.populate_actions(session,
                                                    registry.descriptors().values())
            return
        except exceptions.Duplicate:
            if attempt == 2:
                raise
            LOG.info('Another engine registered the actions at the same time; '
                     'checking again')


def register_workflows(database: db_database.Database) -> None:
    """Make the system workflows the installed library's (as :func:`register_actions`).

    A broken ``wfplatform.workflows`` document is logged and the stored ones are
    left as they are: the engine still runs every other workflow.
    """
    try:
        workflows = library.discover()
    except exceptions.InvalidInput as error:
        LOG.error('System workflows not updated: %s', error)
        return
    for attempt in range(3):
        try:
            with database.transaction() as session:
                system_workflows.populate_workflows(
                    session, [workflow.values for workflow in workflows])
            return
        except exceptions.Duplicate:
            if attempt == 2:
                raise
            LOG.info('Another engine registered the workflows at the same time; '
                     'checking again')


def configured_publishers(conf: cfg.ConfigOpts) -> list[dict[str, Any]]:
    """``[notifier] notify``, checked: a bad value stops the engine at start."""
    try:
        return event_notifier.check_publishers(json.loads(conf.notifier.notify))
    except (ValueError, exceptions.InvalidInput) as error:
        raise exceptions.InvalidInput(
            f'[notifier] notify is not a valid list of publishers: {error}') from None
