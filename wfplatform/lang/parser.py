"""Parse a Mistral v2 workflow definition into specs, reporting every error.

The document is ``version: '2.0'`` followed by one or more workflows as top-level
keys (what ``POST /v2/workflows`` accepts). All problems are collected, each with
its path and line, and raised together in one
:class:`~wfplatform.exceptions.InvalidDefinition`.
"""

from typing import Any

from wfplatform import exceptions
from wfplatform.lang import checks
from wfplatform.lang import errors
from wfplatform.lang import specs
from wfplatform.lang import workflows
from wfplatform.lang import yaml_loader


class InvalidDefinition(exceptions.InvalidDefinition):
    """A definition with errors; ``errors`` lists them in line order."""

    def __init__(self, spec_errors: list[errors.SpecError]) -> None:
        lines = '\n'.join(f'  {error}' for error in spec_errors)
        super().__init__(f'Invalid workflow definition:\n{lines}')
        self.errors = spec_errors


def parse_workflows(text: str) -> list[specs.WorkflowSpec]:
    """The workflows defined in ``text``, in written order.

    Raises :class:`InvalidDefinition` (an ``exceptions.InvalidDefinition``)
    listing every problem found, each with its path and line.
    """
    spec_errors, parsed = _parse(text)
    if spec_errors:
        raise InvalidDefinition(spec_errors)
    return parsed


def validate_workflows(text: str) -> list[errors.SpecError]:
    """Every problem in ``text``, in line order; empty when it is valid."""
    return _parse(text)[0]


def _parse(text: str) -> tuple[list[errors.SpecError], list[specs.WorkflowSpec]]:
    try:
        document = yaml_loader.load(text)
    except yaml_loader.YamlSyntaxError as error:
        return [errors.SpecError('', error.line, error.message)], []
    log = errors.ErrorLog(document.lines)
    for path, line, message in document.problems:
        log.add(path, message, line)
    parsed = _parse_document(document.data, log)
    return log.errors, parsed


def _parse_document(data: Any, log: errors.ErrorLog) -> list[specs.WorkflowSpec]:
    if data is None:
        log.add((), 'the definition is empty', line=1)
        return []
    if not isinstance(data, dict):
        log.add((), 'the definition must be a mapping of workflows, not '
                    f'{checks.describe(data)}', line=1)
        return []
    if 'version' not in data:
        log.add((), "'version' is required; use version: '2.0'", line=1)
    elif not workflows.is_supported_version(data['version']):
        log.add(('version',), "unsupported version "
                              f"{checks.describe(data['version'])}; use '2.0'")
    names = [name for name in data if name != 'version']
    if not names:
        log.add((), 'the definition does not define any workflow', line=1)
    parsed = [workflows.parse_workflow(name, data[name], (name,), log)
              for name in names]
    return [workflow for workflow in parsed if workflow is not None]
