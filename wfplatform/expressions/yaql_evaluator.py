"""YAQL expressions written as ``<% … %>``: parsing, validation and evaluation.

One engine is built per process with iteration and memory limits; parsed
expressions are cached by source text because the engine evaluates the same
expressions over and over. The :class:`Runtime` of an evaluation lives in its yaql
context under a key that is not a valid yaql identifier, so functions can reach it
and expressions cannot. The evaluation's :class:`~limits.Deadline` is checked each
time yaql looks up a function, which it does for every operator, method and call.

Contexts are layered: yaql's standard library, then size-checked copies of its
risky functions and Mistral's functions (:data:`_ROOT_CONTEXT`), then the custom
functions installed as plugins, then one context per evaluation holding ``$``.
"""

import collections.abc  # noqa: F401  yaql 3.2 uses collections.abc without importing it
import functools
import logging
from typing import Any, Callable, Iterable

import yaql
from yaql.language import contexts
from yaql.language import expressions as yaql_expressions
from yaql.language import factory
from yaql.language import specs
from yaql.language import utils as yaql_utils
from yaql.language import yaqltypes

from wfplatform.expressions import errors
from wfplatform.expressions import functions
from wfplatform.expressions import limits
from wfplatform.expressions import plugins
from wfplatform.expressions import runtime as runtime_module
from wfplatform.expressions import yaql_guards

LOG = logging.getLogger(__name__)

OPENING = '<%'
CLOSING = '%>'

_RUNTIME_KEY = '#runtime'

_ENGINE = factory.YaqlFactory().create(options={
    'yaql.limitIterators': limits.MAX_ITEMS,
    'yaql.memoryQuota': limits.MAX_MEMORY_BYTES,
    'yaql.convertOutputData': True,
    'yaql.convertTuplesToLists': True,
    'yaql.convertSetsToLists': True,
})


def _runtime(context: contexts.ContextBase) -> runtime_module.Runtime:
    runtime: runtime_module.Runtime = context[_RUNTIME_KEY]
    return runtime


class _TimedContext(contexts.Context):
    """A yaql context that checks the evaluation's deadline on every function lookup.

    yaql resolves each call, operator and method through ``collect_functions`` of
    the calling context and makes child contexts (for lambdas, ``let``, …) with
    ``type(self)(self)``, so every step of an evaluation passes through here.
    """

    def __init__(self, parent_context: contexts.ContextBase | None = None,
                 data: Any = yaql_utils.NO_VALUE, convention: Any = None,
                 deadline: limits.Deadline | None = None) -> None:
        super().__init__(parent_context, data, convention)
        self.deadline = deadline or getattr(parent_context, 'deadline', None)

    def collect_functions(self, name: str, predicate: Any = None,
                          use_convention: bool = False) -> list[Any]:
        if self.deadline is not None:
            self.deadline.check()
        overloads: list[Any] = super().collect_functions(name, predicate,
                                                         use_convention)
        return overloads


def _to_yaql(value: Any) -> Any:
    """Give yaql the immutable containers it expects from functions."""
    return yaql_utils.convert_input_data(value)


def _from_yaql(value: Any) -> Any:
    """Plain dicts and lists for yaql's frozen dicts and tuples; others unchanged."""
    if isinstance(value, (yaql_utils.FrozenDict, tuple, list)):
        return limits.to_plain(value)
    return value


@specs.parameter('name', yaqltypes.String(nullable=True))
def _task(context: contexts.ContextBase, name: str | None = None) -> Any:
    return _to_yaql(functions.task(_runtime(context), name))


@specs.parameter('workflow_execution_id', yaqltypes.String(nullable=True))
@specs.parameter('state', yaqltypes.String(nullable=True))
def _tasks(context: contexts.ContextBase, workflow_execution_id: str | None = None,
           recursive: Any = False, state: str | None = None,
           flat: Any = False) -> Any:
    return _to_yaql(functions.tasks(_runtime(context), workflow_execution_id,
                                    recursive, state, flat))


def _execution(context: contexts.ContextBase) -> Any:
    return _to_yaql(functions.execution(_runtime(context)))


def _env(context: contexts.ContextBase) -> Any:
    return _to_yaql(functions.env(_runtime(context)))


@specs.parameter('name', yaqltypes.String())
def _global(context: contexts.ContextBase, name: str) -> Any:
    return _to_yaql(functions.global_variable(_runtime(context), name))


def _uuid() -> str:
    return functions.new_uuid()


@specs.parameter('text', yaqltypes.String())
def _json_parse(text: str) -> Any:
    return _to_yaql(functions.json_parse(text))


@specs.parameter('text', yaqltypes.String())
def _yaml_parse(text: str) -> Any:
    return _to_yaql(functions.yaml_parse(text))


_FUNCTIONS = {
    'task': _task, 'tasks': _tasks, 'execution': _execution, 'env': _env,
    'global': _global, 'uuid': _uuid, 'json_parse': _json_parse,
    'json_dump': functions.json_dump, 'json_dumps': functions.json_dump,
    'yaml_parse': _yaml_parse, 'yaml_dump': functions.yaml_dump,
}


