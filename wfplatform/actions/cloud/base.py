"""What every cloud action shares: connecting, error translation, waiting."""

import time
from typing import Any, Callable, ClassVar

from openstack import connection as sdk_connection
from openstack import resource as sdk_resource
from oslo_config import cfg

from wfplatform.actions import base
from wfplatform.actions.cloud import session
from wfplatform import exceptions

DEFAULT_TIMEOUT = 600.0
"""Seconds a waiting action waits for its target state before failing."""

DEFAULT_POLL_INTERVAL = 5.0
"""Seconds between two looks at a resource a waiting action waits on."""


class CloudAction(base.Action):
    """An action that calls OpenStack as the caller (see :mod:`.session`).

    Subclasses set ``name`` (their entry point name, used in error messages),
    take ``action_region`` as their last input, and implement :meth:`call`.
    """

    name: ClassVar[str] = ''
    action_region: str | None = None

    def run(self, context: base.ActionContext) -> Any:
        settings = session.CloudSettings.from_config(cfg.CONF)
        with session.cloud_errors(self.name):
            with session.connect(context, settings,
                                 self.action_region) as connection:
                return self.call(connection)

    def call(self, connection: sdk_connection.Connection) -> Any:
        """Do the work with ``connection``; return plain JSON."""
        raise NotImplementedError


def plain(resource: sdk_resource.Resource | None) -> dict[str, Any] | None:
    """A resource as the service sent it: its wire field names, no SDK extras."""
    if resource is None:
        return None
    return resource.to_dict(computed=False, original_names=True)


class Waiter:
    """Polls until a condition holds, failing with a message at the deadline."""

    def __init__(self, action_name: str, timeout: float | None,
                 poll_interval: float | None) -> None:
        self.action_name = action_name
        self.timeout = DEFAULT_TIMEOUT if timeout is None else float(timeout)
        self.poll_interval = (DEFAULT_POLL_INTERVAL if poll_interval is None
                              else float(poll_interval))
        if self.timeout <= 0 or self.poll_interval <= 0:
            raise exceptions.InvalidInput(
                f'{action_name}: timeout and poll_interval must be positive')

    def until(self, look: Callable[[], Any], done: Callable[[Any], bool],
              what: str) -> Any:
        """The first value of ``look()`` that is ``done``.

        ``done`` may raise :class:`ActionError` to stop waiting early (a server
        in ERROR will not become ACTIVE).
        """
        deadline = time.monotonic() + self.timeout
        while True:
            value = look()
            if done(value):
                return value
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise exceptions.ActionError(
                    f'{self.action_name}: timed out after {self.timeout:g} s '
                    f'waiting for {what}')
            time.sleep(min(self.poll_interval, remaining))
