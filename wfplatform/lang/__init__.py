"""The workflow language: Mistral v2 YAML in, immutable specs out. Pure.

``parse_workflows(text)`` returns :class:`WorkflowSpec` s or raises
:class:`InvalidDefinition` listing every error with its line;
``validate_workflows(text)`` returns the errors as :class:`SpecError` s.
"""

from wfplatform.lang.errors import SpecError
from wfplatform.lang.parser import InvalidDefinition
from wfplatform.lang.parser import parse_workflows
from wfplatform.lang.parser import validate_workflows
from wfplatform.lang.specs import InputParam
from wfplatform.lang.specs import TaskSpec
from wfplatform.lang.specs import Transition
from wfplatform.lang.specs import WorkflowSpec

__all__ = ['InputParam', 'InvalidDefinition', 'SpecError', 'TaskSpec',
           'Transition', 'WorkflowSpec', 'parse_workflows', 'validate_workflows']
