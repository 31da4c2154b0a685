"""Alarm triggers: Aodh's ``http`` notifier body in, a workflow start out.

Aodh posts ``{"alarm_id", "alarm_name", "severity", "previous", "current",
"reason", "reason_data"}`` to the alarm's ``alarm_actions`` URL on each state
change. This module holds the decisions and no I/O: checking that body, the
per-trigger secret (generated here, stored only as a SHA-256 digest), whether
the trigger's ``states`` want the new state, the workflow input, and the
execution id that makes a retried POST start nothing twice.
"""

import hashlib
import hmac
import json
import secrets
from typing import Any, Mapping
import uuid

from wfplatform import exceptions

ALARM_STATES = ('ok', 'alarm', 'insufficient data')
"""Aodh's alarm states (``current`` and ``previous``)."""

DEFAULT_ALARM_INPUT = 'alarm'
"""The workflow input that receives the alarm body unless a trigger names another."""

_REQUIRED_TEXT = ('alarm_id', 'alarm_name', 'current', 'previous')
_OPTIONAL_TEXT = ('severity', 'reason')

_EXECUTION_IDS = uuid.UUID('6c0f7d4e-2b9a-4f1c-8e3d-5a7b9c1d2e4f')
"""Namespace of the execution ids derived from (trigger, alarm, state change)."""


def new_secret() -> str:
    """A fresh secret for a trigger's URL: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """What is stored of a secret. It is random and long, so a plain hash suffices."""
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(secret: str | None, stored_digest: str | None) -> bool:
    """Whether ``secret`` is the one ``stored_digest`` was made from (constant time)."""
    if not secret or not stored_digest:
        return False
    return hmac.compare_digest(digest(secret), stored_digest)


def check_alarm(document: Any) -> dict[str, Any]:
    """The alarm body, checked; ``InvalidInput`` naming the first field at fault."""
    if not isinstance(document, dict):
        raise exceptions.InvalidInput(
            'The alarm body must be a JSON object as Aodh\'s http notifier sends.')
    for name in _REQUIRED_TEXT:
        value = document.get(name)
        if not isinstance(value, str) or not value:
            raise exceptions.InvalidInput(
                f'Invalid alarm: field {name} must be a non-empty string, got '
                f'{value!r}.')
    for name in ('current', 'previous'):
        if document[name] not in ALARM_STATES:
            raise exceptions.InvalidInput(
                f"Invalid alarm: field {name} is {document[name]!r}; expected one "
                f"of {', '.join(ALARM_STATES)}.")
    for name in _OPTIONAL_TEXT:
        value = document.get(name)
        if value is not None and not isinstance(value, str):
            raise exceptions.InvalidInput(
                f'Invalid alarm: field {name} must be a string, got {value!r}.')
    reason_data = document.get('reason_data')
    if reason_data is not None and not isinstance(reason_data, dict):
        raise exceptions.InvalidInput(
            f'Invalid alarm: field reason_data must be an object, got '
            f'{reason_data!r}.')
    return dict(document)


def check_states(states: Any) -> list[str] | None:
    """A trigger's ``states`` filter: None (every state) or Aodh states."""
    if states is None:
        return None
    if not isinstance(states, list) or not states or any(
            state not in ALARM_STATES for state in states):
        raise exceptions.InvalidInput(
            f"Invalid input for field/attribute states. Value: '{states}'. "
            f"Expected a non-empty list of: {', '.join(ALARM_STATES)}.")
    return list(dict.fromkeys(states))


def wanted(trigger: Mapping[str, Any], alarm: Mapping[str, Any]) -> bool:
    """Whether the trigger fires for the alarm's new state."""
    states = trigger.get('states')
    return not states or alarm['current'] in states


def workflow_input(trigger: Mapping[str, Any],
                   alarm: Mapping[str, Any]) -> dict[str, Any]:
    """The trigger's ``workflow_input`` with the alarm under ``alarm_input``."""
    name = trigger.get('alarm_input') or DEFAULT_ALARM_INPUT
    return {**(trigger.get('workflow_input') or {}), name: dict(alarm)}


def execution_id(trigger_id: str, alarm: Mapping[str, Any],
                 request_id: str | None = None) -> str:
    """The same id for the same state change delivered again.

    Aodh's http notifier sends one ``X-OpenStack-Request-Id`` per state change
    and repeats it when it retries; without that header the whole body (which
    carries the reason with the newest value) stands for the state change.
    """
    change = request_id or hashlib.sha256(
        json.dumps(alarm, sort_keys=True, separators=(',', ':')).encode()
    ).hexdigest()
    return str(uuid.uuid5(_EXECUTION_IDS,
                          f'{trigger_id}/{alarm["alarm_id"]}/{change}'))


def description(trigger: Mapping[str, Any], alarm: Mapping[str, Any]) -> str:
    """The execution's description: JSON naming the trigger and the alarm."""
    return json.dumps({
        'description': f"Workflow execution created by alarm trigger "
                       f"'({trigger['id']})': alarm {alarm['alarm_name']} "
                       f"{alarm['previous']} -> {alarm['current']}.",
        'triggered_by': {'type': 'alarm_trigger', 'id': trigger['id'],
                         'name': trigger['name'], 'alarm_id': alarm['alarm_id']},
    })
