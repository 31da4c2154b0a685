"""What every repository shares: list queries, visibility, lookups and writes.

Repository functions take the caller's session first and return plain dictionaries;
the caller owns the transaction. Lists are one indexed query with keyset (marker)
pagination, never OFFSET and never one query per row.
"""

import dataclasses
import datetime
from typing import Any, Iterable, Sequence, TypeVar

from oslo_db import exception as db_exc
from oslo_db.sqlalchemy import utils as db_utils
from oslo_utils import timeutils
from oslo_utils import uuidutils
import sqlalchemy as sa
from sqlalchemy import orm

from wfplatform.db import models
from wfplatform import exceptions

FILTER_OPERATORS = ('eq', 'neq', 'lt', 'lte', 'gt', 'gte', 'in', 'nin', 'has')

PUBLIC_SCOPE = 'public'

Row = dict[str, Any]
"""One row as repositories return it: column name to value."""

Rows = list[Row]
"""Several rows; modules that define a ``list`` function annotate with this."""

_SORT_DIRECTIONS = ('asc', 'desc')

_ROW_LOCKING_DIALECTS = ('postgresql', 'mysql')
"""Dialects with ``SELECT ... FOR UPDATE [SKIP LOCKED]``. SQLite has no row locks;
its write transactions hold the database write lock from BEGIN IMMEDIATE instead."""

ModelT = TypeVar('ModelT', bound=models.Base)


@dataclasses.dataclass(frozen=True)
class Filter:
    """One condition on a column: ``column <op> value``.

    ``op`` is one of :data:`FILTER_OPERATORS`; ``in``/``nin`` take a list and ``has``
    means "contains the text" (SQL ``LIKE '%value%'``, case-sensitive).
    """

    column: str
    op: str
    value: Any


@dataclasses.dataclass(frozen=True)
class ListQuery:
    """What a list request asks for, as the API receives it.

    ``project_id`` None means every project (admin); otherwise rows of that project
    plus, where the model has a scope and ``include_public``, public rows of others.
    Empty ``fields`` means every column; otherwise those columns plus ``id``.
    """

    project_id: str | None = None
    include_public: bool = True
    marker: str | None = None
    limit: int | None = None
    sort_keys: tuple[str, ...] = ('created_at',)
    sort_dirs: tuple[str, ...] = ('asc',)
    filters: tuple[Filter, ...] = ()
    fields: tuple[str, ...] = ()


def now() -> datetime.datetime:
    """The current time as stored: naive UTC."""
    return timeutils.utcnow()


def is_uuid_like(value: str) -> bool:
    return bool(uuidutils.is_uuid_like(value))


def supports_row_locks(session: orm.Session) -> bool:
    """True when the session's database has ``FOR UPDATE`` / ``SKIP LOCKED``."""
    return session.get_bind().dialect.name in _ROW_LOCKING_DIALECTS


def list_rows(session: orm.Session, model: type[models.Base],
              query: ListQuery) -> list[dict[str, Any]]:
    """Rows of ``model`` matching ``query``, as dictionaries, in one query.

    Raises ``InvalidInput`` naming the unknown column, sort key, direction or
    operator, the unparsable filter value, or the marker that does not exist.
    """
    columns = _selected_columns(model, query.fields)
    sort_keys, sort_dirs = _sort_order(model, query.sort_keys, query.sort_dirs)
    statement = sa.select(*columns).where(
        *visibility_criteria(model, query.project_id, query.include_public),
        *(_filter_criterion(model, item) for item in query.filters))
    marker = _load_marker(session, model, query.marker, sort_keys)
    statement = db_utils.paginate_query(statement, model, query.limit, sort_keys,
                                        marker=marker, sort_dirs=sort_dirs)
    return [dict(row._mapping) for row in session.execute(statement)]


def find_by_id(session: orm.Session, model: type[models.Base], row_id: str, *,
               kind: str, project_id: str | None = None,
               for_update: bool = False) -> Any:
    """The ORM row with this id visible to ``project_id``, or ``NotFound``.

    ``for_update`` locks the row (``SELECT ... FOR UPDATE``) until the transaction
    ends, where the database has row locks, and re-reads it even if the session
    already holds it. Without it, a row already in the session is not re-read.
    """
    if project_id is None and not for_update:
        row = session.get(model, row_id)
    else:
        statement = sa.select(model).where(
            model.id == row_id, *visibility_criteria(model, project_id))
        if for_update:
            statement = statement.with_for_update().execution_options(
                populate_existing=True)
        row = session.scalars(statement).first()
    if row is None:
        raise exceptions.NotFound(f'{kind} not found {describe(id=row_id)}')
    return keep_loaded(session, [row])[0]


