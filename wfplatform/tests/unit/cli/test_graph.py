"""The task graph of a workflow, from its spec: text and DOT."""

import testtools

from wfplatform.cli import graph
from wfplatform import lang

DIRECT = """
version: '2.0'
deploy:
  tasks:
    create:
      action: std.echo output=1
      on-success:
        - configure
        - notify: <% $.notify = true %>
      on-error:
        - cleanup
        - fail msg="create failed"
    configure:
      workflow: configure_server
      on-complete: finish
    notify:
      action: std.noop
      on-complete: [finish]
    cleanup:
      action: std.noop
      on-skip: finish
    finish:
      join: all
      action: std.noop
"""

REVERSE = """
version: '2.0'
build:
  type: reverse
  tasks:
    fetch:
      action: std.noop
    compile:
      action: std.noop
      requires: [fetch]
    test:
      action: std.noop
      with-items: x in <% [1, 2] %>
      requires: [compile, fetch]
"""


def build(text):
    return graph.build(lang.parse_workflows(text)[0])


class DirectGraphTest(testtools.TestCase):
    def test_edges_carry_their_kind_and_condition(self):
        edges = {(e.source, e.target, e.kind, e.condition)
                 for e in build(DIRECT).edges}
        self.assertEqual({
            ('create', 'configure', 'on-success', None),
            ('create', 'notify', 'on-success', '<% $.notify = true %>'),
            ('create', 'cleanup', 'on-error', None),
            ('create', 'create/fail', 'on-error', None),
            ('configure', 'finish', 'on-complete', None),
            ('notify', 'finish', 'on-complete', None),
            ('cleanup', 'finish', 'on-skip', None)}, edges)

    def test_nodes_show_start_join_and_engine_commands(self):
        nodes = {node.id: node for node in build(DIRECT).nodes}
        self.assertEqual(['create'], [n for n, node in nodes.items() if node.start])
        self.assertEqual('all', nodes['finish'].join)
        self.assertEqual('workflow: configure_server', nodes['configure'].detail)
        self.assertTrue(nodes['create/fail'].command)
        self.assertEqual('fail', nodes['create/fail'].label)

    def test_text(self):
        self.assertEqual(
            "workflow deploy (direct)\n"
            "start: create\n"
            "\n"
            "create  [std.echo]\n"
            "  on-success -> configure\n"
            "  on-success -> notify  when <% $.notify = true %>\n"
            "  on-error -> cleanup\n"
            "  on-error -> fail (engine command)\n"
            "\n"
            "configure  [workflow: configure_server]\n"
            "  on-complete -> finish\n"
            "\n"
            "notify  [std.noop]\n"
            "  on-complete -> finish\n"
            "\n"
            "cleanup  [std.noop]\n"
            "  on-skip -> finish\n"
            "\n"
            "finish  [std.noop]\n"
            "  join: all\n", graph.to_text(build(DIRECT)))

    def test_dot(self):
        dot = graph.to_dot(build(DIRECT))
        self.assertTrue(dot.startswith('digraph "deploy" {\n'))
        self.assertTrue(dot.endswith('}\n'))
        self.assertIn('  "create" [label="create\\nstd.echo", style="bold"];', dot)
        self.assertIn('  "finish" [label="finish\\nstd.noop\\njoin: all", '
                      'shape="diamond"];', dot)
        self.assertIn('  "create/fail" [label="fail", shape="octagon"];', dot)
        self.assertIn('  "create" -> "notify" [label="on-success\\n'
                      '<% $.notify = true %>", color="darkgreen"];', dot)
        self.assertIn('  "create" -> "cleanup" [label="on-error", color="red3"];',
                      dot)
        self.assertIn('  "cleanup" -> "finish" [label="on-skip", color="gray50", '
                      'style="dotted"];', dot)

    def test_dot_quotes_what_it_must(self):
        self.assertEqual('"a \\"b\\" \\\\ c\\nd"', graph._quote('a "b" \\ c\nd'))


class ReverseGraphTest(testtools.TestCase):
    def test_requires_are_edges_from_the_required_task(self):
        built = build(REVERSE)
        self.assertEqual('reverse', built.type)
        self.assertEqual([('fetch', 'compile', 'requires'),
                          ('compile', 'test', 'requires'),
                          ('fetch', 'test', 'requires')],
                         [(e.source, e.target, e.kind) for e in built.edges])
        self.assertEqual(['fetch'], [n.id for n in built.nodes if n.start])

    def test_text_and_dot(self):
        text = graph.to_text(build(REVERSE))
        self.assertIn('fetch  [std.noop]\n  requires -> compile\n  requires -> test',
                      text)
        self.assertIn('test  [std.noop (with-items)]', text)
        self.assertIn('"compile" -> "test" [label="requires", style="dashed"];',
                      graph.to_dot(build(REVERSE)))
