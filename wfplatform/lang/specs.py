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
class Publish:
    """Variables a task publishes, by scope (Mistral's advanced publish form).

    ``branch`` goes to the tasks after this one (the plain ``publish:`` form);
    ``global_vars`` to the workflow's global context, visible to every task and to
    ``global()``; ``atomic`` is global too, written under the execution's row lock
    like every change here, so concurrent branches never lose an update.
    """

    branch: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    global_vars: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    atomic: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.branch or self.global_vars or self.atomic)


@dataclasses.dataclass(frozen=True)
class Retry:
    """The ``retry`` policy; every value may be an expression (kept as text)."""

    count: Any = 0
    delay: Any = 0
    break_on: Any = None
    continue_on: Any = None


@dataclasses.dataclass(frozen=True)
class WithItems:
    """One ``var in <source>`` of ``with-items``.

    ``source`` is an expression or a literal list. Several are zipped, as in
    Mistral.
    """

    var: str
    source: Any


@dataclasses.dataclass(frozen=True)
class TaskSpec:
    """One task as written in the workflow, with ``task-defaults`` merged in.

    Policy values (``retry``, ``wait_before``, ``timeout``, ``concurrency``…) stay
    as written: numbers, booleans or expression text that the kernel evaluates.
    ``publish`` holds what the task publishes on success (its ``publish`` key and
    the ``publish`` of an advanced ``on-success`` clause), ``publish_on_error`` on
    error, ``publish_on_skip`` when skipped and ``publish_on_complete`` either way.
    """

    name: str
    action: str | None = None
    workflow: str | None = None
    input: Any = dataclasses.field(default_factory=dict)
    publish: Publish = Publish()
    publish_on_error: Publish = Publish()
    publish_on_skip: Publish = Publish()
    publish_on_complete: Publish = Publish()
    on_success: tuple[Transition, ...] = ()
    on_error: tuple[Transition, ...] = ()
    on_complete: tuple[Transition, ...] = ()
    on_skip: tuple[Transition, ...] = ()
    join: str | int | None = None
    requires: tuple[str, ...] = ()
    with_items: tuple[WithItems, ...] = ()
    concurrency: Any = None
    retry: Retry | None = None
    wait_before: Any = None
    wait_after: Any = None
    timeout: Any = None
    pause_before: Any = False
    fail_on: Any = None
    keep_result: Any = True
    safe_rerun: Any = False
    target: Any = None
    description: str | None = None
    tags: tuple[str, ...] = ()

    @property
    def transitions(self) -> tuple[Transition, ...]:
        return self.on_success + self.on_error + self.on_complete + self.on_skip

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> 'TaskSpec':
        values = dict(data)
        for key in ('on_success', 'on_error', 'on_complete', 'on_skip'):
            values[key] = tuple(Transition(**t) for t in values.get(key, ()))
        for key in ('publish', 'publish_on_error', 'publish_on_skip',
                    'publish_on_complete'):
            values[key] = Publish(**values.get(key) or {})
        for key in ('requires', 'tags'):
            values[key] = tuple(values.get(key, ()))
        values['with_items'] = tuple(WithItems(**w)
                                     for w in values.get('with_items', ()))
        if values.get('retry') is not None:
            values['retry'] = Retry(**values['retry'])
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


@dataclasses.dataclass(frozen=True)
class ActionSpec:
    """An ad-hoc action: a ``base`` action called with ``base_input``.

    ``base_input`` is built from the action's own ``input``; ``output`` (if any)
    transforms the base's result.
    """

    name: str
    base: str
    base_input: Any = dataclasses.field(default_factory=dict)
    input: tuple[InputParam, ...] = ()
    output: Any = None
    description: str | None = None
    tags: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> 'ActionSpec':
        values = dict(data)
        values['tags'] = tuple(values.get('tags', ()))
        values['input'] = tuple(InputParam(**p) for p in values.get('input', ()))
        return cls(**values)

    def input_signature(self) -> str:
        return ', '.join(
            f'{p.name}={json.dumps(p.default)}' if p.has_default else p.name
            for p in self.input)


@dataclasses.dataclass(frozen=True)
class WorkbookSpec:
    """A workbook: workflows and ad-hoc actions under one name.

    Names here are as written; stored, they become ``<workbook>.<name>``, and a
    task of a workbook workflow that names ``wf`` finds ``<workbook>.wf`` first.
    """

    name: str
    description: str | None = None
    tags: tuple[str, ...] = ()
    workflows: tuple[WorkflowSpec, ...] = ()
    actions: tuple[ActionSpec, ...] = ()
