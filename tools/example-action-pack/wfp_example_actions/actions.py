"""Two native wfplatform actions.

An action is a class: the keyword arguments of ``__init__`` are its input (their
defaults are the input defaults), ``run(context)`` returns its output.
"""

from typing import Any

from wfplatform.actions import base
from wfplatform import exceptions


class GreetAction(base.Action):
    """Returns a greeting for ``name``."""

    def __init__(self, name: str, greeting: str = 'Hello') -> None:
        if not isinstance(name, str) or not name:
            raise exceptions.InvalidInput(
                f'example.greet: name must be a non-empty string, got {name!r}')
        self.name = name
        self.greeting = greeting

    def run(self, context: base.ActionContext) -> str:
        return f'{self.greeting}, {self.name}!'


class WhereAmIAction(base.Action):
    """Returns what the context tells an action about its run."""

    def run(self, context: base.ActionContext) -> dict[str, Any]:
        return {'workflow_name': context.workflow_name,
                'workflow_execution_id': context.workflow_execution_id,
                'action_execution_id': context.action_execution_id,
                'project_id': context.project_id,
                'callback_url': context.callback_url}
