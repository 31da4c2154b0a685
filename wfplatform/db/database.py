"""One database: an engine, its sessions and the transaction boundary.

Callers own a :class:`Database` object and pass the :class:`~sqlalchemy.orm.Session`
it yields to repository functions explicitly; there is no module-level engine and no
thread-local session. oslo.db builds the engine, so its exception filters are active:
a unique-constraint violation arrives as ``oslo_db.exception.DBDuplicateEntry``, a
deadlock as ``DBDeadlock``, a lost connection as ``DBConnectionError``.

MySQL and MariaDB sessions run in READ COMMITTED, like PostgreSQL's. SQLite is made
safe for several threads: file databases use WAL (readers never block the writer)
and a busy timeout, and every write transaction starts with ``BEGIN IMMEDIATE``, so
the write lock is taken up front and waited for, instead of a read lock being
upgraded later and failing at once with ``SQLITE_BUSY``.
"""

import contextlib
from typing import Any, Callable, Iterator, TypeVar

from oslo_config import cfg
from oslo_db import api as oslo_db_api
from oslo_db import exception as db_exc
from oslo_db.sqlalchemy import engines
import sqlalchemy as sa
from sqlalchemy import orm

ResultT = TypeVar('ResultT')
CallableT = TypeVar('CallableT', bound=Callable[..., Any])

_READ_ONLY_OPTION = 'wfplatform_read_only'
"""Execution option marking connections of read-only transactions (SQLite: BEGIN)."""

_OSLO_DB_BEGIN_LISTENER = '_sqlite_emit_begin'
"""Name of oslo.db's SQLite "begin" listener, which emits a plain (deferred) BEGIN."""

_ENGINE_OPTIONS = ('max_pool_size', 'max_overflow', 'pool_timeout',
                   'connection_recycle_time', 'mysql_sql_mode', 'sqlite_synchronous',
                   'max_retries', 'retry_interval', 'connection_debug',
                   'connection_trace', 'connection_parameters')
"""oslo.db ``[database]`` options that :meth:`Database.from_config` hands on."""


class Database:
    """An engine plus a session factory; the unit a service creates once and shares.

    ``engine_options`` are those of ``oslo_db.sqlalchemy.engines.create_engine``
    (``max_pool_size``, ``max_overflow``, ``pool_timeout``,
    ``connection_recycle_time``, ``mysql_sql_mode``, ``sqlite_synchronous``,
    ``max_retries``, ``retry_interval``, ...); ``mysql_sql_mode`` defaults to
    ``TRADITIONAL`` as oslo.db's option does. ``retry_options`` configure
    :meth:`run_in_transaction` (see :func:`retry_on_db_error`).
    """

    def __init__(self, url: str, *, sqlite_busy_timeout: float = 30.0,
                 retry_options: dict[str, Any] | None = None,
                 **engine_options: Any) -> None:
        engine_options.setdefault('mysql_sql_mode', 'TRADITIONAL')
        self.engine: sa.engine.Engine = engines.create_engine(
            url, sqlite_fk=True, **engine_options)
        if self.engine.dialect.name == 'sqlite':
            _configure_sqlite(self.engine, sqlite_busy_timeout)
        elif self.engine.dialect.name == 'mysql':
            sa.event.listen(self.engine, 'connect', _read_committed)
        # create_engine() already opened a connection to test the server, before
        # the listeners above existed; drop it so every connection gets them.
        self.engine.dispose()
        self._sessions = orm.sessionmaker(bind=self.engine, expire_on_commit=False)
        self._read_only_sessions = orm.sessionmaker(
            bind=self.engine.execution_options(**{_READ_ONLY_OPTION: True}),
            expire_on_commit=False)
        self._retry_options = dict(retry_options or {})

    @classmethod
    def from_config(cls, conf: cfg.ConfigOpts) -> 'Database':
        """A database built from oslo.db's ``[database]`` options on ``conf``."""
        group = conf.database
        engine_options = {name: group[name] for name in _ENGINE_OPTIONS}
        retry_options = {
            'max_retries': group.db_max_retries,
            'retry_interval': group.db_retry_interval,
            'inc_retry_interval': group.db_inc_retry_interval,
            'max_retry_interval': group.db_max_retry_interval,
        }
        return cls(group.connection, retry_options=retry_options, **engine_options)

    @property
    def dialect_name(self) -> str:
        """``sqlite``, ``postgresql`` or ``mysql`` (MariaDB included)."""
        return str(self.engine.dialect.name)

    @property
    def url(self) -> sa.engine.URL:
        return self.engine.url

    @contextlib.contextmanager
    def transaction(self, *, read_only: bool = False) -> Iterator[orm.Session]:
        """A session inside one transaction: committed on normal exit, else rolled back.

        ``read_only`` transactions must not write; on SQLite they start with a plain
        ``BEGIN`` so they never wait for, nor block, a writer. Objects stay readable
        after the commit (``expire_on_commit=False``).
        """
        factory = self._read_only_sessions if read_only else self._sessions
        with factory() as session, session.begin():
            yield session

    @contextlib.contextmanager
    def connection(self, *, read_only: bool = False) -> Iterator[sa.engine.Connection]:
        """A Core connection inside one transaction, for schema work and raw SQL.

        Committed on normal exit, rolled back on exception; ``read_only`` as in
        :meth:`transaction`.
        """
        engine = self.engine
        if read_only:
            engine = engine.execution_options(**{_READ_ONLY_OPTION: True})
        with engine.begin() as connection:
            yield connection

    def run_in_transaction(self, operation: Callable[[orm.Session], ResultT], *,
                           read_only: bool = False) -> ResultT:
        """Run ``operation(session)`` in a transaction and return its result.

        The whole transaction is retried on deadlock or disconnect, with this
        database's retry options (see :func:`retry_on_db_error`).
        """
        def attempt() -> ResultT:
            with self.transaction(read_only=read_only) as session:
                return operation(session)
        return retry_on_db_error(attempt, **self._retry_options)()

    def dispose(self) -> None:
        """Close every pooled connection; the object stays usable and reconnects."""
        self.engine.dispose()


