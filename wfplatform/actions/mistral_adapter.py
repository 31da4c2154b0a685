"""Runs actions written for mistral-lib unchanged.

Mistral's action packages subclass ``mistral_lib.actions.Action`` and declare
entry points in the ``mistral.actions`` namespace. The registry reads that
namespace too and wraps each such action in :class:`MistralLibAction`, which
hands it a ``mistral_lib.actions.context.ActionContext`` (``.security`` and
``.execution``) built from ours and turns a ``mistral_lib`` ``Result`` into
ours. The input signature comes from the action's ``__init__``, as for native
actions.

mistral-lib is optional (``pip install wfplatform[mistral-lib]``); a package
whose actions import it needs it anyway. Without it, actions that only
duck-type the interface still run, with our context.
"""

import inspect
from typing import Any

from wfplatform.actions import base

try:
    from mistral_lib.actions import context as mistral_context
except ImportError:  # pragma: no cover - depends on what is installed
    mistral_context = None

NAMESPACE = 'mistral.actions'


class MistralLibAction(base.Action):
    """A mistral-lib action instance behind our interface."""

    def __init__(self, action: Any) -> None:
        self.action = action

    def run(self, context: base.ActionContext) -> Any:
        if _takes_no_context(self.action.run):
            outcome = self.action.run()
        else:
            outcome = self.action.run(mistral_lib_context(context))
        return _our_result(outcome)

    def is_sync(self) -> bool:
        is_sync = getattr(self.action, 'is_sync', None)
        return True if is_sync is None else bool(is_sync())

    def cancel(self) -> None:
        cancel = getattr(self.action, 'cancel', None)
        if cancel is not None:
            cancel()


def mistral_lib_context(context: base.ActionContext) -> Any:
    """mistral-lib's context for ``context``; ours when mistral-lib is missing."""
    if mistral_context is None:
        return context
    security = mistral_context.SecurityContext(
        service_catalog=context.service_catalog, region_name=context.region_name,
        project_id=context.project_id, project_name=context.project_name,
        user_name=context.user_name, auth_token=context.auth_token)
    # mistral-lib's SecurityContext has no user_id; actions may still read it.
    security.user_id = context.user_id
    execution = mistral_context.ExecutionContext(
        workflow_execution_id=context.workflow_execution_id,
        task_execution_id=context.task_execution_id,
        action_execution_id=context.action_execution_id,
        workflow_name=context.workflow_name, callback_url=context.callback_url)
    return mistral_context.ActionContext(security_ctx=security,
                                         execution_ctx=execution)


def _takes_no_context(run: Any) -> bool:
    """Old Mistral actions (``mistral.actions.base``) define ``run(self)``."""
    try:
        return not inspect.signature(run).parameters
    except (TypeError, ValueError):
        return False


def _our_result(outcome: Any) -> Any:
    """A mistral-lib ``Result`` (duck-typed: data, error, cancel) as ours."""
    if isinstance(outcome, base.Result) or not all(
            hasattr(outcome, name) for name in ('data', 'error', 'is_error')):
        return outcome
    if getattr(outcome, 'cancel', False):
        return base.Result(error='The action was cancelled')
    if outcome.is_error():
        return base.Result(error=outcome.error)
    return outcome.data
