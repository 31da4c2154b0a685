"""Migrations on every backend: up, down, idempotent, and in step with the models."""

from alembic import autogenerate
from alembic.runtime import migration
import sqlalchemy as sa
import testtools

from wfplatform.db import database as database_module
from wfplatform.db import models
from wfplatform.db import schema
from wfplatform import exceptions
from wfplatform.tests.fixtures import database as db_fixtures

TABLES = {table.name for table in models.Base.metadata.sorted_tables}


class MigrationsMixin:
    """The checks; one subclass per backend sets ``backend``."""

    backend = ''

    def setUp(self):
        super().setUp()
        self.url = self.useFixture(db_fixtures.TemporaryDatabase(self.backend)).url
        self.database = database_module.Database(self.url)
        self.addCleanup(self.database.dispose)

    def tables(self) -> set[str]:
        return set(sa.inspect(self.database.engine).get_table_names())

    def test_empty_to_head(self):
        self.assertIsNone(schema.current_revision(self.database))
        schema.upgrade(self.database)
        self.assertEqual(schema.head_revision(), schema.current_revision(self.database))
        self.assertEqual(TABLES | {'alembic_version'}, self.tables())

    def test_a_second_upgrade_is_a_no_op(self):
        schema.upgrade(self.url)
        recorder = self.useFixture(db_fixtures.StatementRecorder(self.database.engine))
        schema.upgrade(self.database, 'head')
        self.assertEqual([], [statement for statement in recorder.statements
                              if not statement.lstrip().upper().startswith(
                                  ('SELECT', 'SHOW', 'DESCRIBE', 'PRAGMA'))])
        self.assertEqual(schema.head_revision(), schema.current_revision(self.database))

    def test_downgrade_to_base_and_up_again(self):
        schema.upgrade(self.database)
        schema.downgrade(self.database, 'base')
        self.assertIsNone(schema.current_revision(self.database))
        self.assertEqual(set(), self.tables() - {'alembic_version'})
        schema.upgrade(self.database)
        self.assertEqual(TABLES | {'alembic_version'}, self.tables())

    def test_models_and_migrations_agree(self):
        schema.upgrade(self.database)
        with self.database.connection(read_only=True) as connection:
            context = migration.MigrationContext.configure(
                connection, opts={'compare_type': True,
                                  'compare_server_default': True})
            differences = autogenerate.compare_metadata(context,
                                                        models.Base.metadata)
        self.assertEqual([], differences)

    def test_the_comparison_sees_a_real_difference(self):
        """Guards the test above against comparing nothing."""
        schema.upgrade(self.database)
        metadata = sa.MetaData()
        for table in models.Base.metadata.sorted_tables:
            table.to_metadata(metadata)
        metadata.tables['outbox'].append_column(sa.Column('extra', sa.Integer))
        metadata.tables['outbox'].c.topic.type = sa.String(20)
        with self.database.connection(read_only=True) as connection:
            context = migration.MigrationContext.configure(
                connection, opts={'compare_type': True})
            differences = autogenerate.compare_metadata(context, metadata)
        kinds = sorted(str(difference[0][0] if isinstance(difference, list)
                           else difference[0]) for difference in differences)
        self.assertEqual(['add_column', 'modify_type'], kinds)

    def test_check_at_head_on_an_empty_database(self):
        head = schema.head_revision()
        with testtools.ExpectedException(
                exceptions.SchemaNotCurrent,
                f'^Database schema is at revision <none> \\(empty database\\) but '
                f'this wfplatform needs {head}; run: wfplatform-db-manage '
                f'--config-file /etc/wfplatform/wfplatform.conf upgrade head$'):
            schema.check_at_head(
                self.database, config_files=['/etc/wfplatform/wfplatform.conf'])

    def test_check_at_head_passes_at_head(self):
        schema.upgrade(self.database)
        schema.check_at_head(self.database)

    def test_check_at_head_on_a_revision_from_the_future(self):
        schema.upgrade(self.database)
        with self.database.connection() as connection:
            connection.execute(sa.text(
                "UPDATE alembic_version SET version_num = '999_future'"))
        with testtools.ExpectedException(exceptions.SchemaNotCurrent,
                                         '.*999_future.*does not know.*'):
            schema.check_at_head(self.database)


class SQLiteMigrationsTest(MigrationsMixin, testtools.TestCase):
    backend = 'sqlite'


class PostgreSQLMigrationsTest(MigrationsMixin, testtools.TestCase):
    backend = 'postgresql'


class MySQLMigrationsTest(MigrationsMixin, testtools.TestCase):
    backend = 'mysql'

    def test_tables_are_innodb_utf8mb4_binary(self):
        schema.upgrade(self.database)
        with self.database.connection(read_only=True) as connection:
            rows = connection.execute(sa.text(
                'SELECT table_name, engine, table_collation '
                'FROM information_schema.tables WHERE table_schema = DATABASE()'
            )).all()
        options = {name: (engine, collation) for name, engine, collation in rows}
        for table in TABLES:
            self.assertEqual(('InnoDB', 'utf8mb4_bin'), options[table], table)
