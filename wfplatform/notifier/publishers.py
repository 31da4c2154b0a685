"""Notification publishers: where execution and task events go.

Publishers are stevedore plugins in the ``wfplatform.notification.publishers``
namespace; a pip package adds one by declaring an entry point there. After
loading, the notifier hands each one the :class:`DeliverySettings` of the
``[notifier]`` and ``[egress]`` options through :meth:`Publisher.configure`.
"""

import dataclasses
import time
from typing import Any, Callable, Mapping

from oslo_log import log as logging
import requests

from wfplatform import egress
from wfplatform import exceptions

LOG = logging.getLogger(__name__)

NAMESPACE = 'wfplatform.notification.publishers'


RETRIED_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
"""Answers after which a webhook delivery is tried again; any other 4xx is final."""


@dataclasses.dataclass(frozen=True)
class DeliverySettings:
    """How publishers that send over the network behave.

    A failed delivery is tried ``retries`` more times, waiting ``backoff``
    seconds before the first retry and twice as long before each next one, at
    most ``backoff_max``.
    """

    timeout: float = 10.0
    retries: int = 3
    backoff: float = 1.0
    backoff_max: float = 30.0
    egress_policy: egress.EgressPolicy = dataclasses.field(
        default_factory=egress.EgressPolicy)

    @classmethod
    def from_config(cls, conf: Any) -> 'DeliverySettings':
        group = conf.notifier
        return cls(timeout=group.webhook_timeout, retries=group.webhook_retries,
                   backoff=group.webhook_backoff,
                   backoff_max=group.webhook_backoff_max,
                   egress_policy=egress.EgressPolicy.from_config(conf))

    def delays(self) -> list[float]:
        """The waits before each retry, in order."""
        return [min(self.backoff * 2 ** number, self.backoff_max)
                for number in range(self.retries)]


class Publisher:
    """Delivers one event; ``options`` are the publisher's entry in ``notify``."""

    settings = DeliverySettings()

    def configure(self, settings: DeliverySettings) -> None:
        """Take the operator's delivery settings; called once after loading."""
        self.settings = settings

    def publish(self, context: Any, event: Mapping[str, Any],
                options: Mapping[str, Any]) -> None:
        raise NotImplementedError


class NoopPublisher(Publisher):
    """Drops every event: a placeholder that keeps a ``notify`` list valid."""

    def publish(self, context: Any, event: Mapping[str, Any],
                options: Mapping[str, Any]) -> None:
        return None


class LogPublisher(Publisher):
    """Writes each event to the notifier's log at INFO level."""

    def publish(self, context: Any, event: Mapping[str, Any],
                options: Mapping[str, Any]) -> None:
        LOG.info('%s %s [execution_id=%s] %s', event['event'], event['name'],
                 event['workflow_execution_id'], event['state'])


class _Retry(Exception):
    """A delivery that failed in a way worth trying again."""


class WebhookPublisher(Publisher):
    """POSTs each event as JSON to ``url`` (with optional ``headers``).

    ``timeout`` in the entry overrides ``[notifier] webhook_timeout``. Connection
    errors, timeouts and the answers in :data:`RETRIED_STATUSES` are retried
    with exponential back-off (``[notifier] webhook_retries``,
    ``webhook_backoff``); ``publish`` returns only when the event is delivered
    or given up, which is what keeps the events of one execution in order. The
    URL must be allowed by the ``[egress]`` policy; a refusal is not retried.
    """

    sleep: Callable[[float], None] = staticmethod(time.sleep)

    def publish(self, context: Any, event: Mapping[str, Any],
                options: Mapping[str, Any]) -> None:
        url = options.get('url')
        if not isinstance(url, str) or not url.startswith(('http://', 'https://')):
            raise exceptions.InvalidInput(
                f'webhook publisher: url must be an http(s) URL, got {url!r}')
        timeout = float(options.get('timeout', self.settings.timeout))
        headers = dict(options.get('headers') or {})
        delays = self.settings.delays()
        for attempt in range(len(delays) + 1):
            try:
                self._post(url, event, headers, timeout)
                return
            except _Retry as error:
                if attempt == len(delays):
                    raise exceptions.WfplatformError(
                        f'webhook publisher: {url} failed after {attempt + 1} '
                        f'tries: {error}') from None
                LOG.info('Webhook %s failed (%s) for %s [execution_id=%s]; '
                         'trying again in %.1f s', url, error, event.get('event'),
                         event.get('workflow_execution_id'), delays[attempt])
                self.sleep(delays[attempt])

    def _post(self, url: str, event: Mapping[str, Any], headers: dict[str, Any],
              timeout: float) -> None:
        """One try; :class:`_Retry` for failures worth another."""
        with self.settings.egress_policy.session() as session:
            try:
                response = session.post(url, json=dict(event), headers=headers,
                                        timeout=timeout)
            except egress.EgressDenied as error:
                raise exceptions.WfplatformError(
                    f'webhook publisher: {error}') from None
            except requests.RequestException as error:
                raise _Retry(str(error)) from None
            if response.status_code in RETRIED_STATUSES:
                raise _Retry(f'HTTP {response.status_code}')
            response.raise_for_status()
