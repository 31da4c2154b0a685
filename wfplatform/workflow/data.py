"""Data flow: workflow input, the initial context, and the final output."""

from typing import Any, Mapping

from wfplatform import exceptions
from wfplatform import expressions
from wfplatform.lang import specs
from wfplatform.workflow import view as wf_view


def resolve_input(spec: specs.WorkflowSpec,
                  given: Mapping[str, Any] | None) -> dict[str, Any]:
    """The workflow's input with defaults filled in.

    Raises :class:`InvalidInput` naming missing and unexpected parameters, as
    Mistral does, before anything is created.
    """
    given = dict(given or {})
    declared = {param.name for param in spec.input}
    unexpected = sorted(set(given) - declared)
    missing = [p.name for p in spec.input if not p.has_default and p.name not in given]
    if unexpected or missing:
        details = []
        if missing:
            details.append(f'missing={missing}')
        if unexpected:
            details.append(f'unexpected={unexpected}')
        raise exceptions.InvalidInput(
            f'Invalid input [name={spec.name}, class=WorkflowSpec, '
            f'{", ".join(details)}]')
    resolved = {p.name: p.default for p in spec.input if p.has_default}
    resolved.update(given)
    return resolved


def check_params(spec: specs.WorkflowSpec, params: Mapping[str, Any]) -> None:
    """Refuse start parameters the workflow cannot use, before anything starts.

    A reverse workflow's ``task_name`` must name one of its tasks.
    """
    task_name = params.get('task_name')
    if task_name is None or spec.type != 'reverse':
        return
    if not isinstance(task_name, str) or task_name not in spec.tasks:
        raise exceptions.InvalidInput(
            f'params.task_name {task_name!r} is not a task of workflow '
            f'{spec.name!r}; it has {", ".join(spec.tasks)}')


def initial_context(spec: specs.WorkflowSpec, workflow_input: Mapping[str, Any],
                    runtime: expressions.Runtime) -> dict[str, Any]:
    """Input plus ``vars`` (evaluated against the input): where tasks start from."""
    context = dict(workflow_input)
    context.update(expressions.evaluate(dict(spec.vars), context, runtime))
    return context


def final_context(view: wf_view.WorkflowView) -> dict[str, Any]:
    """The workflow context plus the outbound contexts of the tasks that ended it.

    Leaves (tasks whose transitions chose no task, only engine commands or
    nothing) are merged in creation order, so in a chain the last task's context
    wins, as in Mistral.
    """
    leaves = [task for task in view.tasks
              if all(target in specs.ENGINE_COMMANDS for target in task.next_tasks)]
    missing = tuple(task.id for task in leaves if not task.loaded)
    if missing:
        raise wf_view.MissingTaskData(missing)
    context = {**view.context, **view.global_context}
    for task in leaves:
        context.update(task.out_context)
    return context


def evaluate_output(expression: Any, context: Mapping[str, Any],
                    runtime: expressions.Runtime) -> Any:
    if expression is None:
        return {}
    return expressions.evaluate(expression, context, runtime)


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """``override`` laid over ``base``, nested objects merged key by key."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged
