"""The engine's RPC endpoint: one line of logging, then the engine."""

from typing import Any

from oslo_log import log as logging
import oslo_messaging as messaging

from wfplatform.engine import engine as engine_module
from wfplatform import exceptions
from wfplatform.rpc import engine as engine_rpc

LOG = logging.getLogger(__name__)


class EngineEndpoint:
    target = messaging.Target(version=engine_rpc.RPC_API_VERSION)

    def __init__(self, engine: engine_module.Engine) -> None:
        self._engine = engine

    @messaging.expected_exceptions(exceptions.WfplatformError)
    def start_workflow(self, context: Any, **kwargs: Any) -> dict[str, Any]:
        LOG.debug('start_workflow %s', kwargs.get('workflow_identifier'))
        return self._engine.start_workflow(context, **kwargs)

    @messaging.expected_exceptions(exceptions.WfplatformError)
    def update_execution(self, context: Any, execution_id: str,
                         **kwargs: Any) -> dict[str, Any]:
        LOG.debug('update_execution [execution_id=%s]', execution_id)
        return self._engine.update_execution(context, execution_id, **kwargs)

    @messaging.expected_exceptions(exceptions.WfplatformError)
    def update_task(self, context: Any, task_execution_id: str,
                    **kwargs: Any) -> dict[str, Any]:
        LOG.debug('update_task [task_execution_id=%s]', task_execution_id)
        return self._engine.update_task(context, task_execution_id, **kwargs)

    def on_action_complete(self, context: Any, action_execution_id: str,
                           result: dict[str, Any]) -> None:
        LOG.debug('on_action_complete [action_execution_id=%s]', action_execution_id)
        self._engine.on_action_complete(context, action_execution_id, result)

    def actions_held(self, context: Any, executor_host: str,
                     action_execution_ids: list[str]) -> None:
        LOG.debug('actions_held by %s: %d', executor_host,
                  len(action_execution_ids))
        self._engine.record_executor(action_execution_ids, executor_host)
