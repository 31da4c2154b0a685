"""Notification publishers: where execution and task events go.

Publishers are stevedore plugins in the ``wfplatform.notification.publishers``
namespace; a pip package adds one by declaring an entry point there.
"""

from typing import Any, Mapping

from oslo_log import log as logging
import requests

from wfplatform import exceptions

LOG = logging.getLogger(__name__)

NAMESPACE = 'wfplatform.notification.publishers'


class Publisher:
    """Delivers one event; ``options`` are the publisher's entry in ``notify``."""

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


class WebhookPublisher(Publisher):
    """POSTs each event as JSON to ``url`` (with optional ``headers``)."""

    def publish(self, context: Any, event: Mapping[str, Any],
                options: Mapping[str, Any]) -> None:
        url = options.get('url')
        if not isinstance(url, str) or not url.startswith(('http://', 'https://')):
            raise exceptions.InvalidInput(
                f'webhook publisher: url must be an http(s) URL, got {url!r}')
        response = requests.post(url, json=dict(event),
                                 headers=options.get('headers') or {},
                                 timeout=float(options.get('timeout', 10)))
        response.raise_for_status()
