"""``openstack wfp action …``: system and ad-hoc actions."""

from wfplatform.cli.osc.v2 import definitions

PATH = '/actions'
NOUN = 'action'


class ListActions(definitions.ListDefinitions):
    """List actions (system and ad-hoc)."""

    PATH = PATH
    KEY = 'actions'
    COLUMNS = ('id', 'name', 'namespace', 'is_system', 'input', 'description',
               'tags', 'created_at', 'updated_at')


class ShowAction(definitions.ShowDefinition):
    """Show an action."""

    PATH = PATH
    NOUN = NOUN


class ShowActionDefinition(definitions.ShowDefinitionText):
    """Print an ad-hoc action's definition."""

    PATH = PATH
    NOUN = NOUN


class CreateActions(definitions.UploadDefinitions):
    """Create the ad-hoc actions of a definition file."""

    PATH = PATH
    KEY = 'actions'
    NOUN = NOUN
    COLUMNS = ListActions.COLUMNS


class UpdateActions(CreateActions):
    """Replace the ad-hoc actions of a definition file (matched by name)."""

    METHOD = 'PUT'


class ValidateAction(definitions.ValidateDefinition):
    """Check an ad-hoc action definition without storing it (exit 1 if invalid)."""

    PATH = PATH
    NOUN = NOUN


class DeleteActions(definitions.DeleteDefinitions):
    """Delete ad-hoc actions."""

    PATH = PATH
    NOUN = NOUN
