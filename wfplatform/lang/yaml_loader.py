"""Load a definition's YAML keeping the line of every key and list item.

Built on :class:`wfplatform.expressions.safe_yaml.SafeLoader`, which refuses
anchors and aliases. Nodes are turned into plain data here rather than by PyYAML's
constructor so that duplicate keys and non-scalar keys are reported (PyYAML keeps
the last duplicate silently) and every location is remembered.
"""

import dataclasses
from typing import Any

import yaml

from wfplatform.expressions import safe_yaml
from wfplatform.lang import errors

_MERGE_TAG = 'tag:yaml.org,2002:merge'
_COLLECTION_TAGS = ('tag:yaml.org,2002:map', 'tag:yaml.org,2002:seq')


class YamlSyntaxError(ValueError):
    """The text is not YAML this loader accepts; ``line`` is 1-based or None."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclasses.dataclass(frozen=True)
class Document:
    """Plain data of a YAML document and the line of each path in it."""

    data: Any
    lines: dict[errors.Path, int]
    problems: tuple[tuple[errors.Path, int, str], ...]
    """Duplicate or unusable keys found while loading, as (path, line, message)."""


def load(text: str) -> Document:
    """Parse ``text``; raises :class:`YamlSyntaxError` if it cannot be parsed."""
    try:
        loader = safe_yaml.SafeLoader(text)
    except yaml.YAMLError as error:
        raise _syntax_error(error) from error
    try:
        node = loader.get_single_node()
        builder = _Builder(loader)
        data = builder.build(node, ()) if node is not None else None
    except yaml.YAMLError as error:
        raise _syntax_error(error) from error
    except RecursionError:
        raise YamlSyntaxError('the document is nested too deeply', None) from None
    finally:
        loader.dispose()
    return Document(data, builder.lines, tuple(builder.problems))


def _syntax_error(error: yaml.YAMLError) -> YamlSyntaxError:
    mark = getattr(error, 'problem_mark', None) or getattr(error, 'context_mark', None)
    parts = [getattr(error, 'context', None), getattr(error, 'problem', None)]
    problem = ', '.join(part for part in parts if part) or str(error)
    if mark is None:
        return YamlSyntaxError(f'invalid YAML: {problem}', None)
    return YamlSyntaxError(
        f'invalid YAML at column {mark.column + 1}: {problem}', mark.line + 1)


class _Builder:
    def __init__(self, loader: safe_yaml.SafeLoader) -> None:
        self._loader = loader
        self.lines: dict[errors.Path, int] = {}
        self.problems: list[tuple[errors.Path, int, str]] = []

    def build(self, node: yaml.Node, path: errors.Path) -> Any:
        if not isinstance(node, yaml.ScalarNode) and node.tag not in _COLLECTION_TAGS:
            raise yaml.constructor.ConstructorError(
                None, None, f"the tag '{node.tag}' is not allowed", node.start_mark)
        if isinstance(node, yaml.MappingNode):
            return self._build_mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                self.lines[path + (index,)] = item.start_mark.line + 1
                items.append(self.build(item, path + (index,)))
            return items
        return self._loader.construct_object(node)

    def _build_mapping(self, node: yaml.MappingNode, path: errors.Path) -> dict:
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = self._key(key_node, path)
            if key is None:
                continue
            key_path = path + (key,)
            if key in mapping:
                self.problems.append((
                    key_path, key_node.start_mark.line + 1,
                    f"duplicate key '{key}' (first on line {self.lines[key_path]})"))
                continue
            self.lines[key_path] = key_node.start_mark.line + 1
            mapping[key] = self.build(value_node, key_path)
        return mapping

    def _key(self, key_node: yaml.Node, path: errors.Path) -> Any:
        line = key_node.start_mark.line + 1
        if key_node.tag == _MERGE_TAG:
            self.problems.append((path, line, "merge keys ('<<') are not allowed"))
        elif not isinstance(key_node, yaml.ScalarNode):
            self.problems.append(
                (path, line, 'keys must be plain values, not lists or mappings'))
        else:
            return self._loader.construct_object(key_node)
        return None
