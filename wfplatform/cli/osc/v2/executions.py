"""``openstack wfp execution …``: start, follow, change, inspect and delete runs."""

import argparse
import re
import sys
from typing import Any

from wfplatform.cli.osc import base
from wfplatform.cli.osc import follow

PATH = '/executions'
Row = base.Row

_UUID = re.compile(r'^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?'
                   r'[0-9a-f]{12}$', re.I)

COLUMNS = ('id', 'workflow_name', 'workflow_namespace', 'description', 'state',
           'task_execution_id', 'root_execution_id', 'created_at', 'updated_at')

UPDATE_STATES = ('PAUSED', 'RUNNING', 'SUCCESS', 'ERROR', 'CANCELLED')


class ListExecutions(base.Lister):
    """List workflow executions."""

    PATH = PATH
    KEY = 'executions'
    COLUMNS = COLUMNS

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument('--workflow', metavar='<name>',
                            help='Only executions of this workflow')
        parser.add_argument('--state', metavar='<state>',
                            help='Only executions in this state')
        parser.add_argument('--task', metavar='<task-id>',
                            help='Only the sub-workflow executions of this task')
        return parser

    def list_params(self, parsed_args: argparse.Namespace) -> dict[str, Any]:
        return {'workflow_name': parsed_args.workflow, 'state': parsed_args.state,
                'task_execution_id': parsed_args.task}


class ShowExecution(base.ShowOne):
    """Show a workflow execution."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument('id', metavar='<id>', help='Execution id')
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[Row, Row]:
        return base.show(self.client.get(f'{PATH}/{parsed_args.id}'))


def add_wait_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('--timeout', metavar='<seconds>', type=float, default=0,
                        help='With --wait: stop waiting after this long (exit 5); '
                             'default 0, for ever')
    parser.add_argument('--poll-interval', metavar='<seconds>', type=float,
                        default=1.0, help='With --wait: seconds between polls '
                                          '(default 1)')


class _Following(base.ShowOne):
    """A command whose exit code is the followed execution's (see ``follow``)."""

    exit_code = 0

    def follow(self, execution: dict[str, Any],
               parsed_args: argparse.Namespace) -> dict[str, Any]:
        follower = follow.Follower(
            self.client, execution['id'], self.progress_stream(),
            interval=parsed_args.poll_interval, timeout=parsed_args.timeout)
        final, self.exit_code = follower.run()
        return final

    def progress_stream(self) -> Any:
        return getattr(self.app, 'stderr', None) or sys.stderr

    def run(self, parsed_args: argparse.Namespace) -> int:
        return super().run(parsed_args) or self.exit_code


class CreateExecution(_Following):
    """Start a workflow; with --wait, follow it and exit with its outcome.

    With --wait the task states are written to stderr as they change and the
    exit code is 0 for SUCCESS, 3 for ERROR, 4 for CANCELLED, 5 when --timeout
    ran out; the execution as it ended is the command's output.
    """

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument('workflow', metavar='<workflow>',
                            help='Workflow name or id')
        parser.add_argument('input', metavar='<input>', nargs='?',
                            help='Workflow input: JSON or YAML, or @file')
        parser.add_argument('--namespace', metavar='<namespace>', default='',
                            help="The workflow's namespace")
        parser.add_argument('--param', metavar='<key=value>', action='append',
                            default=[], dest='params',
                            help='An execution parameter; repeatable')
        parser.add_argument('--env', metavar='<env>',
                            help='params.env: JSON or YAML, @file, or the name '
                                 'of a stored environment')
        parser.add_argument('--task-name', metavar='<task>',
                            help='The target task of a reverse workflow')
        parser.add_argument('--description', metavar='<text>', default='')
        parser.add_argument('--id', metavar='<uuid>', dest='execution_id',
                            help='A client-chosen id: starting twice with the '
                                 'same id starts once')
        parser.add_argument('--source-execution', metavar='<id>',
                            help='Run again with this execution\'s workflow, input '
                                 'and params as defaults')
        parser.add_argument('--wait', action='store_true',
                            help='Follow the execution to its end (progress on '
                                 'stderr) and exit with its outcome')
        add_wait_options(parser)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[Row, Row]:
        execution = self.client.post(PATH, create_body(parsed_args))
        if parsed_args.wait:
            execution = self.follow(execution, parsed_args)
        return base.show(execution)


