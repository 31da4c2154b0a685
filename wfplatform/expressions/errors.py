"""The one error the expression evaluators raise.

yaql and Jinja2 raise dozens of exception types (and plain ``KeyError`` or
``ZeroDivisionError`` from inside expressions); callers should not have to know any
of them. Every failure is wrapped in :class:`ExpressionError`, whose message names
the expression and the cause but never the data context, which may hold secrets
such as tokens or passwords and ends up in task ``state_info`` and in logs.
"""

from wfplatform import exceptions


class ExpressionError(exceptions.WfplatformError):
    """An expression could not be parsed or evaluated."""

    http_code = 400


def describe(error: Exception) -> str:
    """A one-line cause for an error raised inside yaql, Jinja2 or a function."""
    if isinstance(error, KeyError) and error.args:
        return f'key {error.args[0]!r} not found'
    message = str(error) or type(error).__name__
    return ' '.join(message.split())
