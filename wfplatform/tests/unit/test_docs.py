"""The workflows in the user guide are valid: the docs cannot drift from the code."""

import pathlib
import re

import testtools
import yaml

from wfplatform import lang

USER_GUIDE = pathlib.Path(__file__).parents[3] / 'doc' / 'source' / 'user'
YAML_BLOCK = re.compile(r'\.\. code-block:: yaml\n\n((?: {3}.*\n|\n)+)')


def complete_workflows():
    """Each YAML block of the user guide that is a whole document (has a version)."""
    for page in sorted(USER_GUIDE.glob('*.rst')):
        for block in YAML_BLOCK.findall(page.read_text()):
            text = '\n'.join(line[3:] for line in block.split('\n'))
            if re.search(r'^version:', text, re.M):
                yield page.name, text


class UserGuideTest(testtools.TestCase):
    def test_the_guide_has_examples(self):
        self.assertGreaterEqual(len(list(complete_workflows())), 5)

    def test_every_complete_example_is_a_valid_workflow(self):
        for page, text in complete_workflows():
            errors = _validator(text)(text)
            if errors:
                problems = '\n'.join(str(error) for error in errors)
                self.fail(f'{page}: an example is not valid:\n{problems}\n{text}')


def _validator(text):
    """The validator for the kind of document ``text`` is.

    A workbook has a ``name``; an ad-hoc actions document has entries with a
    ``base``; anything else is a workflows document.
    """
    document = yaml.safe_load(text)
    if isinstance(document.get('name'), str):
        return lang.validate_workbook
    entries = [value for key, value in document.items() if key != 'version']
    if entries and all(isinstance(v, dict) and 'base' in v for v in entries):
        return lang.validate_actions
    return lang.validate_workflows
