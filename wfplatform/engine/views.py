"""Builds the kernel's read-only view of an execution from database records."""

import collections
import dataclasses
import threading
from typing import Any, Mapping

from wfplatform.lang import specs
from wfplatform.workflow import view as wf_view


class SpecCache:
    """Parsed specs by execution id: an execution's spec never changes.

    Parsing the stored spec on every event would cost more than the event itself;
    the cache is bounded and shared by the engine's threads.
    """

    def __init__(self, size: int = 2048) -> None:
        self._size = size
        self._specs: collections.OrderedDict[str, specs.WorkflowSpec] = (
            collections.OrderedDict())
        self._lock = threading.Lock()

    def get(self, execution_id: str,
            spec_data: Mapping[str, Any]) -> specs.WorkflowSpec:
        with self._lock:
            spec = self._specs.get(execution_id)
            if spec is not None:
                self._specs.move_to_end(execution_id)
                return spec
        spec = specs.WorkflowSpec.from_dict(spec_data)
        with self._lock:
            self._specs[execution_id] = spec
            if len(self._specs) > self._size:
                self._specs.popitem(last=False)
        return spec


def task_view(record: Mapping[str, Any]) -> wf_view.TaskView:
    """A task with its data, from a full task execution record."""
    return dataclasses.replace(
        task_summary(record), in_context=record.get('in_context') or {},
        result=record.get('result'), published=record.get('published') or {},
        loaded=True)


def task_summary(record: Mapping[str, Any]) -> wf_view.TaskView:
    """A task without its data, from a summary record (``list_summaries``)."""
    runtime = dict(record.get('runtime_context') or {})
    next_tasks = tuple(runtime.pop('next_tasks', ()))
    return wf_view.TaskView(
        id=record['id'], name=record['name'], state=record['state'],
        state_info=record.get('state_info'), next_tasks=next_tasks, loaded=False,
        type=record.get('type') or 'ACTION', runtime=runtime)


def workflow_view(record: Mapping[str, Any], spec: specs.WorkflowSpec,
                  tasks: tuple[wf_view.TaskView, ...]) -> wf_view.WorkflowView:
    created_at = record.get('created_at')
    return wf_view.WorkflowView(
        id=record['id'], name=record['name'], spec=spec, state=record['state'],
        input=record.get('input') or {}, params=record.get('params') or {},
        context=record.get('context') or {}, tasks=tasks,
        created_at=str(created_at) if created_at else None,
        global_context=(record.get('runtime_context') or {}).get('globals') or {})


def with_loaded(view: wf_view.WorkflowView,
                records: list[dict[str, Any]]) -> wf_view.WorkflowView:
    """The view with these tasks' data filled in."""
    for record in records:
        view = view.replace_task(task_view(record))
    return view
