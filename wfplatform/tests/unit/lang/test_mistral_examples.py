"""Workflows written for Mistral parse unchanged.

Examples from Mistral's workflow-language reference and its own tests, and
public workflows written for Mistral (Civis Analytics' examples).
"""

import textwrap

import testtools

from wfplatform import lang
from wfplatform.lang import specs

POLICIES = """
---
version: '2.0'

wf:
  tasks:
    my_task:
      action: my_action
      pause-before: true
      wait-before: 2
      wait-after: 4
      timeout: 30
      retry:
        count: 10
        delay: 20
        break-on: <% $.my_var = true %>
        continue-on: <% $.my_var = false %>
    task1:
      action: my_action
      retry: count=10 delay=5 break-on=<% $.foo = 'bar' %>
"""

REVERSE = """
---
version: '2.0'

create_vm_and_send_email:
  type: reverse

  input:
    - vm_name
    - image_id
    - flavor_id

  output:
    result: <% $.vm_id %>

  tasks:
    create_vm:
      action: nova.servers_create name=<% $.vm_name %> image=<% $.image_id %> flavor=<% $.flavor_id %>
      publish:
        vm_id: <% task(create_vm).result.id %>

    search_for_ip:
      action: nova.floating_ips_findall instance_id=null
      publish:
        vm_ip: <% task(search_for_ip).result[0].ip %>

    associate_ip:
      action: nova.servers_add_floating_ip server=<% $.vm_id %> address=<% $.vm_ip %>
      requires: [search_for_ip]

    send_email:
      action: send_email to='admin@mysite.org' body='Vm is created and id <% $.vm_id %> and ip address <% $.vm_ip %>'
      requires: [create_vm, associate_ip]
"""  # noqa: E501 (as written in Mistral's reference)

WITH_ITEMS = """
---
version: '2.0'

create_vms:
  description: Creating multiple virtual servers using "with-items".

  input:
    - vm_names
    - image_ref
    - flavor_ref

  output:
    vm_ids: <% $.vm_ids %>

  tasks:
    create_servers:
      with-items: vm_name in <% $.vm_names %>
      action: nova.servers_create name=<% $.vm_name %> image=<% $.image_ref %> flavor=<% $.flavor_ref %>
      publish:
        vm_ids: <% task(create_servers).result.id %>
      on-success:
        - wait_for_servers

    wait_for_servers:
      with-items: vm_id in <% $.vm_ids %>
      action: nova.servers_find id=<% $.vm_id %> status='ACTIVE'
      retry:
        delay: 5
        count: <% $.vm_names.len() * 10 %>
"""  # noqa: E501 (as written in Mistral's reference)

TASK_DEFAULTS = """
---
version: '2.0'

wf:
  type: direct

  task-defaults:
    on-error:
      - task3

  tasks:
    task1:
      description: That should lead to transition to task3.
      action: std.http url="http://some_url"
      on-success:
        - task2

    task2:
      action: std.echo output="Morpheus"

    task3:
      action: std.echo output="output"
"""

ADVANCED_PUBLISH = """
---
version: '2.0'

wf:
  tasks:
    A:
      action: std.noop
      on-success:
        publish:
          branch:
            my_var: "branch value"
          global:
            my_var: "global value"
        next: A1

    A1:
      action: my_action1 param1=<% $.my_var %> param2=<% global(my_var) %>

    B:
      action: my_action2 param1=<% global(my_var) %>
"""

CIVIS_TASK_DEFAULTS = """
version: '2.0'  # you always need this key to specify version 2 of the mistral DSL
workflow:
  task-defaults:
    # Timeout between tasks (successful or not) in seconds
    timeout: 6
    retry:
      count: 1
      # Delay between retries in seconds
      delay: 5

  tasks:
    retry_this_job:
      action: civis.scripts.python3
      input:
        source: |
          print('It worked this time!')

    retry_this_job_override:
      action: civis.scripts.python3
      # We can override a default value
      retry:
        delay: 30
      input:
        source: |
          print('It worked this time!')
"""

