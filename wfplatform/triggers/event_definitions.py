"""Event definitions: which traits to take out of which notifications.

An operator's YAML file, in the shape of Ceilometer's ``event_definitions.yaml``,
maps notification event types (glob patterns) to *traits*: named values found in
the notification. The event engine puts them in the workflow's
``event_params.traits``, so a workflow reads ``instance_id`` the same way
whichever service and payload version sent it::

    - event_type: compute.instance.*
      traits:
        instance_id:
          fields: payload.instance_id
        host:
          fields: [payload.host, publisher_id]
        vcpus:
          type: int
          fields: payload.vcpus

The rules, Ceilometer's where it has one:

* ``event_type`` is a pattern or a list of them (``*``, ``?``, ``[...]``);
  a pattern starting with ``!`` excludes. A list of exclusions only matches
  every other event type.
* When several definitions match, the last one in the file wins, so general
  patterns go first and specific ones after them.
* ``fields`` is a path or a list of paths into the notification; the first path
  that finds a value (not null) gives the trait. A path is dotted keys, with
  ``[n]`` or a numeric key for list items: ``payload.fixed_ips[0].address``.
  The notification offers ``event_type``, ``publisher_id``, ``payload``,
  ``message_id``, ``timestamp``, ``context`` and, as Ceilometer names them,
  ``_context_<key>`` for each key of the context.
* ``type`` is ``string``, ``int``, ``float`` or ``datetime`` (ISO 8601 text,
  UTC); without it the value is kept as found, objects and lists included.
  A trait that no path finds, or whose value does not convert, is left out.

Everything is checked when the file is loaded, so that a mistake stops the
event engine at start with one line naming the file and the fault, instead of
dropping traits one notification at a time.
"""

import dataclasses
import datetime
import fnmatch
import json
import re
from typing import Any, Callable, Mapping

from oslo_log import log as logging
import yaml

from wfplatform import exceptions

LOG = logging.getLogger(__name__)

Segment = str | int
"""A key of a mapping (or, when numeric, an index too), or a list index."""

_SEGMENT = re.compile(r'^([^.\[\]]+)((?:\[\d+\])*)$')
_INDEX = re.compile(r'\[(\d+)\]')


class ConversionError(ValueError):
    """A found value that the trait's ``type`` can not hold."""


