"""wfplatform-db-manage and the schema helpers it drives (on SQLite)."""

import io
import os
import shutil
import subprocess
import sys

import fixtures
from oslo_config import cfg
import sqlalchemy as sa
import testtools

from wfplatform.cmd import db_manage
from wfplatform.db import database as database_module
from wfplatform.db.repositories import action_definitions
from wfplatform.db.repositories import common
from wfplatform.db import schema
from wfplatform.tests.fixtures import database as db_fixtures


class DbManageTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.url = self.useFixture(db_fixtures.TemporaryDatabase('sqlite')).url
        self.config_file = self.write_config(self.url)

    def write_config(self, url: str) -> str:
        directory = self.useFixture(fixtures.TempDir()).path
        path = os.path.join(directory, 'wfplatform.conf')
        with open(path, 'w') as config_file:
            config_file.write(f'[database]\nconnection = {url}\nmax_retries = 0\n')
        return path

    def run_command(self, *args: str, config_file: str | None = None):
        """Run main() in-process; returns (exit code, stdout, stderr)."""
        stdout, stderr = io.StringIO(), io.StringIO()
        self.useFixture(fixtures.MonkeyPatch('sys.stdout', stdout))
        self.useFixture(fixtures.MonkeyPatch('sys.stderr', stderr))
        conf = cfg.ConfigOpts()
        code = db_manage.main(['--config-file', config_file or self.config_file,
                               *args], conf)
        return code, stdout.getvalue(), stderr.getvalue()

    def database(self) -> database_module.Database:
        database = database_module.Database(self.url)
        self.addCleanup(database.dispose)
        return database

    def test_current_upgrade_downgrade(self):
        self.assertEqual((0, '<none> (empty database)\n', ''),
                         self.run_command('current'))
        code, output, _ = self.run_command('upgrade')
        self.assertEqual(0, code)
        self.assertEqual(f'Database schema is at {schema.head_revision()}\n', output)
        self.assertEqual((0, f'{schema.head_revision()} (head)\n', ''),
                         self.run_command('current'))
        self.assertEqual(0, self.run_command('upgrade', 'head')[0])
        code, output, _ = self.run_command('downgrade', 'base')
        self.assertEqual((0, 'Database schema is at <none> (empty database)\n'),
                         (code, output))

    def test_populate_registers_the_installed_actions_once(self):
        self.run_command('upgrade')
        code, first, _ = self.run_command('populate')
        self.assertEqual(0, code)
        self.assertIn(' added, 0 updated, 0 removed', first)
        self.assertIn(' system workflows installed: 6 added, 0 updated, 0 removed',
                      first)
        code, second, _ = self.run_command('populate')
        self.assertIn(' 0 added, 0 updated, 0 removed', second)
        self.assertIn('6 system workflows installed: 0 added, 0 updated, 0 removed',
                      second)
        with self.database().transaction(read_only=True) as session:
            names = [row['name'] for row in action_definitions.list(
                session, common.ListQuery())]
        self.assertIn('std.echo', names)

    def test_populate_on_an_empty_database_names_the_fix(self):
        code, output, error = self.run_command('populate')
        self.assertEqual((1, ''), (code, output))
        self.assertEqual(
            f'wfplatform-db-manage: error: Database schema is at revision <none> '
            f'(empty database) but this wfplatform needs {schema.head_revision()}; '
            f'run: wfplatform-db-manage --config-file {self.config_file} '
            f'upgrade head\n', error)

    def test_unknown_revision_is_one_line(self):
        code, output, error = self.run_command('upgrade', 'nope')
        self.assertEqual(1, code)
        self.assertEqual(
            "wfplatform-db-manage: error: Can't locate revision identified by "
            "'nope'\n", error)

    def test_unreachable_database_is_one_line_without_traceback(self):
        config_file = self.write_config(
            'postgresql+psycopg2://nobody@127.0.0.1:1/nowhere')
        process = subprocess.run(
            [sys.executable, '-m', 'wfplatform.cmd.db_manage', '--config-file',
             config_file, 'current'], capture_output=True, text=True, timeout=60)
        self.assertEqual(1, process.returncode)
        self.assertEqual('', process.stdout)
        lines = process.stderr.strip().splitlines()
        self.assertEqual(1, len(lines), process.stderr)
        self.assertTrue(lines[0].startswith(
            'wfplatform-db-manage: error: cannot use database '
            'postgresql+psycopg2://nobody@127.0.0.1:1/nowhere: '), lines[0])


class NewRevisionTest(testtools.TestCase):
    """Writing revisions, in a copy of the migrations so the real head stays."""

    def setUp(self):
        super().setUp()
        copy = os.path.join(self.useFixture(fixtures.TempDir()).path, 'migrations')
        shutil.copytree(schema.MIGRATIONS_DIRECTORY, copy,
                        ignore=shutil.ignore_patterns('__pycache__'))
        self.useFixture(fixtures.MonkeyPatch(
            'wfplatform.db.schema.MIGRATIONS_DIRECTORY', copy))
        self.versions = os.path.join(copy, 'versions')

    def test_next_revision_id_is_readable_and_fits(self):
        self.assertEqual('005_add_the_things', schema.next_revision_id(
            'Add the things!'))
        long_id = schema.next_revision_id('a' * 100)
        self.assertEqual(32, len(long_id))
        self.assertTrue(long_id.startswith('005_aaa'))

    def test_revision_command_writes_a_file_after_head(self):
        head = schema.head_revision()
        url = self.useFixture(db_fixtures.TemporaryDatabase('sqlite')).url
        path = os.path.join(self.useFixture(fixtures.TempDir()).path, 'a.conf')
        with open(path, 'w') as config_file:
            config_file.write(f'[database]\nconnection = {url}\n')
        stdout = io.StringIO()
        self.useFixture(fixtures.MonkeyPatch('sys.stdout', stdout))
        code = db_manage.main(['--config-file', path, 'revision', '-m',
                               'Add audit table'], cfg.ConfigOpts())
        self.assertEqual(0, code)
        written = os.path.join(self.versions, '005_add_audit_table.py')
        self.assertEqual(f'Wrote {written}\n', stdout.getvalue())
        with open(written) as revision_file:
            text = revision_file.read()
        self.assertIn("revision = '005_add_audit_table'", text)
        self.assertIn(f"down_revision = '{head}'", text)
        self.assertEqual('005_add_audit_table', schema.head_revision())

    def test_autogenerate_against_a_database_at_head_finds_nothing(self):
        database = self.useFixture(db_fixtures.MigratedDatabase('sqlite')).database
        written = schema.new_revision('Nothing', autogenerate=True,
                                      database=database)
        with open(written) as revision_file:
            text = revision_file.read()
        self.assertNotIn('op.', text.split('def upgrade')[1])
        schema.upgrade(database)
        self.assertEqual('005_nothing', schema.current_revision(database))
        with database.connection(read_only=True) as connection:
            self.assertEqual(
                '005_nothing',
                connection.execute(sa.text('SELECT version_num FROM '
                                           'alembic_version')).scalar())
