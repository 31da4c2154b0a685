"""Workbooks: workflows and ad-hoc actions uploaded and named together.

::

    version: '2.0'
    name: deploy
    description: Everything to deploy the app.
    tags: [ops]
    workflows:
      main:
        tasks: ...
    actions:
      notify:
        base: std.echo output=<% $.text %>
        input: [text]

Workflows and actions are written exactly as in their own documents. Stored,
they are named ``<workbook>.<name>`` (``deploy.main``), so that full name must
fit the 255 characters a name may have.
"""

from typing import Any, Mapping
import uuid

from wfplatform.lang import actions
from wfplatform.lang import checks
from wfplatform.lang import documents
from wfplatform.lang import errors
from wfplatform.lang import fields
from wfplatform.lang import specs
from wfplatform.lang import workflows

Fields = dict[str, Any]


def parse_workbook(text: str) -> specs.WorkbookSpec:
    """The workbook defined in ``text``.

    Raises ``InvalidDefinition`` (400) listing every problem with its line,
    those of its workflows and actions included.
    """
    spec_errors, parsed = _parse(text)
    if spec_errors or parsed is None:
        raise documents.InvalidDocument('workbook', spec_errors)
    return parsed


def validate_workbook(text: str) -> list[errors.SpecError]:
    """Every problem in ``text``, in line order; empty when it is valid."""
    return _parse(text)[0]


def _parse(text: str) -> tuple[list[errors.SpecError], specs.WorkbookSpec | None]:
    return documents.parse(text, _parse_document, None)


def _parse_document(data: Any, log: errors.ErrorLog) -> specs.WorkbookSpec | None:
    if not documents.is_mapping_document(data, 'workbook keys', log):
        return None
    documents.check_version(data, log)
    values: Fields = {}
    for key, value in data.items():
        parser = _FIELDS.get(key)
        if parser is None:
            log.add((key,), checks.unknown_key(key, _FIELDS, ()))
        else:
            values.update(parser(value, (key,), log))
    if 'name' not in data:
        log.add((), "'name' is required", line=1)
    if 'name' not in values:
        return None
    _check_full_names(values, log)
    return specs.WorkbookSpec(**values)


def _parse_name(value: Any, path: errors.Path, log: errors.ErrorLog) -> Fields:
    if not checks.is_name(value, 'workbook', path, log):
        return {}
    try:
        uuid.UUID(value)
    except ValueError:
        return {'name': value}
    log.add(path, 'workbook name must not look like a UUID; UUIDs identify '
                  'workbooks by id')
    return {}


def _parse_workflows(value: Any, path: errors.Path, log: errors.ErrorLog) -> Fields:
    if not checks.is_mapping(value, path, log):
        return {}
    parsed = [workflows.parse_workflow(name, body, path + (name,), log)
              for name, body in value.items()]
    return {'workflows': tuple(spec for spec in parsed if spec is not None)}


def _parse_actions(value: Any, path: errors.Path, log: errors.ErrorLog) -> Fields:
    if not checks.is_mapping(value, path, log):
        return {}
    parsed = [actions.parse_action(name, body, path + (name,), log)
              for name, body in value.items()]
    return {'actions': tuple(spec for spec in parsed if spec is not None)}


def _check_full_names(values: Fields, log: errors.ErrorLog) -> None:
    """``<workbook>.<name>`` must fit a name column."""
    prefix = f"{values['name']}."
    for key in ('workflows', 'actions'):
        for spec in values.get(key, ()):
            if len(prefix + spec.name) > checks.MAX_NAME_LENGTH:
                log.add((key, spec.name),
                        f"the full name '{prefix}{spec.name}' is longer than "
                        f'{checks.MAX_NAME_LENGTH} characters')


def _ignore(value: Any, path: errors.Path, log: errors.ErrorLog) -> Fields:
    """``version`` is checked with the document."""
    return {}


_FIELDS: Mapping[str, fields.FieldParser] = {
    'version': _ignore,
    'name': _parse_name,
    'description': fields.setting('description', fields.parse_description),
    'tags': fields.setting('tags', fields.parse_tags),
    'workflows': _parse_workflows,
    'actions': _parse_actions,
}
