"""A Jinja2 sandbox that also bounds how much a template may build.

``ImmutableSandboxedEnvironment`` stops templates from reaching Python internals
(``''.__class__.__mro__``) and from changing the caller's data in place
(``_.items.append(…)``), but lets a one-line template allocate gigabytes
(``'x' * 10**10``, ``'x'.ljust(10**10)``, ``{% set a = a ~ a %}`` repeated). Every
operation that can build large text or collections is checked here against
:mod:`limits` before it runs: the intercepted operators, every call, the ``~``
operator, the output of ``{{ … }}`` and the filters that take a size argument.

Time is bounded by the :class:`~limits.Deadline` the caller puts in the render
variables under :data:`DEADLINE_KEY`: every call (functions, methods, macros,
recursive loops), every intercepted operator and every iteration of a
``{% for %}`` loop checks it. A template cannot repeat work any other way.
"""

import functools
import re
import string
from typing import Any, Callable, Iterable, Iterator, Mapping

import jinja2
from jinja2 import compiler
from jinja2 import nodes
from jinja2 import sandbox
from jinja2 import utils as jinja_utils

from wfplatform.expressions import limits

DEADLINE_KEY = '#deadline'
"""Render variable holding the evaluation's deadline; not a valid Jinja2 name."""

_PRINTF_WIDTHS = re.compile(r'%(?:\([^)]*\))?[#0 +\-]*(\*|\d*)(?:\.(\*|\d*))?')
_NUMBER = re.compile(r'\d+')
_FORMATTER = string.Formatter()


class _CodeGenerator(compiler.CodeGenerator):
    """Compiles ``a ~ b`` to a size-checked join and loops to timed loops."""

    def visit_For(self, node: nodes.For, frame: compiler.Frame) -> None:
        node.iter = nodes.Call(nodes.EnvironmentAttribute('timed_iteration'),
                               [node.iter], [], None, None, lineno=node.lineno)
        super().visit_For(node, frame)

    def visit_Concat(self, node: nodes.Concat, frame: compiler.Frame) -> None:
        self.write('environment.join_text((')
        for argument in node.nodes:
            self.visit(argument, frame)
            self.write(', ')
        self.write('))')


class BoundedNamespace(jinja_utils.Namespace):
    """``namespace()`` whose attributes, set in loops, cannot grow without bound."""

    def __setitem__(self, name: str, value: Any) -> None:
        limits.text_size(value)
        super().__setitem__(name, value)


def check_deadline(context: Any) -> None:
    """Raise once the deadline in the render variables of ``context`` has passed."""
    deadline = context.get(DEADLINE_KEY) if context is not None else None
    if deadline is not None:
        deadline.check()


@jinja2.pass_context
def _timed_iteration(context: Any, iterable: Any) -> Any:
    """The iterable of a ``{% for %}``, checking the deadline before each item."""
    deadline = context.get(DEADLINE_KEY)
    return iterable if deadline is None else _timed(iterable, deadline)


def _timed(iterable: Iterable[Any], deadline: limits.Deadline) -> Iterator[Any]:
    for item in iterable:
        deadline.check()
        yield item


def _bounded_text(value: Any) -> Any:
    """Finalizer of every ``{{ … }}`` output: refuse values too large as text."""
    limits.text_size(value)
    return value


class BoundedSandbox(sandbox.ImmutableSandboxedEnvironment):
    """The sandbox every Jinja2 expression runs in."""

    intercepted_binops = frozenset({'+', '*', '**', '%'})
    code_generator_class = _CodeGenerator
    timed_iteration = staticmethod(_timed_iteration)

    def __init__(self, **options: Any) -> None:
        super().__init__(finalize=_bounded_text, **options)
        del self.globals['lipsum']
        self.globals['namespace'] = BoundedNamespace
        self.filters.update(_bounded_filters(self.filters))

    def call_binop(self, context: Any, operator: str, left: Any,
                   right: Any) -> Any:
        check_deadline(context)
        _BINARY_CHECKS[operator](left, right)
        return limits.check_size(super().call_binop(context, operator, left, right))

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        # Double underscores as in the base: a call may pass "context=…".
        check_deadline(__context)
        args = _check_call(__obj, args, kwargs)
        return limits.check_size(super().call(__context, __obj, *args, **kwargs))

    def join_text(self, parts: Iterable[Any]) -> str:
        """``a ~ b ~ …``, refused before joining when the result would be too large."""
        parts = list(parts)
        limits.check_length(sum(limits.text_size(part) for part in parts))
        return ''.join(str(part) for part in parts)


def _check_add(left: Any, right: Any) -> None:
    if isinstance(left, str) and isinstance(right, str):
        limits.check_length(len(left) + len(right))
    elif _is_sequence(left) and _is_sequence(right):
        limits.check_items(len(left) + len(right))


def _check_multiply(left: Any, right: Any) -> None:
    limits.check_product(left, right)
    sequence, count = (right, left) if isinstance(left, int) else (left, right)
    if not isinstance(count, int) or count <= 0:
        return
    if isinstance(sequence, str):
        limits.check_length(len(sequence) * count)
    elif _is_sequence(sequence):
        limits.check_items(len(sequence) * count)


def _check_modulo(left: Any, right: Any) -> None:
    if isinstance(left, str):
        values = right if isinstance(right, tuple) else (right,)
        _check_printf(left, values)


