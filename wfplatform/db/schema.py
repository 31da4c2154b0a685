"""The database schema's revision: read it, move it, and refuse to run on a stale one.

Alembic is the only author of tables. Services never create or upgrade the schema;
at start they call :func:`check_at_head` and stop with one line naming the command
that fixes it. The alembic configuration is built here in code (no alembic.ini).
"""

import argparse
import contextlib
import os
import re
from typing import Iterator, Sequence

from alembic import command
from alembic import config as alembic_config
from alembic.runtime import migration
from alembic import script as alembic_script
from alembic.script import revision as alembic_revision
from alembic import util as alembic_util
import sqlalchemy as sa

from wfplatform.db import database as database_module
from wfplatform import exceptions

MIGRATIONS_DIRECTORY = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                    'migrations')

_REVISION_ID_LENGTH = 32
"""alembic_version.version_num is VARCHAR(32)."""

DatabaseOrUrl = database_module.Database | str


def alembic_configuration(
        connection: sa.engine.Connection | None = None) -> alembic_config.Config:
    """An alembic ``Config`` for wfplatform's migrations, bound to ``connection``."""
    # quiet: alembic's own progress lines would mix with the caller's output.
    configuration = alembic_config.Config(cmd_opts=argparse.Namespace(quiet=True))
    configuration.set_main_option('script_location', MIGRATIONS_DIRECTORY)
    configuration.set_main_option('file_template', '%%(rev)s')
    if connection is not None:
        configuration.attributes['connection'] = connection
    return configuration


def head_revision() -> str:
    """The revision this code needs: the newest one shipped with it."""
    head = _script_directory().get_current_head()
    if head is None:
        raise exceptions.SchemaNotCurrent('wfplatform ships no migrations')
    return head


def current_revision(database: database_module.Database) -> str | None:
    """The database's revision, or None for an empty (never migrated) database."""
    with database.connection(read_only=True) as connection:
        context = migration.MigrationContext.configure(connection)
        return context.get_current_revision()


def upgrade(database_or_url: DatabaseOrUrl, revision: str = 'head') -> None:
    """Upgrade the schema to ``revision``; a no-op when it is already there."""
    with _connection(database_or_url) as connection:
        command.upgrade(alembic_configuration(connection), revision)


def downgrade(database_or_url: DatabaseOrUrl, revision: str) -> None:
    """Downgrade the schema to ``revision`` (``base`` drops every table)."""
    with _connection(database_or_url) as connection:
        command.downgrade(alembic_configuration(connection), revision)


def check_at_head(database: database_module.Database, *,
                  config_files: Sequence[str] = ()) -> None:
    """Raise ``SchemaNotCurrent`` unless the database is at :func:`head_revision`.

    The message is one line naming the current revision, the one needed and the
    command to run (with ``config_files`` when given).
    """
    head = head_revision()
    current = current_revision(database)
    if current == head:
        return
    if current is not None and not _is_known(current):
        raise exceptions.SchemaNotCurrent(
            f'Database schema is at revision {current}, which this wfplatform does '
            f'not know (it needs {head}); the database was upgraded by a newer '
            f'wfplatform: run that release, or restore a matching backup')
    shown = '<none> (empty database)' if current is None else current
    raise exceptions.SchemaNotCurrent(
        f'Database schema is at revision {shown} but this wfplatform needs {head}; '
        f'run: {upgrade_command(config_files)}')


def new_revision(message: str, *, autogenerate: bool = False,
                 database: database_module.Database | None = None) -> str:
    """Write a new revision file after the head and return its path.

    With ``autogenerate`` the file holds the differences between the models and
    ``database`` (which must then be at head); review it before committing.
    """
    revision_id = next_revision_id(message)
    if not autogenerate:
        script = command.revision(alembic_configuration(), message=message,
                                  rev_id=revision_id)
    else:
        if database is None:
            raise ValueError('autogenerate compares with a database; pass one')
        with database.connection() as connection:
            script = command.revision(alembic_configuration(connection),
                                      message=message, autogenerate=True,
                                      rev_id=revision_id)
    if script is None or isinstance(script, list):
        raise exceptions.WfplatformError(f'alembic wrote no single revision {script}')
    return str(script.path)


def upgrade_command(config_files: Sequence[str] = ()) -> str:
    """The command line that brings the schema to head."""
    files = ' '.join(f'--config-file {name}' for name in config_files)
    return f'wfplatform-db-manage {files or "--config-file <file>"} upgrade head'


def next_revision_id(message: str) -> str:
    """A readable id for a new revision: sequence number and slug, e.g. 002_add_x."""
    number = len(list(_script_directory().walk_revisions())) + 1
    slug = re.sub(r'[^a-z0-9]+', '_', message.lower()).strip('_') or 'revision'
    return f'{number:03d}_{slug}'[:_REVISION_ID_LENGTH].rstrip('_')


def _is_known(revision: str) -> bool:
    try:
        return _script_directory().get_revision(revision) is not None
    except (alembic_revision.RevisionError, alembic_util.CommandError):
        return False


def _script_directory() -> alembic_script.ScriptDirectory:
    return alembic_script.ScriptDirectory.from_config(alembic_configuration())


@contextlib.contextmanager
def _connection(database_or_url: DatabaseOrUrl) -> Iterator[sa.engine.Connection]:
    """A connection in a transaction, to a Database or to a URL opened just for it."""
    if isinstance(database_or_url, database_module.Database):
        with database_or_url.connection() as connection:
            yield connection
        return
    database = database_module.Database(database_or_url)
    try:
        with database.connection() as connection:
            yield connection
    finally:
        database.dispose()
