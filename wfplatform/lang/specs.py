"""Immutable specifications of workflows and tasks: what the parser produces.

A spec holds the definition as written, normalised: every transition form becomes a
tuple of :class:`Transition`, the inline action form ``std.echo output=hi`` becomes an
action name plus input, and expressions stay as their source text (the kernel evaluates
them). Specs round-trip through :meth:`WorkflowSpec.to_dict` / :meth:`from_dict` so the
engine can store the exact spec an execution started with.
"""

import dataclasses
import json
from typing import Any, Mapping

ENGINE_COMMANDS = frozenset({'fail', 'succeed', 'pause', 'noop'})
"""Transition targets that are engine commands rather than task names."""


@dataclasses.dataclass(frozen=True)
class Transition:
    """One outgoing edge: go to ``target`` when ``condition`` (if any) is true."""

    target: str
    condition: str | None = None
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def is_engine_command(self) -> bool:
        return self.target in ENGINE_COMMANDS


@dataclasses.dataclass(frozen=True)
class InputParam:
    """One workflow input; ``default`` only counts when ``has_default`` is true."""

    name: str
    has_default: bool = False
    default: Any = None


@dataclasses.dataclass(frozen=True)
class TaskSpec:
    """One task as written in the workflow."""

    name: str
    action: str | None = None
    workflow: str | None = None
    input: Any = dataclasses.field(default_factory=dict)
    publish: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    publish_on_error: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    on_success: tuple[Transition, ...] = ()
    on_error: tuple[Transition, ...] = ()
    on_complete: tuple[Transition, ...] = ()
    join: str | int | None = None
    description: str | None = None

    @property
    def transitions(self) -> tuple[Transition, ...]:
        return self.on_success + self.on_error + self.on_complete

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> 'TaskSpec':
        values = dict(data)
        for key in ('on_success', 'on_error', 'on_complete'):
            values[key] = tuple(Transition(**t) for t in values.get(key, ()))
        return cls(**values)


@dataclasses.dataclass(frozen=True)
class WorkflowSpec:
    """One workflow: its inputs, outputs, variables and tasks (in written order)."""

    name: str
    type: str = 'direct'
    description: str | None = None
    tags: tuple[str, ...] = ()
    input: tuple[InputParam, ...] = ()
    output: Any = None
    output_on_error: Any = None
    vars: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    tasks: Mapping[str, TaskSpec] = dataclasses.field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data['tasks'] = [dataclasses.asdict(t) for t in self.tasks.values()]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> 'WorkflowSpec':
        values = dict(data)
        values['tags'] = tuple(values.get('tags', ()))
        values['input'] = tuple(InputParam(**p) for p in values.get('input', ()))
        values['tasks'] = {t['name']: TaskSpec.from_dict(t)
                           for t in values.get('tasks', ())}
        return cls(**values)

    def input_signature(self) -> str:
        """The inputs as Mistral's API shows them, e.g. ``'name, count=1'``."""
        return ', '.join(
            f'{p.name}={json.dumps(p.default)}' if p.has_default else p.name
            for p in self.input)

    def start_task_names(self) -> tuple[str, ...]:
        """Tasks no transition leads to: a direct workflow starts with these."""
        targets = {t.target for task in self.tasks.values()
                   for t in task.transitions}
        return tuple(name for name in self.tasks if name not in targets)
