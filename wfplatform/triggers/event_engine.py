"""Event triggers matched against notifications: which workflows to start, and how.

This module holds the decisions and no listener: :class:`EventEngine` is given the
current triggers (``set_triggers``) and one notification at a time (``handle``).
As in Mistral, a trigger fires when a notification arrives on its exchange and
topic with an ``event_type`` equal to its ``event`` (exact match), and the
notification reaches the workflow as ``params.event_params``, not as input.
The traits the operator's event definitions (:mod:`.event_definitions`) find in
it are added there as ``traits``.
"""

import collections
import dataclasses
import json
from typing import Any, Iterable, Mapping
import uuid

from oslo_log import log as logging

from wfplatform import context as wf_context
from wfplatform.db.repositories import common as repository
from wfplatform.rpc import engine as engine_rpc
from wfplatform.triggers import event_definitions

LOG = logging.getLogger(__name__)

_EXECUTION_IDS = uuid.UUID('a3e5b9c2-6f1d-4e8a-9b7c-2d4f6a8e0c1b')
"""Namespace of the execution ids derived from (message id, trigger id)."""

Pair = tuple[str, str]
"""(exchange, topic): where a listener waits for notifications."""


@dataclasses.dataclass(frozen=True)
class Notification:
    """One notification as oslo.messaging hands it to a listener endpoint."""

    exchange: str
    topic: str
    context: Mapping[str, Any]
    publisher_id: str
    event_type: str
    payload: Any
    metadata: Mapping[str, Any]


def document(notification: Notification) -> dict[str, Any]:
    """The notification as event definitions' ``fields`` paths see it.

    The context is there twice: as ``context`` and, under the names
    Ceilometer's definitions use, as ``_context_<key>``.
    """
    context = dict(notification.context)
    return {
        'event_type': notification.event_type,
        'publisher_id': notification.publisher_id,
        'payload': notification.payload,
        'message_id': notification.metadata.get('message_id'),
        'timestamp': notification.metadata.get('timestamp'),
        'context': context,
        **{f'_context_{key}': value for key, value in context.items()},
    }


def event_params(notification: Notification,
                 definitions: event_definitions.Definitions = event_definitions.NONE
                 ) -> dict[str, Any]:
    """What the workflow sees as ``params.event_params``.

    Mistral's default properties (``service``, ``project_id``, ``user_id``,
    ``timestamp``) plus, additively, the whole notification: ``event_type``,
    ``payload``, ``publisher_id`` and ``message_id``; and ``traits``, what
    ``definitions`` take out of it (``{}`` when none matches).
    """
    context = notification.context
    return {
        'service': notification.publisher_id,
        'project_id': context.get('project_id') or context.get('project'),
        'user_id': context.get('user_id') or context.get('user'),
        'timestamp': notification.metadata.get('timestamp'),
        'event_type': notification.event_type,
        'payload': notification.payload,
        'publisher_id': notification.publisher_id,
        'message_id': notification.metadata.get('message_id'),
        'traits': definitions.traits(notification.event_type,
                                     document(notification)),
    }


def execution_id(notification: Notification, trigger_id: str) -> str | None:
    """The same id for the same notification and trigger; None without a message id.

    A redelivered notification thus finds its execution already started.
    """
    message_id = notification.metadata.get('message_id')
    if not message_id:
        return None
    return str(uuid.uuid5(_EXECUTION_IDS, f'{message_id}/{trigger_id}'))


def description(trigger: Mapping[str, Any]) -> str:
    """The execution's description, as Mistral writes it: JSON naming the trigger."""
    return json.dumps({
        'description': f"Workflow execution created by event trigger "
                       f"'({trigger['id']})'.",
        'triggered_by': {'type': 'event_trigger', 'id': trigger['id'],
                         'name': trigger['name']},
    })


class TriggerIndex:
    """Triggers by (exchange, topic) and then by event, for one lookup per message."""

    def __init__(self, triggers: Iterable[Mapping[str, Any]] = ()) -> None:
        index: dict[Pair, dict[str, list[Mapping[str, Any]]]] = (
            collections.defaultdict(lambda: collections.defaultdict(list)))
        ids = []
        for trigger in triggers:
            index[(trigger['exchange'], trigger['topic'])][trigger['event']].append(
                trigger)
            ids.append(trigger['id'])
        self._index = {pair: dict(events) for pair, events in index.items()}
        self.ids = frozenset(ids)

    @property
    def pairs(self) -> frozenset[Pair]:
        return frozenset(self._index)

    def matching(self, notification: Notification) -> list[Mapping[str, Any]]:
        events = self._index.get((notification.exchange, notification.topic), {})
        return list(events.get(notification.event_type, ()))


class EventEngine:
    """Starts the workflows of the triggers a notification matches.

    With authentication on, a notification starts the triggers of the project in
    its context and public ones, as in Mistral; with it off every matching trigger
    fires (there is one project). Failures are logged, never raised: one bad
    trigger must not stop the others or make the broker redeliver forever.
    """

    def __init__(self, engine_client: engine_rpc.EngineClient,
                 auth_enable: bool,
                 definitions: event_definitions.Definitions = event_definitions.NONE
                 ) -> None:
        self._engine_client = engine_client
        self._auth_enable = auth_enable
        self._definitions = definitions
        self._index = TriggerIndex()

    @property
    def index(self) -> TriggerIndex:
        return self._index

    def set_triggers(self, triggers: Iterable[Mapping[str, Any]]) -> None:
        """Replace the triggers matched from now on (one atomic swap)."""
        self._index = TriggerIndex(triggers)

    def handle(self, notification: Notification) -> None:
        triggers = [trigger for trigger in self._index.matching(notification)
                    if self._may_fire(trigger, notification)]
        if not triggers:
            return
        params = event_params(notification, self._definitions)
        for trigger in triggers:
            self._start(trigger, notification, params)

    def _may_fire(self, trigger: Mapping[str, Any],
                  notification: Notification) -> bool:
        if not self._auth_enable or trigger['scope'] == repository.PUBLIC_SCOPE:
            return True
        return bool(trigger['project_id'] == notification.context.get('project_id'))

    def _start(self, trigger: Mapping[str, Any], notification: Notification,
               params: dict[str, Any]) -> None:
        context = wf_context.RequestContext(project_id=trigger['project_id'],
                                            is_admin=False)
        try:
            record = self._engine_client.start_workflow(
                context, workflow_identifier=trigger['workflow_id'],
                workflow_input=dict(trigger['workflow_input'] or {}),
                description=description(trigger),
                params={**(trigger['workflow_params'] or {}), 'event_params': params},
                execution_id=execution_id(notification, trigger['id']))
        except Exception:
            LOG.exception('Event trigger %s could not start workflow %s for %s',
                          trigger['id'], trigger['workflow_id'],
                          notification.event_type)
            return
        LOG.info('Event trigger %s started execution %s for %s [execution_id=%s]',
                 trigger['id'], record['id'], notification.event_type, record['id'])
