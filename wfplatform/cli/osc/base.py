"""What every ``openstack wfp`` command shares: the client, lists, shows, deletes.

A resource command names its collection (``PATH``, ``KEY``) and the columns a
list shows by default; the bases here do the paging options, ``--long``, the
``-f json|yaml|table`` output (cliff's Lister/ShowOne) and multi-item deletes.
"""

import argparse
import os
import sys
from typing import Any, Iterable, Mapping, Sequence

from osc_lib.command import command
from osc_lib import exceptions
import yaml

from wfplatform.cli.osc import client as http
from wfplatform.cli.osc import plugin

Row = tuple[Any, ...]


class ClientMixin:
    """The API client of the running command, and when it needs Keystone."""

    app: Any

    @property
    def auth_required(self) -> bool:
        """No Keystone authentication when the user gave ``--wfp-url``.

        OSC reads this before running a command: with it false no credentials
        are asked for and no token is fetched.
        """
        return not getattr(self.app.options, plugin.URL_OPTION, None)

    @property
    def client(self) -> http.Client:
        return self.app.client_manager.workflow_platform


class Command(ClientMixin, command.Command):
    """A command with no tabular output (deletes, the graph)."""


class ShowOne(ClientMixin, command.ShowOne):
    """Shows one resource: every field, in the API's order."""


class Table(ClientMixin, command.Lister):
    """Tabular output without list options (what a create or a tree returns)."""


class Lister(Table):
    """Lists one page of a collection with Mistral's list parameters.

    ``COLUMNS`` are shown by default, every field the API sent with ``--long``.
    """

    PATH = ''
    KEY = ''
    COLUMNS: tuple[str, ...] = ('id', 'name')

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        add_paging_options(parser)
        parser.add_argument('--long', action='store_true',
                            help='Show every field the API returns')
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[Row, Any]:
        params = paging_params(parsed_args)
        params.update((key, value) for key, value
                      in self.list_params(parsed_args).items() if value is not None)
        items = self.client.page(self.list_path(parsed_args), self.KEY, params)
        return table(items, None if parsed_args.long else self.COLUMNS)

    def list_path(self, parsed_args: argparse.Namespace) -> str:
        return self.PATH

    def list_params(self, parsed_args: argparse.Namespace) -> dict[str, Any]:
        """Query parameters of the resource's own options."""
        return {}


class Deleter(Command):
    """Deletes one or more resources, going on past failures, as OSC does."""

    PATH = ''
    NOUN = 'resource'
    METAVAR = '<name-or-id>'

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument('identifiers', nargs='+', metavar=self.METAVAR,
                            help=f'{self.NOUN.capitalize()}(s) to delete')
        self.add_delete_options(parser)
        return parser

    def add_delete_options(self, parser: argparse.ArgumentParser) -> None:
        pass

    def delete_params(self, parsed_args: argparse.Namespace) -> dict[str, Any]:
        return {}

    def take_action(self, parsed_args: argparse.Namespace) -> None:
        failures = 0
        for identifier in parsed_args.identifiers:
            try:
                self.client.delete(f'{self.PATH}/{identifier}',
                                   self.delete_params(parsed_args))
            except http.APIError as error:
                failures += 1
                self.log.error('Failed to delete %s %s: %s', self.NOUN,
                               identifier, error)
        if failures:
            raise exceptions.CommandError(
                f'{failures} of {len(parsed_args.identifiers)} {self.NOUN}s failed '
                'to delete.')


def add_paging_options(parser: argparse.ArgumentParser) -> None:
    """``--marker``, ``--limit``, sorting, ``--filter`` and ``--all-projects``."""
    parser.add_argument('--marker', metavar='<id>',
                        help='The last id of the previous page')
    parser.add_argument('--limit', metavar='<n>', type=int,
                        help='At most this many items (the API caps it at its '
                             '[api] max_limit)')
    parser.add_argument('--sort-keys', metavar='<key>[,<key>...]',
                        help='Sort by these fields (default created_at)')
    parser.add_argument('--sort-dirs', metavar='<asc|desc>[,...]',
                        help='Sort directions, one per sort key')
    parser.add_argument('--filter', metavar='<field>=[<op>:]<value>',
                        action='append', default=[], dest='filters',
                        help='Filter on a field, e.g. state=ERROR, '
                             'created_at=gte:2025-01-01 (operators: eq, neq, lt, '
                             'lte, gt, gte, in, nin, has); repeatable')
    parser.add_argument('--all-projects', action='store_true',
                        help='List the items of every project (admin only)')


def paging_params(parsed_args: argparse.Namespace) -> dict[str, Any]:
    params: dict[str, Any] = {
        'marker': parsed_args.marker, 'limit': parsed_args.limit,
        'sort_keys': parsed_args.sort_keys, 'sort_dirs': parsed_args.sort_dirs}
    if parsed_args.all_projects:
        params['all_projects'] = 'true'
    for item in parsed_args.filters:
        key, separator, value = item.partition('=')
        if not separator or not key:
            raise exceptions.CommandError(
                f'--filter takes <field>=[<op>:]<value>, not {item!r}')
        params[key] = value
    return params


def table(items: Sequence[Mapping[str, Any]],
          columns: Sequence[str] | None) -> tuple[Row, list[Row]]:
    """Lister output: ``columns`` (or every field the items have, in order)."""
    if columns is None:
        seen: dict[str, None] = {}
        for item in items:
            seen.update(dict.fromkeys(item))
        columns = tuple(seen)
    return tuple(columns), [tuple(item.get(name) for name in columns)
                            for item in items]


def show(item: Mapping[str, Any]) -> tuple[Row, Row]:
    """ShowOne output: every field of ``item``, in the API's order."""
    return tuple(item), tuple(item.values())


def read_text(path: str) -> str:
    """A file's text; ``-`` reads standard input."""
    if path == '-':
        return sys.stdin.read()
    try:
        with open(os.path.expanduser(path)) as stream:
            return stream.read()
    except OSError as error:
        raise exceptions.CommandError(f'Cannot read {path}: {error.strerror}')


def parse_mapping(value: str | None, what: str) -> dict[str, Any]:
    """A JSON or YAML object given inline, or in a file as ``@<path>``.

    ``None`` is ``{}``. Like python-mistralclient, a plain path to an existing
    file is read too.
    """
    if value is None:
        return {}
    if value.startswith('@'):
        value = read_text(value[1:])
    elif os.path.isfile(value):
        value = read_text(value)
    try:
        document = yaml.safe_load(value)
    except yaml.YAMLError as error:
        raise exceptions.CommandError(f'{what} is neither JSON nor YAML: {error}')
    if document is None:
        return {}
    if not isinstance(document, dict):
        raise exceptions.CommandError(
            f'{what} must be a JSON or YAML object, not {type(document).__name__}')
    return document


def parse_key_values(items: Iterable[str], what: str) -> dict[str, Any]:
    """``key=value`` pairs; each value is read as YAML (``n=3`` is a number)."""
    result: dict[str, Any] = {}
    for item in items:
        key, separator, value = item.partition('=')
        if not separator or not key:
            raise exceptions.CommandError(f'{what} takes key=value, not {item!r}')
        try:
            result[key] = yaml.safe_load(value) if value else ''
        except yaml.YAMLError:
            result[key] = value
    return result