def find_named(session: orm.Session, model: type[ModelT], identifier: str, *,
               kind: str, project_id: str | None,
               namespace: str | None = None) -> ModelT:
    """The row an id or a name (within ``namespace`` when given) designates.

    Only rows ``project_id`` may see count; its own come before public ones of the
    same name. ``NotFound`` names the object the way Mistral does.
    """
    if is_uuid_like(identifier):
        criteria = [getattr(model, 'id') == identifier]
    else:
        criteria = [getattr(model, 'name') == identifier]
        if namespace is not None:
            criteria.append(getattr(model, 'namespace') == namespace)
    statement = (sa.select(model)
                 .where(*criteria, *visibility_criteria(model, project_id))
                 .order_by(*own_first(model, project_id))
                 .limit(1))
    row = session.scalars(statement).first()
    if row is None:
        raise exceptions.NotFound(f'{kind} not found {identify(identifier, namespace)}')
    return row


def identify(identifier: str, namespace: str | None = None) -> str:
    """How messages name an object given by id, or by name (and namespace)."""
    if is_uuid_like(identifier):
        return describe(id=identifier)
    if namespace is None:
        return describe(name=identifier)
    return describe(name=identifier, namespace=namespace)


_LOADED_ROWS = 'wfplatform_loaded_rows'


def keep_loaded(session: orm.Session, rows: Sequence[Any]) -> Sequence[Any]:
    """Keep ORM rows alive for the rest of the session and return them.

    The session's identity map holds rows weakly, and repositories hand out
    dictionaries, so a row would be dropped at once; kept, a later update of it
    in the same transaction needs no SELECT (the engine loads, then writes).
    """
    session.info.setdefault(_LOADED_ROWS, []).extend(rows)
    return rows


def visibility_criteria(model: type[models.Base], project_id: str | None,
                        include_public: bool = True) -> list[sa.ColumnElement[bool]]:
    """WHERE criteria limiting ``model`` to what ``project_id`` may see."""
    if project_id is None or not hasattr(model, 'project_id'):
        return []
    own = getattr(model, 'project_id') == project_id
    if include_public and hasattr(model, 'scope'):
        return [sa.or_(own, getattr(model, 'scope') == PUBLIC_SCOPE)]
    return [own]


def own_first(model: type[models.Base], project_id: str | None) -> list[Any]:
    """ORDER BY terms putting the caller's own row before a public namesake."""
    if project_id is None:
        return []
    return [sa.case((getattr(model, 'project_id') == project_id, 0), else_=1)]


def insert(session: orm.Session, model: type[models.Base], values: dict[str, Any],
           duplicate_message: str) -> dict[str, Any]:
    """Insert one row through the ORM and return it.

    A unique key violation raises ``Duplicate(duplicate_message)`` and aborts the
    caller's transaction. The row stays loaded, so updating it in the same
    transaction needs no SELECT.
    """
    row = model(**_checked_values(model, values))
    session.add(row)
    flush(session, duplicate_message)
    keep_loaded(session, [row])
    return models.to_dict(row)


def execute_insert(session: orm.Session, table: sa.Table, values: dict[str, Any],
                   duplicate_message: str) -> None:
    """Insert one row with a plain INSERT, without ORM bookkeeping.

    A unique key violation raises ``Duplicate(duplicate_message)``.
    """
    try:
        session.execute(sa.insert(table).values(**values))
    except db_exc.DBDuplicateEntry as error:
        raise exceptions.Duplicate(duplicate_message) from error


def update_row(session: orm.Session, row: models.Base, values: dict[str, Any],
               duplicate_message: str = '') -> dict[str, Any]:
    """Write ``values`` into ``row``, flush, and return the row.

    Every given column is written, even a JSON value mutated in place, which the
    ORM could not tell had changed.
    """
    for key, value in _checked_values(type(row), values).items():
        setattr(row, key, value)
        orm.attributes.flag_modified(row, key)
    flush(session, duplicate_message or f'{type(row).__name__} already exists')
    return models.to_dict(row)


def flush(session: orm.Session, duplicate_message: str) -> None:
    try:
        session.flush()
    except db_exc.DBDuplicateEntry as error:
        raise exceptions.Duplicate(duplicate_message) from error


def describe(**identity: Any) -> str:
    """``[name=foo, namespace=]``: how error messages name an object, as Mistral's."""
    return '[' + ', '.join(f'{key}={value}' for key, value in identity.items()) + ']'


def check_modifiable(row: models.Base, project_id: str | None, kind: str,
                     identity: str) -> None:
    """Refuse to change a system object or another project's public object.

    ``project_id`` None is an admin, who may change anything.
    """
    if project_id is None:
        return
    if getattr(row, 'is_system', False):
        raise exceptions.Forbidden(f'Can not modify a system {kind} {identity}')
    if getattr(row, 'project_id') != project_id:
        raise exceptions.Forbidden(
            f'Can not modify a {kind} of another project {identity}')


def column_names(model: type[models.Base]) -> tuple[str, ...]:
    return tuple(model.__table__.columns.keys())


def _checked_values(model: type[models.Base], values: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(values) - set(column_names(model)))
    if unknown:
        raise exceptions.InvalidInput(
            f'Unknown field(s) of {model.__name__}: {", ".join(unknown)}')
    return values


