"""Workbooks: workflows and actions under one name, every error at once."""

import textwrap

import testtools

from wfplatform import exceptions
from wfplatform import lang

WORKBOOK = """\
version: '2.0'
name: deploy
description: Deploys the app.
tags: [ops, prod]
workflows:
  main:
    input: [host]
    tasks:
      notify:
        action: say text=<% $.host %>
  cleanup:
    tasks:
      t:
        action: std.noop
actions:
  say:
    base: std.echo output=<% $.text %>
    input: [text]
"""


def errors_of(text: str) -> list[tuple[int | None, str, str]]:
    """(line, path, message) of each error in ``text``."""
    return [(error.line, error.path, error.message)
            for error in lang.validate_workbook(textwrap.dedent(text).lstrip())]


class ParseWorkbookTest(testtools.TestCase):

    def test_full_workbook(self):
        workbook = lang.parse_workbook(WORKBOOK)
        self.assertIsInstance(workbook, lang.WorkbookSpec)
        self.assertEqual('deploy', workbook.name)
        self.assertEqual('Deploys the app.', workbook.description)
        self.assertEqual(('ops', 'prod'), workbook.tags)
        self.assertEqual(['main', 'cleanup'], [wf.name for wf in workbook.workflows])
        self.assertEqual('say', workbook.workflows[0].tasks['notify'].action)
        [action] = workbook.actions
        self.assertEqual(('say', 'std.echo', {'output': '<% $.text %>'}),
                         (action.name, action.base, action.base_input))
        self.assertEqual([], lang.validate_workbook(WORKBOOK))

    def test_workflows_and_actions_are_optional(self):
        workbook = lang.parse_workbook("version: '2.0'\nname: empty\n")
        self.assertEqual(((), ()), (workbook.workflows, workbook.actions))

    def test_raises_invalid_definition(self):
        error = self.assertRaises(exceptions.InvalidDefinition, lang.parse_workbook,
                                  "version: '2.0'\n")
        self.assertEqual(400, error.http_code)
        self.assertEqual("Invalid workbook definition:\n  line 1: 'name' is required",
                         str(error))


class WorkbookErrorsTest(testtools.TestCase):

    def test_errors_of_the_workbook_its_workflows_and_actions_at_once(self):
        self.assertEqual([
            (1, 'version', "unsupported version string '3.0'; use '2.0'"),
            (2, 'name', "workbook name 'my book' must not contain whitespace, '=' "
                        'or parentheses'),
            (3, 'tags', 'must be a list of strings, not string \'x\''),
            (4, 'triggers', "unknown key 'triggers'; allowed keys are: actions, "
                            'description, name, tags, version, workflows'),
            (6, 'workflows.wf', "'tasks' is required"),
            (9, 'actions.a', "'base' is required: the action this one runs"),
        ], errors_of("""
            version: '3.0'
            name: my book
            tags: x
            triggers: {}
            workflows:
              wf:
                input: [a]
            actions:
              a:
                input: [b]
            """))

    def test_name_is_required_and_not_a_uuid(self):
        self.assertEqual([(1, '', "'name' is required")],
                         errors_of("version: '2.0'\nworkflows: {}"))
        self.assertEqual(
            [(2, 'name', 'workbook name must not look like a UUID; UUIDs identify '
                         'workbooks by id')],
            errors_of("version: '2.0'\nname: 0b2a6a5e-8c4b-4c55-9d55-2d7cbbd0d4d1"))

    def test_sections_must_be_mappings(self):
        self.assertEqual([
            (3, 'workflows', 'must be a mapping, not a list'),
            (4, 'actions', "must be a mapping, not string 'x'"),
        ], errors_of("""
            version: '2.0'
            name: wb
            workflows: [a]
            actions: x
            """))

    def test_full_names_must_fit(self):
        name = 'w' * 250
        [(line, path, message)] = errors_of(
            f"version: '2.0'\nname: {name}\nactions:\n  action:\n    base: "
            'std.noop\n')
        self.assertEqual((4, 'actions.action'), (line, path))
        self.assertIn('is longer than 255 characters', message)

    def test_document_errors(self):
        self.assertEqual([(1, '', 'the definition is empty')], errors_of(''))
        self.assertEqual(
            [(1, '', 'the definition must be a mapping of workbook keys, not a '
                     'list')], errors_of('- a'))
