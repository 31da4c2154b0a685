"""Validation errors with the place they were found.

Parsers never stop at the first problem: they report to an :class:`ErrorLog` and
carry on, so a user sees every mistake in a definition at once, each with the
line it is on.
"""

import dataclasses
from typing import Any, Mapping

Path = tuple[Any, ...]
"""Keys and list indexes from the document root to a value."""


@dataclasses.dataclass(frozen=True)
class SpecError:
    """One problem in a definition: where it is and what is wrong."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        place = f'line {self.line}: ' if self.line is not None else ''
        where = f'{self.path}: ' if self.path else ''
        return f'{place}{where}{self.message}'


def format_path(path: Path) -> str:
    """``('wf', 'input', 1)`` → ``'wf.input[1]'``."""
    text = ''
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool):
            text += f'[{part}]'
        else:
            text += f'.{part}' if text else str(part)
    return text


class ErrorLog:
    """Collects :class:`SpecError` s, finding each one's line from its path."""

    def __init__(self, lines: Mapping[Path, int]) -> None:
        self._lines = lines
        self._errors: list[SpecError] = []

    def add(self, path: Path, message: str, line: int | None = None) -> None:
        """Record a problem at ``path``; ``line`` overrides the line of the path."""
        self._errors.append(SpecError(
            format_path(path), line if line is not None else self.line_of(path),
            message))

    def line_of(self, path: Path) -> int | None:
        """The line of ``path`` or, when it is not in the text, of its parent."""
        for end in range(len(path), 0, -1):
            line = self._lines.get(path[:end])
            if line is not None:
                return line
        return None

    @property
    def errors(self) -> list[SpecError]:
        """Errors in line order (errors without a line last), ties as reported."""
        return sorted(self._errors, key=lambda error: (
            error.line is None, error.line or 0))
