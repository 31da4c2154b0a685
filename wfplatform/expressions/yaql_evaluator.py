"""YAQL expressions written as ``<% … %>``: parsing, validation and evaluation.

One engine is built per process with iteration and memory limits; parsed
expressions are cached by source text because the engine evaluates the same
expressions over and over. The :class:`Runtime` of an evaluation lives in its yaql
context under a key that is not a valid yaql identifier, so functions can reach it
and expressions cannot.
"""

import collections.abc  # noqa: F401  yaql 3.2 uses collections.abc without importing it
from typing import Any, Iterable

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
from wfplatform.expressions import runtime as runtime_module
from wfplatform.expressions import yaql_guards

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


def _to_yaql(value: Any) -> Any:
    """Give yaql the immutable containers it expects from functions."""
    return yaql_utils.convert_input_data(value)


@specs.parameter('name', yaqltypes.String(nullable=True))
def _task(context: contexts.ContextBase, name: str | None = None) -> Any:
    return _to_yaql(functions.task(_runtime(context), name))


def _execution(context: contexts.ContextBase) -> Any:
    return _to_yaql(functions.execution(_runtime(context)))


def _env(context: contexts.ContextBase) -> Any:
    return _to_yaql(functions.env(_runtime(context)))


def _uuid() -> str:
    return functions.new_uuid()


@specs.parameter('text', yaqltypes.String())
def _json_parse(text: str) -> Any:
    return _to_yaql(functions.json_parse(text))


@specs.parameter('text', yaqltypes.String())
def _yaml_parse(text: str) -> Any:
    return _to_yaql(functions.yaml_parse(text))


_FUNCTIONS = {
    'task': _task, 'execution': _execution, 'env': _env, 'uuid': _uuid,
    'json_parse': _json_parse, 'json_dump': functions.json_dump,
    'json_dumps': functions.json_dump, 'yaml_parse': _yaml_parse,
    'yaml_dump': functions.yaml_dump,
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


def create_context(data: Any, runtime: runtime_module.Runtime) -> contexts.ContextBase:
    """The yaql context for one evaluation: ``$`` is ``data``.

    Converting the data is linear in its size, so build the context once per
    evaluation and reuse it for every expression in it.
    """
    context = _ROOT_CONTEXT.create_child_context()
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
