"""Keys that workflows, ad-hoc actions and workbooks write the same way.

``input`` (a list of names and one-key ``{name: default}`` mappings), ``tags``
(a list of unique strings) and ``description``. Each parser reports to the log
and returns the checked value, or None when it is unusable, so callers keep
building from the rest of the definition.
"""

from typing import Any, Callable

from wfplatform.lang import checks
from wfplatform.lang import errors
from wfplatform.lang import specs

FieldParser = Callable[[Any, errors.Path, errors.ErrorLog], dict[str, Any]]
"""Checks one key's value and returns the spec fields it sets (none if bad)."""


def parse_input(value: Any, path: errors.Path,
                log: errors.ErrorLog) -> tuple[specs.InputParam, ...] | None:
    """The declared inputs, as a workflow's ``input`` declares them."""
    if not isinstance(value, list):
        log.add(path, 'must be a list of names or one-key mappings {name: '
                      f'default}}, not {checks.describe(value)}')
        return None
    params: list[specs.InputParam] = []
    for index, item in enumerate(value):
        param = _input_param(item, path + (index,), log)
        if param is None:
            continue
        if any(param.name == other.name for other in params):
            log.add(path + (index,), f"input '{param.name}' is declared twice")
            continue
        params.append(param)
    return tuple(params)


def _input_param(item: Any, path: errors.Path,
                 log: errors.ErrorLog) -> specs.InputParam | None:
    if isinstance(item, dict):
        if len(item) != 1:
            log.add(path, 'an input with a default must be a mapping with one key, '
                          f'not {len(item)} keys')
            return None
        ((name, default),) = item.items()
        if checks.is_name(name, 'input', path, log):
            return specs.InputParam(name, True, default)
        return None
    if checks.is_name(item, 'input', path, log):
        return specs.InputParam(item)
    return None


def parse_tags(value: Any, path: errors.Path,
               log: errors.ErrorLog) -> tuple[str, ...] | None:
    """A list of unique non-empty strings."""
    if not isinstance(value, list):
        log.add(path, f'must be a list of strings, not {checks.describe(value)}')
        return None
    valid = all([checks.is_text(tag, path + (index,), log)
                 for index, tag in enumerate(value)])
    if valid and len(set(value)) != len(value):
        log.add(path, 'tags must be unique')
        return None
    return tuple(value) if valid else None


def parse_description(value: Any, path: errors.Path,
                      log: errors.ErrorLog) -> str | None:
    return value if checks.is_text(value, path, log) else None


def setting(field: str,
            parser: Callable[[Any, errors.Path, errors.ErrorLog], Any]) -> FieldParser:
    """A parser above as a :data:`FieldParser` setting ``field``."""
    def parse(value: Any, path: errors.Path, log: errors.ErrorLog) -> dict[str, Any]:
        parsed = parser(value, path, log)
        return {} if parsed is None else {field: parsed}
    return parse
