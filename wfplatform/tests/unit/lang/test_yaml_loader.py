"""Loading YAML with line numbers, without aliases, duplicates or odd keys."""

import testtools

from wfplatform.lang import yaml_loader


class YamlLoaderTest(testtools.TestCase):

    def test_lines_of_keys_and_items(self):
        document = yaml_loader.load('a:\n  b: 1\n  c:\n    - x\n    - {d: 2}\n')
        self.assertEqual({'a': {'b': 1, 'c': ['x', {'d': 2}]}}, document.data)
        self.assertEqual({('a',): 1, ('a', 'b'): 2, ('a', 'c'): 3, ('a', 'c', 0): 4,
                          ('a', 'c', 1): 5, ('a', 'c', 1, 'd'): 5}, document.lines)
        self.assertEqual((), document.problems)

    def test_duplicate_and_complex_keys_are_problems(self):
        document = yaml_loader.load('a: 1\nb: 2\na: 3\n? [x]\n: 4\n')
        self.assertEqual({'a': 1, 'b': 2}, document.data)
        self.assertEqual(
            ((('a',), 3, "duplicate key 'a' (first on line 1)"),
             ((), 4, 'keys must be plain values, not lists or mappings')),
            document.problems)

    def test_merge_keys_are_problems(self):
        document = yaml_loader.load('a:\n  <<: {b: 1}\n')
        self.assertEqual(((('a',), 2, "merge keys ('<<') are not allowed"),),
                         document.problems)

    def test_aliases_and_anchors_are_refused(self):
        error = self.assertRaises(yaml_loader.YamlSyntaxError, yaml_loader.load,
                                  'a: 1\nb: &x 2\nc: *x\n')
        self.assertEqual(2, error.line)
        self.assertIn('anchors and aliases are not allowed', error.message)

    def test_python_tags_are_refused(self):
        error = self.assertRaises(yaml_loader.YamlSyntaxError, yaml_loader.load,
                                  'a: !!python/object/apply:os.system [ls]\n')
        self.assertEqual(1, error.line)

    def test_several_documents_are_refused(self):
        error = self.assertRaises(yaml_loader.YamlSyntaxError, yaml_loader.load,
                                  'a: 1\n---\nb: 2\n')
        self.assertEqual(2, error.line)
        self.assertIn('expected a single document', error.message)

    def test_timestamps_stay_text(self):
        self.assertEqual({'when': '2024-01-02 03:04:05'},
                         yaml_loader.load('when: 2024-01-02 03:04:05\n').data)

    def test_empty_document(self):
        self.assertIsNone(yaml_loader.load('').data)
