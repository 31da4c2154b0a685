"""The engine's RPC API, declared once: its version, the client, the target.

Version history:

* 1.0 - ``start_workflow`` (call), ``on_action_complete`` (cast).
* 1.1 - ``update_execution`` (call: pause, resume, stop, description, env) and
  ``update_task`` (call: skip or rerun a failed task).
* 1.2 - ``actions_held`` (cast): an executor names the actions it holds, so
  the engine can re-run or fail them if that executor is lost.

The engine's endpoint (``wfplatform.engine.endpoint``) pins ``RPC_API_VERSION``; a
client caps itself at the same version, so a newer API and an older engine can run
side by side during an upgrade.
"""

from typing import Any

from oslo_config import cfg
import oslo_messaging as messaging

from wfplatform import exceptions
from wfplatform.rpc import transport as rpc_transport

RPC_API_VERSION = '1.2'


def target(conf: cfg.ConfigOpts, server: str | None = None) -> messaging.Target:
    return messaging.Target(topic=conf.engine.topic, server=server,
                            version=RPC_API_VERSION)


class EngineClient:
    """Calls the engine; every method takes the caller's request context first."""

    def __init__(self, transport: messaging.Transport, conf: cfg.ConfigOpts) -> None:
        self._client = rpc_transport.get_client(transport, target(conf),
                                                RPC_API_VERSION)

    def start_workflow(self, context: Any, *, workflow_identifier: str,
                       namespace: str = '',
                       workflow_input: dict[str, Any] | None = None,
                       description: str = '', params: dict[str, Any] | None = None,
                       execution_id: str | None = None,
                       source_execution_id: str | None = None) -> dict[str, Any]:
        """Start a workflow (by id or name); returns the new execution's record.

        With ``execution_id`` the call is idempotent: a second call with the same id
        returns the execution the first one created.
        """
        return self._call(
            context, 'start_workflow', workflow_identifier=workflow_identifier,
            namespace=namespace, workflow_input=workflow_input or {},
            description=description, params=params or {},
            execution_id=execution_id, source_execution_id=source_execution_id)

    def update_execution(self, context: Any, execution_id: str, *,
                         state: str | None = None, state_info: str | None = None,
                         description: str | None = None,
                         env: dict[str, Any] | None = None) -> dict[str, Any]:
        """Pause, resume or end an execution, or change its description or env.

        Returns the execution's record. Since 1.1.
        """
        return self._call(context, 'update_execution', version='1.1',
                          execution_id=execution_id, state=state,
                          state_info=state_info, description=description, env=env)

    def update_task(self, context: Any, task_execution_id: str, *, state: str,
                    reset: bool = True,
                    env: dict[str, Any] | None = None) -> dict[str, Any]:
        """Skip (SKIPPED) or rerun (RUNNING) a failed task; returns its record.

        Since 1.1.
        """
        return self._call(context, 'update_task', version='1.1',
                          task_execution_id=task_execution_id, state=state,
                          reset=reset, env=env)

    def _call(self, context: Any, method: str, version: str = '1.0',
              **kwargs: Any) -> Any:
        """Call ``method`` at the API version it appeared in.

        An engine older than that version refuses the call cleanly.
        """
        try:
            return self._client.prepare(version=version).call(context, method,
                                                              **kwargs)
        except (messaging.MessagingTimeout, messaging.MessageDeliveryFailure) as error:
            raise exceptions.ServiceUnavailable(
                f'No engine answered ({type(error).__name__}); check that '
                f'"wfplatform-server --server engine" is running and reachable '
                f'through the message broker, then retry') from None

    def on_action_complete(self, context: Any, action_execution_id: str,
                           result: dict[str, Any]) -> None:
        """Report an action's result: ``{'output': …}`` or ``{'error': …}``.

        Redelivery is harmless: the engine applies a result once.
        """
        self._client.prepare().cast(context, 'on_action_complete',
                                    action_execution_id=action_execution_id,
                                    result=result)

    def actions_held(self, context: Any, executor_host: str,
                     action_execution_ids: list[str]) -> None:
        """Tell the engine ``executor_host`` (a member id) holds these actions.

        Since 1.2. Redelivery is harmless; an engine older than 1.2 drops it
        (with a log line), which only means it cannot re-run those actions.
        """
        self._client.prepare(version='1.2').cast(
            context, 'actions_held', executor_host=executor_host,
            action_execution_ids=action_execution_ids)
