"""Ad-hoc actions: an existing action with preset input and a transformed result.

A document is ``version: '2.0'`` followed by actions as top-level keys (what
``POST /v2/actions`` accepts); a workbook holds the same bodies under
``actions``. One action::

    greet:
      base: std.echo output="Hello, <% $.name %>"
      input: [name]
      output: <% $ %>

``base`` names the action it runs, with inline parameters as a task's
``action`` takes them; ``base-input`` gives more (it wins over an inline
parameter of the same name, as a task's ``input`` does); ``input`` declares
the action's own parameters, which ``base-input`` expressions read as ``$``;
``output`` transforms the base action's result.
"""

from typing import Any, Mapping
import uuid

from wfplatform.lang import checks
from wfplatform.lang import documents
from wfplatform.lang import errors
from wfplatform.lang import fields
from wfplatform.lang import inline
from wfplatform.lang import specs

Fields = dict[str, Any]


def parse_actions(text: str) -> list[specs.ActionSpec]:
    """The actions defined in ``text``, in written order.

    Raises ``InvalidDefinition`` (400) listing every problem with its line.
    """
    spec_errors, parsed = _parse(text)
    if spec_errors:
        raise documents.InvalidDocument('action', spec_errors)
    return parsed


def validate_actions(text: str) -> list[errors.SpecError]:
    """Every problem in ``text``, in line order; empty when it is valid."""
    return _parse(text)[0]


def parse_action(name: Any, data: Any, path: errors.Path,
                 log: errors.ErrorLog) -> specs.ActionSpec | None:
    """The spec of action ``name``, or None if it cannot be built; reports all."""
    valid_name = _is_action_name(name, path, log)
    if not checks.is_mapping(data, path, log):
        return None
    values: Fields = {}
    for key, value in data.items():
        parser = _FIELDS.get(key)
        if parser is None:
            log.add(path + (key,), checks.unknown_key(key, _FIELDS, ()))
        else:
            values.update(parser(value, path + (key,), log))
    if 'base' not in data:
        log.add(path, "'base' is required: the action this one runs")
    if not valid_name or 'base' not in values:
        return None
    inline_input = values.pop('inline_input')
    values['base_input'] = {**inline_input, **values.get('base_input', {})}
    if values['base'] == name:
        log.add(path + ('base',), f"action '{name}' cannot be based on itself")
    return specs.ActionSpec(name=name, **values)


def _parse(text: str) -> tuple[list[errors.SpecError], list[specs.ActionSpec]]:
    return documents.parse(text, _parse_document, [])


def _parse_document(data: Any, log: errors.ErrorLog) -> list[specs.ActionSpec]:
    if not documents.is_mapping_document(data, 'actions', log):
        return []
    documents.check_version(data, log)
    names = [name for name in data if name != 'version']
    if not names:
        log.add((), 'the definition does not define any action', line=1)
    parsed = [parse_action(name, data[name], (name,), log) for name in names]
    return [action for action in parsed if action is not None]


def _is_action_name(name: Any, path: errors.Path, log: errors.ErrorLog) -> bool:
    if not checks.is_name(name, 'action', path, log):
        return False
    try:
        uuid.UUID(name)
    except ValueError:
        return True
    log.add(path, 'action name must not look like a UUID; UUIDs identify '
                  'actions by id')
    return False


def _parse_base(value: Any, path: errors.Path, log: errors.ErrorLog) -> Fields:
    if not checks.is_text(value, path, log):
        return {}
    try:
        command = inline.parse_command(value)
    except inline.InlineSyntaxError as error:
        log.add(path, f'invalid inline parameters: {error}')
        return {}
    if not checks.is_name(command.name, 'base action', path, log):
        return {}
    checks.check_expressions(command.params, path, log)
    return {'base': command.name, 'inline_input': command.params}


def _parse_base_input(value: Any, path: errors.Path, log: errors.ErrorLog) -> Fields:
    if not checks.is_mapping(value, path, log):
        return {}
    checks.check_expressions(value, path, log)
    return {'base_input': value}


def _parse_output(value: Any, path: errors.Path, log: errors.ErrorLog) -> Fields:
    checks.check_expressions(value, path, log)
    return {'output': value}


_FIELDS: Mapping[str, fields.FieldParser] = {
    'base': _parse_base,
    'base-input': _parse_base_input,
    'input': fields.setting('input', fields.parse_input),
    'output': _parse_output,
    'description': fields.setting('description', fields.parse_description),
    'tags': fields.setting('tags', fields.parse_tags),
}