_BINARY_CHECKS: Mapping[str, Callable[[Any, Any], None]] = {
    '+': _check_add, '*': _check_multiply, '**': limits.check_power,
    '%': _check_modulo,
}


def _is_sequence(value: Any) -> bool:
    return isinstance(value, (list, tuple))


def _check_printf(template: str, values: Iterable[Any]) -> None:
    """Refuse ``template % values`` when its result could be too large."""
    specs = _PRINTF_WIDTHS.findall(template)
    _check_formatting(template, len(specs), _widths(specs), values,
                      any('*' in spec for spec in specs))


def _check_str_format(template: str, values: Iterable[Any]) -> None:
    """Refuse ``template.format(*values)`` when its result could be too large.

    A format spec may take its width from an argument (``'{0:>{1}}'``, also after
    a conversion such as ``!r``); then every integer argument counts as a width.
    """
    try:
        specs = [spec or '' for _, name, spec, _ in _FORMATTER.parse(template)
                 if name is not None]
    except ValueError:
        return  # str.format refuses the template before building anything
    width = max((int(number) for spec in specs for number in _NUMBER.findall(spec)),
                default=0)
    _check_formatting(template, len(specs), width, values,
                      any('{' in spec for spec in specs))


def _widths(specs: Iterable[tuple[str, str]]) -> int:
    return max((int(number) for spec in specs for number in spec
                if number.isdigit()), default=0)


def _check_formatting(template: str, fields: int, width: int,
                      values: Iterable[Any], widths_from_values: bool) -> None:
    values = list(values)
    longest = max((limits.text_size(value) for value in values), default=0)
    if widths_from_values:
        width = max([width] + [value for value in values
                               if isinstance(value, int)])
    limits.check_length(len(template) + fields * (longest + width))


def _check_call(function: Any, args: tuple[Any, ...],
                kwargs: dict[str, Any]) -> tuple[Any, ...]:
    """Refuse calls of text methods that would build too much; return the args.

    ``join`` may get a one-shot iterator, so its items are materialised (up to
    the limit) and passed on as a list.
    """
    target = getattr(function, '__wrapped__', function)
    owner = getattr(target, '__self__', None)
    if not isinstance(owner, str):
        return args
    name = getattr(target, '__name__', '')
    if name in ('center', 'ljust', 'rjust', 'zfill') and args:
        _check_width(args[0])
    elif name == 'expandtabs':
        tab_size = args[0] if args else kwargs.get('tabsize', 8)
        if isinstance(tab_size, int):
            limits.check_length(len(owner) * tab_size)
    elif name == 'replace' and len(args) >= 2:
        limits.check_replace(owner, args[0], args[1], *args[2:])
    elif name == 'join' and args:
        items = limits.bounded_list(args[0])
        limits.check_join(owner, items)
        return (items,) + args[1:]
    elif name in ('format', 'format_map'):
        _check_str_format(owner, list(args) + list(kwargs.values()))
    return args


def _check_width(width: Any) -> None:
    if isinstance(width, int):
        limits.check_length(width)


def _bounded_filters(filters: Mapping[str, Any]) -> dict[str, Any]:
    """Versions of the built-in filters that take a size, checked before running."""
    return {
        'center': _guard(filters['center'], _check_center),
        'indent': _guard(filters['indent'], _check_indent),
        'format': _guard(filters['format'], _check_format_filter),
        'batch': _guard(filters['batch'], _check_count),
        'slice': _guard(filters['slice'], _check_count),
        'string': _guard(filters['string'], limits.text_size),
        'join': _join_filter(filters['join']),
        'replace': _guard(filters['replace'], limits.check_replace, skip_first=True),
    }


def _guard(built_in: Callable[..., Any], check: Callable[..., Any],
           skip_first: bool = False) -> Callable[..., Any]:
    """``built_in`` preceded by ``check`` of its arguments.

    ``skip_first`` leaves out the evaluation context Jinja2 passes to some
    filters; ``functools.wraps`` keeps the marker that tells Jinja2 to pass it.
    """
    @functools.wraps(built_in)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        check(*args[1 if skip_first else 0:], **kwargs)
        return built_in(*args, **kwargs)
    return guarded


def _check_center(value: Any, width: Any = 80) -> None:
    _check_width(width)


def _check_indent(text: Any, width: Any = 4, *args: Any, **kwargs: Any) -> None:
    if isinstance(width, int):
        lines = str(text).count('\n') + 1
        limits.check_length(len(str(text)) + width * lines)


def _check_format_filter(template: Any, *args: Any, **kwargs: Any) -> None:
    _check_printf(str(template), list(args) + list(kwargs.values()))


def _check_count(value: Any, count: Any, *args: Any, **kwargs: Any) -> None:
    if isinstance(count, int):
        limits.check_items(count)


def _join_filter(built_in: Callable[..., Any]) -> Callable[..., Any]:
    """The ``join`` filter over items materialised and measured first."""
    @functools.wraps(built_in)
    def join(context: Any, value: Any, separator: str = '',
             attribute: Any = None) -> Any:
        items = limits.bounded_list(value)
        if attribute is None:
            limits.check_join(str(separator), items)
        return built_in(context, items, separator, attribute)
    return join