def create_body(parsed_args: argparse.Namespace) -> dict[str, Any]:
    """The POST body of ``execution create``."""
    params = base.parse_key_values(parsed_args.params, '--param')
    if parsed_args.env:
        params['env'] = _env(parsed_args.env)
    if parsed_args.task_name:
        params['task_name'] = parsed_args.task_name
    body: dict[str, Any] = {
        'input': base.parse_mapping(parsed_args.input, 'The input'),
        'params': params, 'description': parsed_args.description}
    if parsed_args.workflow:
        key = 'workflow_id' if _UUID.match(parsed_args.workflow) else 'workflow_name'
        body[key] = parsed_args.workflow
        body['workflow_namespace'] = parsed_args.namespace
    if parsed_args.execution_id:
        body['id'] = parsed_args.execution_id
    if parsed_args.source_execution:
        body['source_execution_id'] = parsed_args.source_execution
    return body


def _env(value: str) -> Any:
    """A mapping, or a stored environment's name (a bare word)."""
    if re.fullmatch(r'[\w.-]+', value) and not value.startswith('@'):
        return value
    return base.parse_mapping(value, '--env')


class WaitExecution(_Following):
    """Follow a running execution to its end; exit with its outcome.

    Exit codes as with ``execution create --wait``.
    """

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument('id', metavar='<id>', help='Execution id')
        add_wait_options(parser)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[Row, Row]:
        return base.show(self.follow({'id': parsed_args.id}, parsed_args))


class SetExecution(base.ShowOne):
    """Pause, resume, cancel or end an execution, or change its description or env."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument('id', metavar='<id>', help='Execution id')
        parser.add_argument('--state', choices=UPDATE_STATES,
                            help='PAUSED, RUNNING (resume), CANCELLED, or force '
                                 'SUCCESS or ERROR')
        parser.add_argument('--state-info', metavar='<text>',
                            help='Why (with --state)')
        parser.add_argument('--description', metavar='<text>')
        parser.add_argument('--env', metavar='<env>',
                            help='New params.env: JSON or YAML, or @file')
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[Row, Row]:
        body: dict[str, Any] = {}
        if parsed_args.state:
            body['state'] = parsed_args.state
        if parsed_args.state_info:
            body['state_info'] = parsed_args.state_info
        if parsed_args.description:
            body['description'] = parsed_args.description
        if parsed_args.env:
            body['params'] = {'env': base.parse_mapping(parsed_args.env, '--env')}
        return base.show(self.client.put(f'{PATH}/{parsed_args.id}', body))


class DeleteExecutions(base.Deleter):
    """Delete executions (finished ones, or any with --force) and all under them."""

    PATH = PATH
    NOUN = 'execution'
    METAVAR = '<id>'

    def add_delete_options(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument('--force', action='store_true',
                            help='Delete even an execution that has not finished')

    def delete_params(self, parsed_args: argparse.Namespace) -> dict[str, Any]:
        return {'force': 'true' if parsed_args.force else None}


class ShowExecutionReport(base.ShowOne):
    """Show an execution's report: its tree of tasks, actions and sub-workflows.

    Best read with ``-f yaml`` or ``-f json``.
    """

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument('id', metavar='<id>', help='Execution id')
        parser.add_argument('--errors-only', action='store_true',
                            help='Only the paths that lead to errors')
        parser.add_argument('--max-depth', metavar='<n>', type=int,
                            help='How deep into sub-workflows (default: all)')
        parser.add_argument('--statistics-only', action='store_true',
                            help='Only the task statistics')
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[Row, Row]:
        params = {'errors_only': _flag(parsed_args.errors_only),
                  'max_depth': parsed_args.max_depth,
                  'statistics_only': _flag(parsed_args.statistics_only)}
        return base.show(self.client.get(f'{PATH}/{parsed_args.id}/report', params))


class ListSubExecutions(base.Table):
    """List an execution and the executions under it (or those a task started)."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument('id', metavar='<id>',
                            help='Execution id (task id with --task)')
        parser.add_argument('--task', action='store_true',
                            help='<id> is a task: list the executions it started')
        parser.add_argument('--errors-only', action='store_true',
                            help='Only the executions on paths to errors')
        parser.add_argument('--max-depth', metavar='<n>', type=int,
                            help='How deep into sub-workflows (default: all)')
        parser.add_argument('--include-output', action='store_true',
                            help='Add each execution\'s output')
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[Row, Any]:
        owner = '/tasks' if parsed_args.task else PATH
        params = {'errors_only': _flag(parsed_args.errors_only),
                  'max_depth': parsed_args.max_depth,
                  'include_output': _flag(parsed_args.include_output)}
        items = self.client.get(f'{owner}/{parsed_args.id}/executions',
                                params)['executions']
        columns = COLUMNS + (('output',) if parsed_args.include_output else ())
        return base.table(items, columns)


def _flag(value: bool) -> str | None:
    return 'true' if value else None
