"""Errors that cross layer boundaries.

Each error knows the HTTP status it maps to, so the API turns any of them into a
Mistral-style fault body without a lookup table of its own. Messages are written for
the person who sent the request: they name the field or the object at fault.
"""


class WfplatformError(Exception):
    """Base of every error wfplatform raises on purpose."""

    http_code = 500

    def __init__(self, message: str = '') -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InvalidInput(WfplatformError):
    """The request itself is malformed: a bad field, value or body."""

    http_code = 400


class InvalidDefinition(InvalidInput):
    """A workflow, workbook or action definition failed validation."""


class NotFound(WfplatformError):
    """The named object does not exist or is not visible to the caller."""

    http_code = 404


class Duplicate(WfplatformError):
    """An object with the same unique key already exists."""

    http_code = 409


class Conflict(WfplatformError):
    """The object is in a state that does not allow the request."""

    http_code = 409


class InvalidStateTransition(Conflict):
    """A state change that the state machine does not allow."""


class NotAuthorized(WfplatformError):
    http_code = 401


class Forbidden(WfplatformError):
    http_code = 403


class ServiceUnavailable(WfplatformError):
    """A service this request needs did not answer (503); retrying may work."""

    http_code = 503


class InvalidConfiguration(WfplatformError):
    """A configuration file is missing or cannot be read."""


class SchemaNotCurrent(WfplatformError):
    """The database schema is not at the revision this code expects."""


class ActionError(WfplatformError):
    """An action failed; the message becomes the task's error result."""
