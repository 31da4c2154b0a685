"""List requests as Mistral's API takes them: paging, sorting, fields and filters.

``GET /v2/<resource>`` accepts ``marker``, ``limit``, ``sort_keys``, ``sort_dirs``,
``fields``, ``all_projects``, ``project_id`` and one filter per column
(``col=eq:v|neq:v|lt:v|lte:v|gt:v|gte:v|in:a,b|nin:a,b|has:v``; a plain ``col=v``
means ``eq``). Like Mistral (``mistral.utils.rest_utils``, ``filter_utils`` and
``api.controllers.v2.types``), list values are trimmed and lower-cased, missing
sort directions are ``asc`` and a full page carries a ``next`` link that repeats the
query with ``marker`` set to the page's last id. Unlike Mistral, an unknown query
parameter is refused rather than ignored, and ``next`` keeps every filter as sent.
"""

import dataclasses
from typing import Any, Mapping, Sequence
import urllib.parse

from wfplatform.api.types import common as wire
from wfplatform.db.repositories import common as repository
from wfplatform import exceptions

OPERATORS = ('eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'in', 'nin', 'has')

_PAGING = ('marker', 'limit', 'sort_keys', 'sort_dirs', 'fields')
_SCOPING = ('all_projects', 'project_id')
_TRUE = ('true', '1', 'yes', 'y', 'on')
_FALSE = ('false', '0', 'no', 'n', 'off')


@dataclasses.dataclass(frozen=True)
class Collection:
    """How one resource is listed.

    ``filters`` maps each filtering query parameter to its column (Mistral's
    ``workflow_name`` of an execution is the ``name`` column); sort keys are mapped
    the same way. ``output_fields`` are added by ``include_output=true``;
    ``null_columns`` are the names ``nulls=`` accepts, each with the column that
    must be NULL. ``not_null_when_filtered`` maps a filter to a column that must
    then not be NULL: Mistral stores NULL where wfplatform stores a value (a root
    execution's ``root_execution_id``), and SQL comparisons never match NULL.
    """

    name: str
    fields: tuple[wire.Field, ...]
    list_fields: tuple[str, ...]
    filters: Mapping[str, str]
    output_fields: tuple[str, ...] = ()
    null_columns: Mapping[str, str] = dataclasses.field(default_factory=dict)
    not_null_when_filtered: Mapping[str, str] = dataclasses.field(
        default_factory=dict)

    def parameters(self) -> frozenset[str]:
        extra = {'include_output'} if self.output_fields else set()
        if self.null_columns:
            extra.add('nulls')
        return frozenset(_PAGING + _SCOPING + tuple(self.filters)) | extra


@dataclasses.dataclass(frozen=True)
class ListRequest:
    """A parsed list request: the repository query plus what the response needs."""

    query: repository.ListQuery
    fields: tuple[str, ...]
    next_params: tuple[tuple[str, str], ...]


def parse(collection: Collection, params: Mapping[str, str], context: Any,
          max_limit: int, fixed: Mapping[str, str] | None = None) -> ListRequest:
    """Validate the query parameters of a list request.

    ``fixed`` are filters from the URL path (``/v2/executions/<id>/tasks``); they
    override the same query parameter and are repeated in ``next``, which always
    points at the top-level collection, as in Mistral.
    """
    fixed = dict(fixed or {})
    params = {**params, **fixed}
    _check_names(collection, params)
    fields = _fields(collection, params.get('fields'))
    sort_keys, sort_dirs = _sort_order(params.get('sort_keys'), params.get('sort_dirs'))
    include_output = boolean('include_output', params.get('include_output', 'false'))
    project_id, scope_filters = _scope(params, context)
    wanted = fields or collection.list_fields + (
        collection.output_fields if include_output else ())
    query = repository.ListQuery(
        project_id=project_id,
        marker=_marker(params.get('marker')),
        limit=_limit(params.get('limit'), max_limit),
        sort_keys=tuple(collection.filters.get(key, key) for key in sort_keys),
        sort_dirs=sort_dirs,
        filters=scope_filters + _filters(collection, params)
        + _nulls(collection, params.get('nulls')),
        fields=wire.columns(collection.fields, wanted))
    return ListRequest(query, fields, _next_params(params, sort_keys, sort_dirs))


def page(collection: Collection, objects: Sequence[wire.WireObject],
         request: ListRequest, application_url: str) -> dict[str, Any]:
    """``{"<resource>": [...], "next": "<url>"}``; ``next`` only for a full page."""
    body: dict[str, Any] = {
        collection.name: [wire.project(item, request.fields) for item in objects]}
    limit = request.query.limit
    if objects and limit is not None and len(objects) == limit:
        pairs = list(request.next_params) + [('limit', str(limit)),
                                             ('marker', objects[-1]['id'])]
        if request.fields:
            pairs.append(('fields', ','.join(request.fields)))
        query = urllib.parse.urlencode(pairs, safe=',:')
        body['next'] = f'{application_url}/v2/{collection.name}?{query}'
    return body


def split(value: str | None, unique: bool = True) -> list[str]:
    """A comma-separated list as Mistral reads one: trimmed, lower-cased, no blanks."""
    items = [item.strip().lower() for item in (value or '').split(',')]
    items = [item for item in items if item]
    return list(dict.fromkeys(items)) if unique else items


def _check_names(collection: Collection, params: Mapping[str, str]) -> None:
    check_names(params, tuple(collection.parameters()))


def _fields(collection: Collection, value: str | None) -> tuple[str, ...]:
    fields = split(value)
    valid = collection.list_fields + collection.output_fields
    invalid = [field for field in fields if field not in valid]
    if invalid:
        raise exceptions.InvalidInput(
            f'Some fields do not exist [{", ".join(invalid)}], please choose from '
            f'[{", ".join(valid)}]')
    if fields and 'id' not in fields:
        fields.insert(0, 'id')
    return tuple(fields)


def _sort_order(keys: str | None,
                dirs: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    sort_keys = split(keys) or ['created_at']
    sort_dirs = split(dirs, unique=False) or ['asc']
    if len(sort_keys) < len(sort_dirs):
        raise exceptions.InvalidInput(
            'Length of sort_keys must be equal or greater than sort_dirs.')
    sort_dirs += ['asc'] * (len(sort_keys) - len(sort_dirs))
    for direction in sort_dirs:
        if direction not in ('asc', 'desc'):
            raise exceptions.InvalidInput(
                f"Unknown sort direction '{direction}', must be 'desc' or 'asc'.")
    return tuple(sort_keys), tuple(sort_dirs)


def integer(name: str, value: str) -> int:
    """A query parameter read as WSME reads an ``int``."""
    try:
        return int(value)
    except ValueError:
        raise exceptions.InvalidInput(
            f"Invalid input for field/attribute {name}. Value: '{value}'. "
            'unable to convert to int') from None


def check_names(params: Mapping[str, str], allowed: Sequence[str]) -> None:
    """Refuse query parameters a request does not take."""
    unknown = sorted(name for name in params if name not in allowed)
    if unknown:
        raise exceptions.InvalidInput(
            f'Unknown query parameter(s) {", ".join(unknown)}; valid: '
            f'{", ".join(sorted(allowed))}')


def _limit(value: str | None, max_limit: int) -> int:
    if value is None or value == '':
        return max_limit
    try:
        limit = int(value)
    except ValueError:
        raise exceptions.InvalidInput(
            f"Invalid input for field/attribute limit. Value: '{value}'. "
            'unable to convert to int') from None
    if limit <= 0:
        raise exceptions.InvalidInput('Limit must be positive.')
    return min(limit, max_limit)


def _marker(value: str | None) -> str | None:
    if not value:
        return None
    if not repository.is_uuid_like(value):
        raise exceptions.InvalidInput(f'Expected a uuid but received {value}.')
    return value


def boolean(name: str, value: str) -> bool:
    """A query parameter read as WSME reads a ``bool`` (an empty value is false)."""
    if not value.strip():
        return False
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise exceptions.InvalidInput(
        f"Invalid input for field/attribute {name}. Value: '{value}'. "
        'Value should be boolean.')


def _scope(params: Mapping[str, str],
           context: Any) -> tuple[str | None, tuple[repository.Filter, ...]]:
    """The project whose rows are visible, and a ``project_id`` filter if asked.

    As in Mistral, ``all_projects`` needs an admin (its ``*:list:all_projects``
    policy), and an admin's ``project_id`` looks into that project; anyone else's
    ``project_id`` only filters what they may see anyway (public definitions).
    """
    all_projects = boolean('all_projects', params.get('all_projects', 'false'))
    if all_projects and not context.is_admin:
        raise exceptions.Forbidden(
            'Only an admin may list the resources of all projects (all_projects)')
    project_id = params.get('project_id')
    filters = (repository.Filter('project_id', 'eq', project_id),) if project_id else ()
    if all_projects or (project_id and context.is_admin):
        return None, filters
    return context.project_id, filters


def _filters(collection: Collection,
             params: Mapping[str, str]) -> tuple[repository.Filter, ...]:
    named = [name for name in collection.filters if name in params]
    implied = dict.fromkeys(collection.not_null_when_filtered[name] for name in named
                            if name in collection.not_null_when_filtered)
    return tuple(_filter(collection.filters[name], params[name]) for name in named
                 ) + tuple(repository.Filter(column, 'neq', None) for column in implied)


def _filter(column: str, text: str) -> repository.Filter:
    """``eq:v``, ``in:a,b``…; text without a known ``op:`` prefix means ``eq``."""
    op, separator, value = text.partition(':')
    if not separator or op not in OPERATORS:
        return repository.Filter(column, 'eq', text)
    if op in ('in', 'nin'):
        return repository.Filter(column, op, value.split(','))
    return repository.Filter(column, op, value)


def _nulls(collection: Collection,
           value: str | None) -> tuple[repository.Filter, ...]:
    names = split(value)
    invalid = [name for name in names if name not in collection.null_columns]
    if invalid:
        raise exceptions.InvalidInput(
            f'The following column(s) can not be null: {", ".join(invalid)}; valid: '
            f'{", ".join(collection.null_columns)}')
    return tuple(repository.Filter(collection.null_columns[name], 'eq', None)
                 for name in names)


def _next_params(params: Mapping[str, str], sort_keys: Sequence[str],
                 sort_dirs: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """What ``next`` repeats: the sort order first (as Mistral), then the rest."""
    rest = tuple((name, value) for name, value in params.items()
                 if name not in _PAGING)
    return (('sort_keys', ','.join(sort_keys)),
            ('sort_dirs', ','.join(sort_dirs))) + rest
