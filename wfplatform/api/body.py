"""Reading request bodies: JSON objects checked field by field, and YAML text.

Every problem is an ``InvalidInput`` (400) naming the field, never a 500. Like
Mistral's WSME types, a body may only carry the resource's own attributes, and a
``jsontype`` attribute (``input``, ``params``) may be an object or a string holding
a JSON object.
"""

import json
from typing import Any, Collection, Mapping

from oslo_utils import uuidutils
import webob

from wfplatform import exceptions


def json_object(request: webob.Request) -> dict[str, Any]:
    """The body as a JSON object; a message names what is wrong with it."""
    try:
        document = json.loads(request.body or b'')
    except UnicodeDecodeError as error:
        raise exceptions.InvalidInput(
            f'Request is not in valid JSON format: {error}') from None
    except json.JSONDecodeError as error:
        raise exceptions.InvalidInput(
            f'Request is not in valid JSON format: {error.msg} at line '
            f'{error.lineno} column {error.colno}') from None
    if not isinstance(document, dict):
        raise exceptions.InvalidInput(
            f'The request body must be a JSON object, got {_type_name(document)}')
    _check_storable(document, '')
    return document


def _check_storable(document: dict[str, Any], where: str) -> None:
    """Refuse text a database cannot store: NUL, or a lone UTF-16 surrogate.

    JSON may carry both (``"\\u0000"``, ``"\\ud800"``); PostgreSQL refuses the
    first and no UTF-8 column can hold the second, so without this check they
    surface as a 500 from deep in a transaction. The message names the field.
    The walk is a loop: a document nested as deep as the parser allows must not
    overflow the stack here.
    """
    pending: list[tuple[Any, str]] = [(document, where)]
    while pending:
        value, path = pending.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                inner = f'{path}.{key}' if path else str(key)
                pending.extend(((key, inner), (item, inner)))
        elif isinstance(value, list):
            pending.extend((item, f'{path}[{index}]')
                           for index, item in enumerate(value))
        elif isinstance(value, str) and not _storable(value):
            raise exceptions.InvalidInput(
                f'Invalid input for field/attribute {path!r}: it holds a NUL '
                'character or an unpaired surrogate, which cannot be stored.')


def _storable(value: str) -> bool:
    if '\x00' in value:
        return False
    try:
        value.encode('utf-8')
    except UnicodeEncodeError:
        return False
    return True


def text(request: webob.Request) -> str:
    """The body as text (a workflow definition); UTF-8 unless the request says."""
    try:
        return request.body.decode(request.charset or 'utf-8')
    except (UnicodeDecodeError, LookupError) as error:
        raise exceptions.InvalidInput(
            f'The request body is not valid text: {error}') from None


def check_attributes(document: Mapping[str, Any], allowed: Collection[str],
                     argument: str) -> None:
    """Refuse attributes the resource does not have, as WSME does."""
    unknown = sorted(name for name in document if name not in allowed)
    if unknown:
        noun = 'attribute' if len(unknown) == 1 else 'attributes'
        raise exceptions.InvalidInput(
            f'Unknown {noun} for argument {argument}: {", ".join(unknown)}')


def optional_text(document: Mapping[str, Any], name: str) -> str | None:
    """A string attribute, or None when absent or null."""
    value = document.get(name)
    if value is None or isinstance(value, str):
        return value
    raise _wrong_type(name, value, 'a string')


def optional_uuid(document: Mapping[str, Any], name: str) -> str | None:
    value = optional_text(document, name)
    if value and not uuidutils.is_uuid_like(value):
        raise exceptions.InvalidInput(
            f"Invalid input for field/attribute {name}. Value: '{value}'. "
            'Expected a uuid.')
    return value or None


def json_dictionary(document: Mapping[str, Any], name: str) -> dict[str, Any]:
    """A ``jsontype`` attribute: an object, or JSON text of one; empty if absent."""
    value = document.get(name)
    if isinstance(value, str):
        value = _decode(name, value) if value.strip() else None
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _wrong_type(name, value, 'a JSON object')
    return value


def _decode(name: str, value: str) -> Any:
    try:
        return json.loads(value)
    except json.JSONDecodeError as error:
        raise exceptions.InvalidInput(
            f"Invalid input for field/attribute {name}. Value: '{value}'. "
            f'Not valid JSON: {error}') from None


def _wrong_type(name: str, value: Any, expected: str) -> exceptions.InvalidInput:
    return exceptions.InvalidInput(
        f"Invalid input for field/attribute {name}. Value: '{value}'. "
        f'Wrong type. Expected {expected}, got {_type_name(value)}.')


def _type_name(value: Any) -> str:
    names = {dict: 'an object', list: 'an array', str: 'a string', bool: 'a boolean',
             int: 'a number', float: 'a number', type(None): 'null'}
    return names.get(type(value), type(value).__name__)
