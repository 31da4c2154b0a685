"""The ``on-success``, ``on-error`` and ``on-complete`` clauses of a task.

Accepted forms (Mistral v2)::

    on-success: task2
    on-success: [task2, {task3: <% $.x > 1 %>}, fail msg='boom']
    on-success: {task3: <% $.x > 1 %>}

Each item becomes a :class:`~wfplatform.lang.specs.Transition`. Targets are task
names or the engine commands ``fail``, ``succeed``, ``pause`` and ``noop``; only
``fail``, ``succeed`` and ``pause`` take a parameter, ``msg``. The advanced form
``{publish: …, next: …}`` is not supported yet.
"""

from typing import Any, Collection

from wfplatform.lang import checks
from wfplatform.lang import errors
from wfplatform.lang import inline
from wfplatform.lang import specs

COMMAND_PARAMETERS = {'fail': {'msg'}, 'succeed': {'msg'}, 'pause': {'msg'},
                      'noop': set()}
"""Parameters each engine command accepts."""

_ADVANCED_KEYS = {'publish', 'next'}


def parse_clause(value: Any, path: errors.Path, task_names: Collection[str],
                 log: errors.ErrorLog) -> tuple[specs.Transition, ...]:
    """The transitions of one clause; bad items are reported and left out."""
    if isinstance(value, dict) and value and set(value) <= _ADVANCED_KEYS:
        log.add(path, "the form with 'publish' and 'next' is not supported yet; "
                      'use a list of tasks and the task\'s own publish')
        return ()
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
