"""The executor service: runs actions sent over RPC, reports results by RPC."""

from oslo_config import cfg
from oslo_log import log as logging
import oslo_messaging as messaging

from wfplatform.actions import registry as action_registry
from wfplatform import egress
from wfplatform.executor import endpoint
from wfplatform.executor import runner as action_runner
from wfplatform.rpc import engine as engine_rpc
from wfplatform.rpc import executor as executor_rpc
from wfplatform.rpc import transport as rpc_transport

LOG = logging.getLogger(__name__)


class ExecutorService:
    name = 'executor'

    def __init__(self, conf: cfg.ConfigOpts, transport: messaging.Transport,
                 registry: action_registry.ActionRegistry) -> None:
        self._conf = conf
        engine_client = engine_rpc.EngineClient(transport, conf)
        self._runner = action_runner.ActionRunner(
            registry, engine_client.on_action_complete, conf.executor.workers,
            egress.EgressPolicy.from_config(conf))
        self.host = conf.executor.host or conf.host
        self._server = rpc_transport.get_server(
            transport, executor_rpc.target(conf, server=self.host),
            [endpoint.ExecutorEndpoint(self._runner)])

    def start(self) -> None:
        self._server.start()
        LOG.info('Executor %s started on topic %s', self.host,
                 self._conf.executor.topic)

    def stop(self) -> None:
        """Stop taking actions and finish the running ones before returning."""
        self._server.stop()
        self._server.wait()
        self._runner.shutdown(wait=True)
        LOG.info('Executor %s stopped', self.host)
