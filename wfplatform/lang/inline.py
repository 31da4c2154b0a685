"""The inline form ``name key=value …`` of actions, workflows and engine commands.

``action: std.echo output="hi" count=3`` means action ``std.echo`` with input
``{'output': 'hi', 'count': 3}``; ``fail msg=<% $.reason %>`` and
``fail(msg="boom")`` give an engine command its parameters, and
``retry: count=3 delay=1`` a policy its keys. A value may be:

* a quoted string, ``"…"`` or ``'…'``, taken as written (no escapes, as Mistral);
* a list or mapping in brackets, JSON or YAML flow style (``[1, 2]``, ``{a: 1}``);
* a word, which runs to the next separator and may hold expressions (``<% … %>``,
  ``{{ … }}``, ``{% … %}``) with spaces inside: kept as text when it holds one,
  else a number, ``true``, ``false`` or ``null`` when it is one (JSON spelling),
  else a string. Mistral silently drops plain words; here they count.

Unlike Mistral, anything that does not fit raises :class:`InlineSyntaxError`
instead of being ignored.
"""

import dataclasses
import json
import re
from typing import Any

import yaml

from wfplatform.expressions import safe_yaml

_PARAMETER_NAME = re.compile(r'[A-Za-z_][\w-]*')
_CLOSING = {'<%': '%>', '{{': '}}', '{%': '%}'}
_BRACKETS = {'[': ']', '{': '}'}


class InlineSyntaxError(ValueError):
    """The inline text cannot be parsed; the message says where and why."""


@dataclasses.dataclass(frozen=True)
class Command:
    """A name (action, workflow, task or engine command) and its parameters."""

    name: str
    params: dict[str, Any]


def parse_command(text: str) -> Command:
    """Split ``text`` into a name and parameters (``name a=1`` or ``name(a=1)``)."""
    text = text.strip()
    name_end = _name_end(text)
    name, rest = text[:name_end], text[name_end:]
    if not name or '=' in name:
        raise InlineSyntaxError(f"'{text}' does not start with a name")
    if rest.startswith('('):
        if not rest.endswith(')'):
            raise InlineSyntaxError(f"missing ')' at the end of '{text}'")
        return Command(name, _Scanner(rest[1:-1], separators=' \t\n,').parameters())
    return Command(name, _Scanner(rest, separators=' \t\n').parameters())


def parse_parameters(text: str) -> dict[str, Any]:
    """The ``key=value`` pairs of ``text``, which has no name before them."""
    return _Scanner(text, separators=' \t\n').parameters()


def _name_end(text: str) -> int:
    """Where the name ends: after a leading expression, or at a space or '('."""
    closing = _CLOSING.get(text[:2])
    if closing is not None:
        end = text.find(closing, 2)
        return len(text) if end < 0 else end + len(closing)
    match = re.match(r'[^\s(]*', text)
    return match.end() if match else 0


class _Scanner:
    """Reads ``key=value`` pairs from left to right."""

    def __init__(self, text: str, separators: str) -> None:
        self._text = text
        self._separators = separators
        self._position = 0

    def parameters(self) -> dict[str, Any]:
        params: dict[str, Any] = {}
        self._skip_separators()
        while self._position < len(self._text):
            name = self._name()
            if name in params:
                raise InlineSyntaxError(f"parameter '{name}' is given twice")
            params[name] = self._value(name)
            self._expect_separator(name)
            self._skip_separators()
        return params

    def _skip_separators(self) -> None:
        while (self._position < len(self._text)
               and self._text[self._position] in self._separators):
            self._position += 1

    def _name(self) -> str:
        match = _PARAMETER_NAME.match(self._text, self._position)
        rest = self._text[self._position:]
        if not match or not self._text.startswith('=', match.end()):
            raise InlineSyntaxError(
                f"expected 'name=value' at '{_shorten(rest)}'")
        self._position = match.end() + 1
        return match.group()

    def _value(self, name: str) -> Any:
        rest = self._text[self._position:]
        if not rest or rest[0] in self._separators:
            raise InlineSyntaxError(f"parameter '{name}' has no value")
        if rest[0] in '"\'':
            return self._take(self._find(rest[0], self._position + 1, name)
                              + 1 - self._position)[1:-1]
        if rest[0] in _BRACKETS and rest[:2] not in _CLOSING:
            return self._structure(name)
        return self._word(name)

    def _find(self, closing: str, start: int, name: str) -> int:
        end = self._text.find(closing, start)
        if end < 0:
            raise InlineSyntaxError(
                f"value of parameter '{name}' has no closing {closing}")
        return end

    def _word(self, name: str) -> Any:
        """Text up to the next separator, skipping over whole expressions."""
        end = self._position
        holds_expression = False
        while end < len(self._text) and self._text[end] not in self._separators:
            closing = _CLOSING.get(self._text[end:end + 2])
            if closing is None:
                end += 1
                continue
            end = self._find(closing, end + 2, name) + len(closing)
            holds_expression = True
        word = self._take(end - self._position)
        return word if holds_expression else _bare_value(word)

    def _take(self, length: int) -> str:
        value = self._text[self._position:self._position + length]
        self._position += length
        return value

    def _structure(self, name: str) -> Any:
        text = self._take(_bracket_length(self._text, self._position, name))
        try:
            return safe_yaml.load(text)
        except yaml.YAMLError as error:
            problem = getattr(error, 'problem', None) or 'cannot be parsed'
            raise InlineSyntaxError(
                f"value of parameter '{name}' is not a valid list or mapping: "
                f"{problem}") from error

    def _expect_separator(self, name: str) -> None:
        if (self._position < len(self._text)
                and self._text[self._position] not in self._separators):
            raise InlineSyntaxError(
                f"unexpected '{_shorten(self._text[self._position:])}' after the "
                f"value of parameter '{name}'")


def _bracket_length(text: str, start: int, name: str) -> int:
    """Length of the bracketed value at ``start``, skipping quoted text inside."""
    depth = 0
    quote = None
    for position in range(start, len(text)):
        character = text[position]
        if quote is not None:
            quote = None if character == quote else quote
        elif character in '"\'':
            quote = character
        elif character in '[{':
            depth += 1
        elif character in ']}':
            depth -= 1
            if depth == 0:
                return position + 1 - start
    raise InlineSyntaxError(f"value of parameter '{name}' has unbalanced brackets")


def _bare_value(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def _shorten(text: str) -> str:
    return text if len(text) <= 30 else text[:27] + '...'
