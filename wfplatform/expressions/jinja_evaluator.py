"""Jinja2 expressions and templates (``{{ … }}``, ``{% … %}``).

The data context is ``_`` (``{{ _.name }}``). Undefined values raise, as in
Mistral (``StrictUndefined``): ``{{ _.missing }}`` is an error, while
``{{ _.missing is defined }}`` and ``{{ _.missing | default(1) }}`` work. The
environment is built once per process; compiled templates are cached by source
text. The :class:`Runtime` of an evaluation is passed as a render variable under
a key that is not a valid Jinja2 name, so functions can reach it and templates
cannot.
"""

import functools
import logging
from typing import Any, Callable, Mapping

import jinja2

from wfplatform.expressions import errors
from wfplatform.expressions import functions
from wfplatform.expressions import jinja_sandbox
from wfplatform.expressions import limits
from wfplatform.expressions import plugins
from wfplatform.expressions import runtime as runtime_module

LOG = logging.getLogger(__name__)

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
def _tasks(context: jinja2.runtime.Context, workflow_execution_id: str | None = None,
           recursive: bool = False, state: str | None = None,
           flat: bool = False) -> Any:
    return functions.tasks(_runtime(context), workflow_execution_id, recursive,
                           state, flat)


@jinja2.pass_context
def _execution(context: jinja2.runtime.Context) -> Any:
    return functions.execution(_runtime(context))


@jinja2.pass_context
def _env(context: jinja2.runtime.Context) -> Any:
    return functions.env(_runtime(context))


@jinja2.pass_context
def _global(context: jinja2.runtime.Context, name: str) -> Any:
    return functions.global_variable(_runtime(context), name)


def _uuid() -> str:
    return functions.new_uuid()


_GLOBALS: Mapping[str, Any] = {
    'task': _task, 'tasks': _tasks, 'execution': _execution, 'env': _env,
    'global': _global, 'uuid': _uuid, 'json_parse': functions.json_parse,
    'json_dump': functions.json_dump, 'json_dumps': functions.json_dump,
    'yaml_parse': functions.yaml_parse, 'yaml_dump': functions.yaml_dump,
}

_STATE_FUNCTIONS = ('task', 'tasks', 'execution', 'env', 'global')
_DATA_FUNCTIONS = ('json_parse', 'json_dump', 'json_dumps', 'yaml_parse',
                   'yaml_dump')


def _state_filter(function: Any) -> Any:
    """``_ | task('t1')``: Mistral's filter form, which ignores the piped value."""
    @jinja2.pass_context
    def state_filter(context: jinja2.runtime.Context, value: Any, *args: Any,
                     **kwargs: Any) -> Any:
        return function(context, *args, **kwargs)
    return state_filter


def _data_filter(function: Any) -> Any:
    """``value | json_dump``; Mistral's ``_ | json_dump(value)`` also works."""
    def data_filter(value: Any, *args: Any) -> Any:
        return function(*(args or (value,)))
    return data_filter


def _plugin_global(function: Callable[..., Any]) -> Callable[..., Any]:
    """``my_func(x)`` calls ``function(_, x)``, as Mistral passes the data first."""
    @jinja2.pass_context
    def plugin_global(context: jinja2.runtime.Context, *args: Any,
                      **kwargs: Any) -> Any:
        return function(context[DATA_KEY], *args, **kwargs)
    return plugin_global


def _plugin_filter(function: Callable[..., Any]) -> Callable[..., Any]:
    """``value | my_func(x)`` calls ``function(value, x)``, checking the deadline."""
    @jinja2.pass_context
    def plugin_filter(context: jinja2.runtime.Context, value: Any, *args: Any,
                      **kwargs: Any) -> Any:
        jinja_sandbox.check_deadline(context)
        return function(value, *args, **kwargs)
    return plugin_filter


