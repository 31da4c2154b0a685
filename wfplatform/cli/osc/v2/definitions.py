"""Commands shared by the resources uploaded as YAML: workflows, workbooks, actions.

Each is created and updated from a definition file (``-`` for standard input),
read by name in a namespace (or by id), validated without being stored, and
deleted. A resource module subclasses these with its ``PATH``, ``KEY`` and
``NOUN``; the API answers a create or update with ``{KEY: [...]}`` for workflows
and actions, with the object itself for a workbook.
"""

import argparse
from typing import Any

from wfplatform.cli.osc import base

Row = base.Row


def add_namespace(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument('--namespace', metavar='<namespace>', default='',
                        help=f'Namespace of the {what} (default: the empty one)')


def add_definition_options(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument('definition', metavar='<definition-file>',
                        help=f'The {what} definition file (YAML; - for stdin)')
    add_namespace(parser, what)
    parser.add_argument('--public', action='store_true',
                        help=f'Make the {what} visible to every project')


def upload_params(parsed_args: argparse.Namespace) -> dict[str, Any]:
    return {'namespace': parsed_args.namespace or None,
            'scope': 'public' if parsed_args.public else None}


class ListDefinitions(base.Lister):
    COLUMNS: tuple[str, ...] = ('id', 'name', 'namespace', 'tags', 'scope',
                                'created_at', 'updated_at')


class ShowDefinition(base.ShowOne):
    PATH = ''
    NOUN = ''

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument('identifier', metavar='<name-or-id>',
                            help=f'The {self.NOUN} (name or id)')
        add_namespace(parser, self.NOUN)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[Row, Row]:
        return base.show(fetch(self.client, self.PATH, parsed_args))


def fetch(client: Any, path: str, parsed_args: argparse.Namespace) -> Any:
    """The resource ``parsed_args.identifier`` in ``--namespace``."""
    return client.get(f'{path}/{parsed_args.identifier}',
                      {'namespace': parsed_args.namespace or None})


class ShowDefinitionText(base.Command):
    """Prints the definition as stored, to save, edit and update."""

    PATH = ''
    NOUN = ''

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument('identifier', metavar='<name-or-id>',
                            help=f'The {self.NOUN} (name or id)')
        add_namespace(parser, self.NOUN)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> None:
        definition = fetch(self.client, self.PATH, parsed_args)['definition']
        self.app.stdout.write(definition if definition.endswith('\n')
                              else definition + '\n')


class UploadDefinitions(base.Table):
    """POST (create) or PUT (update) a definition; lists what it stored."""

    PATH = ''
    KEY = ''
    NOUN = ''
    METHOD = 'POST'
    COLUMNS: tuple[str, ...] = ListDefinitions.COLUMNS

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        add_definition_options(parser, self.NOUN)
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[Row, Any]:
        answer = self.client.request(
            self.METHOD, self.PATH, text=base.read_text(parsed_args.definition),
            params=upload_params(parsed_args))
        items = answer[self.KEY] if self.KEY else [answer]
        return base.table(items, self.COLUMNS)


class ValidateDefinition(base.ShowOne):
    """Checks a definition without storing it; exits 1 when it is not valid."""

    PATH = ''
    NOUN = ''

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument('definition', metavar='<definition-file>',
                            help=f'The {self.NOUN} definition file (- for stdin)')
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[Row, Row]:
        answer = self.client.post(f'{self.PATH}/validate',
                                  text=base.read_text(parsed_args.definition))
        self.valid = bool(answer.get('valid'))
        return ('valid', 'error'), (self.valid, answer.get('error'))

    def run(self, parsed_args: argparse.Namespace) -> int:
        return super().run(parsed_args) or (0 if self.valid else 1)


class DeleteDefinitions(base.Deleter):
    def add_delete_options(self, parser: argparse.ArgumentParser) -> None:
        add_namespace(parser, self.NOUN)

    def delete_params(self, parsed_args: argparse.Namespace) -> dict[str, Any]:
        return {'namespace': parsed_args.namespace or None}
