"""An action written the way Mistral's action packages write them.

It would subclass ``mistral_lib.actions.Action``; it does not import mistral-lib
here only to keep the example free of dependencies. wfplatform finds it in the
``mistral.actions`` entry-point namespace and passes it a mistral-lib context
(``context.security``, ``context.execution``).
"""


class CountWordsAction:
    """Counts the words of ``text``; says which workflow asked."""

    def __init__(self, text, separator=None):
        self.text = text
        self.separator = separator

    def run(self, context):
        return {'words': len(self.text.split(self.separator)),
                'workflow': context.execution.workflow_name}

    def is_sync(self):
        return True
