"""Event definitions: matching event types, finding traits, refusing bad files."""

import os

import fixtures
import testtools

from wfplatform import exceptions
from wfplatform.triggers import event_definitions

SAMPLE = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'etc',
                      'wfplatform', 'event_definitions.yaml.sample')

DEFINITIONS = """
- event_type: '*'
  traits:
    service:
      fields: publisher_id
- event_type: compute.instance.*
  traits:
    instance_id:
      fields: payload.instance_id
    host:
      fields: [payload.host, publisher_id]
    vcpus:
      type: int
      fields: payload.vcpus
    ratio:
      type: float
      fields: payload.ratio
    launched_at:
      type: datetime
      fields: payload.launched_at
    name:
      type: string
      fields: payload.flavor
    flavor:
      fields: payload.flavor
    address:
      fields: payload.fixed_ips[1].address
    first_address:
      fields: payload.fixed_ips.0.address
    project:
      fields: [_context_project_id, context.tenant]
- event_type: [compute.instance.delete.*, '!*.start']
  traits:
    deleted:
      fields: payload.instance_id
"""


def document(event_type: str = 'compute.instance.create.end',
             **payload: object) -> dict[str, object]:
    return {'event_type': event_type, 'publisher_id': 'compute.host1',
            'payload': payload, 'context': {'tenant': 't1'},
            '_context_tenant': 't1'}


class TraitsTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.logger = self.useFixture(fixtures.FakeLogger())
        self.definitions = event_definitions.parse(DEFINITIONS)

    def traits(self, event_type: str = 'compute.instance.create.end',
               **payload: object) -> dict[str, object]:
        return self.definitions.traits(event_type, document(event_type, **payload))

    def test_the_first_field_found_wins_and_missing_traits_are_left_out(self):
        self.assertEqual({'instance_id': 'a1', 'host': 'node-7', 'project': 't1'},
                         self.traits(instance_id='a1', host='node-7'))
        self.assertEqual({'host': 'compute.host1', 'project': 't1'},
                         self.traits(host=None))

    def test_types_convert_and_a_value_that_does_not_is_left_out_and_logged(self):
        traits = self.traits(vcpus='4', ratio=2,
                             launched_at='2026-11-23 13:00:00+01:00')
        self.assertEqual((4, 2.0, '2026-11-23T12:00:00'),
                         (traits['vcpus'], traits['ratio'], traits['launched_at']))
        self.assertIsInstance(traits['ratio'], float)
        traits = self.traits(vcpus='many', ratio=True, launched_at='yesterday')
        self.assertEqual({'host', 'project'}, set(traits))
        self.assertIn("trait vcpus left out: 'many' is not int", self.logger.output)
        self.assertIn('trait launched_at left out', self.logger.output)

    def test_without_a_type_values_are_kept_as_found_and_string_makes_text(self):
        traits = self.traits(flavor={'vcpus': 2, 'name': 'm1'})
        self.assertEqual({'vcpus': 2, 'name': 'm1'}, traits['flavor'])
        self.assertEqual('{"name": "m1", "vcpus": 2}', traits['name'])
        self.assertEqual('3', self.traits(flavor=3)['name'])

    def test_list_items_by_bracket_or_numeric_key(self):
        traits = self.traits(fixed_ips=[{'address': '10.0.0.1'},
                                        {'address': '10.0.0.2'}])
        self.assertEqual(('10.0.0.2', '10.0.0.1'),
                         (traits['address'], traits['first_address']))
        self.assertNotIn('address', self.traits(fixed_ips=[{'address': 'x'}]))
        self.assertNotIn('address', self.traits(fixed_ips='not a list'))

    def test_the_last_matching_definition_wins(self):
        self.assertEqual({'service': 'compute.host1'},
                         self.traits('image.upload', instance_id='a1'))
        self.assertEqual({'deleted': 'a1'},
                         self.traits('compute.instance.delete.end', instance_id='a1'))
        self.assertIn('instance_id', self.traits('compute.instance.delete.start',
                                                 instance_id='a1'))

    def test_exclusions_alone_match_every_other_event_type(self):
        definitions = event_definitions.parse(
            "- event_type: '!compute.*'\n  traits: {who: {fields: publisher_id}}")
        self.assertEqual({'who': 'compute.host1'},
                         definitions.traits('image.upload', document()))
        self.assertEqual({}, definitions.traits('compute.x', document()))

    def test_no_definitions_no_traits(self):
        self.assertEqual({}, event_definitions.NONE.traits('a', document()))
        self.assertEqual((), event_definitions.parse('').definitions)
        self.assertEqual({}, event_definitions.parse('[]').traits('a', document()))

    def test_the_sample_file_is_valid_and_maps_a_nova_notification(self):
        definitions = event_definitions.load(SAMPLE)
        traits = definitions.traits('compute.instance.create.end', {
            **document(instance_id='a1', vcpus=2, tenant_id='p1',
                       fixed_ips=[{'address': '10.0.0.5'}]),
            '_context_request_id': 'req-1'})
        self.assertEqual({'service': 'compute.host1', 'project_id': 'p1',
                          'request_id': 'req-1', 'instance_id': 'a1',
                          'host': 'compute.host1', 'vcpus': 2,
                          'fixed_ip': '10.0.0.5'}, traits)