def _to_string(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    return str(value)


def _to_number(kind: type) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise ConversionError(f'{value!r} is not a number')
        try:
            return kind(value.strip() if isinstance(value, str) else value)
        except (ValueError, OverflowError):
            raise ConversionError(f'{value!r} is not {kind.__name__}') from None
    return convert


def _to_datetime(value: Any) -> str:
    """ISO 8601 text in UTC, without an offset: how timestamps travel in JSON."""
    if not isinstance(value, str):
        raise ConversionError(f'{value!r} is not a date and time')
    try:
        moment = datetime.datetime.fromisoformat(value.strip())
    except ValueError:
        raise ConversionError(f'{value!r} is not an ISO 8601 date and time') \
            from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return moment.isoformat()


CONVERTERS: dict[str, Callable[[Any], Any]] = {
    'string': _to_string,
    'int': _to_number(int),
    'float': _to_number(float),
    'datetime': _to_datetime,
}
"""The trait types a definition may name, and how a found value becomes one."""


def parse_path(text: str) -> tuple[Segment, ...]:
    """``payload.fixed_ips[0].address`` → ``('payload', 'fixed_ips', 0, 'address')``.

    ``ValueError`` saying what is wrong with ``text``.
    """
    segments: list[Segment] = []
    for part in text.split('.'):
        match = _SEGMENT.match(part)
        if not match:
            raise ValueError(f'{text!r} is not a dotted path such as '
                             f'payload.instance_id')
        segments.append(match.group(1))
        segments.extend(int(index) for index in _INDEX.findall(match.group(2)))
    return tuple(segments)


def resolve(document: Any, path: tuple[Segment, ...]) -> Any:
    """The value at ``path`` in ``document``, or None where the path leads nowhere."""
    value = document
    for segment in path:
        if isinstance(value, Mapping) and isinstance(segment, str):
            value = value.get(segment)
        elif isinstance(value, list) and (
                isinstance(segment, int) or segment.isdigit()):
            index = int(segment)
            value = value[index] if index < len(value) else None
        else:
            return None
        if value is None:
            return None
    return value


@dataclasses.dataclass(frozen=True)
class Trait:
    """One named value and where to look for it, in order."""

    name: str
    fields: tuple[str, ...]
    paths: tuple[tuple[Segment, ...], ...]
    type: str | None = None

    def extract(self, document: Mapping[str, Any]) -> Any:
        """The first value found, converted; None when none is found.

        ``ConversionError`` when the value found does not fit ``type``.
        """
        for path in self.paths:
            value = resolve(document, path)
            if value is not None:
                return CONVERTERS[self.type](value) if self.type else value
        return None


@dataclasses.dataclass(frozen=True)
class Definition:
    """The traits of the notifications whose event type one entry matches."""

    included: tuple[str, ...]
    excluded: tuple[str, ...]
    traits: tuple[Trait, ...]

    def matches(self, event_type: str) -> bool:
        return (any(fnmatch.fnmatchcase(event_type, p) for p in self.included)
                and not any(fnmatch.fnmatchcase(event_type, p)
                            for p in self.excluded))


@dataclasses.dataclass(frozen=True)
class Definitions:
    """A whole file's definitions; empty when no file is configured."""

    definitions: tuple[Definition, ...] = ()
    source: str | None = None

    def find(self, event_type: str) -> Definition | None:
        """The last definition that matches ``event_type``, as in Ceilometer."""
        for definition in reversed(self.definitions):
            if definition.matches(event_type):
                return definition
        return None

    def traits(self, event_type: str,
               document: Mapping[str, Any]) -> dict[str, Any]:
        """The traits of one notification (``document``), by name.

        Never raises: a value that does not convert is logged and left out, as
        one odd notification must not stop the workflow from starting.
        """
        definition = self.find(event_type)
        if definition is None:
            return {}
        traits = {}
        for trait in definition.traits:
            try:
                value = trait.extract(document)
            except ConversionError as error:
                LOG.warning('Event %s: trait %s left out: %s', event_type,
                            trait.name, error)
                continue
            if value is not None:
                traits[trait.name] = value
        return traits


NONE = Definitions()
"""No definitions: every notification has no traits."""


def load(path: str) -> Definitions:
    """Read and check the file; ``InvalidConfiguration`` in one line if it is bad."""
    try:
        with open(path, encoding='utf-8') as source:
            text = source.read()
    except OSError as error:
        raise exceptions.InvalidConfiguration(
            f'Invalid event definitions file {path}: {error.strerror}') from None
    return parse(text, path)


def parse(text: str, source: str = '<string>') -> Definitions:
    """The definitions in ``text``; ``InvalidConfiguration`` names ``source``."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise _invalid(source, _yaml_problem(error)) from None
    if document is None:
        return Definitions(source=source)
    if not isinstance(document, list) or node is None:
        raise _invalid(source, 'the file must hold a list of definitions, each '
                               'with an event_type and traits')
    definitions = []
    for number, (entry, entry_node) in enumerate(zip(document, node.value), 1):
        try:
            definitions.append(_definition(entry))
        except ValueError as error:
            line = entry_node.start_mark.line + 1
            raise _invalid(source, f'definition {number} (line {line}): {error}') \
                from None
    return Definitions(tuple(definitions), source)


def _invalid(source: str, problem: str) -> exceptions.InvalidConfiguration:
    return exceptions.InvalidConfiguration(
        f'Invalid event definitions file {source}: {problem}')


def _yaml_problem(error: yaml.YAMLError) -> str:
    mark = getattr(error, 'problem_mark', None)
    problem = getattr(error, 'problem', None)
    if mark is not None and problem:
        return (f'not valid YAML: {problem} at line {mark.line + 1}, column '
                f'{mark.column + 1}')
    return 'not valid YAML: ' + ' '.join(str(error).split())


def _definition(entry: Any) -> Definition:
    if not isinstance(entry, dict):
        raise ValueError('a definition must be a mapping with event_type and '
                         'traits')
    unknown = sorted(set(entry) - {'event_type', 'traits'}, key=str)
    if unknown:
        raise ValueError(f'unknown key(s) {", ".join(map(str, unknown))}; a '
                         f'definition has event_type and traits')
    patterns = _strings(entry.get('event_type'), 'event_type')
    included = tuple(p for p in patterns if not p.startswith('!'))
    excluded = tuple(p[1:] for p in patterns if p.startswith('!'))
    traits = entry.get('traits') or {}
    if not isinstance(traits, dict):
        raise ValueError('traits must be a mapping of trait names to '
                         '{fields, type}')
    return Definition(included or ('*',), excluded,
                      tuple(_trait(name, spec) for name, spec in traits.items()))


def _trait(name: Any, spec: Any) -> Trait:
    if not isinstance(name, str) or not name:
        raise ValueError(f'trait name {name!r} must be a non-empty string')
    if not isinstance(spec, dict):
        raise ValueError(f'trait {name}: must be a mapping with fields and, '
                         f'optionally, type')
    unknown = sorted(set(spec) - {'fields', 'type'}, key=str)
    if unknown:
        raise ValueError(f'trait {name}: unknown key(s) '
                         f'{", ".join(map(str, unknown))}; a trait has fields '
                         f'and type (plugins are not supported)')
    kind = spec.get('type')
    if kind is not None and kind not in CONVERTERS:
        raise ValueError(f'trait {name}: type {kind!r} is not one of '
                         f'{", ".join(CONVERTERS)}')
    fields = _strings(spec.get('fields'), f'trait {name}: fields')
    try:
        paths = tuple(parse_path(field) for field in fields)
    except ValueError as error:
        raise ValueError(f'trait {name}: fields: {error}') from None
    return Trait(name, fields, paths, kind)


def _strings(value: Any, what: str) -> tuple[str, ...]:
    """A string or a non-empty list of them, as a tuple."""
    values = [value] if isinstance(value, str) else value
    if (not isinstance(values, list) or not values
            or not all(isinstance(v, str) and v.strip('!') for v in values)):
        raise ValueError(f'{what} must be a non-empty string or list of '
                         f'strings, got {value!r}')
    return tuple(values)
