"""A YAML loader that refuses anchors and aliases.

Aliases let a few hundred bytes of YAML expand into gigabytes of data ("billion
laughs", CVE-2018-16848 in Mistral). Workflow definitions and the ``yaml_parse()``
expression function both read YAML written by users, so both use this loader.
Timestamps stay strings so every loaded value is JSON-serialisable.
"""

from typing import Any

import yaml

_TIMESTAMP_TAG = 'tag:yaml.org,2002:timestamp'


class SafeLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that raises a ``ComposerError`` on anchors and aliases."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, 'anchor', None):
            raise yaml.composer.ComposerError(
                None, None, 'YAML anchors and aliases are not allowed',
                event.start_mark)
        return super().compose_node(parent, index)

    def construct_timestamp_as_text(self, node: yaml.ScalarNode) -> str:
        return str(self.construct_scalar(node))


SafeLoader.add_constructor(_TIMESTAMP_TAG, SafeLoader.construct_timestamp_as_text)


def load(text: str) -> Any:
    """Parse one YAML document; raises ``yaml.YAMLError`` on bad or unsafe input."""
    return yaml.load(text, Loader=SafeLoader)  # nosec B506: SafeLoader subclass


def dump(value: Any) -> str:
    """Serialise plain data as block-style YAML, as Mistral's ``yaml_dump()``."""
    return yaml.safe_dump(value, default_flow_style=False)
