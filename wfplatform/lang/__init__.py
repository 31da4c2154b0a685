"""The workflow language: Mistral v2 YAML in, immutable specs out. Pure.

``parse_workflows(text)`` returns :class:`WorkflowSpec` s or raises
:class:`InvalidDefinition` listing every error with its line;
``validate_workflows(text)`` returns the errors as :class:`SpecError` s.
``parse_actions`` / ``validate_actions`` and ``parse_workbook`` /
``validate_workbook`` do the same for ad-hoc actions and workbooks.
"""

from wfplatform.lang.actions import parse_actions
from wfplatform.lang.actions import validate_actions
from wfplatform.lang.errors import SpecError
from wfplatform.lang.parser import InvalidDefinition
from wfplatform.lang.parser import parse_workflows
from wfplatform.lang.parser import validate_workflows
from wfplatform.lang.specs import ActionSpec
from wfplatform.lang.specs import InputParam
from wfplatform.lang.specs import TaskSpec
from wfplatform.lang.specs import Transition
from wfplatform.lang.specs import WorkbookSpec
from wfplatform.lang.specs import WorkflowSpec
from wfplatform.lang.workbooks import parse_workbook
from wfplatform.lang.workbooks import validate_workbook

__all__ = ['InputParam', 'InvalidDefinition', 'SpecError', 'TaskSpec',
           'Transition', 'WorkflowSpec', 'parse_workflows', 'validate_workflows']
__all__ += ['ActionSpec', 'WorkbookSpec', 'parse_actions', 'parse_workbook',
            'validate_actions', 'validate_workbook']