def _create_environment(registry: plugins.Registry) -> jinja_sandbox.BoundedSandbox:
    environment = jinja_sandbox.BoundedSandbox(
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        autoescape=False, cache_size=0)
    environment.globals.update(_GLOBALS)
    environment.filters.update({
        name: _state_filter(_GLOBALS[name]) for name in _STATE_FUNCTIONS})
    environment.filters['uuid'] = lambda value: _uuid()
    environment.filters.update({
        name: _data_filter(_GLOBALS[name]) for name in _DATA_FUNCTIONS})
    _add_plugins(environment, registry)
    return environment


def _add_plugins(environment: jinja2.Environment, registry: plugins.Registry) -> None:
    """Each custom function as a global and a filter, unless Jinja2 has that name."""
    for name, function in registry.functions.items():
        if name in environment.globals:
            LOG.warning('Expression function plugin %r is not available as a '
                        'Jinja2 function: a Jinja2 global has that name', name)
        else:
            environment.globals[name] = _plugin_global(function)
        if name in environment.filters:
            LOG.warning('Expression function plugin %r is not available as a '
                        'Jinja2 filter: a Jinja2 filter has that name', name)
        else:
            environment.filters[name] = _plugin_filter(function)


class _Templates:
    """One environment and what it compiled, cached by source text.

    Jinja2 looks filters up when it compiles, so compiled templates belong to the
    environment (and the plugins) they were compiled with.
    """

    def __init__(self, registry: plugins.Registry) -> None:
        self.environment = _create_environment(registry)
        self.single_expression = limits.cache_small_texts(4096)(
            self._single_expression)
        self.expression = limits.cache_small_texts(4096)(self._compile_expression)
        self.template = limits.cache_small_texts(4096)(self._compile_template)

    def _single_expression(self, text: str) -> str | None:
        """The source inside ``{{ … }}`` if ``text`` is exactly one such expression."""
        if not (text.startswith('{{') and text.endswith('}}')):
            return None
        try:
            tokens = list(self.environment.lex(text))
        except jinja2.TemplateSyntaxError:
            return None
        kinds = [kind for _, kind, _ in tokens]
        if kinds[0] != 'variable_begin' or kinds[-1] != 'variable_end':
            return None
        if kinds.count('variable_begin') != 1 or 'block_begin' in kinds:
            return None
        return text[len(tokens[0][2]):len(text) - len(tokens[-1][2])]

    def _compile_expression(self, source: str) -> jinja2.environment.TemplateExpression:
        return self.environment.compile_expression(source, undefined_to_none=False)

    def _compile_template(self, text: str) -> jinja2.Template:
        return self.environment.from_string(text)


@functools.lru_cache(maxsize=1)
def _templates_of(registry: plugins.Registry) -> _Templates:
    return _Templates(registry)


def _templates() -> _Templates:
    return _templates_of(plugins.registry())


def has_expression(text: str) -> bool:
    """True if ``text`` holds ``{{ … }}`` or ``{% … %}``; linear time."""
    for opening, closing in _DELIMITERS:
        start = text.find(opening)
        if start >= 0 and text.find(closing, start + len(opening)) >= 0:
            return True
    return False


def render_variables(data: Any, runtime: runtime_module.Runtime,
                     deadline: limits.Deadline | None = None) -> dict[str, Any]:
    """The variables of one evaluation: ``_`` is ``data``.

    Every expression rendered with them stops once ``deadline`` (by default
    :func:`limits.max_seconds` from now) has passed.
    """
    return {DATA_KEY: data, _RUNTIME_KEY: runtime,
            jinja_sandbox.DEADLINE_KEY: deadline or limits.Deadline.start()}


def render(text: str, variables: Mapping[str, Any]) -> Any:
    """Evaluate the Jinja2 in ``text``.

    A string that is exactly one ``{{ … }}`` yields the expression's value as is;
    any other string is rendered as a template into a string.
    """
    templates = _templates()
    source = templates.single_expression(text)
    try:
        if source is not None:
            return limits.to_plain(templates.expression(source)(variables))
        return _render_template(templates.template(text), variables)
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
        _templates().template(text)
    except jinja2.TemplateError as error:
        return [f'Invalid Jinja expression [expression={text}, '
                f'error={errors.describe(error)}]']
    return []