def retry_on_db_error(function: CallableT | None = None, *, max_retries: int = 5,
                      retry_interval: float = 0.1, inc_retry_interval: bool = True,
                      max_retry_interval: float = 2.0) -> Any:
    """Retry a whole operation when the database says trying again may work.

    That is a deadlock, a lost connection or a lock wait that timed out. The
    unit retried is one transaction, not one statement: the decorated function
    must open and close its own transaction, so a retry starts from a clean
    state. Usable bare (``@retry_on_db_error``) or with options
    (``@retry_on_db_error(max_retries=3)``).
    """
    decorator = oslo_db_api.wrap_db_retry(
        max_retries=max_retries, retry_interval=retry_interval,
        inc_retry_interval=inc_retry_interval, max_retry_interval=max_retry_interval,
        retry_on_deadlock=True, retry_on_disconnect=True,
        exception_checker=_is_lock_timeout)
    return decorator if function is None else decorator(function)


_LOCK_TIMEOUT_MESSAGES = ('database is locked', 'Lock wait timeout exceeded')
"""SQLite's busy timeout and MySQL's innodb_lock_wait_timeout. oslo.db passes these
OperationalErrors through unwrapped."""


def _is_lock_timeout(error: Exception) -> bool:
    return (isinstance(error, (sa.exc.OperationalError, db_exc.DBError))
            and any(message in str(error) for message in _LOCK_TIMEOUT_MESSAGES))


def _read_committed(dbapi_connection: Any, connection_record: Any) -> None:
    """MySQL/MariaDB sessions in READ COMMITTED, as PostgreSQL's are by default.

    InnoDB's default REPEATABLE READ takes gap and next-key locks: claimers using
    SKIP LOCKED then wait on each other's UPDATEs, and concurrent idempotent
    inserts deadlock. READ COMMITTED locks only the rows a statement changes.
    """
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED')
    finally:
        cursor.close()


def _configure_sqlite(engine: sa.engine.Engine, busy_timeout: float) -> None:
    """WAL and a busy timeout on every connection; BEGIN IMMEDIATE for writers.

    oslo.db already sets pysqlite's ``isolation_level = None`` (so pysqlite emits no
    BEGIN of its own) and emits a plain BEGIN from a "begin" listener. That listener
    is replaced by ours: SQLAlchemy 2.1 ignores ``insert=True`` for connection
    events, so ours cannot simply run first.
    """
    in_file = engine.url.database not in (None, '', ':memory:')

    def on_connect(dbapi_connection: Any, connection_record: Any) -> None:
        dbapi_connection.execute(f'PRAGMA busy_timeout = {int(busy_timeout * 1000)}')
        dbapi_connection.execute('PRAGMA case_sensitive_like = ON')
        if in_file:
            dbapi_connection.execute('PRAGMA journal_mode = WAL')

    def on_begin(connection: sa.engine.Connection) -> None:
        read_only = connection.get_execution_options().get(_READ_ONLY_OPTION, False)
        connection.exec_driver_sql('BEGIN' if read_only else 'BEGIN IMMEDIATE')

    for listener in list(engine.dispatch.begin):
        if getattr(listener, '__name__', None) == _OSLO_DB_BEGIN_LISTENER:
            sa.event.remove(engine, 'begin', listener)
    sa.event.listen(engine, 'connect', on_connect)
    sa.event.listen(engine, 'begin', on_begin)
