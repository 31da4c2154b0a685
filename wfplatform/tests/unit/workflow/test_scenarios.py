"""Every scenario under ``scenarios/`` run through the pure kernel, one test each.

Test methods are generated from the files (``test_<group>__<name>``), so a failure
names its scenario. Each test loads its own file when it runs: a malformed file
fails its own test, naming the file and the key, and nothing else.
"""

import os
import pathlib

import fixtures
import testtools

from wfplatform.tests.unit.workflow import scenario

MINIMUM_SCENARIOS = 100
"""Raised as the corpus grows; the issue asks for 150 in the end."""

STANDARD_PARAMETERS = {'std.echo': {'output'}, 'std.noop': set(), 'std.fail': set()}
"""Parameters scenarios may give the standard actions. The simulator takes any
input, the executor refuses unknown parameters; and the simulator's std.fail
ignores ``error_data``, which the real one returns as the error."""


class ScenarioTest(testtools.TestCase):
    """One generated test per scenario file (see the loop below the class)."""


def _test_for(path: pathlib.Path):
    def test(self):
        loaded = scenario.load(path)
        observed, _ = scenario.run_in_kernel(loaded)
        problems = scenario.mismatches(loaded, observed)
        if problems:
            self.fail(scenario.failure_report(loaded, problems))
    test.__doc__ = f'Scenario {scenario.scenario_name(path)}.'
    return test


for _path in scenario.discover():
    setattr(ScenarioTest, scenario.test_name(_path), _test_for(_path))


class CorpusTest(testtools.TestCase):
    """The corpus itself: big enough, well named, and no file checks too little."""

    def test_the_corpus_is_big_enough(self):
        self.assertGreaterEqual(len(scenario.discover()), MINIMUM_SCENARIOS)

    def test_every_scenario_expects_a_state_and_something_more(self):
        for path in scenario.discover():
            expect = scenario.load(path).expect
            if 'error' in expect:
                self.assertIn('message', expect, path)
                continue
            self.assertIn('state', expect, path)
            self.assertTrue(set(expect) & scenario.RUN_EXPECTATIONS, path)

    def test_standard_actions_get_only_their_real_parameters(self):
        for path in scenario.discover():
            _, run = scenario.run_in_kernel(scenario.load(path))
            for name, runs in (run.inputs.items() if run else ()):
                allowed = STANDARD_PARAMETERS.get(run.view.spec.tasks[name].action)
                for action_input in runs if allowed is not None else ():
                    self.assertLessEqual(set(action_input), allowed,
                                         f'{path}: task {name}')

    def test_file_names_make_test_names(self):
        for path in scenario.discover():
            for part in path.relative_to(scenario.SCENARIOS_DIR).with_suffix('').parts:
                self.assertRegex(part, r'^[a-z][a-z0-9_]*$', path)

    def test_no_scenario_hides_under_another_extension(self):
        for directory, _, files in os.walk(scenario.SCENARIOS_DIR):
            for name in files:
                self.assertIn(pathlib.Path(name).suffix, ('.yaml', '.rst'),
                              os.path.join(directory, name))

    def test_scenario_names_are_unique(self):
        names = [scenario.test_name(p) for p in scenario.discover()]
        self.assertEqual(len(names), len(set(names)))


VALID = """
description: A valid scenario.
workflow: |
  version: '2.0'
  wf:
    tasks:
      t1:
        action: std.echo output=1
expect:
  state: SUCCESS
  order: [t1]
"""


class FormatTest(testtools.TestCase):
    """The runner refuses what would make a scenario check less than it says."""

    def _load(self, text):
        directory = pathlib.Path(self.useFixture(fixtures.TempDir()).path)
        path = directory / 'group' / 'case.yaml'
        path.parent.mkdir()
        path.write_text(text)
        return scenario.load(path, root=directory)

    def _refused(self, text, *fragments):
        error = self.assertRaises(scenario.FormatError, self._load, text)
        self.assertIn('case.yaml', str(error))
        for fragment in fragments:
            self.assertIn(fragment, str(error))

    def test_a_valid_scenario_loads(self):
        loaded = self._load(VALID)
        self.assertEqual('group/case', loaded.name)
        self.assertFalse(loaded.needs_script)

    def test_unknown_top_level_key(self):
        self._refused(VALID + 'inputs: {}\n', "unknown key 'inputs'")

    def test_unknown_expect_key(self):
        self._refused(VALID + '  ouput: {}\n', "unknown key 'ouput'", 'expect')

    def test_duplicate_key(self):
        self._refused(VALID + '  order: [t1, t1]\n', "duplicate key 'order'")

    def test_state_alone_checks_too_little(self):
        self._refused(VALID.replace('  order: [t1]\n', ''), 'checks only the state')

    def test_unknown_task_name(self):
        self._refused(VALID.replace('[t1]', '[t2]'), "'t2'", 'not a task')

    def test_unknown_state(self):
        self._refused(VALID.replace('SUCCESS', 'SUCCEEDED'), 'SUCCEEDED')

    def test_scripted_result_needs_result_or_error(self):
        self._refused(VALID + 'actions:\n  t1:\n    - {reslt: 2}\n', "'reslt'")
        self._refused(VALID + 'actions:\n  t1:\n    - {delay: 2}\n', 'exactly one')

    def test_refusal_takes_error_and_message_only(self):
        self._refused(VALID.replace('state: SUCCESS', 'error: InvalidInput'),
                      "'order'")
        self._refused(VALID.replace('state: SUCCESS', 'error: NoSuchError')
                      .replace('  order: [t1]\n', '  message: x\n'), 'NoSuchError')

    def test_an_unused_scripted_result_is_a_mismatch(self):
        loaded = self._load(VALID + 'actions:\n  t1:\n    - {result: 1}\n'
                                    '    - {result: 2}\n')
        observed, _ = scenario.run_in_kernel(loaded)
        self.assertEqual(["scripted results never used: {'t1': 1}"],
                         scenario.mismatches(loaded, observed))

    def test_a_delay_holds_the_result_back_on_the_virtual_clock(self):
        loaded = self._load(VALID + 'actions:\n  t1:\n    - {result: 1, delay: 3}\n')
        _, run = scenario.run_in_kernel(loaded)
        self.assertEqual(3, run.clock)

    def test_a_negative_delay_is_refused(self):
        self._refused(VALID + 'actions:\n  t1:\n    - {result: 1, delay: -1}\n',
                      'delay')
