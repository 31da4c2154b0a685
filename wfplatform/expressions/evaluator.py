"""Evaluate the expressions inside workflow data: the package's entry points.

A string may hold YAQL (``<% … %>``) or Jinja2 (``{{ … }}``, ``{% … %}``), not
both: Mistral refuses mixed strings when it validates a workflow, and evaluating
them differently from how they were validated would surprise. Dict keys are
never evaluated, only values (Mistral's rule).
"""

import collections.abc
import dataclasses
import functools
from typing import Any, Mapping

from yaql.language import contexts

from wfplatform.expressions import errors
from wfplatform.expressions import jinja_evaluator
from wfplatform.expressions import limits
from wfplatform.expressions import runtime as runtime_module
from wfplatform.expressions import yaql_evaluator

YAQL = 'yaql'
JINJA = 'jinja'

_NO_RUNTIME = runtime_module.StaticRuntime()


def evaluate(value: Any, context: Mapping[str, Any],
             runtime: runtime_module.Runtime | None = None) -> Any:
    """``value`` with every expression in it replaced by its result.

    Dicts, lists and tuples are walked (tuples come back as lists); other
    non-string values pass through. A string that is exactly one expression
    yields the raw result (a list stays a list); an expression inside other text
    is rendered into the text. ``context`` is ``$`` in YAQL and ``_`` in Jinja2.
    Raises :class:`ExpressionError` when any expression fails, and when all of
    them together run longer than :func:`limits.max_seconds`.
    """
    scope = _Scope(context, runtime or _NO_RUNTIME, limits.Deadline.start())
    return _walk(value, scope)


def validate(text: str) -> list[str]:
    """Syntax errors of every expression in ``text``; empty if all parse."""
    language = language_of(text)
    if language == YAQL:
        return yaql_evaluator.validate(text)
    if language == JINJA:
        return jinja_evaluator.validate(text)
    if language is not None:
        return [_mixed_message('Invalid', text)]
    return []


def has_expression(text: str) -> bool:
    """True when ``text`` holds a YAQL or Jinja2 expression or statement."""
    return language_of(text) is not None


def language_of(text: str) -> str | None:
    """``'yaql'``, ``'jinja'``, None (plain text) or ``'mixed'`` for ``text``."""
    if '<%' not in text and '{' not in text:
        return None
    return _detect_language(text)


@limits.cache_small_texts(maxsize=8192)
def _detect_language(text: str) -> str | None:
    is_yaql = bool(yaql_evaluator.find_expressions(text))
    is_jinja = jinja_evaluator.has_expression(text)
    if is_yaql and is_jinja:
        return 'mixed'
    if is_yaql:
        return YAQL
    return JINJA if is_jinja else None


@dataclasses.dataclass
class _Scope:
    """One call of :func:`evaluate`, sharing what its expressions need.

    The data is converted for yaql at most once, and one deadline bounds every
    expression in the value.
    """

    data: Any
    runtime: runtime_module.Runtime
    deadline: limits.Deadline

    @functools.cached_property
    def yaql_context(self) -> contexts.ContextBase:
        return yaql_evaluator.create_context(self.data, self.runtime, self.deadline)

    @functools.cached_property
    def jinja_variables(self) -> dict[str, Any]:
        return jinja_evaluator.render_variables(self.data, self.runtime,
                                                self.deadline)


def _walk(value: Any, scope: _Scope) -> Any:
    if isinstance(value, str):
        return _evaluate_text(value, scope)
    if isinstance(value, collections.abc.Mapping):
        return {key: _walk(item, scope) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_walk(item, scope) for item in value]
    return value


def _evaluate_text(text: str, scope: _Scope) -> Any:
    language = language_of(text)
    if language is None:
        return text
    if language == YAQL:
        return yaql_evaluator.render(text, scope.yaql_context)
    if language == JINJA:
        return jinja_evaluator.render(text, scope.jinja_variables)
    raise errors.ExpressionError(_mixed_message('Can not evaluate', text))


def _mixed_message(verdict: str, text: str) -> str:
    return (f'{verdict} expression [expression={text}, error=YAQL and Jinja '
            'expressions can not be mixed in one string]')
