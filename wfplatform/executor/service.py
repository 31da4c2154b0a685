"""The executor service: runs actions sent over RPC, reports results by RPC."""

from oslo_config import cfg
from oslo_log import log as logging
import oslo_messaging as messaging

from wfplatform.actions import registry as action_registry
from wfplatform import context as wf_context
from wfplatform import egress
from wfplatform.executor import endpoint
from wfplatform.executor import holdings
from wfplatform.executor import runner as action_runner
from wfplatform.rpc import engine as engine_rpc
from wfplatform.rpc import executor as executor_rpc
from wfplatform.rpc import transport as rpc_transport

LOG = logging.getLogger(__name__)


class ExecutorService:
    name = 'executor'

    def __init__(self, conf: cfg.ConfigOpts, transport: messaging.Transport,
                 registry: action_registry.ActionRegistry,
                 member_id: str | None = None) -> None:
        """``member_id``: this process's coordination member, if any.

        With one, the executor tells the engine which actions it holds (see
        :mod:`wfplatform.executor.holdings`), under that name.
        """
        self._conf = conf
        engine_client = engine_rpc.EngineClient(transport, conf)
        self._holdings: holdings.Holdings | None = None
        if member_id is not None:
            self._holdings = holdings.Holdings(
                lambda ids: engine_client.actions_held(
                    wf_context.RequestContext(is_admin=True), member_id, ids),
                conf.executor.report_running_after)
        self._runner = action_runner.ActionRunner(
            registry, engine_client.on_action_complete, conf.executor.workers,
            egress.EgressPolicy.from_config(conf), self._holdings)
        self.host = conf.executor.host or conf.host
        self._server = rpc_transport.get_server(
            transport, executor_rpc.target(conf, server=self.host),
            [endpoint.ExecutorEndpoint(self._runner)])

    def start(self) -> None:
        if self._holdings is not None:
            self._holdings.start()
        self._server.start()
        LOG.info('Executor %s started on topic %s', self.host,
                 self._conf.executor.topic)

    def stop(self) -> None:
        """Stop taking actions and finish the running ones before returning."""
        self._server.stop()
        self._server.wait()
        self._runner.shutdown(wait=True)
        if self._holdings is not None:
            self._holdings.stop()
        LOG.info('Executor %s stopped', self.host)
