"""Finds actions installed as ``wfplatform.actions`` entry points (stevedore).

A pip package adds actions by declaring entry points in that namespace; nothing in
this repository has to change.
"""

import dataclasses
import inspect
import json
from typing import Any

from stevedore import extension

from wfplatform.actions import base
from wfplatform import exceptions

NAMESPACE = 'wfplatform.actions'


@dataclasses.dataclass(frozen=True)
class ActionDescriptor:
    """An installed action as ``/v2/actions`` lists it."""

    name: str
    description: str
    input_signature: str
    class_path: str


def input_signature(action_class: type) -> str:
    """The action's input as Mistral shows it, e.g. ``url, method="GET"``."""
    parts = []
    for parameter in inspect.signature(action_class).parameters.values():
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        if parameter.default is parameter.empty:
            parts.append(parameter.name)
        else:
            parts.append(f'{parameter.name}={json.dumps(parameter.default)}')
    return ', '.join(parts)


def _describe(name: str, action_class: type) -> ActionDescriptor:
    doc = inspect.getdoc(action_class) or ''
    return ActionDescriptor(
        name=name, description=doc.split('\n\n')[0].replace('\n', ' '),
        input_signature=input_signature(action_class),
        class_path=f'{action_class.__module__}.{action_class.__qualname__}')


class ActionRegistry:
    """The installed actions, loaded once per process by whoever owns it."""

    def __init__(self) -> None:
        manager: extension.ExtensionManager[base.Action] = (
            extension.ExtensionManager(NAMESPACE, invoke_on_load=False,
                                       on_load_failure_callback=_load_failed))
        self._classes: dict[str, type[base.Action]] = {
            ext.name: ext.plugin for ext in manager}

    def get_class(self, name: str) -> type[base.Action]:
        try:
            return self._classes[name]
        except KeyError:
            raise exceptions.NotFound(f'Action not found [name={name}]') from None

    def create(self, name: str, action_input: dict[str, Any]) -> base.Action:
        """An action instance, or :class:`InvalidInput` naming the bad input."""
        action_class = self.get_class(name)
        try:
            inspect.signature(action_class).bind(**action_input)
        except TypeError as error:
            raise exceptions.InvalidInput(
                f'Invalid input for action {name}: {error} '
                f'[expected: {input_signature(action_class)}]') from None
        return action_class(**action_input)

    def descriptors(self) -> dict[str, ActionDescriptor]:
        return {name: _describe(name, cls) for name, cls in self._classes.items()}


def _load_failed(manager: Any, entry_point: Any, error: BaseException) -> None:
    raise exceptions.WfplatformError(
        f'Action plugin {entry_point.name} ({entry_point.value}) failed to load: '
        f'{error}')


def discover() -> dict[str, ActionDescriptor]:
    """Every installed action, by name."""
    return ActionRegistry().descriptors()
