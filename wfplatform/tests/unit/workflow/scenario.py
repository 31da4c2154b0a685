"""Workflow scenarios: YAML files that say how a workflow run must turn out.

This module loads a scenario (checking its format strictly, so a typo fails
instead of making a scenario vacuous), builds the action script from it, and
compares what a run produced with what the scenario expects. The kernel runner
feeds it a :class:`simulator.Run`; the functional runner feeds it what the REST
API returned. The format is described in ``scenarios/README.rst``.
"""

import collections
import dataclasses
import json
import pathlib
import re
from typing import Any, Iterable, Mapping

import yaml

from wfplatform import exceptions
from wfplatform import lang
from wfplatform.tests.unit.workflow import simulator
from wfplatform.workflow import states

SCENARIOS_DIR = pathlib.Path(__file__).parent / 'scenarios'

REQUIRED_KEYS = frozenset({'description', 'workflow', 'expect'})
OPTIONAL_KEYS = frozenset({'input', 'params', 'actions', 'resume', 'skip'})
RESULT_KEYS = frozenset({'result', 'error', 'delay'})
RUN_EXPECTATIONS = frozenset({'order', 'finished', 'tasks', 'output', 'state_info',
                              'published', 'inputs', 'task_state_info'})
"""What a scenario with ``state`` may check besides the state."""
REFUSAL_KEYS = frozenset({'error', 'message'})
"""A scenario whose start is refused has exactly these expectations."""

_NAME = re.compile(r'^[a-z][a-z0-9_]*$')


class FormatError(Exception):
    """A scenario file breaks the format; the message names the file and the key."""


@dataclasses.dataclass(frozen=True)
class ScriptedResult:
    """One scripted action outcome: its value, or its error, after ``delay``."""

    success: bool
    value: Any
    delay: float = 0


@dataclasses.dataclass(frozen=True)
class Scenario:
    name: str
    path: pathlib.Path
    description: str
    workflow: str
    input: Mapping[str, Any]
    params: Mapping[str, Any]
    actions: Mapping[str, tuple[ScriptedResult, ...]]
    expect: Mapping[str, Any]
    resume: bool = False
    skip: tuple[str, ...] = ()

    @property
    def refused(self) -> bool:
        """True when the scenario expects the start itself to be refused."""
        return 'error' in self.expect

    @property
    def needs_script(self) -> bool:
        """True when only the simulator can play it.

        That is: scripted results or delays, or a user who resumes paused runs
        and skips failed tasks.
        """
        return bool(self.actions) or self.resume or bool(self.skip)


@dataclasses.dataclass
class Observed:
    """What one run produced, whoever ran it.

    ``inputs`` and ``finished`` are None when the runner cannot see them, and
    ``hidden_inputs`` names tasks whose inputs it cannot see; ``error`` holds
    (error class name, message) when the start was refused.
    """

    state: str | None = None
    order: list[str] = dataclasses.field(default_factory=list)
    finished: list[str] | None = None
    tasks: dict[str, str] = dataclasses.field(default_factory=dict)
    output: Any = None
    state_info: str | None = None
    published: dict[str, Any] = dataclasses.field(default_factory=dict)
    inputs: dict[str, list[Any]] | None = None
    hidden_inputs: frozenset[str] = frozenset()
    task_state_info: dict[str, str | None] = dataclasses.field(default_factory=dict)
    error: tuple[str, str] | None = None
    unused_script: dict[str, int] = dataclasses.field(default_factory=dict)


def discover(root: pathlib.Path = SCENARIOS_DIR) -> list[pathlib.Path]:
    return sorted(root.rglob('*.yaml'))


def scenario_name(path: pathlib.Path, root: pathlib.Path = SCENARIOS_DIR) -> str:
    """``group/name`` of a scenario file."""
    return path.relative_to(root).with_suffix('').as_posix()


def test_name(path: pathlib.Path, root: pathlib.Path = SCENARIOS_DIR) -> str:
    """The generated test method's name: ``test_<group>__<name>``."""
    return 'test_' + scenario_name(path, root).replace('/', '__')


