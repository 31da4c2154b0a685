"""Fans an event out to the publishers that asked for it.

Which publishers: the execution's ``params.notify`` plus ``[notifier] notify``.
Each entry is ``{"type": <publisher>, "event_types": [...], ...options}``; without
``event_types`` a publisher receives every event. Mistral's event types are used.
"""

from typing import Any, Mapping, Sequence

from oslo_log import log as logging
from stevedore import extension

from wfplatform import exceptions
from wfplatform.notifier import publishers as notification_publishers

LOG = logging.getLogger(__name__)

WORKFLOW_EVENTS = {
    'RUNNING': 'WORKFLOW_LAUNCHED', 'SUCCESS': 'WORKFLOW_SUCCEEDED',
    'ERROR': 'WORKFLOW_FAILED', 'CANCELLED': 'WORKFLOW_CANCELLED',
    'PAUSED': 'WORKFLOW_PAUSED',
}
TASK_EVENTS = {
    'RUNNING': 'TASK_LAUNCHED', 'SUCCESS': 'TASK_SUCCEEDED', 'ERROR': 'TASK_FAILED',
    'CANCELLED': 'TASK_CANCELLED', 'PAUSED': 'TASK_PAUSED', 'SKIPPED': 'TASK_SKIPPED',
}


def check_publishers(entries: Any) -> list[dict[str, Any]]:
    """``notify`` entries as a list of dicts, or :class:`InvalidInput` naming why."""
    if not isinstance(entries, list) or not all(
            isinstance(e, dict) and isinstance(e.get('type'), str) for e in entries):
        raise exceptions.InvalidInput(
            'params.notify must be a list of objects, each with a "type", e.g. '
            '[{"type": "webhook", "url": "https://…", "event_types": '
            '["WORKFLOW_SUCCEEDED"]}]')
    return entries


class Notifier:
    def __init__(self) -> None:
        manager: extension.ExtensionManager[notification_publishers.Publisher] = (
            extension.ExtensionManager(notification_publishers.NAMESPACE,
                                       invoke_on_load=True))
        self._publishers = {ext.name: ext.obj for ext in manager}

    def notify(self, context: Any, events: Sequence[Mapping[str, Any]],
               publishers: Sequence[Mapping[str, Any]]) -> None:
        """Publish ``events``, one after the other, to every entry that wants each."""
        for event in events:
            self._publish(context, event, publishers)

    def _publish(self, context: Any, event: Mapping[str, Any],
                 publishers: Sequence[Mapping[str, Any]]) -> None:
        """Publish ``event`` to each entry that wants it; a failure is logged."""
        for entry in publishers:
            wanted = entry.get('event_types')
            if wanted and event['event'] not in wanted:
                continue
            publisher = self._publishers.get(entry['type'])
            if publisher is None:
                LOG.warning('No notification publisher %r; event %s dropped',
                            entry['type'], event['event'])
                continue
            try:
                publisher.publish(context, event, entry)
            except Exception as error:
                LOG.warning('Publisher %s could not deliver %s [execution_id=%s]: %s',
                            entry['type'], event['event'],
                            event['workflow_execution_id'], error)
