"""What every kind of definition document shares: loading, version, reporting.

Workflows, ad-hoc actions and workbooks are each a YAML document with
``version: '2.0'``. Loading one gives its plain data and an
:class:`~wfplatform.lang.errors.ErrorLog` already holding the loader's problems
(duplicate keys and the like); a syntax error is the only problem that stops
parsing early, because nothing past it can be read.
"""

from typing import Any, Callable, TypeVar

from wfplatform import exceptions
from wfplatform.lang import checks
from wfplatform.lang import errors
from wfplatform.lang import workflows
from wfplatform.lang import yaml_loader

ResultT = TypeVar('ResultT')


class InvalidDocument(exceptions.InvalidDefinition):
    """A definition of ``kind`` with errors; ``errors`` lists them in line order."""

    def __init__(self, kind: str, spec_errors: list[errors.SpecError]) -> None:
        lines = '\n'.join(f'  {error}' for error in spec_errors)
        super().__init__(f'Invalid {kind} definition:\n{lines}')
        self.errors = spec_errors


def parse(text: str, build: Callable[[Any, errors.ErrorLog], ResultT],
          empty: ResultT) -> tuple[list[errors.SpecError], ResultT]:
    """Load ``text`` and ``build`` it; every error found, and what was built.

    ``build`` gets the document's data (never None: an empty document is
    reported here) and reports to the log; ``empty`` is the result when the text
    cannot be loaded or holds nothing.
    """
    try:
        document = yaml_loader.load(text)
    except yaml_loader.YamlSyntaxError as error:
        return [errors.SpecError('', error.line, error.message)], empty
    log = errors.ErrorLog(document.lines)
    for path, line, message in document.problems:
        log.add(path, message, line)
    if document.data is None:
        log.add((), 'the definition is empty', line=1)
        return log.errors, empty
    result = build(document.data, log)
    return log.errors, result


def is_mapping_document(data: Any, what: str, log: errors.ErrorLog) -> bool:
    """True for a mapping; otherwise reports that the document must be one."""
    if isinstance(data, dict):
        return True
    log.add((), f'the definition must be a mapping of {what}, not '
                f'{checks.describe(data)}', line=1)
    return False


def check_version(data: dict[Any, Any], log: errors.ErrorLog) -> None:
    """``version`` is required and must read as 2.0, as for workflows."""
    if 'version' not in data:
        log.add((), "'version' is required; use version: '2.0'", line=1)
    elif not workflows.is_supported_version(data['version']):
        log.add(('version',), 'unsupported version '
                              f"{checks.describe(data['version'])}; use '2.0'")
