"""``openstack wfp cron trigger|event trigger|alarm trigger …``.

Each starts a workflow: on a schedule, on a notification from the message bus,
or when an Aodh alarm calls its webhook.
"""

import argparse
import re
from typing import Any

from wfplatform.cli.osc import base

Row = base.Row

CRON = '/cron_triggers'
EVENT = '/event_triggers'
ALARM = '/alarm_triggers'

_UUID = re.compile(r'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
                   re.I)


def _add_workflow(parser: argparse.ArgumentParser) -> None:
    parser.add_argument('workflow', metavar='<workflow>',
                        help='Workflow name or id')
    parser.add_argument('input', metavar='<input>', nargs='?',
                        help='Workflow input: JSON or YAML, or @file')
    parser.add_argument('--params', metavar='<params>',
                        help='Execution params: JSON or YAML, or @file')
    parser.add_argument('--namespace', metavar='<namespace>', default='',
                        help="The workflow's namespace")


def _workflow_values(parsed_args: argparse.Namespace) -> dict[str, Any]:
    key = 'workflow_id' if _UUID.match(parsed_args.workflow) else 'workflow_name'
    return {key: parsed_args.workflow,
            'workflow_namespace': parsed_args.namespace,
            'workflow_input': base.parse_mapping(parsed_args.input, 'The input'),
            'workflow_params': base.parse_mapping(parsed_args.params, '--params')}


class _Show(base.ShowOne):
    PATH = ''
    METAVAR = '<id>'

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument('identifier', metavar=self.METAVAR, help='Trigger')
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[Row, Row]:
        return base.show(self.client.get(f'{self.PATH}/{parsed_args.identifier}'))


class ListCronTriggers(base.Lister):
    """List cron triggers."""

    PATH = CRON
    KEY = 'cron_triggers'
    COLUMNS = ('id', 'name', 'workflow_name', 'pattern', 'next_execution_time',
               'remaining_executions', 'created_at')


class ShowCronTrigger(_Show):
    """Show a cron trigger."""

    PATH = CRON
    METAVAR = '<name-or-id>'


class CreateCronTrigger(base.ShowOne):
    """Create a cron trigger: a pattern, a first time, or both."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument('name', metavar='<name>', help='Trigger name')
        _add_workflow(parser)
        parser.add_argument('--pattern', metavar='<cron>',
                            help='Cron pattern: minute hour day month weekday')
        parser.add_argument('--first-time', metavar='<YYYY-MM-DD HH:MM>',
                            help='First firing (UTC)')
        parser.add_argument('--count', metavar='<n>', type=int,
                            help='Fire this many times, then delete the trigger')
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[Row, Row]:
        body = {'name': parsed_args.name, **_workflow_values(parsed_args),
                'pattern': parsed_args.pattern,
                'first_execution_time': parsed_args.first_time,
                'remaining_executions': parsed_args.count}
        return base.show(self.client.post(CRON, body))


class DeleteCronTriggers(base.Deleter):
    """Delete cron triggers."""

    PATH = CRON
    NOUN = 'cron trigger'
    METAVAR = '<name-or-id>'


class ListEventTriggers(base.Lister):
    """List event triggers."""

    PATH = EVENT
    KEY = 'event_triggers'
    COLUMNS = ('id', 'name', 'workflow_id', 'exchange', 'topic', 'event', 'scope',
               'created_at')


class ShowEventTrigger(_Show):
    """Show an event trigger."""

    PATH = EVENT


class CreateEventTrigger(base.ShowOne):
    """Create an event trigger: start a workflow on each matching notification."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument('name', metavar='<name>', help='Trigger name')
        parser.add_argument('workflow', metavar='<workflow>',
                            help='Workflow name or id')
        parser.add_argument('exchange', metavar='<exchange>')
        parser.add_argument('topic', metavar='<topic>')
        parser.add_argument('event', metavar='<event>',
                            help='Event type, e.g. compute.instance.create.end')
        parser.add_argument('input', metavar='<input>', nargs='?',
                            help='Workflow input: JSON or YAML, or @file')
        parser.add_argument('--params', metavar='<params>',
                            help='Execution params: JSON or YAML, or @file')
        parser.add_argument('--namespace', metavar='<namespace>', default='',
                            help="The workflow's namespace (to find it by name)")
        parser.add_argument('--public', action='store_true',
                            help='Fire on every project\'s notifications (admin)')
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[Row, Row]:
        body = {'name': parsed_args.name,
                'workflow_id': _workflow_id(self.client, parsed_args),
                'exchange': parsed_args.exchange, 'topic': parsed_args.topic,
                'event': parsed_args.event,
                'workflow_input': base.parse_mapping(parsed_args.input, 'The input'),
                'workflow_params': base.parse_mapping(parsed_args.params,
                                                      '--params'),
                'scope': 'public' if parsed_args.public else 'private'}
        return base.show(self.client.post(EVENT, body))


