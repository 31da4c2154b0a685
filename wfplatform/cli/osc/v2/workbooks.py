"""``openstack wfp workbook …``: workbooks (workflows and actions in one file)."""

from wfplatform.cli.osc.v2 import definitions

PATH = '/workbooks'
NOUN = 'workbook'


class ListWorkbooks(definitions.ListDefinitions):
    """List workbooks."""

    PATH = PATH
    KEY = 'workbooks'


class ShowWorkbook(definitions.ShowDefinition):
    """Show a workbook."""

    PATH = PATH
    NOUN = NOUN


class ShowWorkbookDefinition(definitions.ShowDefinitionText):
    """Print a workbook's definition."""

    PATH = PATH
    NOUN = NOUN


class CreateWorkbook(definitions.UploadDefinitions):
    """Create a workbook, its workflows and its actions."""

    PATH = PATH
    NOUN = NOUN


class UpdateWorkbook(CreateWorkbook):
    """Replace a workbook (the one its definition names)."""

    METHOD = 'PUT'


class ValidateWorkbook(definitions.ValidateDefinition):
    """Check a workbook definition without storing it (exit 1 if invalid)."""

    PATH = PATH
    NOUN = NOUN


class DeleteWorkbooks(definitions.DeleteDefinitions):
    """Delete workbooks with their workflows and actions."""

    PATH = PATH
    NOUN = NOUN