# Loading and checking the format.

class _StrictLoader(yaml.SafeLoader):
    """A safe loader that refuses duplicate keys (YAML silently keeps the last)."""


def _mapping_without_duplicates(loader: _StrictLoader, node: yaml.MappingNode,
                                deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise FormatError(f'duplicate key {key!r} at line '
                              f'{key_node.start_mark.line + 1}')
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
                              _mapping_without_duplicates)


def load(path: pathlib.Path, root: pathlib.Path = SCENARIOS_DIR) -> Scenario:
    """The scenario in ``path``; :class:`FormatError` naming the file if malformed."""
    try:
        with open(path) as stream:
            document = yaml.load(stream, Loader=_StrictLoader)
        return _build(path, root, document)
    except (FormatError, yaml.YAMLError, lang.InvalidDefinition) as error:
        raise FormatError(f'{path}: {error}') from None


def _build(path: pathlib.Path, root: pathlib.Path, document: Any) -> Scenario:
    _check_keys('the scenario', document, REQUIRED_KEYS, OPTIONAL_KEYS)
    if not isinstance(document['description'], str) or \
            not document['description'].strip():
        raise FormatError("'description' must be a sentence")
    if not isinstance(document['workflow'], str):
        raise FormatError("'workflow' must be the definition's text")
    task_names = set(lang.parse_workflows(document['workflow'])[0].tasks)
    for key in ('input', 'params'):
        if not isinstance(document.get(key, {}), dict):
            raise FormatError(f'{key!r} must be a mapping')
    if not isinstance(document.get('resume', False), bool):
        raise FormatError("'resume' must be true or false")
    skip = document.get('skip', [])
    if not isinstance(skip, list) or not set(skip) <= task_names:
        raise FormatError("'skip' must list tasks of the started workflow")
    return Scenario(
        name=scenario_name(path, root), path=path,
        description=document['description'], workflow=document['workflow'],
        input=document.get('input', {}), params=document.get('params', {}),
        actions=_actions(document.get('actions', {}), task_names),
        expect=_expect(document['expect'], task_names),
        resume=document.get('resume', False), skip=tuple(skip))


def _check_keys(where: str, value: Any, required: Iterable[str],
                optional: Iterable[str] = ()) -> None:
    if not isinstance(value, dict):
        raise FormatError(f'{where} must be a mapping, got {value!r}')
    allowed = set(required) | set(optional)
    unknown = sorted(set(value) - allowed, key=str)
    if unknown:
        raise FormatError(f'unknown key {unknown[0]!r} in {where}; allowed: '
                          f'{", ".join(sorted(allowed))}')
    missing = sorted(set(required) - set(value))
    if missing:
        raise FormatError(f'{where} lacks {missing[0]!r}')


def _check_tasks(where: str, names: Iterable[str], task_names: set[str]) -> None:
    for name in names:
        if name not in task_names:
            raise FormatError(f'{where} names {name!r}, which is not a task of the '
                              f'started workflow ({", ".join(sorted(task_names))})')


def _actions(actions: Any, task_names: set[str]) -> dict[str, tuple[ScriptedResult,
                                                                    ...]]:
    if not isinstance(actions, dict):
        raise FormatError("'actions' must map task names to lists of results")
    _check_tasks("'actions'", actions, task_names)
    script = {}
    for name, results in actions.items():
        if not isinstance(results, list) or not results:
            raise FormatError(f'actions of {name!r} must be a non-empty list')
        script[name] = tuple(_result(f'a result of {name!r}', r) for r in results)
    return script


def _result(where: str, entry: Any) -> ScriptedResult:
    _check_keys(where, entry, (), RESULT_KEYS)
    if ('result' in entry) == ('error' in entry):
        raise FormatError(f'{where} needs exactly one of result, error')
    delay = entry.get('delay', 0)
    if isinstance(delay, bool) or not isinstance(delay, (int, float)) or delay < 0:
        raise FormatError(f'the delay of {where} must be a number of seconds >= 0')
    if 'result' in entry:
        return ScriptedResult(True, entry['result'], delay)
    return ScriptedResult(False, entry['error'], delay)


