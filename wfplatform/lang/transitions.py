"""The edges of the task graph: clauses of direct workflows, ``requires`` of reverse.

A direct workflow's ``on-success``, ``on-error``, ``on-complete`` and ``on-skip``
clauses take these forms (Mistral v2)::

    on-success: task2
    on-success: [task2, {task3: <% $.x > 1 %>}, fail msg='boom']
    on-success: {task3: <% $.x > 1 %>}
    on-success:
      publish:
        branch: {x: 1}
        global: {y: 2}
        atomic: {z: 3}
      next: [task2]

Each item becomes a :class:`~wfplatform.lang.specs.Transition`. Targets are task
names or the engine commands ``fail``, ``succeed``, ``pause`` and ``noop``; only
``fail``, ``succeed`` and ``pause`` take a parameter, ``msg``. In the last, the
advanced form, ``next`` takes any of the other forms and ``publish`` what the
task publishes in that outcome, by scope; either may be left out.

A task of a reverse workflow names instead the tasks it ``requires``.
"""

import dataclasses
from typing import Any, Collection

from wfplatform.lang import checks
from wfplatform.lang import errors
from wfplatform.lang import inline
from wfplatform.lang import specs

COMMAND_PARAMETERS = {'fail': {'msg'}, 'succeed': {'msg'}, 'pause': {'msg'},
                      'noop': set()}
"""Parameters each engine command accepts."""

CLAUSES = {'on-success': 'on_success', 'on-error': 'on_error',
           'on-complete': 'on_complete', 'on-skip': 'on_skip'}
"""Clause keys and the TaskSpec fields they set."""

DIRECT_ONLY = frozenset({*CLAUSES, 'join'})
REVERSE_ONLY = frozenset({'requires'})

ADVANCED_KEYS = ('publish', 'next')
PUBLISH_SCOPES = {'branch': 'branch', 'global': 'global_vars', 'atomic': 'atomic'}
"""Keys of an advanced ``publish`` and the :class:`Publish` fields they set."""


@dataclasses.dataclass(frozen=True)
class Clause:
    """One parsed clause: where it leads and what it publishes."""

    transitions: tuple[specs.Transition, ...] = ()
    publish: specs.Publish = specs.Publish()

    def without_target(self, name: str) -> 'Clause':
        """This clause without its transitions to task ``name``."""
        return dataclasses.replace(self, transitions=tuple(
            t for t in self.transitions if t.target != name))


def misplaced(key: Any, workflow_type: str) -> str | None:
    """Why a task cannot use ``key`` in a workflow of ``workflow_type``, or None.

    Mistral's schema has the same split: clauses and ``join`` for direct
    workflows, ``requires`` for reverse ones.
    """
    if workflow_type == 'reverse' and key in DIRECT_ONLY:
        return (f"'{key}' is for direct workflows; in a reverse workflow each task "
                "names the tasks it needs with 'requires'")
    if workflow_type != 'reverse' and key in REVERSE_ONLY:
        return (f"'{key}' is for reverse workflows (type: reverse); in a direct "
                'workflow a task leads to the next ones with on-success, on-error, '
                'on-complete and on-skip')
    return None


def parse_clause(value: Any, path: errors.Path, task_names: Collection[str],
                 log: errors.ErrorLog) -> Clause:
    """One clause in any form; bad items are reported and left out."""
    if not (isinstance(value, dict) and any(key in value for key in ADVANCED_KEYS)):
        return Clause(_parse_next(value, path, task_names, log))
    for key in value:
        if key not in ADVANCED_KEYS:
            log.add(path + (key,), f"unknown key '{key}'"
                                   f'{checks.did_you_mean(key, ADVANCED_KEYS)}; a '
                                   "clause with 'publish' or 'next' takes only those")
    publish = specs.Publish()
    if 'publish' in value:
        publish = parse_publish(value['publish'], path + ('publish',), log)
    transitions: tuple[specs.Transition, ...] = ()
    if 'next' in value:
        transitions = _parse_next(value['next'], path + ('next',), task_names, log)
    return Clause(transitions, publish)


