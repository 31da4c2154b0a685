"""``wfplatform-db-manage``: create and upgrade the schema, register actions
and library workflows.

Services never touch the schema; operators run this. Errors print one line on
stderr and exit 1 (argument errors exit 2, as argparse does).
"""

import contextlib
import sys
from typing import Callable, Iterator

from alembic import util as alembic_util
from oslo_config import cfg
from oslo_db import exception as db_exc
from oslo_log import log as logging
import sqlalchemy as sa

from wfplatform.actions import registry
from wfplatform import config
from wfplatform.db import database as db_database
from wfplatform.db.repositories import action_definitions
from wfplatform.db.repositories import system_workflows
from wfplatform.db import schema
from wfplatform import exceptions
from wfplatform import library

PROGRAM = 'wfplatform-db-manage'

Handler = Callable[[cfg.ConfigOpts], None]


def _upgrade(conf: cfg.ConfigOpts) -> None:
    with _database(conf) as database:
        schema.upgrade(database, conf.command.revision)
        print(f'Database schema is at {_describe(schema.current_revision(database))}')


def _downgrade(conf: cfg.ConfigOpts) -> None:
    with _database(conf) as database:
        schema.downgrade(database, conf.command.revision)
        print(f'Database schema is at {_describe(schema.current_revision(database))}')


def _current(conf: cfg.ConfigOpts) -> None:
    with _database(conf) as database:
        current = schema.current_revision(database)
    head = ' (head)' if current == schema.head_revision() else ''
    print(f'{_describe(current)}{head}')


def _revision(conf: cfg.ConfigOpts) -> None:
    if conf.command.autogenerate:
        with _database(conf) as database:
            schema.check_at_head(database, config_files=conf.config_file)
            path = schema.new_revision(conf.command.message, autogenerate=True,
                                       database=database)
    else:
        path = schema.new_revision(conf.command.message)
    print(f'Wrote {path}')


def _populate(conf: cfg.ConfigOpts) -> None:
    descriptors = registry.discover(conf)
    workflows = library.discover()
    with _database(conf) as database:
        schema.check_at_head(database, config_files=conf.config_file)
        with database.transaction() as session:
            summary = action_definitions.populate_actions(session, descriptors)
            workflow_summary = system_workflows.populate_workflows(
                session, [workflow.values for workflow in workflows])
    print(f'{len(descriptors)} system actions installed: {len(summary.added)} added, '
          f'{len(summary.updated)} updated, {len(summary.removed)} removed')
    kept = (f' ({len(workflow_summary.kept)} uninstalled kept for their triggers: '
            f'{", ".join(workflow_summary.kept)})' if workflow_summary.kept else '')
    print(f'{len(workflows)} system workflows installed: '
          f'{len(workflow_summary.added)} added, {len(workflow_summary.updated)} '
          f'updated, {len(workflow_summary.removed)} removed{kept}')


def _add_commands(subparsers: object) -> None:
    add = getattr(subparsers, 'add_parser')
    parser = add('upgrade', help='Upgrade the schema (default: to head).')
    parser.add_argument('revision', nargs='?', default='head')
    parser.set_defaults(handler=_upgrade)
    parser = add('downgrade', help='Downgrade the schema; "base" drops all tables.')
    parser.add_argument('revision')
    parser.set_defaults(handler=_downgrade)
    parser = add('current', help='Show the schema revision of the database.')
    parser.set_defaults(handler=_current)
    parser = add('revision', help='Write a new migration (for developers).')
    parser.add_argument('-m', '--message', required=True)
    parser.add_argument('--autogenerate', action='store_true',
                        help='Fill it with the differences between the models '
                             'and the configured database.')
    parser.set_defaults(handler=_revision)
    parser = add('populate', help='Register the installed actions and library '
                                  'workflows as system ones, removing '
                                  'uninstalled ones.')
    parser.set_defaults(handler=_populate)


command_opt = cfg.SubCommandOpt('command', title='Commands', handler=_add_commands,
                                help='Run "<command> --help" for its arguments.')


def main(argv: list[str] | None = None, conf: cfg.ConfigOpts = cfg.CONF) -> int:
    """Parse ``argv`` (default: the command line) and run the command."""
    conf.register_cli_opt(command_opt)
    _log_defaults(conf)
    try:
        config.parse_args(sys.argv[1:] if argv is None else argv, conf)
        logging.setup(conf, 'wfplatform')
        handler: Handler = conf.command.handler
        handler(conf)
    except (exceptions.WfplatformError, alembic_util.CommandError) as error:
        return _fail(str(error))
    except (db_exc.DBError, sa.exc.SQLAlchemyError) as error:
        return _fail(f'cannot use database {_safe_url(conf)}: {_first_line(error)}')
    return 0


def _log_defaults(conf: cfg.ConfigOpts) -> None:
    """Logs on stderr; set before parsing.

    Results go to stdout, where scripts read them. The config file can still
    change it.
    """
    logging.register_options(conf)
    conf.set_default('use_stderr', True)


@contextlib.contextmanager
def _database(conf: cfg.ConfigOpts) -> Iterator[db_database.Database]:
    """The configured database for one command, disposed afterwards."""
    database = db_database.Database.from_config(conf)
    try:
        yield database
    finally:
        database.dispose()


def _describe(revision: str | None) -> str:
    return '<none> (empty database)' if revision is None else revision


def _safe_url(conf: cfg.ConfigOpts) -> str:
    try:
        url = sa.engine.make_url(conf.database.connection)
    except sa.exc.ArgumentError:
        return '<unparsable connection URL>'
    return url.render_as_string(hide_password=True)


def _first_line(error: BaseException) -> str:
    original = getattr(error, 'inner_exception', None) or error
    original = getattr(original, 'orig', None) or original
    lines = str(original).strip().splitlines()
    return lines[0] if lines else type(original).__name__


def _fail(message: str) -> int:
    print(f'{PROGRAM}: error: {message}', file=sys.stderr)
    return 1


if __name__ == '__main__':
    sys.exit(main())