def _column(model: type[models.Base], name: str, purpose: str) -> sa.ColumnElement[Any]:
    try:
        return model.__table__.columns[name]
    except KeyError:
        raise exceptions.InvalidInput(
            f'Unknown {purpose} "{name}"; valid: {", ".join(column_names(model))}'
        ) from None


def _selected_columns(model: type[models.Base],
                      fields: Sequence[str]) -> list[sa.ColumnElement[Any]]:
    if not fields:
        return list(model.__table__.columns)
    names = ['id'] + [name for name in dict.fromkeys(fields) if name != 'id']
    return [_column(model, name, 'field') for name in names]


def _sort_order(model: type[models.Base], keys: Sequence[str],
                directions: Sequence[str]) -> tuple[list[str], list[str]]:
    """Validated keys and one direction per key, ``id`` appended as tiebreaker.

    Missing directions repeat the last one given (``asc`` if none), as Mistral does.
    """
    sort_keys = list(keys)
    sort_dirs = list(directions[:len(sort_keys)])
    for direction in sort_dirs:
        if direction not in _SORT_DIRECTIONS:
            raise exceptions.InvalidInput(
                f'Unknown sort direction "{direction}"; valid: asc, desc')
    for key in sort_keys:
        _column(model, key, 'sort key')
    sort_dirs += [sort_dirs[-1] if sort_dirs else 'asc'] * (len(keys) - len(sort_dirs))
    if 'id' not in sort_keys:
        sort_keys.append('id')
        sort_dirs.append(sort_dirs[-1] if sort_dirs else 'asc')
    return sort_keys, sort_dirs


def _load_marker(session: orm.Session, model: type[models.Base], marker: str | None,
                 sort_keys: Sequence[str]) -> Any:
    """The marker row's sort-key values (the page boundary), by primary key."""
    if marker is None:
        return None
    columns = [model.__table__.columns[key] for key in sort_keys]
    row = session.execute(
        sa.select(*columns).where(model.__table__.columns['id'] == marker)).first()
    if row is None:
        raise exceptions.InvalidInput(f'The marker {marker} was not found')
    return row


def _filter_criterion(model: type[models.Base],
                      item: Filter) -> sa.ColumnElement[bool]:
    column = _column(model, item.column, 'filter column')
    if item.op == 'has':
        text = sa.type_coerce(column, sa.UnicodeText())
        return text.contains(str(item.value), autoescape=True)
    if item.op in ('in', 'nin'):
        values = _as_list(item)
        parsed = [_parse_value(column, value) for value in values]
        return column.in_(parsed) if item.op == 'in' else column.not_in(parsed)
    value = _parse_value(column, item.value)
    comparisons = {
        'eq': column.__eq__, 'neq': column.__ne__, 'lt': column.__lt__,
        'lte': column.__le__, 'gt': column.__gt__, 'gte': column.__ge__,
    }
    if item.op not in comparisons:
        raise exceptions.InvalidInput(
            f'Unknown filter operator "{item.op}" for "{item.column}"; valid: '
            f'{", ".join(FILTER_OPERATORS)}')
    if value is None and item.op in ('eq', 'neq'):
        return column.is_(None) if item.op == 'eq' else column.is_not(None)
    return comparisons[item.op](value)


def _as_list(item: Filter) -> list[Any]:
    if isinstance(item.value, (list, tuple, set, frozenset)):
        return list(item.value)
    raise exceptions.InvalidInput(
        f'Filter "{item.column}" with "{item.op}" needs a list of values')


def _parse_value(column: sa.ColumnElement[Any], value: Any) -> Any:
    """Convert a filter value to the column's Python type.

    Datetimes, booleans and integers arrive from the API as text; a value
    that is none is an ``InvalidInput`` naming the filter, not a database error.
    """
    if not isinstance(value, str):
        return value
    python_type = _python_type(column)
    if python_type is datetime.datetime:
        return _parse_datetime(str(column.key), value)
    if python_type is bool:
        return _parse_bool(str(column.key), value)
    if python_type is int:
        return _parse_int(str(column.key), value)
    return value


def _python_type(column: sa.ColumnElement[Any]) -> type | None:
    try:
        return column.type.python_type
    except NotImplementedError:
        return None


def _parse_datetime(name: str, value: str) -> datetime.datetime:
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise exceptions.InvalidInput(
            f'Filter "{name}" needs a time like "2024-01-31 12:00:00", got '
            f'"{value}"') from None
    return timeutils.normalize_time(parsed)


def _parse_bool(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ('true', '1', 'yes'):
        return True
    if lowered in ('false', '0', 'no'):
        return False
    raise exceptions.InvalidInput(
        f'Filter "{name}" needs true or false, got "{value}"')


def _parse_int(name: str, value: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise exceptions.InvalidInput(
            f'Filter "{name}" needs an integer, got "{value}"') from None


def ids(values: Iterable[str]) -> list[str]:
    """A de-duplicated list of ids, order kept (for ``IN`` lists)."""
    return list(dict.fromkeys(values))
