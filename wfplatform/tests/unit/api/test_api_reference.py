"""``doc/source/api/reference.rst`` is what tools/gen_api_ref.py makes of the API."""

import importlib.util
import pathlib

import testtools

from wfplatform.api import openapi

ROOT = pathlib.Path(__file__).resolve().parents[4]


def _generator():
    spec = importlib.util.spec_from_file_location(
        'gen_api_ref', ROOT / 'tools' / 'gen_api_ref.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class TestApiReference(testtools.TestCase):

    def test_committed_reference_is_generated_from_the_document(self):
        committed = (ROOT / 'doc' / 'source' / 'api' / 'reference.rst').read_text(
            encoding='utf-8')
        self.assertEqual(_generator().render(openapi.load()), committed,
                         'run: python tools/gen_api_ref.py')

    def test_every_operation_has_a_section(self):
        text = _generator().render(openapi.load())
        for item in openapi.load()['paths'].values():
            for method, operation in item.items():
                self.assertIn(f'.. _api-{operation["operationId"]}:', text, method)

    def test_reference_is_in_the_api_toctree(self):
        index = (ROOT / 'doc' / 'source' / 'api' / 'index.rst').read_text(
            encoding='utf-8')
        self.assertIn('   reference\n', index)
