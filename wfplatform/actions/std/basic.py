"""Standard actions that only move data: noop, async_noop, echo, fail, sleep,
test_dict."""

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


TEST_DICT_MAX_SIZE = 1_000_000
"""Most entries std.test_dict makes: more would only exhaust the executor's memory."""


class AsyncNoOpAction(base.Action):
    """Does nothing and stays RUNNING until its result is sent by callback.

    The result comes through ``PUT /v2/action_executions/{id}`` (the context's
    ``callback_url``) with ``{"state": "SUCCESS"|"ERROR", "output": ...}``.
    """

    def run(self, context: base.ActionContext) -> None:
        return None

    def is_sync(self) -> bool:
        return False


class TestDictAction(base.Action):
    """Returns a dict of ``size`` entries ``<key_prefix><n>: val``, for tests."""

    def __init__(self, size: int = 0, key_prefix: str = '', val: Any = '') -> None:
        try:
            self.size = int(size)
        except (TypeError, ValueError):
            raise exceptions.InvalidInput(
                f'std.test_dict: size must be an integer, got {size!r}') from None
        if not 0 <= self.size <= TEST_DICT_MAX_SIZE:
            raise exceptions.InvalidInput(
                f'std.test_dict: size must be between 0 and {TEST_DICT_MAX_SIZE}, '
                f'got {size!r}')
        self.key_prefix = key_prefix
        self.val = val

    def run(self, context: base.ActionContext) -> dict[str, Any]:
        return {f'{self.key_prefix}{index}': self.val for index in range(self.size)}
