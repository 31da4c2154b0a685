"""The kernel: pure workflow logic, fed snapshots and events, returning commands.

It imports nothing from the database, RPC, API or configuration layers, so it runs
and is tested without any of them.
"""

from wfplatform.workflow import commands
from wfplatform.workflow import direct
from wfplatform.workflow import view as wf_view


def next_commands(view: wf_view.WorkflowView,
                  event: commands.Event) -> list[commands.Command]:
    """The commands that move the execution on after ``event``."""
    return direct.next_commands(view, event)