CIVIS_WITH_ITEMS = """
version: '2.0'  # you always need this key to specify version 2 of the mistral DSL
workflow:
  input:
    # The collection referenced with YAQL should be under input
    - things:
      - foo
      - bar
      - spam

  tasks:
    foo_bar_spam:
      action: civis.scripts.python3
      with-items: thing in <% $.things %>
      input:
        source: |
          print(<% $.thing %>)
"""


def parse(text: str) -> specs.WorkflowSpec:
    [workflow] = lang.parse_workflows(textwrap.dedent(text))
    return workflow


class MistralReferenceTest(testtools.TestCase):

    def test_policies(self):
        tasks = parse(POLICIES).tasks
        my_task = tasks['my_task']
        self.assertEqual(
            (True, 2, 4, 30), (my_task.pause_before, my_task.wait_before,
                               my_task.wait_after, my_task.timeout))
        self.assertEqual(specs.Retry(10, 20, '<% $.my_var = true %>',
                                     '<% $.my_var = false %>'), my_task.retry)
        self.assertEqual(specs.Retry(10, 5, "<% $.foo = 'bar' %>"),
                         tasks['task1'].retry)

    def test_reverse_workflow(self):
        workflow = parse(REVERSE)
        self.assertEqual('reverse', workflow.type)
        self.assertEqual(('create_vm', 'associate_ip'),
                         workflow.tasks['send_email'].requires)
        self.assertEqual(('search_for_ip',), workflow.tasks['associate_ip'].requires)

    def test_with_items(self):
        tasks = parse(WITH_ITEMS).tasks
        self.assertEqual((specs.WithItems('vm_name', '<% $.vm_names %>'),),
                         tasks['create_servers'].with_items)
        wait = tasks['wait_for_servers']
        self.assertEqual((specs.WithItems('vm_id', '<% $.vm_ids %>'),),
                         wait.with_items)
        self.assertEqual(specs.Retry('<% $.vm_names.len() * 10 %>', 5), wait.retry)

    def test_task_defaults(self):
        tasks = parse(TASK_DEFAULTS).tasks
        self.assertEqual((specs.Transition('task3'),), tasks['task1'].on_error)
        self.assertEqual((specs.Transition('task3'),), tasks['task2'].on_error)
        self.assertEqual((), tasks['task3'].on_error)

    def test_advanced_publish(self):
        a = parse(ADVANCED_PUBLISH).tasks['A']
        self.assertEqual(specs.Publish({'my_var': 'branch value'},
                                       {'my_var': 'global value'}), a.publish)
        self.assertEqual((specs.Transition('A1'),), a.on_success)


class PublicWorkflowsTest(testtools.TestCase):

    def test_with_items_over_an_input_default(self):
        task = parse(CIVIS_WITH_ITEMS).tasks['foo_bar_spam']
        self.assertEqual((specs.WithItems('thing', '<% $.things %>'),),
                         task.with_items)

    def test_task_defaults_and_a_retry_without_count(self):
        # Mistral's schema requires both count and delay, so the override is
        # refused there too; the inheriting task gets every default.
        text = textwrap.dedent(CIVIS_TASK_DEFAULTS)
        self.assertEqual(
            [(22, 'workflow.tasks.retry_this_job_override.retry',
              "retry needs 'count' and 'delay' (as in Mistral); missing: count")],
            [(e.line, e.path, e.message) for e in lang.validate_workflows(text)])
        fixed = parse(text.replace('delay: 30', 'delay: 30\n        count: 1'))
        task = fixed.tasks['retry_this_job']
        self.assertEqual((specs.Retry(1, 5), 6), (task.retry, task.timeout))
        override = fixed.tasks['retry_this_job_override']
        self.assertEqual((specs.Retry(1, 30), 6), (override.retry, override.timeout))
