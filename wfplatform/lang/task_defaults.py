"""``task-defaults``: policies, transitions and requirements every task inherits.

They are merged into each task when the workflow is parsed, so a
:class:`~wfplatform.lang.specs.TaskSpec` already holds everything that applies to
its task, as Mistral works them out when it runs one:

* a policy applies to a task that does not set that policy itself;
* a clause (``on-success``…) applies to a task whose own clause of that kind
  leads nowhere, without the transitions back to the task itself (Mistral's
  ``_remove_task_from_clause``), so ``on-error: handle`` does not loop ``handle``;
* ``requires`` adds to a task's own, without the task itself.
"""

import dataclasses
from typing import Any, Collection, Mapping

from wfplatform.lang import checks
from wfplatform.lang import errors
from wfplatform.lang import policies
from wfplatform.lang import specs
from wfplatform.lang import transitions

KEYS = frozenset({*policies.FIELDS, *transitions.CLAUSES, 'requires'})
"""Keys task-defaults accepts (clauses in direct, ``requires`` in reverse ones)."""


@dataclasses.dataclass(frozen=True)
class TaskDefaults:
    """Parsed task-defaults; :meth:`apply` merges them into one task's fields."""

    policies: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    clauses: Mapping[str, tuple[specs.Transition, ...]] = dataclasses.field(
        default_factory=dict)
    requires: tuple[str, ...] = ()

    def apply(self, name: str, fields: dict[str, Any]) -> None:
        """Fill in the TaskSpec ``fields`` of task ``name``; its own values win."""
        for field, value in self.policies.items():
            fields.setdefault(field, value)
        for field, clause in self.clauses.items():
            if not fields.get(field):
                fields[field] = tuple(t for t in clause if t.target != name)
        own = tuple(fields.get('requires', ()))
        added = tuple(r for r in self.requires if r != name and r not in own)
        if added:
            fields['requires'] = own + added


def parse_task_defaults(value: Any, path: errors.Path, workflow_type: str,
                        task_names: Collection[str],
                        log: errors.ErrorLog) -> TaskDefaults:
    """The task-defaults of a workflow; bad keys are reported and left out."""
    if not checks.is_mapping(value, path, log):
        return TaskDefaults()
    found: dict[str, Any] = {}
    clauses = {}
    requires: tuple[str, ...] = ()
    allowed = sorted(key for key in KEYS
                     if transitions.misplaced(key, workflow_type) is None)
    for key, item in value.items():
        key_path = path + (key,)
        problem = (transitions.misplaced(key, workflow_type) if key in KEYS
                   else checks.unknown_key(key, allowed))
        if problem is not None:
            log.add(key_path, problem)
        elif key in policies.FIELDS:
            found.update(policies.FIELDS[key](item, key_path, log))
        elif key == 'requires':
            requires = transitions.parse_requires(item, key_path, task_names, log)
        else:
            clauses[transitions.CLAUSES[key]] = _parse_clause(
                item, key_path, task_names, log)
    return TaskDefaults(found, clauses, requires)


def _parse_clause(value: Any, path: errors.Path, task_names: Collection[str],
                  log: errors.ErrorLog) -> tuple[specs.Transition, ...]:
    clause = transitions.parse_clause(value, path, task_names, log)
    if clause.publish:
        log.add(path + ('publish',), 'task-defaults cannot publish (Mistral '
                                     'ignores it here); publish from the tasks')
    return clause.transitions