def _expect(expect: Any, task_names: set[str]) -> dict[str, Any]:
    if isinstance(expect, dict) and 'error' in expect:
        _check_keys("'expect'", expect, REFUSAL_KEYS)
        if not isinstance(getattr(exceptions, str(expect['error']), None), type):
            raise FormatError(f"expect.error {expect['error']!r} is not an error "
                              'class of wfplatform.exceptions')
        return expect
    _check_keys("'expect'", expect, {'state'}, RUN_EXPECTATIONS)
    if expect['state'] not in states.WORKFLOW_TRANSITIONS:
        raise FormatError(f"expect.state {expect['state']!r} is not a workflow state")
    if not set(expect) & RUN_EXPECTATIONS:
        raise FormatError(f"'expect' checks only the state; add one of "
                          f'{", ".join(sorted(RUN_EXPECTATIONS))}')
    _check_shapes(expect, task_names)
    return expect


def _check_shapes(expect: Mapping[str, Any], task_names: set[str]) -> None:
    for key in ('order', 'finished'):
        if not isinstance(expect.get(key, []), list):
            raise FormatError(f'expect.{key} must be a list of task names')
        _check_tasks(f'expect.{key}', expect.get(key, []), task_names)
    for key in ('tasks', 'published', 'inputs', 'task_state_info'):
        if not isinstance(expect.get(key, {}), dict):
            raise FormatError(f'expect.{key} must be a mapping by task name')
        _check_tasks(f'expect.{key}', expect.get(key, {}), task_names)
    for name, state in expect.get('tasks', {}).items():
        if state not in states.TASK_TRANSITIONS:
            raise FormatError(f'expect.tasks.{name}: {state!r} is not a task state')
    for name, runs in expect.get('inputs', {}).items():
        if not isinstance(runs, list):
            raise FormatError(f'expect.inputs.{name} must be a list, one per run')
    info = expect.get('state_info', '')
    if not isinstance(info, str) and not (
            isinstance(info, list) and all(isinstance(i, str) for i in info)):
        raise FormatError('expect.state_info must be a string or a list of them')


# Running through the kernel.

class Script:
    """Answers each action from the scenario's ``actions``, then by default.

    Results are consumed per task in the order that task's actions start; what
    is left afterwards is reported, since an unused result means the scenario
    does not run the way its author thought.
    """

    def __init__(self, actions: Mapping[str, Iterable[ScriptedResult]]) -> None:
        self._queues = {name: collections.deque(results)
                        for name, results in actions.items()}

    def __call__(self, task_name: str, action: str | None,
                 action_input: dict[str, Any]) -> simulator.Outcome:
        queue = self._queues.get(task_name)
        if not queue:
            return simulator.echo_outcome(task_name, action, action_input)
        scripted = queue.popleft()
        if scripted.delay:
            return scripted.success, scripted.value, scripted.delay
        return scripted.success, scripted.value

    def unused(self) -> dict[str, int]:
        return {name: len(queue) for name, queue in self._queues.items() if queue}


def run_in_kernel(scenario: Scenario) -> tuple[Observed, simulator.Run | None]:
    """Play the scenario through the simulator; the run is None if refused."""
    script = Script(scenario.actions)
    try:
        run = simulator.run(scenario.workflow, dict(scenario.input), script,
                            params=dict(scenario.params), resume=scenario.resume,
                            skip=scenario.skip)
    except exceptions.WfplatformError as error:
        return Observed(error=(type(error).__name__, str(error))), None
    tasks = {t.name: t for t in run.view.tasks}
    return Observed(
        state=run.state, order=list(run.started), finished=list(run.finished),
        tasks={name: task.state for name, task in tasks.items()},
        output=run.output, state_info=run.state_info,
        published={name: dict(task.published) for name, task in tasks.items()},
        inputs={name: list(runs) for name, runs in run.inputs.items()},
        task_state_info={name: task.state_info for name, task in tasks.items()},
        unused_script=script.unused()), run


