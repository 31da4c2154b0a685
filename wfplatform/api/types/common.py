"""Encodings every wire type shares, as Mistral's API produces them.

Mistral serialises timestamps as ``YYYY-MM-DD HH:MM:SS`` (UTC, no zone) and its
``jsontype`` fields (``input``, ``output``, ``params``, ``published`` …) as JSON
documents *inside* a JSON string. python-mistralclient and its CLI decode those
strings themselves, so sending objects instead would break them.
"""

import dataclasses
import datetime
import json
from typing import Any, Callable, Iterable, Mapping, Sequence

WireObject = dict[str, Any]
"""One resource as it goes on the wire."""

_TIMESTAMP_FORMAT = '%Y-%m-%d %H:%M:%S'


def timestamp(value: datetime.datetime | str | None) -> str | None:
    """A stored time (a naive UTC datetime, or its ISO text after an RPC hop)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.datetime.fromisoformat(value)
    return value.strftime(_TIMESTAMP_FORMAT)


def json_text(value: Any) -> str | None:
    """A value as Mistral's ``jsontype`` puts it on the wire: JSON text, or null."""
    return None if value is None else json.dumps(value)


def as_list(value: Any) -> list[Any]:
    """Tags as Mistral shows them for definitions: a list, never null."""
    return list(value or ())


def _same(value: Any) -> Any:
    return value


@dataclasses.dataclass(frozen=True)
class Field:
    """One wire field: the column it comes from and how that value is encoded."""

    name: str
    column: str = ''
    encode: Callable[[Any], Any] = _same

    @property
    def source(self) -> str:
        return self.column or self.name


def build(record: Mapping[str, Any], fields: Sequence[Field]) -> WireObject:
    """The wire object of ``record``; fields whose column was not read are left out.

    Mistral, too, omits what it did not load (``output`` in lists, for example).
    """
    return {field.name: field.encode(record[field.source])
            for field in fields if field.source in record}


def columns(fields: Sequence[Field], wanted: Iterable[str]) -> tuple[str, ...]:
    """The columns needed for the ``wanted`` wire fields (``id`` first)."""
    names = set(wanted)
    sources = ['id'] + [field.source for field in fields if field.name in names]
    return tuple(dict.fromkeys(sources))


def project(wire: WireObject, fields: Iterable[str]) -> WireObject:
    """Only the requested ``fields`` of ``wire`` (``id`` always), in wire order.

    Empty ``fields`` means all of them.
    """
    wanted = set(fields)
    if not wanted:
        return wire
    wanted.add('id')
    return {key: value for key, value in wire.items() if key in wanted}
