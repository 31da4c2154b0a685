"""The operator's rules for actions: which may run, and where callbacks go.

Read once from ``[actions]`` when a registry is built; the registry applies them
each time it creates an action, so a refused action fails its task with a
message naming the option to change.
"""

import dataclasses
import fnmatch
from typing import Iterable

from oslo_config import cfg

from wfplatform import config
from wfplatform import exceptions

CALLBACK_PATH = '/v2/action_executions/{id}'
"""Where an asynchronous action's result is sent (``PUT``), as Mistral names it."""


@dataclasses.dataclass(frozen=True)
class ActionPolicy:
    """``[actions]``: allowed and denied name patterns, switches, callback base."""

    allowed: tuple[str, ...] = ('*',)
    denied: tuple[str, ...] = ()
    switches: frozenset[str] = frozenset()
    """Names of the ``[actions]`` boolean options that are on (``enable_ssh``)."""
    callback_base_url: str | None = None

    @classmethod
    def from_config(cls, conf: cfg.ConfigOpts) -> 'ActionPolicy':
        conf.register_opts(config.actions_opts, group='actions')
        options = conf.actions
        return cls(allowed=_patterns(options.allowed),
                   denied=_patterns(options.denied),
                   switches=frozenset({'enable_ssh'} if options.enable_ssh
                                      else ()),
                   callback_base_url=options.callback_base_url or None)

    def check(self, name: str, switch: str | None = None) -> None:
        """:class:`ActionError` unless the action ``name`` may run.

        ``switch`` is the ``[actions]`` option the action needs on (an action
        class's ``enabled_by``).
        """
        if _matches(name, self.denied):
            raise exceptions.ActionError(
                f'action {name} is disabled by [actions] denied')
        if not _matches(name, self.allowed):
            raise exceptions.ActionError(
                f'action {name} is disabled: it is not in [actions] allowed')
        if switch is not None and switch not in self.switches:
            raise exceptions.ActionError(
                f'action {name} is disabled; set [actions] {switch} = true '
                f'to enable it')

    def callback_url(self, action_execution_id: str) -> str:
        """The URL an asynchronous action ``PUT``s its result to."""
        path = CALLBACK_PATH.format(id=action_execution_id)
        if not self.callback_base_url:
            return path
        base = self.callback_base_url.rstrip('/')
        if base.endswith('/v2'):
            base = base[:-len('/v2')]
        return base + path


def _patterns(values: Iterable[str] | None) -> tuple[str, ...]:
    return tuple(value.strip() for value in values or () if value.strip())


def _matches(name: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)
