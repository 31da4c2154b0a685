"""The OpenAPI description of the API: ``openapi.yaml`` beside this module.

The YAML is the source (kept by hand, checked against the controllers and the
wire types by ``wfplatform/tests/unit/api/test_openapi.py``); the API serves it
as JSON at ``GET /v2/openapi.json``, and ``tools/gen_api_ref.py`` renders the
API reference from it.
"""

import functools
import json
import pathlib
from typing import Any

import yaml

PATH = pathlib.Path(__file__).with_name('openapi.yaml')


def load(path: pathlib.Path = PATH) -> dict[str, Any]:
    """The document as a dictionary (a fresh copy; callers may change it)."""
    return json.loads(as_json(path))


@functools.cache
def as_json(path: pathlib.Path = PATH) -> str:
    """The document as JSON text, read and rendered once per process."""
    with open(path, encoding='utf-8') as document:
        return json.dumps(yaml.safe_load(document))