@specs.parameter('collection', yaqltypes.Iterator())
@specs.extension_method
def _bounded_length(collection: Iterable[Any]) -> int:
    """``len()`` of a lazy collection, counted under the item limit.

    yaql's own version counts without a limit, so ``range(10000000000).len()``
    would run for minutes.
    """
    return sum(1 for _ in collection)


def _create_root_context() -> contexts.ContextBase:
    """The standard library, then a layer whose functions take precedence."""
    standard = yaql.create_context()
    context = standard.create_child_context()
    yaql_guards.register(standard, context)
    context.register_function(_bounded_length, name='len')
    for name, definition in _FUNCTIONS.items():
        # An explicit name keeps yaql from renaming json_parse to jsonParse.
        context.register_function(definition, name=name)
    return context


_ROOT_CONTEXT = _create_root_context()


@functools.lru_cache(maxsize=1)
def _plugin_context(registry: plugins.Registry) -> contexts.ContextBase:
    """:data:`_ROOT_CONTEXT` with the custom functions of ``registry`` on top.

    A plugin named like a yaql function would replace every overload of it, the
    size-checked ones included, so such a plugin is left out.
    """
    context = _ROOT_CONTEXT.create_child_context()
    for name, function in registry.functions.items():
        if _ROOT_CONTEXT.collect_functions(name):
            LOG.warning('Expression function plugin %r is not available in YAQL: '
                        'a yaql function has that name', name)
            continue
        try:
            context.register_function(_plugin_definition(name, function))
        except Exception as error:
            LOG.warning('Expression function plugin %r is not available in YAQL: '
                        '%s', name, error)
    return context


def _plugin_definition(name: str,
                       function: Callable[..., Any]) -> specs.FunctionDefinition:
    """A yaql function calling ``function`` as Mistral calls custom functions.

    yaql passes its context to a first parameter named ``context``; the other
    arguments arrive as plain dicts and lists rather than yaql's frozen types.
    """
    definition = specs.get_function_definition(function, name=name)

    def payload(*args: Any, **kwargs: Any) -> Any:
        result = function(*map(_from_yaql, args),
                          **{key: _from_yaql(value) for key, value in kwargs.items()})
        return _to_yaql(result)

    definition.payload = payload
    return definition


def create_context(data: Any, runtime: runtime_module.Runtime,
                   deadline: limits.Deadline | None = None) -> contexts.ContextBase:
    """The yaql context for one evaluation: ``$`` is ``data``.

    Converting the data is linear in its size, so build the context once per
    evaluation and reuse it for every expression in it. Every expression
    evaluated in it stops once ``deadline`` (by default :func:`limits.max_seconds`
    from now) has passed.
    """
    context = _TimedContext(_plugin_context(plugins.registry()),
                            deadline=deadline or limits.Deadline.start())
    context['$'] = yaql_utils.convert_input_data(data)
    context[_RUNTIME_KEY] = runtime
    return context


@limits.cache_small_texts(maxsize=4096)
def _parse(source: str) -> yaql_expressions.Statement:
    return _ENGINE(source)


def find_expressions(text: str) -> list[tuple[int, int]]:
    """Start and end of each ``<% … %>`` in ``text``, found in linear time.

    A regular expression would take quadratic time on text with many ``<%``
    and no ``%>``.
    """
    spans = []
    start = text.find(OPENING)
    while start >= 0:
        end = text.find(CLOSING, start + len(OPENING))
        if end < 0:
            break
        spans.append((start, end + len(CLOSING)))
        start = text.find(OPENING, end + len(CLOSING))
    return spans


def render(text: str, context: contexts.ContextBase) -> Any:
    """Evaluate every ``<% … %>`` in ``text``.

    A string that is exactly one expression yields its value as is; otherwise
    each expression's value is put into the text with ``str()`` (Mistral's way).
    """
    spans = find_expressions(text)
    if spans == [(0, len(text))]:
        return evaluate_expression(_source(text, spans[0]), context)
    parts = []
    position = 0
    for start, end in spans:
        parts.append(text[position:start])
        parts.append(str(evaluate_expression(_source(text, (start, end)), context)))
        position = end
    parts.append(text[position:])
    return ''.join(parts)


def _source(text: str, span: tuple[int, int]) -> str:
    return text[span[0] + len(OPENING):span[1] - len(CLOSING)]


def evaluate_expression(source: str, context: contexts.ContextBase) -> Any:
    """Evaluate one YAQL expression (without delimiters) to plain data."""
    expression = source.strip()
    try:
        return limits.to_plain(_parse(expression).evaluate(context=context))
    except runtime_module.RuntimeDataMissing:
        raise
    except Exception as error:
        raise errors.ExpressionError(
            f'Can not evaluate YAQL expression [expression={expression}, '
            f'error={errors.describe(error)}]') from error


def validate(text: str) -> list[str]:
    """Syntax errors of the ``<% … %>`` expressions in ``text``."""
    problems = []
    for span in find_expressions(text):
        expression = _source(text, span).strip()
        try:
            _parse(expression)
        except Exception as error:
            problems.append(f'Invalid YAQL expression [expression={expression}, '
                            f'error={errors.describe(error)}]')
    return problems
