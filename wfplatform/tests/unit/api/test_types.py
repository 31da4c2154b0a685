"""Wire encodings on their own."""

import datetime
import json

import testtools

from wfplatform.api.types import common
from wfplatform.api.types import executions
from wfplatform.api.types import workflows
from wfplatform.lang import specs


class TestCommon(testtools.TestCase):

    def test_timestamp_from_datetime_and_from_rpc_text(self):
        moment = datetime.datetime(2024, 1, 2, 3, 4, 5, 600000)
        self.assertEqual('2024-01-02 03:04:05', common.timestamp(moment))
        self.assertEqual('2024-01-02 03:04:05',
                         common.timestamp('2024-01-02T03:04:05.600000'))
        self.assertIsNone(common.timestamp(None))

    def test_json_text(self):
        self.assertEqual('{"a": [1, null]}', common.json_text({'a': [1, None]}))
        self.assertEqual('{}', common.json_text({}))
        self.assertIsNone(common.json_text(None))

    def test_build_leaves_out_unread_columns(self):
        record = {'id': 'x', 'name': 'wf'}
        self.assertEqual({'id': 'x', 'workflow_name': 'wf'},
                         executions.to_wire(record))

    def test_project_keeps_id(self):
        wire = {'id': 'x', 'a': 1, 'b': 2}
        self.assertEqual({'id': 'x', 'b': 2}, common.project(wire, ['b']))
        self.assertIs(wire, common.project(wire, []))


class TestWorkflowEncodings(testtools.TestCase):

    def spec(self, **values):
        return specs.WorkflowSpec(name='wf', **values)

    def test_input_text_prints_defaults_like_mistral(self):
        spec = self.spec(input=(
            specs.InputParam('a'), specs.InputParam('b', True, None),
            specs.InputParam('c', True, 'text'), specs.InputParam('d', True, 1),
            specs.InputParam('e', True, {'k': True})))
        self.assertEqual("a, b=None, c=text, d=1, e={'k': True}",
                         workflows.input_text(spec))
        self.assertEqual('', workflows.input_text(self.spec()))

    def test_interface_lists_inputs_and_output_names(self):
        spec = self.spec(input=(specs.InputParam('a'), specs.InputParam('b', True, 2)),
                         output={'x': '<% $.x %>', 'y': 1})
        wire = workflows.to_wire({'spec': spec.to_dict()})
        self.assertEqual({'input': ['a', {'b': 2}], 'output': ['x', 'y']},
                         json.loads(wire['interface']))

    def test_interface_of_an_expression_output_has_no_names(self):
        wire = workflows.to_wire({'spec': self.spec(output='<% $ %>').to_dict()})
        self.assertEqual({'input': [], 'output': []}, json.loads(wire['interface']))

    def test_definitions_of_a_multi_workflow_document(self):
        text = "version: '2.0'\na:\n  tasks: {t: {action: std.noop}}\nb:\n  tasks: {}\n"
        texts = workflows.definitions(
            text, [specs.WorkflowSpec(name='a'), specs.WorkflowSpec(name='b')])
        self.assertEqual("version: '2.0'\nb:\n  tasks: {}\n", texts[1])
        self.assertIn('a:\n', texts[0])
        self.assertNotIn('b:', texts[0])
        self.assertEqual([text], workflows.definitions(text, [self.spec()]))