class InvalidFileTest(testtools.TestCase):

    def assert_invalid(self, text: str, *expected: str) -> None:
        error = self.assertRaises(exceptions.InvalidConfiguration,
                                  event_definitions.parse, text, '/etc/x/defs.yaml')
        message = str(error)
        self.assertNotIn('\n', message)
        self.assertTrue(message.startswith(
            'Invalid event definitions file /etc/x/defs.yaml: '), message)
        for part in expected:
            self.assertIn(part, message)

    def test_yaml_errors_name_the_line(self):
        self.assert_invalid('- event_type: x\n  traits: {a: [\n', 'not valid YAML',
                            'line 3')

    def test_the_top_level_must_be_a_list(self):
        self.assert_invalid('event_type: x', 'must hold a list of definitions')

    def test_a_bad_definition_is_named_with_its_number_and_line(self):
        self.assert_invalid('- event_type: a\n- event_type: b\n  traits: 3\n',
                            'definition 2 (line 2)', 'traits must be a mapping')
        self.assert_invalid('- event_typ: a\n', 'definition 1 (line 1)',
                            'unknown key(s) event_typ')
        self.assert_invalid('- traits: {}\n', 'event_type must be a non-empty')
        self.assert_invalid('- event_type: []\n', 'event_type must be a non-empty')
        self.assert_invalid('- nope\n', 'a definition must be a mapping')

    def test_bad_traits_are_named(self):
        base = '- event_type: a\n  traits:\n    t: '
        self.assert_invalid(base + '{fields: p, type: bool}',
                            "trait t: type 'bool' is not one of string, int, "
                            "float, datetime")
        self.assert_invalid(base + '{type: int}', 'trait t: fields must be')
        self.assert_invalid(base + '{fields: [a, 3]}', 'trait t: fields must be')
        self.assert_invalid(base + '{fields: a, plugin: split}',
                            'trait t: unknown key(s) plugin',
                            'plugins are not supported')
        self.assert_invalid(base + '{fields: "payload..id"}',
                            "trait t: fields: 'payload..id' is not a dotted path")
        self.assert_invalid(base + 'payload.id', 'trait t: must be a mapping')

    def test_a_missing_file_is_named(self):
        path = os.path.join(self.useFixture(fixtures.TempDir()).path, 'none.yaml')
        error = self.assertRaises(exceptions.InvalidConfiguration,
                                  event_definitions.load, path)
        self.assertEqual(f'Invalid event definitions file {path}: No such file or '
                         f'directory', str(error))


class PathTest(testtools.TestCase):

    def test_paths_parse_into_keys_and_indexes(self):
        self.assertEqual(('payload', 'fixed_ips', 0, 'address'),
                         event_definitions.parse_path('payload.fixed_ips[0].address'))
        self.assertEqual(('payload', 'os-extended:host'),
                         event_definitions.parse_path('payload.os-extended:host'))
        for bad in ('', 'a.', 'a[x]', 'a]b'):
            self.assertRaises(ValueError, event_definitions.parse_path, bad)

    def test_resolve_stops_at_anything_missing(self):
        document = {'a': {'b': [1, {'c': 0}]}}
        self.assertEqual(0, event_definitions.resolve(document, ('a', 'b', 1, 'c')))
        self.assertIsNone(event_definitions.resolve(document, ('a', 'x', 'c')))
        self.assertIsNone(event_definitions.resolve(document, ('a', 'b', 5)))
        self.assertIsNone(event_definitions.resolve(document, ('a', 'b', 'c')))
