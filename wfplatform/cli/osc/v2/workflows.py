"""``openstack wfp workflow …``: workflow definitions, and their task graph."""

import argparse

from osc_lib import exceptions

from wfplatform.cli import graph
from wfplatform.cli.osc import base
from wfplatform.cli.osc.v2 import definitions
from wfplatform import lang

PATH = '/workflows'
NOUN = 'workflow'


class ListWorkflows(definitions.ListDefinitions):
    """List workflows."""

    PATH = PATH
    KEY = 'workflows'
    COLUMNS = ('id', 'name', 'namespace', 'input', 'tags', 'scope', 'created_at',
               'updated_at')


class ShowWorkflow(definitions.ShowDefinition):
    """Show a workflow."""

    PATH = PATH
    NOUN = NOUN


class ShowWorkflowDefinition(definitions.ShowDefinitionText):
    """Print a workflow's definition."""

    PATH = PATH
    NOUN = NOUN


class CreateWorkflows(definitions.UploadDefinitions):
    """Create the workflows of a definition file."""

    PATH = PATH
    KEY = 'workflows'
    NOUN = NOUN
    COLUMNS = ListWorkflows.COLUMNS


class UpdateWorkflows(CreateWorkflows):
    """Replace the workflows of a definition file (matched by name)."""

    METHOD = 'PUT'


class ValidateWorkflow(definitions.ValidateDefinition):
    """Check a workflow definition without storing it (exit 1 if invalid)."""

    PATH = PATH
    NOUN = NOUN


class DeleteWorkflows(definitions.DeleteDefinitions):
    """Delete workflows."""

    PATH = PATH
    NOUN = NOUN


class ShowWorkflowGraph(base.Command):
    """Print a workflow's task graph, as text or as Graphviz DOT.

    Edges are the transitions with their kind (on-success, on-error,
    on-complete, on-skip) and condition, or the requires of a reverse workflow;
    joins are marked. ``--format dot | dot -Tsvg > graph.svg`` draws it.
    """

    def get_parser(self, prog_name: str) -> argparse.ArgumentParser:
        parser = super().get_parser(prog_name)
        parser.add_argument('identifier', metavar='<name-or-id>',
                            help='The workflow (name or id)')
        definitions.add_namespace(parser, NOUN)
        parser.add_argument('--format', choices=('text', 'dot'), default='text',
                            dest='graph_format',
                            help='text (default) or dot (Graphviz)')
        return parser

    def take_action(self, parsed_args: argparse.Namespace) -> None:
        workflow = definitions.fetch(self.client, PATH, parsed_args)
        spec = workflow_spec(workflow['name'], workflow['definition'])
        built = graph.build(spec)
        render = graph.to_dot if parsed_args.graph_format == 'dot' else graph.to_text
        self.app.stdout.write(render(built))


def workflow_spec(name: str, definition: str) -> lang.WorkflowSpec:
    """The spec of workflow ``name`` in its stored definition.

    A workbook's workflow is stored as ``<workbook>.<name>`` with a definition
    naming it ``<name>``.
    """
    try:
        parsed = lang.parse_workflows(definition)
    except lang.InvalidDefinition as error:
        raise exceptions.CommandError(f'The stored definition does not parse: '
                                      f'{error}')
    short = name.rsplit('.', 1)[-1]
    for spec in parsed:
        if spec.name in (name, short):
            return spec
    if len(parsed) == 1:
        return parsed[0]
    raise exceptions.CommandError(f'No workflow {name} in its definition')
