"""The action interface every action plugin implements.

An action is a class: its constructor's keyword arguments are the action's input
(their defaults are the input defaults, and ``/v2/actions`` shows them as Mistral
does, e.g. ``url, method="GET"``), ``run(context)`` does the work and returns the
output. To fail, raise :class:`wfplatform.exceptions.ActionError` (or return a
:class:`Result` with ``error``); any other exception fails too, with its type
and message. The constructor may raise
:class:`wfplatform.exceptions.InvalidInput` for input it cannot use.

An asynchronous action returns ``False`` from ``is_sync()``: the executor
reports nothing after ``run`` returns, and the action stays RUNNING until
someone sends ``PUT <context.callback_url>`` with ``{"state": "SUCCESS",
"output": ...}`` or ``{"state": "ERROR", "output": ...}``. If ``run`` raises,
the action fails at once, as a synchronous one does.

Actions are found as entry points in the ``wfplatform.actions`` namespace
(:mod:`wfplatform.actions.registry`); actions written for mistral-lib are found
in ``mistral.actions`` and run through :mod:`wfplatform.actions.mistral_adapter`.
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
    callback_url: str | None = None
    """Where to ``PUT`` the result of an asynchronous action."""
    user_name: str | None = None
    project_name: str | None = None
    egress: Any = None
    """The :class:`wfplatform.egress.EgressPolicy` outgoing connections obey
    (``[egress]``); None means its defaults."""


@dataclasses.dataclass(frozen=True)
class Result:
    """An explicit outcome: ``data`` on success, or ``error`` on failure."""

    data: Any = None
    error: Any = None

    def is_error(self) -> bool:
        return self.error is not None


class Action:
    """Base class of actions; subclasses take their input in ``__init__``."""

    enabled_by: str | None = None
    """An ``[actions]`` boolean option that must be on for the action to run."""

    def run(self, context: ActionContext) -> Any:
        """Do the work; return the output (JSON-serialisable) or a :class:`Result`."""
        raise NotImplementedError

    def is_sync(self) -> bool:
        """False when the result is delivered later, not returned by ``run``."""
        return True

    def cancel(self) -> None:
        """Stop a running action if it can be stopped; by default nothing to do."""
