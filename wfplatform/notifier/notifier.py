"""Fans an event out to the publishers that asked for it.

Which publishers: the execution's ``params.notify`` plus ``[notifier] notify``.
Each entry is ``{"type": <publisher>, "event_types": [...], ...options}``; without
``event_types`` a publisher receives every event. Mistral's event types are used.

Ordering. Events are published from a small thread pool, one lane per workflow
execution: the events of one execution are published one after the other, in the
order :meth:`Notifier.notify` received them, and an event is handed to the next
publisher entry, or the next event is started, only once the one before is
delivered or given up (a webhook being retried with back-off holds its lane).
Events of different executions do not wait for each other. ``notify`` returns at
once, so a slow webhook never slows down the engine that reports the events.

What is guaranteed: in order within one execution, as received by this notifier
process. The engine sends the events of each transaction in one message, in the
order the state changes happened, after commit; the messages of successive
transactions normally arrive in order too, but one lost and re-sent by the outbox
sweep can arrive after a later one (and a re-sent message is published again:
delivery is at least once). Events held in a lane when the process stops are lost.
"""

import collections
import threading
from typing import Any, Mapping, Sequence

import futurist
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


_Item = tuple[Any, Mapping[str, Any], Sequence[Mapping[str, Any]]]
"""(context, event, publisher entries): one event waiting in its lane."""


class Notifier:
    def __init__(self, settings: notification_publishers.DeliverySettings | None = None,
                 workers: int = 8) -> None:
        """``settings`` are handed to every publisher; ``workers`` lanes run at once."""
        manager: extension.ExtensionManager[notification_publishers.Publisher] = (
            extension.ExtensionManager(notification_publishers.NAMESPACE,
                                       invoke_on_load=True))
        self._publishers = {ext.name: ext.obj for ext in manager}
        settings = settings or notification_publishers.DeliverySettings()
        for publisher in self._publishers.values():
            if publisher is not None:
                publisher.configure(settings)
        self._pool = futurist.ThreadPoolExecutor(max_workers=workers)
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._lanes: dict[str, collections.deque[_Item]] = {}

    def notify(self, context: Any, events: Sequence[Mapping[str, Any]],
               publishers: Sequence[Mapping[str, Any]]) -> None:
        """Queue ``events`` in their executions' lanes and return."""
        with self._lock:
            for event in events:
                key = str(event.get('workflow_execution_id'))
                lane = self._lanes.get(key)
                if lane is None:
                    lane = self._lanes[key] = collections.deque()
                    self._pool.submit(self._drain, key)
                lane.append((context, event, publishers))

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Wait until every queued event is published; False if ``timeout`` passed."""
        with self._idle:
            return self._idle.wait_for(lambda: not self._lanes, timeout)

    def stop(self, wait: bool = True) -> None:
        """Publish nothing new; with ``wait``, finish the lanes already queued."""
        self._pool.shutdown(wait=wait)

    def _drain(self, key: str) -> None:
        while True:
            with self._lock:
                lane = self._lanes[key]
                if not lane:
                    del self._lanes[key]
                    self._idle.notify_all()
                    return
                context, event, publishers = lane.popleft()
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
