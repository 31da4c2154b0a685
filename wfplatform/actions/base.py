"""The action interface every action plugin implements.

An action is a class: its constructor's keyword arguments are the action's input
(their defaults are the input defaults), ``run(context)`` does the work and returns
the output. To fail, raise :class:`wfplatform.exceptions.ActionError` (or return a
:class:`Result` with ``error``). An asynchronous action returns ``False`` from
``is_sync()``; its result arrives later through ``PUT /v2/action_executions/{id}``.
"""

import dataclasses
from typing import Any


@dataclasses.dataclass(frozen=True)
class ActionContext:
    """What an action knows of where it runs and on whose behalf."""

    action_execution_id: str
    task_execution_id: str | None = None
    workflow_execution_id: str | None = None
    workflow_name: str | None = None
    project_id: str | None = None
    user_id: str | None = None
    auth_token: str | None = None
    service_catalog: Any = None
    region_name: str | None = None


@dataclasses.dataclass(frozen=True)
class Result:
    """An explicit outcome: ``data`` on success, or ``error`` on failure."""

    data: Any = None
    error: Any = None

    def is_error(self) -> bool:
        return self.error is not None


class Action:
    """Base class of actions; subclasses take their input in ``__init__``."""

    def run(self, context: ActionContext) -> Any:
        raise NotImplementedError

    def is_sync(self) -> bool:
        """False when the result is delivered later, not returned by ``run``."""
        return True

    def cancel(self) -> None:
        """Stop a running action if it can be stopped; by default nothing to do."""
