"""Finds actions installed as ``wfplatform.actions`` entry points (stevedore).

A pip package adds actions by declaring entry points in that namespace; nothing in
this repository has to change. Packages written for Mistral declare theirs in
``mistral.actions``; those load too and run through
:mod:`wfplatform.actions.mistral_adapter` (a name in both namespaces is ours).
The registry also applies the operator's ``[actions]`` rules
(:mod:`wfplatform.actions.policy`) each time it creates an action.
"""

import dataclasses
import inspect
import json
from typing import Any

from oslo_config import cfg
from stevedore import extension

from wfplatform.actions import base
from wfplatform.actions import mistral_adapter
from wfplatform.actions import policy as action_policy
from wfplatform import exceptions

NAMESPACE = 'wfplatform.actions'
MISTRAL_NAMESPACE = mistral_adapter.NAMESPACE


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
            parts.append(f'{parameter.name}={_default_text(parameter.default)}')
    return ', '.join(parts)


def _default_text(value: Any) -> str:
    try:
        return json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)


def _describe(name: str, action_class: type) -> ActionDescriptor:
    doc = inspect.getdoc(action_class) or ''
    return ActionDescriptor(
        name=name, description=doc.split('\n\n')[0].replace('\n', ' '),
        input_signature=input_signature(action_class),
        class_path=f'{action_class.__module__}.{action_class.__qualname__}')


class ActionRegistry:
    """The installed actions, loaded once per process by whoever owns it.

    ``conf`` supplies the ``[actions]`` rules; ``policy`` replaces them (tests).
    """

    def __init__(self, conf: cfg.ConfigOpts = cfg.CONF,
                 policy: action_policy.ActionPolicy | None = None) -> None:
        self.policy = (policy if policy is not None
                       else action_policy.ActionPolicy.from_config(conf))
        self._mistral_lib: set[str] = set()
        self._classes: dict[str, type[Any]] = {}
        for ext in _extensions(MISTRAL_NAMESPACE):
            self._classes[ext.name] = ext.plugin
            self._mistral_lib.add(ext.name)
        for ext in _extensions(NAMESPACE):
            self._classes[ext.name] = ext.plugin
            self._mistral_lib.discard(ext.name)

    def get_class(self, name: str) -> type[Any]:
        try:
            return self._classes[name]
        except KeyError:
            raise exceptions.NotFound(f'Action not found [name={name}]') from None

    def create(self, name: str, action_input: dict[str, Any]) -> base.Action:
        """An action instance ready to run.

        :class:`InvalidInput` naming the bad input, or :class:`ActionError` if
        ``[actions]`` does not let it run.
        """
        action_class = self.get_class(name)
        self.policy.check(name, getattr(action_class, 'enabled_by', None))
        try:
            inspect.signature(action_class).bind(**action_input)
        except TypeError as error:
            raise exceptions.InvalidInput(
                f'Invalid input for action {name}: {error} '
                f'[expected: {input_signature(action_class)}]') from None
        action = action_class(**action_input)
        if name in self._mistral_lib:
            return mistral_adapter.MistralLibAction(action)
        return action

    def descriptors(self) -> dict[str, ActionDescriptor]:
        return {name: _describe(name, cls) for name, cls in self._classes.items()}


def _extensions(namespace: str) -> list[Any]:
    manager: extension.ExtensionManager[Any] = extension.ExtensionManager(
        namespace, invoke_on_load=False, on_load_failure_callback=_load_failed)
    return list(manager)


def _load_failed(manager: Any, entry_point: Any, error: BaseException) -> None:
    raise exceptions.WfplatformError(
        f'Action plugin {entry_point.name} ({entry_point.value}) failed to load: '
        f'{error}')


def discover(conf: cfg.ConfigOpts = cfg.CONF) -> dict[str, ActionDescriptor]:
    """Every installed action, by name."""
    return ActionRegistry(conf).descriptors()