def is_sequential(run: simulator.Run) -> bool:
    """True when at most one task was ever in flight.

    Then any engine starts the tasks in the same order: there is one start
    task, and no task chose two tasks.
    """
    spec = run.view.spec
    if len(spec.start_task_names()) > 1:
        return False
    return all(sum(1 for name in task.next_tasks if name in spec.tasks) <= 1
               for task in run.view.tasks)


# Comparing.

def mismatches(scenario: Scenario, observed: Observed,
               exact_order: bool = True) -> list[str]:
    """Every way ``observed`` differs from what the scenario expects.

    With ``exact_order`` false, ``order`` and each task's runs in ``inputs``
    are compared as multisets.
    """
    expect = scenario.expect
    if scenario.refused:
        return _refusal_mismatches(expect, observed)
    if observed.error is not None:
        return [f'the start was refused: {observed.error[0]}: {observed.error[1]}']
    problems = []
    if observed.unused_script:
        problems.append(f'scripted results never used: {observed.unused_script}')
    _compare(problems, 'state', expect['state'], observed.state)
    if 'order' in expect:
        wanted, got = expect['order'], observed.order
        if not exact_order:
            wanted, got = sorted(wanted), sorted(got)
        _compare(problems, 'order', wanted, got)
    if 'finished' in expect and observed.finished is not None:
        _compare(problems, 'finished', expect['finished'], observed.finished)
    for key in ('tasks', 'output'):
        if key in expect:
            _compare(problems, key, expect[key], getattr(observed, key))
    if 'published' in expect:
        _compare(problems, 'published', expect['published'],
                 {name: observed.published.get(name) for name in expect['published']})
    if 'inputs' in expect and observed.inputs is not None:
        wanted = {name: runs for name, runs in expect['inputs'].items()
                  if name not in observed.hidden_inputs}
        got = {name: observed.inputs.get(name, []) for name in wanted}
        if not exact_order:
            wanted, got = _runs_as_multisets(wanted), _runs_as_multisets(got)
        _compare(problems, 'inputs', wanted, got)
    _substrings(problems, 'state_info', expect.get('state_info', []),
                observed.state_info)
    for name, text in expect.get('task_state_info', {}).items():
        _substrings(problems, f'task_state_info.{name}', text,
                    observed.task_state_info.get(name))
    return problems


def _runs_as_multisets(inputs: Mapping[str, list[Any]]) -> dict[str, list[Any]]:
    return {name: sorted(runs, key=lambda run: json.dumps(run, sort_keys=True))
            for name, runs in inputs.items()}


def _refusal_mismatches(expect: Mapping[str, Any], observed: Observed) -> list[str]:
    if observed.error is None:
        return [f"expected the start to be refused with {expect['error']}, but it "
                f'ran and ended in {observed.state}']
    problems: list[str] = []
    _compare(problems, 'error', expect['error'], observed.error[0])
    _substrings(problems, 'message', expect.get('message', []), observed.error[1])
    return problems


def _compare(problems: list[str], key: str, wanted: Any, got: Any) -> None:
    if wanted != got:
        problems.append(f'{key}: expected {wanted!r}\n{" " * len(key)}       got '
                        f'{got!r}')


def _substrings(problems: list[str], key: str, wanted: str | list[str],
                got: str | None) -> None:
    for text in [wanted] if isinstance(wanted, str) else wanted:
        if text not in (got or ''):
            problems.append(f'{key}: expected to contain {text!r}, got {got!r}')


def failure_report(scenario: Scenario, problems: Iterable[str]) -> str:
    return (f'scenario {scenario.name} ({scenario.path}):\n  '
            f'{scenario.description}\n  - ' + '\n  - '.join(problems))
