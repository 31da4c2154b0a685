"""A workflow's task graph, as text and as Graphviz DOT. Pure: spec in, text out.

Edges come from the spec as parsed by :mod:`wfplatform.lang`: in a direct
workflow each transition is an edge of its kind (``on-success``, ``on-error``,
``on-complete``, ``on-skip``) with its condition, and a target that is an engine
command (``fail``, ``succeed``, ``pause``, ``noop``) is a node of its own per
source task, since each ends the path that reaches it. In a reverse workflow each
``requires`` is an edge from the required task to the task that needs it.
"""

import dataclasses
from typing import Iterator

from wfplatform.lang import specs

KINDS = ('on-success', 'on-error', 'on-complete', 'on-skip', 'requires')
"""Edge kinds, in the order a task's edges are listed."""

_DOT_STYLE = {
    'on-success': 'color="darkgreen"',
    'on-error': 'color="red3"',
    'on-complete': 'color="blue"',
    'on-skip': 'color="gray50", style="dotted"',
    'requires': 'style="dashed"',
}


@dataclasses.dataclass(frozen=True)
class Node:
    """A task, or an engine command ending a path (``command`` set)."""

    id: str
    label: str
    detail: str = ''
    join: str | int | None = None
    command: bool = False
    start: bool = False


@dataclasses.dataclass(frozen=True)
class Edge:
    source: str
    target: str
    kind: str
    condition: str | None = None


@dataclasses.dataclass(frozen=True)
class Graph:
    name: str
    type: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]


def build(workflow: specs.WorkflowSpec) -> Graph:
    """The graph of one workflow, tasks in written order."""
    starts = set(workflow.start_task_names()) if workflow.type == 'direct' else {
        name for name, task in workflow.tasks.items() if not task.requires}
    nodes = [Node(id=name, label=name, detail=_detail(task), join=task.join,
                  start=name in starts)
             for name, task in workflow.tasks.items()]
    edges: list[Edge] = []
    for name, task in workflow.tasks.items():
        for kind, transition in _transitions(task):
            target = transition.target
            if transition.is_engine_command:
                target = f'{name}/{transition.target}'
                nodes.append(Node(id=target, label=transition.target, command=True))
            edges.append(Edge(name, target, kind, transition.condition))
        edges.extend(Edge(required, name, 'requires') for required in task.requires)
    return Graph(workflow.name, workflow.type, tuple(nodes), tuple(edges))


def _transitions(task: specs.TaskSpec) -> Iterator[tuple[str, specs.Transition]]:
    for kind, transitions in (('on-success', task.on_success),
                              ('on-error', task.on_error),
                              ('on-complete', task.on_complete),
                              ('on-skip', task.on_skip)):
        for transition in transitions:
            yield kind, transition


def _detail(task: specs.TaskSpec) -> str:
    """What the task runs: ``std.echo``, ``workflow: child``, and with-items."""
    detail = f'workflow: {task.workflow}' if task.workflow else (task.action or '')
    if task.with_items:
        detail += ' (with-items)'
    return detail


def to_text(graph: Graph) -> str:
    """One block per task: what it runs, its join, then its outgoing edges."""
    lines = [f'workflow {graph.name} ({graph.type})']
    starts = [node.id for node in graph.nodes if node.start]
    lines.append(f'start: {", ".join(starts) if starts else "(none)"}')
    labels = {node.id: node.label for node in graph.nodes}
    outgoing: dict[str, list[Edge]] = {}
    for edge in graph.edges:
        outgoing.setdefault(edge.source, []).append(edge)
    for node in graph.nodes:
        if node.command:
            continue
        lines.append('')
        lines.append(node.id + (f'  [{node.detail}]' if node.detail else ''))
        if node.join is not None:
            lines.append(f'  join: {node.join}')
        for edge in outgoing.get(node.id, []):
            target = labels[edge.target]
            if edge.target != target:
                target = f'{target} (engine command)'
            condition = f'  when {edge.condition}' if edge.condition else ''
            lines.append(f'  {edge.kind} -> {target}{condition}')
    return '\n'.join(lines) + '\n'


def to_dot(graph: Graph) -> str:
    """A Graphviz ``digraph``: ``… | dot -Tsvg > workflow.svg``.

    Tasks are boxes (start tasks bold, joins diamonds), engine commands
    octagons; edges are coloured by kind and labelled with kind and condition.
    """
    lines = [f'digraph {_quote(graph.name)} {{', '  rankdir="TB";',
             '  node [shape="box", fontname="Helvetica"];',
             '  edge [fontname="Helvetica", fontsize="10"];']
    for node in graph.nodes:
        lines.append(f'  {_quote(node.id)} [{_node_attributes(node)}];')
    for edge in graph.edges:
        label = edge.kind + (f'\n{edge.condition}' if edge.condition else '')
        lines.append(f'  {_quote(edge.source)} -> {_quote(edge.target)} '
                     f'[label={_quote(label)}, {_DOT_STYLE[edge.kind]}];')
    lines.append('}')
    return '\n'.join(lines) + '\n'


def _node_attributes(node: Node) -> str:
    if node.command:
        return f'label={_quote(node.label)}, shape="octagon"'
    label = node.label + (f'\n{node.detail}' if node.detail else '')
    attributes = []
    if node.join is not None:
        label += f'\njoin: {node.join}'
        attributes.append('shape="diamond"')
    if node.start:
        attributes.append('style="bold"')
    return ', '.join([f'label={_quote(label)}'] + attributes)


def _quote(text: str) -> str:
    """A DOT double-quoted string; newlines become centred line breaks."""
    escaped = text.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n')
    return f'"{escaped}"'
