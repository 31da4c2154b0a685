"""The executor's RPC API, declared once.

Version history:

* 1.0 - ``run_action`` (cast).

A task's ``target`` becomes the RPC ``server`` of the message, so the action reaches
only executors whose ``[executor] host`` matches it.
"""

from typing import Any

from oslo_config import cfg
import oslo_messaging as messaging

from wfplatform.rpc import transport as rpc_transport

RPC_API_VERSION = '1.0'


def target(conf: cfg.ConfigOpts, server: str | None = None) -> messaging.Target:
    return messaging.Target(topic=conf.executor.topic, server=server,
                            version=RPC_API_VERSION)


class ExecutorClient:
    def __init__(self, transport: messaging.Transport, conf: cfg.ConfigOpts) -> None:
        self._client = rpc_transport.get_client(transport, target(conf),
                                                RPC_API_VERSION)

    def run_action(self, context: Any, request: dict[str, Any],
                   target_host: str | None = None) -> None:
        """Ask an executor to run an action (``request``: an ``ActionRequest`` dict)."""
        self._client.prepare(server=target_host).cast(context, 'run_action',
                                                      request=request)
