"""Database: transactions, exception filters, SQLite locking and retries."""

import threading

import fixtures
from oslo_config import cfg
from oslo_db import exception as db_exc
import sqlalchemy as sa
import testtools

from wfplatform import config
from wfplatform.db import database as database_module
from wfplatform.tests.fixtures import database as db_fixtures


def _make_counter(database: database_module.Database) -> None:
    with database.connection() as connection:
        connection.exec_driver_sql(
            'CREATE TABLE counter (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)')
        connection.exec_driver_sql('INSERT INTO counter VALUES (1, 0)')


def _counter(session) -> int:
    return session.execute(sa.text('SELECT value FROM counter')).scalar_one()


class FileDatabaseTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        url = self.useFixture(db_fixtures.TemporaryDatabase('sqlite')).url
        self.database = database_module.Database(url, sqlite_busy_timeout=10)
        self.addCleanup(self.database.dispose)
        _make_counter(self.database)

    def test_commit_on_normal_exit(self):
        with self.database.transaction() as session:
            session.execute(sa.text('UPDATE counter SET value = 5'))
        with self.database.transaction(read_only=True) as session:
            self.assertEqual(5, _counter(session))

    def test_rollback_on_exception(self):
        with testtools.ExpectedException(ValueError):
            with self.database.transaction() as session:
                session.execute(sa.text('UPDATE counter SET value = 5'))
                raise ValueError('boom')
        with self.database.transaction(read_only=True) as session:
            self.assertEqual(0, _counter(session))

    def test_constraint_violation_is_filtered_by_oslo_db(self):
        with testtools.ExpectedException(db_exc.DBDuplicateEntry):
            with self.database.transaction() as session:
                session.execute(sa.text('INSERT INTO counter VALUES (1, 1)'))

    def test_wal_foreign_keys_and_dialect(self):
        self.assertEqual('sqlite', self.database.dialect_name)
        with self.database.transaction(read_only=True) as session:
            self.assertEqual(
                'wal', session.execute(sa.text('PRAGMA journal_mode')).scalar())
            self.assertEqual(
                1, session.execute(sa.text('PRAGMA foreign_keys')).scalar())

    def test_write_transaction_takes_the_write_lock_at_begin(self):
        """BEGIN IMMEDIATE: a second writer cannot even begin while one is open."""
        waiter = database_module.Database(str(self.database.url),
                                          sqlite_busy_timeout=0.05)
        self.addCleanup(waiter.dispose)
        with self.database.transaction() as session:
            session.execute(sa.text('SELECT 1'))
            with testtools.ExpectedException(sa.exc.OperationalError,
                                             '.*database is locked.*'):
                with waiter.transaction() as other:
                    other.execute(sa.text('SELECT 1'))
            with waiter.transaction(read_only=True) as reader:
                self.assertEqual(0, _counter(reader))

    def test_concurrent_writers_never_fail_with_busy(self):
        errors = []

        def increment() -> None:
            try:
                for _ in range(25):
                    with self.database.transaction() as session:
                        value = _counter(session)
                        session.execute(sa.text('UPDATE counter SET value = :v'),
                                        {'v': value + 1})
            except Exception as error:  # reported below, with the others
                errors.append(error)

        threads = [threading.Thread(target=increment) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual([], errors)
        with self.database.transaction(read_only=True) as session:
            self.assertEqual(100, _counter(session))

    def test_run_in_transaction_retries_a_deadlock(self):
        attempts = []

        def operation(session) -> int:
            attempts.append(1)
            session.execute(sa.text('UPDATE counter SET value = value + 1'))
            if len(attempts) < 3:
                raise db_exc.DBDeadlock()
            return _counter(session)

        database = database_module.Database(
            str(self.database.url), retry_options={'retry_interval': 0.001})
        self.addCleanup(database.dispose)
        self.assertEqual(1, database.run_in_transaction(operation))
        self.assertEqual(3, len(attempts))


class RetryDecoratorTest(testtools.TestCase):

    def test_retries_a_sqlite_lock_timeout(self):
        calls = []

        @database_module.retry_on_db_error(retry_interval=0.001)
        def operation() -> str:
            calls.append(1)
            if len(calls) == 1:
                raise sa.exc.OperationalError('BEGIN IMMEDIATE', {},
                                              Exception('database is locked'))
            return 'done'

        self.assertEqual('done', operation())
        self.assertEqual(2, len(calls))

    def test_retries_disconnects_then_gives_up(self):
        calls = []

        @database_module.retry_on_db_error(max_retries=2, retry_interval=0.001)
        def operation() -> None:
            calls.append(1)
            raise db_exc.DBConnectionError()

        self.assertRaises(db_exc.DBConnectionError, operation)
        self.assertEqual(3, len(calls))

    def test_bare_decorator_does_not_retry_other_errors(self):
        calls = []

        @database_module.retry_on_db_error
        def operation() -> None:
            calls.append(1)
            raise ValueError()

        self.assertRaises(ValueError, operation)
        self.assertEqual(1, len(calls))


class MemoryAndConfigTest(testtools.TestCase):

    def test_memory_database_is_shared_and_enforces_foreign_keys(self):
        database = database_module.Database('sqlite://')
        self.addCleanup(database.dispose)
        with database.connection() as connection:
            connection.exec_driver_sql('CREATE TABLE parent (id INTEGER PRIMARY KEY)')
            connection.exec_driver_sql(
                'CREATE TABLE child (id INTEGER PRIMARY KEY, '
                'parent_id INTEGER REFERENCES parent (id))')
        with testtools.ExpectedException(db_exc.DBReferenceError):
            with database.transaction() as session:
                session.execute(sa.text('INSERT INTO child VALUES (1, 42)'))
        result = []
        thread = threading.Thread(target=lambda: result.append(
            database.run_in_transaction(lambda session: session.execute(
                sa.text('SELECT count(*) FROM parent')).scalar())))
        thread.start()
        thread.join()
        self.assertEqual([0], result)

    def test_memory_database_connection_is_configured_too(self):
        database = database_module.Database('sqlite://')
        self.addCleanup(database.dispose)
        with database.connection() as connection:
            connection.exec_driver_sql('CREATE TABLE names (name TEXT)')
            connection.exec_driver_sql("INSERT INTO names VALUES ('Alpha')")
            matches = connection.exec_driver_sql(
                "SELECT count(*) FROM names WHERE name LIKE 'alpha'").scalar()
        self.assertEqual(0, matches)

    def test_from_config_reads_the_database_group(self):
        conf = cfg.ConfigOpts()
        config.register_opts(conf)
        conf([])
        url = self.useFixture(db_fixtures.TemporaryDatabase('sqlite')).url
        conf.set_override('connection', url, group='database')
        conf.set_override('max_retries', 0, group='database')
        database = database_module.Database.from_config(conf)
        self.addCleanup(database.dispose)
        self.assertEqual(url, str(database.url))
        self.assertEqual('sqlite', database.dialect_name)


class TemporaryDatabaseFixtureTest(testtools.TestCase):

    def test_an_unreachable_server_fails_loudly(self):
        self.useFixture(fixtures.MonkeyPatch(
            'wfplatform.tests.fixtures.database.ADMIN_URLS',
            {'postgresql': 'postgresql+psycopg2://postgres@127.0.0.1:1/test'}))
        fixture = db_fixtures.TemporaryDatabase('postgresql')
        raised = self.assertRaises(testtools.MultipleExceptions, fixture.setUp)
        error = raised.args[0][1]
        self.assertIsInstance(error, RuntimeError)
        self.assertIn('PostgreSQL is not reachable at 127.0.0.1:1', str(error))
        self.assertIn('bash .ci/run', str(error))

    def test_unknown_backend(self):
        self.assertRaises(ValueError, db_fixtures.TemporaryDatabase, 'oracle')
