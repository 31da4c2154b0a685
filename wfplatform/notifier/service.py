"""The notifier service: publishes events the engines send it over RPC."""

from typing import Any

from oslo_config import cfg
from oslo_log import log as logging
import oslo_messaging as messaging

from wfplatform.notifier import notifier as event_notifier
from wfplatform.notifier import publishers as notification_publishers
from wfplatform.rpc import notifier as notifier_rpc
from wfplatform.rpc import transport as rpc_transport

LOG = logging.getLogger(__name__)


class NotifierEndpoint:
    target = messaging.Target(version=notifier_rpc.RPC_API_VERSION)

    def __init__(self, notifier: event_notifier.Notifier) -> None:
        self._notifier = notifier

    def notify(self, context: Any, events: list[dict[str, Any]],
               publishers: list[dict[str, Any]]) -> None:
        LOG.debug('notify %s [execution_id=%s]',
                  ', '.join(e['event'] for e in events),
                  events[0]['workflow_execution_id'] if events else None)
        self._notifier.notify(context, events, publishers)


class NotifierService:
    name = 'notifier'

    def __init__(self, conf: cfg.ConfigOpts, transport: messaging.Transport) -> None:
        self._conf = conf
        self.notifier = event_notifier.Notifier(
            notification_publishers.DeliverySettings.from_config(conf),
            conf.notifier.workers)
        self._server = rpc_transport.get_server(
            transport, notifier_rpc.target(conf, server=conf.host),
            [NotifierEndpoint(self.notifier)])

    def start(self) -> None:
        self._server.start()
        LOG.info('Notifier started on topic %s', self._conf.notifier.topic)

    def stop(self) -> None:
        self._server.stop()
        self._server.wait()
        self.notifier.stop(wait=True)
        LOG.info('Notifier stopped')
