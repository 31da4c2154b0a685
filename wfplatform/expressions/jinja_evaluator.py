"""Jinja2 expressions and templates (``{{ … }}``, ``{% … %}``).

The data context is ``_`` (``{{ _.name }}``). Undefined values raise, as in
Mistral (``StrictUndefined``): ``{{ _.missing }}`` is an error, while
``{{ _.missing is defined }}`` and ``{{ _.missing | default(1) }}`` work. The
environment is built once per process; compiled templates are cached by source
text. The :class:`Runtime` of an evaluation is passed as a render variable under
a key that is not a valid Jinja2 name, so functions can reach it and templates
cannot.
"""

from typing import Any, Mapping

import jinja2

from wfplatform.expressions import errors
from wfplatform.expressions import functions
from wfplatform.expressions import jinja_sandbox
from wfplatform.expressions import limits
from wfplatform.expressions import runtime as runtime_module

_DELIMITERS = (('{{', '}}'), ('{%', '%}'))

DATA_KEY = '_'
_RUNTIME_KEY = '#runtime'


def _runtime(context: jinja2.runtime.Context) -> runtime_module.Runtime:
    runtime: runtime_module.Runtime = context[_RUNTIME_KEY]
    return runtime


@jinja2.pass_context
def _task(context: jinja2.runtime.Context, name: str | None = None) -> Any:
    return functions.task(_runtime(context), name)


@jinja2.pass_context
def _execution(context: jinja2.runtime.Context) -> Any:
    return functions.execution(_runtime(context))


@jinja2.pass_context
def _env(context: jinja2.runtime.Context) -> Any:
    return functions.env(_runtime(context))


def _uuid() -> str:
    return functions.new_uuid()


_GLOBALS: Mapping[str, Any] = {
    'task': _task, 'execution': _execution, 'env': _env, 'uuid': _uuid,
    'json_parse': functions.json_parse, 'json_dump': functions.json_dump,
    'json_dumps': functions.json_dump, 'yaml_parse': functions.yaml_parse,
    'yaml_dump': functions.yaml_dump,
}


def _state_filter(function: Any) -> Any:
    """``_ | task('t1')``: Mistral's filter form, which ignores the piped value."""
    @jinja2.pass_context
    def state_filter(context: jinja2.runtime.Context, value: Any, *args: Any) -> Any:
        return function(context, *args)
    return state_filter


def _data_filter(function: Any) -> Any:
    """``value | json_dump``; Mistral's ``_ | json_dump(value)`` also works."""
    def data_filter(value: Any, *args: Any) -> Any:
        return function(*(args or (value,)))
    return data_filter


def _create_environment() -> jinja_sandbox.BoundedSandbox:
    environment = jinja_sandbox.BoundedSandbox(
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        autoescape=False, cache_size=0)
    environment.globals.update(_GLOBALS)
    environment.filters.update({
        'task': _state_filter(_task), 'execution': _state_filter(_execution),
        'env': _state_filter(_env), 'uuid': lambda value: _uuid(),
    })
    environment.filters.update({
        name: _data_filter(_GLOBALS[name])
        for name in ('json_parse', 'json_dump', 'json_dumps', 'yaml_parse',
                     'yaml_dump')})
    return environment


_ENVIRONMENT = _create_environment()


def has_expression(text: str) -> bool:
    """True if ``text`` holds ``{{ … }}`` or ``{% … %}``; linear time."""
    for opening, closing in _DELIMITERS:
        start = text.find(opening)
        if start >= 0 and text.find(closing, start + len(opening)) >= 0:
            return True
    return False


def render_variables(data: Any, runtime: runtime_module.Runtime) -> dict[str, Any]:
    """The variables of one evaluation: ``_`` is ``data``."""
    return {DATA_KEY: data, _RUNTIME_KEY: runtime}


@limits.cache_small_texts(maxsize=4096)
def _single_expression(text: str) -> str | None:
    """The source inside ``{{ … }}`` if ``text`` is exactly one such expression."""
    if not (text.startswith('{{') and text.endswith('}}')):
        return None
    try:
        tokens = list(_ENVIRONMENT.lex(text))
    except jinja2.TemplateSyntaxError:
        return None
    kinds = [kind for _, kind, _ in tokens]
    if kinds[0] != 'variable_begin' or kinds[-1] != 'variable_end':
        return None
    if kinds.count('variable_begin') != 1 or 'block_begin' in kinds:
        return None
    return text[len(tokens[0][2]):len(text) - len(tokens[-1][2])]


@limits.cache_small_texts(maxsize=4096)
def _compile_expression(source: str) -> jinja2.environment.TemplateExpression:
    return _ENVIRONMENT.compile_expression(source, undefined_to_none=False)


@limits.cache_small_texts(maxsize=4096)
def _compile_template(text: str) -> jinja2.Template:
    return _ENVIRONMENT.from_string(text)


def render(text: str, variables: Mapping[str, Any]) -> Any:
    """Evaluate the Jinja2 in ``text``.

    A string that is exactly one ``{{ … }}`` yields the expression's value as is;
    any other string is rendered as a template into a string.
    """
    source = _single_expression(text)
    try:
        if source is not None:
            return limits.to_plain(_compile_expression(source)(variables))
        return _render_template(_compile_template(text), variables)
    except runtime_module.RuntimeDataMissing:
        raise
    except Exception as error:
        shown = text if source is None else source.strip()
        raise errors.ExpressionError(
            f'Can not evaluate Jinja expression [expression={shown}, '
            f'error={errors.describe(error)}]') from error


def _render_template(template: jinja2.Template, variables: Mapping[str, Any]) -> str:
    parts = []
    length = 0
    for part in template.generate(variables):
        length += len(part)
        limits.check_length(length)
        parts.append(part)
    return ''.join(parts)


def validate(text: str) -> list[str]:
    """Syntax errors of the Jinja2 in ``text`` (empty if it compiles)."""
    try:
        _compile_template(text)
    except jinja2.TemplateError as error:
        return [f'Invalid Jinja expression [expression={text}, '
                f'error={errors.describe(error)}]']
    return []
