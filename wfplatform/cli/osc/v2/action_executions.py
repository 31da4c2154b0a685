"""``openstack wfp action execution …``: action executions; run an action alone."""

import argparse
from typing import Any

from wfplatform.cli.osc import base

PATH = '/action_executions'
Row = base.Row


class ListActionExecutions(base.Lister):
    """List action executions (of one task with --task)."""

    PATH = PATH
    KEY = 'action_executions'
    COLUMNS = ('id', 'name', 'workflow_name', 'task_name', 'task_execution_id',
               'state', 'accepted', 'created_at', 'updated_at')

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument('--task', metavar='<task-id>',
                            help='Only the action executions of this task')
        return parser

    def list_path(self, parsed_args: argparse.Namespace) -> str:
        if parsed_args.task:
            return f'/tasks/{parsed_args.task}/action_executions'
        return PATH


class ShowActionExecution(base.ShowOne):
    """Show an action execution, with its output."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument('id', metavar='<id>', help='Action execution id')
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[Row, Row]:
        return base.show(self.client.get(f'{PATH}/{parsed_args.id}'))


class RunAction(base.ShowOne):
    """Run an action alone, outside any workflow.

    A synchronous action's result is waited for (at most the API's [api]
    action_execution_wait) unless --save-result without --run-sync.
    """

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument('name', metavar='<action>', help='Action name')
        parser.add_argument('input', metavar='<input>', nargs='?',
                            help='Action input: JSON or YAML, or @file')
        parser.add_argument('--namespace', metavar='<namespace>', default='',
                            help="The action's namespace")
        parser.add_argument('--save-result', action='store_true',
                            help='Keep the action execution and its result')
        parser.add_argument('--run-sync', action='store_true',
                            help='Wait for the result even of an asynchronous '
                                 'action')
        parser.add_argument('--target', metavar='<executor>',
                            help='Run it on the executors listening to this target')
        parser.add_argument('--timeout', metavar='<seconds>', type=float,
                            help='Wait at most this long for the result')
        parser.add_argument('--description', metavar='<text>')
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[Row, Row]:
        params: dict[str, Any] = {}
        if parsed_args.save_result:
            params['save_result'] = True
        if parsed_args.run_sync:
            params['run_sync'] = True
        if parsed_args.target:
            params['target'] = parsed_args.target
        if parsed_args.timeout:
            params['timeout'] = parsed_args.timeout
        body: dict[str, Any] = {
            'name': parsed_args.name,
            'input': base.parse_mapping(parsed_args.input, 'The input'),
            'params': params}
        if parsed_args.namespace:
            body['workflow_namespace'] = parsed_args.namespace
        if parsed_args.description:
            body['description'] = parsed_args.description
        return base.show(self.client.post(PATH, body))


class SetActionExecution(base.ShowOne):
    """Complete a running (asynchronous) action: --state SUCCESS or ERROR."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument('id', metavar='<id>', help='Action execution id')
        parser.add_argument('--state', choices=('SUCCESS', 'ERROR'), required=True)
        parser.add_argument('--output', metavar='<value>',
                            help='The result (JSON, or text), or the error')
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[Row, Row]:
        body = {'state': parsed_args.state, 'output': parsed_args.output}
        return base.show(self.client.put(f'{PATH}/{parsed_args.id}', body))


class DeleteActionExecutions(base.Deleter):
    """Delete finished action executions run alone (if the API allows it)."""

    PATH = PATH
    NOUN = 'action execution'
    METAVAR = '<id>'
