"""Standard actions that only move data: noop, echo, fail, sleep."""

import time
from typing import Any

from wfplatform.actions import base
from wfplatform import exceptions


class NoOpAction(base.Action):
    """Does nothing and returns null: a placeholder or a join point."""

    def run(self, context: base.ActionContext) -> None:
        return None


class EchoAction(base.Action):
    """Returns its input ``output`` unchanged."""

    def __init__(self, output: Any = None) -> None:
        self.output = output

    def run(self, context: base.ActionContext) -> Any:
        return self.output


class FailAction(base.Action):
    """Always fails; ``error_data`` becomes the error result when given."""

    def __init__(self, error_data: Any = None) -> None:
        self.error_data = error_data

    def run(self, context: base.ActionContext) -> base.Result:
        if self.error_data is not None:
            return base.Result(error=self.error_data)
        raise exceptions.ActionError('Fail action expected exception.')


class SleepAction(base.Action):
    """Waits ``seconds`` seconds, then returns null."""

    def __init__(self, seconds: float = 1) -> None:
        try:
            self.seconds = max(0.0, float(seconds))
        except (TypeError, ValueError):
            raise exceptions.InvalidInput(
                f'std.sleep: seconds must be a number, got {seconds!r}') from None

    def run(self, context: base.ActionContext) -> None:
        time.sleep(self.seconds)
