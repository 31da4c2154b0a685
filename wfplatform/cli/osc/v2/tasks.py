"""``openstack wfp task …``: task executions; rerun or skip a failed one."""

import argparse
from typing import Any

from wfplatform.cli.osc import base

PATH = '/tasks'
Row = base.Row


class ListTasks(base.Lister):
    """List task executions (of one workflow execution with --execution)."""

    PATH = PATH
    KEY = 'tasks'
    COLUMNS = ('id', 'name', 'workflow_name', 'workflow_execution_id', 'state',
               'state_info', 'created_at', 'updated_at')

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument('--execution', metavar='<execution-id>',
                            help='Only the tasks of this workflow execution')
        parser.add_argument('--state', metavar='<state>',
                            help='Only tasks in this state')
        return parser

    def list_path(self, parsed_args: argparse.Namespace) -> str:
        if parsed_args.execution:
            return f'/executions/{parsed_args.execution}/tasks'
        return PATH

    def list_params(self, parsed_args: argparse.Namespace) -> dict[str, Any]:
        return {'state': parsed_args.state}


class ShowTask(base.ShowOne):
    """Show a task execution, with its result."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument('id', metavar='<id>', help='Task execution id')
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[Row, Row]:
        return base.show(self.client.get(f'{PATH}/{parsed_args.id}'))


class RerunTask(base.ShowOne):
    """Run a failed task again (its workflow resumes)."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument('id', metavar='<id>', help='Task execution id')
        parser.add_argument('--resume', action='store_true',
                            help='With with-items: run only the failed items '
                                 '(reset=false); by default all run again')
        parser.add_argument('--env', metavar='<env>',
                            help='Changes to the env: JSON or YAML, or @file')
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[Row, Row]:
        body: dict[str, Any] = {'state': 'RUNNING', 'reset': not parsed_args.resume}
        if parsed_args.env:
            body['env'] = base.parse_mapping(parsed_args.env, '--env')
        return base.show(self.client.put(f'{PATH}/{parsed_args.id}', body))


class SkipTask(base.ShowOne):
    """Skip a failed task: its workflow goes on along its on-skip transitions."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument('id', metavar='<id>', help='Task execution id')
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[Row, Row]:
        return base.show(self.client.put(f'{PATH}/{parsed_args.id}',
                                         {'state': 'SKIPPED'}))