def _workflow_id(client: Any, parsed_args: argparse.Namespace) -> str:
    """The API takes only an id: a name is looked up in ``--namespace``."""
    if _UUID.match(parsed_args.workflow):
        return str(parsed_args.workflow)
    workflow = client.get(f'/workflows/{parsed_args.workflow}',
                          {'namespace': parsed_args.namespace or None})
    return str(workflow['id'])


class SetEventTrigger(base.ShowOne):
    """Rename an event trigger or change its workflow input or params."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument('id', metavar='<id>', help='Trigger id')
        parser.add_argument('--name', metavar='<name>')
        parser.add_argument('--input', metavar='<input>',
                            help='Workflow input: JSON or YAML, or @file')
        parser.add_argument('--params', metavar='<params>',
                            help='Execution params: JSON or YAML, or @file')
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[Row, Row]:
        body: dict[str, Any] = {}
        if parsed_args.name:
            body['name'] = parsed_args.name
        if parsed_args.input is not None:
            body['workflow_input'] = base.parse_mapping(parsed_args.input, '--input')
        if parsed_args.params is not None:
            body['workflow_params'] = base.parse_mapping(parsed_args.params,
                                                         '--params')
        return base.show(self.client.put(f'{EVENT}/{parsed_args.id}', body))


class DeleteEventTriggers(base.Deleter):
    """Delete event triggers."""

    PATH = EVENT
    NOUN = 'event trigger'
    METAVAR = '<id>'


class ListAlarmTriggers(base.Lister):
    """List alarm triggers."""

    PATH = ALARM
    KEY = 'alarm_triggers'
    COLUMNS = ('id', 'name', 'workflow_name', 'states', 'created_at')


class ShowAlarmTrigger(_Show):
    """Show an alarm trigger."""

    PATH = ALARM


class CreateAlarmTrigger(base.ShowOne):
    """Create an alarm trigger; its webhook URL (with the secret) is shown once."""

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument('name', metavar='<name>', help='Trigger name')
        _add_workflow(parser)
        parser.add_argument('--alarm-input', metavar='<input-name>',
                            help='The workflow input that receives the alarm')
        parser.add_argument('--state', metavar='<alarm-state>', action='append',
                            dest='states',
                            help='Start only on a change to this state (alarm, '
                                 'ok, insufficient data); repeatable')
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> tuple[Row, Row]:
        body = {'name': parsed_args.name, **_workflow_values(parsed_args)}
        if parsed_args.alarm_input:
            body['alarm_input'] = parsed_args.alarm_input
        if parsed_args.states:
            body['states'] = parsed_args.states
        return base.show(self.client.post(ALARM, body))


class DeleteAlarmTriggers(base.Deleter):
    """Delete alarm triggers."""

    PATH = ALARM
    NOUN = 'alarm trigger'
    METAVAR = '<id>'
