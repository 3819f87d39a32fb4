"""Problems found in a survey file: what, where, and what was expected.

Every problem names the file, sheet, row, column and the value as written, with
a Vietnamese message saying what is expected, so an officer can fix the cell
without asking anyone. Errors stop a file; warnings travel with the records.

Every reader of an uploaded file reports this way, not only the survey's: class
lists, attendance sheets and the ministry's figures raise ``ProblemsFound``
with their Problem rows, and every upload page shows them through one template
(templates/_problems.html; docs/uploads.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

ERROR = "error"
WARNING = "warning"

# Column order of a problems frame.
PROBLEM_SCHEMA: dict[str, pl.DataType] = {
    "severity": pl.String(),
    "code": pl.String(),  # stable identifier of the check, e.g. "birth_after_survey"
    "file": pl.String(),
    "sheet": pl.String(),
    "row": pl.Int32(),  # 1-based row as the officer sees it in the file
    "column": pl.String(),  # contract key, when the problem belongs to one column
    "header": pl.String(),  # the header as written in the file
    "value": pl.String(),  # the raw value as written
    "message": pl.String(),  # Vietnamese, says what is expected
}


@dataclass(frozen=True)
class Problem:
    """One problem not tied to a vectorised check (file structure, headers)."""

    severity: str
    code: str
    message: str
    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    header: str | None = None
    value: str | None = None


def frame(problems: list[Problem]) -> pl.DataFrame:
    """Problems as a frame in PROBLEM_SCHEMA column order."""
    return pl.DataFrame(
        [
            {
                "severity": p.severity,
                "code": p.code,
                "file": p.file,
                "sheet": p.sheet,
                "row": p.row,
                "column": p.column,
                "header": p.header,
                "value": p.value,
                "message": p.message,
            }
            for p in problems
        ],
        schema=PROBLEM_SCHEMA,
    )


def empty() -> pl.DataFrame:
    return pl.DataFrame(schema=PROBLEM_SCHEMA)


class ProblemsFound(Exception):
    """A file refused whole, with every problem found in it (at least one).

    The one way a reader of an upload reports what is wrong: the page lists
    ``problems`` and nothing of the file is kept. ``str()`` is the messages, one a
    line, for logs and the command line.
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        if not problems:
            raise ValueError("ProblemsFound needs a problem")
        super().__init__("\n".join(p.message for p in problems))
        self.problems = list(problems)


def refused(file: str, message: str, code: str = "refused") -> ProblemsFound:
    """A file refused for one reason that belongs to no cell (its size, its kind)."""
    return ProblemsFound([Problem(ERROR, code, message, file)])


class SurveyFileError(ProblemsFound):
    """A file that cannot be read as a survey at all (encoding, structure)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__([problem])
        self.problem = problem
