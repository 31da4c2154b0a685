"""The executor's RPC endpoint: one line of logging, then the runner."""

from typing import Any

from oslo_log import log as logging
import oslo_messaging as messaging

from wfplatform.executor import runner as action_runner
from wfplatform.rpc import executor as executor_rpc

LOG = logging.getLogger(__name__)


class ExecutorEndpoint:
    target = messaging.Target(version=executor_rpc.RPC_API_VERSION)

    def __init__(self, runner: action_runner.ActionRunner) -> None:
        self._runner = runner

    def run_action(self, context: Any, request: dict[str, Any]) -> None:
        LOG.debug('run_action %s [action_execution_id=%s]', request['action_name'],
                  request['action_execution_id'])
        self._runner.submit(context, action_runner.ActionRequest(**request))