def parse_publish(value: Any, path: errors.Path, log: errors.ErrorLog) -> specs.Publish:
    """The ``publish`` of an advanced clause: variables under branch/global/atomic."""
    if not checks.is_mapping(value, path, log):
        return specs.Publish()
    if not value:
        log.add(path, f"must have at least one of {', '.join(PUBLISH_SCOPES)}")
    scopes = {}
    for key, variables in value.items():
        field = PUBLISH_SCOPES.get(key)
        if field is None:
            log.add(path + (key,), f"unknown scope '{key}'"
                                   f'{checks.did_you_mean(key, PUBLISH_SCOPES)}; '
                                   'variables published here go under branch, '
                                   'global or atomic')
        elif checks.is_variables(variables, path + (key,), log):
            scopes[field] = variables
    return specs.Publish(**scopes)


def parse_requires(value: Any, path: errors.Path, task_names: Collection[str],
                   log: errors.ErrorLog) -> tuple[str, ...]:
    """``requires``: one task name or a list of them, each naming a task."""
    names = value if isinstance(value, list) else [value]
    places = ([path + (index,) for index in range(len(names))]
              if isinstance(value, list) else [path])
    if isinstance(value, list) and not value:
        log.add(path, 'must list at least one task')
    required: list[str] = []
    for name, place in zip(names, places):
        if not checks.is_text(name, place, log):
            continue
        if name in required:
            log.add(place, f"task '{name}' is required twice")
        elif name not in task_names:
            log.add(place, f"unknown task '{name}'"
                           f'{checks.did_you_mean(name, task_names)}; requires '
                           'names tasks of this workflow')
        else:
            required.append(name)
    return tuple(required)


def _parse_next(value: Any, path: errors.Path, task_names: Collection[str],
                log: errors.ErrorLog) -> tuple[specs.Transition, ...]:
    if isinstance(value, list):
        if not value:
            log.add(path, 'must list at least one task')
        items = [(item, path + (index,)) for index, item in enumerate(value)]
    else:
        items = [(value, path)]
    transitions: list[specs.Transition] = []
    for item, item_path in items:
        transition = _parse_item(item, item_path, task_names, log)
        if transition is None:
            continue
        if transition in transitions:
            log.add(item_path, f"duplicate transition to '{transition.target}'")
            continue
        transitions.append(transition)
    return tuple(transitions)


def _parse_item(item: Any, path: errors.Path, task_names: Collection[str],
                log: errors.ErrorLog) -> specs.Transition | None:
    condition = None
    if isinstance(item, dict):
        if len(item) != 1:
            log.add(path, 'a conditional transition must be a mapping with one '
                          f'key, the task, not {len(item)} keys')
            return None
        ((item, condition),) = item.items()
        if not _is_condition(condition, path, log):
            return None
    if not checks.is_text(item, path, log):
        return None
    try:
        command = inline.parse_command(item)
    except inline.InlineSyntaxError as error:
        log.add(path, f'invalid transition: {error}')
        return None
    if not _is_valid_target(command, path, task_names, log):
        return None
    checks.check_expressions(command.params, path, log)
    return specs.Transition(command.name, condition, command.params)


def _is_condition(condition: Any, path: errors.Path, log: errors.ErrorLog) -> bool:
    if checks.is_expression(condition):
        checks.check_expressions(condition, path, log)
        return True
    log.add(path, 'the condition must be an expression such as <% $.x > 1 %> '
                  f'or {{{{ _.x > 1 }}}}, not {checks.describe(condition)}')
    return False


def _is_valid_target(command: inline.Command, path: errors.Path,
                     task_names: Collection[str], log: errors.ErrorLog) -> bool:
    allowed = COMMAND_PARAMETERS.get(command.name)
    if allowed is None:
        if command.name not in task_names:
            commands = ', '.join(sorted(COMMAND_PARAMETERS))
            log.add(path, f"unknown task '{command.name}'"
                          f"{checks.did_you_mean(command.name, task_names)}; a "
                          'transition leads to a task of this workflow or to one '
                          f'of the engine commands {commands}')
            return False
        if command.params:
            log.add(path, f"transition to task '{command.name}' cannot take "
                          'parameters; only engine commands do')
            return False
        return True
    unknown = sorted(set(command.params) - allowed)
    if unknown:
        accepted = f"only '{', '.join(sorted(allowed))}'" if allowed else 'none'
        log.add(path, f"engine command '{command.name}' does not take "
                      f"{', '.join(unknown)}; it takes {accepted}")
        return False
    return True
