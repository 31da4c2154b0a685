"""YAQL and Jinja2 expression evaluation, sandboxed and bounded. Pure.

``evaluate(value, context, runtime)`` replaces every ``<% … %>`` and ``{{ … }}`` in
a value; ``validate(text)`` reports syntax errors; a :class:`Runtime` gives the
functions ``task()``, ``tasks()``, ``execution()``, ``env()`` and ``global()`` the
execution state. Custom functions are plugins (:mod:`plugins`); the limits of an
evaluation are in :mod:`limits`.
"""

from wfplatform.expressions.errors import ExpressionError
from wfplatform.expressions.evaluator import evaluate
from wfplatform.expressions.evaluator import has_expression
from wfplatform.expressions.evaluator import validate
from wfplatform.expressions.runtime import Runtime
from wfplatform.expressions.runtime import RuntimeDataMissing
from wfplatform.expressions.runtime import StaticRuntime

__all__ = ['ExpressionError', 'Runtime', 'RuntimeDataMissing', 'StaticRuntime',
           'evaluate', 'has_expression', 'validate']
