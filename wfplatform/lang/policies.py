"""Policies: the task keys that say how a task runs, not what it runs.

``retry``, ``wait-before``, ``wait-after``, ``timeout``, ``pause-before``,
``concurrency``, ``fail-on``, ``keep-result`` and ``safe-rerun``. A task and its
workflow's ``task-defaults`` write them the same way, so both use :data:`FIELDS`.
Every value may be an expression instead; it is kept as text for the kernel to
evaluate when the task runs, so only its syntax is checked here.
"""

from typing import Any, Callable, Mapping

from wfplatform.lang import checks
from wfplatform.lang import errors
from wfplatform.lang import inline
from wfplatform.lang import specs

Fields = dict[str, Any]
PolicyParser = Callable[[Any, errors.Path, errors.ErrorLog], Fields]
"""Checks one policy's value and returns the TaskSpec fields it sets (none if bad)."""

_RETRY_KEYS = ('count', 'delay', 'break-on', 'continue-on')
_RETRY_REQUIRED = ('count', 'delay')


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_expression(value: Any, path: errors.Path, log: errors.ErrorLog) -> bool:
    """True for an expression, whose syntax errors (if any) are reported."""
    if not checks.is_expression(value):
        return False
    checks.check_expressions(value, path, log)
    return True


def _expected(field: str, description: str,
              accepts: Callable[[Any], bool]) -> PolicyParser:
    """Parser of a policy that is either a value ``accepts`` takes or an expression."""
    def parse(value: Any, path: errors.Path, log: errors.ErrorLog) -> Fields:
        if accepts(value) or _is_expression(value, path, log):
            return {field: value}
        log.add(path, f'must be {description} or an expression, not '
                      f'{checks.describe(value)}')
        return {}
    return parse


def _seconds(field: str) -> PolicyParser:
    return _expected(field, 'a number of seconds (0 or more)',
                     lambda value: _is_number(value) and value >= 0)


def _switch(field: str) -> PolicyParser:
    return _expected(field, 'true, false',
                     lambda value: isinstance(value, bool))


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_seconds(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) \
        and value >= 0


def _is_positive(value: Any) -> bool:
    return _is_count(value) and value > 0


def _parse_retry(value: Any, path: errors.Path, log: errors.ErrorLog) -> Fields:
    """``retry``: a mapping, or the same keys inline (``count=3 delay=1``)."""
    if isinstance(value, str):
        try:
            value = inline.parse_parameters(value)
        except inline.InlineSyntaxError as error:
            log.add(path, f'invalid inline parameters: {error}')
            return {}
    elif not isinstance(value, dict):
        log.add(path, "must be a mapping with 'count' and 'delay' or the text "
                      f"'count=<n> delay=<seconds>', not {checks.describe(value)}")
        return {}
    valid = _check_retry_keys(value, path, log)
    for key, check, expected in (('count', _is_count, 'a whole number'),
                                 ('delay', _is_seconds, 'a number of seconds')):
        if key in value and not (check(value[key])
                                 or _is_expression(value[key], path + (key,), log)):
            log.add(path + (key,), f'must be {expected} (0 or more) or an '
                                   f'expression, not {checks.describe(value[key])}')
            valid = False
    for key in ('break-on', 'continue-on'):
        if key in value and not _is_expression(value[key], path + (key,), log):
            log.add(path + (key,), 'must be an expression such as <% $.done %>, '
                                   f'not {checks.describe(value[key])}')
            valid = False
    if not valid:
        return {}
    return {'retry': specs.Retry(
        count=value['count'], delay=value['delay'],
        break_on=value.get('break-on'), continue_on=value.get('continue-on'))}


def _check_retry_keys(value: Mapping[Any, Any], path: errors.Path,
                      log: errors.ErrorLog) -> bool:
    valid = True
    for key in value:
        if key not in _RETRY_KEYS:
            log.add(path + (key,), f"unknown key '{key}'"
                                   f'{checks.did_you_mean(key, _RETRY_KEYS)}; '
                                   f"retry takes {', '.join(_RETRY_KEYS)}")
            valid = False
    missing = [key for key in _RETRY_REQUIRED if key not in value]
    if missing:
        log.add(path, f"retry needs 'count' and 'delay' (as in Mistral); missing: "
                      f"{', '.join(missing)}")
        valid = False
    return valid


FIELDS: Mapping[str, PolicyParser] = {
    'retry': _parse_retry,
    'wait-before': _seconds('wait_before'),
    'wait-after': _seconds('wait_after'),
    'timeout': _seconds('timeout'),
    'pause-before': _switch('pause_before'),
    'concurrency': _expected('concurrency', 'a positive whole number', _is_positive),
    'fail-on': _switch('fail_on'),
    'keep-result': _switch('keep_result'),
    'safe-rerun': _switch('safe_rerun'),
}
"""Parser of each policy key."""
