"""The notifier's RPC API, declared once.

Version history:

* 1.0 - ``notify`` (cast): the events of one state change, in order.
"""

from typing import Any

from oslo_config import cfg
import oslo_messaging as messaging

from wfplatform.rpc import transport as rpc_transport

RPC_API_VERSION = '1.0'


def target(conf: cfg.ConfigOpts, server: str | None = None) -> messaging.Target:
    return messaging.Target(topic=conf.notifier.topic, server=server,
                            version=RPC_API_VERSION)


class NotifierClient:
    def __init__(self, transport: messaging.Transport, conf: cfg.ConfigOpts) -> None:
        self._client = rpc_transport.get_client(transport, target(conf),
                                                RPC_API_VERSION)

    def notify(self, context: Any, events: list[dict[str, Any]],
               publishers: list[dict[str, Any]]) -> None:
        self._client.prepare().cast(context, 'notify', events=events,
                                    publishers=publishers)
