"""``openstack wfp environment …``: named sets of variables for executions."""

import argparse
from typing import Any

from wfplatform.cli.osc import base

PATH = '/environments'
Row = base.Row


def _add_values(parser: argparse.ArgumentParser) -> None:
    # Not dest 'variables': cliff's shell formatter owns that (--variable).
    parser.add_argument('--variables', metavar='<variables>', dest='env_variables',
                        help='The variables: a JSON or YAML object, or @file')
    parser.add_argument('--description', metavar='<text>')


def _values(parsed_args: argparse.Namespace) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if parsed_args.env_variables is not None:
        body['variables'] = base.parse_mapping(parsed_args.env_variables,
                                               '--variables')
    if parsed_args.description is not None:
        body['description'] = parsed_args.description
    return body


class ListEnvironments(base.Lister):
    """List environments."""

    PATH = PATH
    KEY = 'environments'
    COLUMNS = ('id', 'name', 'description', 'scope', 'created_at', 'updated_at')


class ShowEnvironment(base.ShowOne):
    """Show an environment."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument('name', metavar='<name-or-id>', help='Environment')
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[Row, Row]:
        return base.show(self.client.get(f'{PATH}/{parsed_args.name}'))


class CreateEnvironment(base.ShowOne):
    """Create an environment."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument('name', metavar='<name>', help='Environment name')
        _add_values(parser)
        parser.add_argument('--public', action='store_true',
                            help='Visible to every project')
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[Row, Row]:
        body = {'name': parsed_args.name, 'variables': {}, **_values(parsed_args)}
        if parsed_args.public:
            body['scope'] = 'public'
        return base.show(self.client.post(PATH, body))


class SetEnvironment(base.ShowOne):
    """Change an environment's variables or description."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument('name', metavar='<name>', help='Environment name')
        _add_values(parser)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[Row, Row]:
        return base.show(self.client.put(f'{PATH}/{parsed_args.name}',
                                         _values(parsed_args)))


class DeleteEnvironments(base.Deleter):
    """Delete environments."""

    PATH = PATH
    NOUN = 'environment'
