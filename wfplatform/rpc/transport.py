"""The oslo.messaging transport, targets and the context serializer.

One transport per process, created by the service launcher and passed to every
client and server explicitly: no module-level singletons.
"""

from typing import Any

from oslo_config import cfg
import oslo_messaging as messaging
from oslo_messaging import opts as messaging_opts

from wfplatform import context as wf_context
from wfplatform import exceptions

_NOTIFICATIONS = 'oslo_messaging_notifications'


class ContextSerializer(messaging.NoOpSerializer):
    """Carries :class:`RequestContext` across the wire as a dictionary."""

    def serialize_context(self, context: Any) -> dict[str, Any]:
        return context.to_dict()

    def deserialize_context(self, context: dict[str, Any]) -> Any:
        return wf_context.RequestContext.from_dict(context)


def get_transport(conf: cfg.ConfigOpts,
                  all_in_one: bool = False) -> messaging.Transport:
    """The transport named by ``[DEFAULT] transport_url``.

    A process that runs every service (``--server all``) and was given no URL uses
    the in-process ``fake://`` transport: the embedded first-run default. Any other
    process keeps oslo.messaging's default, because ``fake://`` cannot reach
    another process.
    """
    register_opts(conf)
    url = 'fake://' if all_in_one and _is_default(conf, 'transport_url') else None
    return messaging.get_rpc_transport(
        conf, url=url, allowed_remote_exmods=[exceptions.__name__])


def get_notification_transport(conf: cfg.ConfigOpts,
                               all_in_one: bool = False) -> messaging.Transport:
    """The transport notifications are read from (the event engine's).

    ``[oslo_messaging_notifications] transport_url`` if set, else the RPC one; the
    all-in-one process without any URL listens on ``fake://`` as
    :func:`get_transport` does.
    """
    register_opts(conf)
    conf.register_opts(dict(messaging_opts.list_opts())[_NOTIFICATIONS],
                       group=_NOTIFICATIONS)
    url = None
    if all_in_one and _is_default(conf, 'transport_url') and not (
            conf[_NOTIFICATIONS].transport_url):
        url = 'fake://'
    return messaging.get_notification_transport(conf, url=url)


def _is_default(conf: cfg.ConfigOpts, name: str) -> bool:
    location = conf.get_location(name)
    return bool(location and location.location == cfg.Locations.opt_default)


def register_opts(conf: cfg.ConfigOpts) -> None:
    """Register oslo.messaging's transport options with wfplatform's defaults.

    oslo.messaging registers them when it first parses a transport URL; doing
    that here lets callers read ``transport_url`` before creating a transport.
    """
    messaging.set_transport_defaults('wfplatform')
    messaging.TransportURL.parse(conf)


def get_server(transport: messaging.Transport, target: messaging.Target,
               endpoints: list[Any]) -> messaging.MessageHandlingServer:
    """An RPC server on oslo.messaging's threading executor (no eventlet)."""
    return messaging.get_rpc_server(transport, target, endpoints,
                                    executor='threading',
                                    serializer=ContextSerializer())


def get_client(transport: messaging.Transport, target: messaging.Target,
               version_cap: str) -> messaging.RPCClient:
    return messaging.get_rpc_client(transport, target, version_cap=version_cap,
                                    serializer=ContextSerializer())
